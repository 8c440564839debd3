//! Words as the search index and related publications see them: folded, split, filtered and
//! stemmed; and a page's profile, its most frequent terms, from which the render stage
//! chooses related publications (the search index, made after rendering, analyses every
//! word again with positions of its own).
//!
//! The browser does exactly the same to a query (static/js/search.js), so these rules are a
//! contract between the two: lower case; accents removed (Unicode NFD, combining marks
//! dropped); apostrophes removed inside words (`district's` → `districts`); a token is a run
//! of letters and digits; one-letter tokens other than digits and the stopwords (sent to the
//! browser in the index manifest) are not indexed; what remains is stemmed with the Snowball
//! English stemmer, so `coaches` and `coaching` are both `coach`.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words too common to be worth indexing. Queries skip them too; phrase positions still count
/// them, so `"district of columbia"` matches only those words in that order.
pub const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "more", "most", "not", "of",
    "on", "one", "or", "other", "our", "out", "over", "she", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "was",
    "we", "were", "what", "when", "which", "while", "who", "will", "with", "would", "you", "your",
];

/// Lower case, accents removed, apostrophes dropped.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return (text.bytes())
            .filter(|&b| b != b'\'')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’' | '‘'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits folded text into tokens with their byte ranges in `folded`.
pub fn split(folded: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = folded;
    let mut offset = 0;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| c.is_alphanumeric())?;
        let after = &rest[start..];
        let len = after
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(after.len());
        let token = &after[..len];
        let at = offset + start;
        offset += start + len;
        rest = &after[len..];
        Some((at, token))
    })
}

/// Whether a token is indexed at all (not a stopword, not a single letter).
#[inline]
pub fn is_indexed(token: &str) -> bool {
    let mut chars = token.chars();
    let first = chars.next();
    let single = chars.next().is_none();
    if single && !first.is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    STOPWORDS.binary_search(&token).is_err()
}

/// Whether a character belongs to a word of running text, before folding: letters, digits,
/// combining marks and apostrophes. Folding such a word, then splitting it, gives exactly the
/// tokens that folding and splitting the whole text would.
#[inline]
pub fn word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '‘') || is_combining_mark(c)
}

/// Whether each ASCII byte is a word character; other characters are decoded and tested.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'\'' as usize;
        b += 1;
    }
    table
};

/// The byte index of the first word character at or after `from`. (These three are the
/// search index's innermost loop, over every word of the site: they are inlined there, in
/// another module, as they were when they were its own.)
#[inline(always)]
pub fn next_word(text: &str, from: usize) -> Option<usize> {
    scan(text, from, true)
}

/// The byte index just after the word starting at `from`.
#[inline(always)]
pub fn word_end(text: &str, from: usize) -> usize {
    scan(text, from, false).unwrap_or(text.len())
}

/// The first index at or after `from` whose character is (or is not) a word character.
#[inline(always)]
fn scan(text: &str, from: usize, wanted: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_word, len) = if b < 128 {
            (ASCII_WORD[b as usize], 1)
        } else {
            let c = text[i..].chars().next().expect("a char boundary");
            (word_char(c), c.len_utf8())
        };
        if is_word == wanted {
            return Some(i);
        }
        i += len;
    }
    None
}

/// How many of its most frequent terms a page's [`Profile`] keeps: enough to find what a page
/// is about, few enough that 10,000 pages' profiles take a few megabytes.
pub const PROFILE_TERMS: usize = 32;

/// A term of a profile: its stem's hash and its weighted count in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub id: u32,
    pub count: u32,
}

/// A page's most frequent terms (at most [`PROFILE_TERMS`]), by term id. Numbers are left
/// out: a year or a percentage says nothing of what two pages share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile(pub Box<[Term]>);

/// A term's id: the hash of its stem. Two stems with one hash are one term; among the tens
/// of thousands of terms a site has that is rare, and costs no more than a weak match.
fn term_id(stem: &str) -> u32 {
    crate::fingerprint::hash_bytes(stem.as_bytes()) as u32
}

/// How many of a page's most frequent words are stemmed for its profile: more than
/// [`PROFILE_TERMS`], as words with one stem (`coach`, `coaches`) are counted together, and
/// the stopwords among them are left out.
const STEMMED_WORDS: usize = 4 * PROFILE_TERMS;

/// A word of a page, once folded: where it was read, or its folded form where folding
/// changed more than case and apostrophes.
enum Word<'a> {
    Ascii(&'a str),
    Folded(Box<str>),
}

impl Word<'_> {
    fn folded(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Word::Ascii(raw) => fold(raw).into(),
            Word::Folded(token) => (&**token).into(),
        }
    }
}

/// The hash of an ASCII word folded (lower case, apostrophes dropped), made without a copy
/// of it; `None` for a word with other characters, or longer than it reads.
fn ascii_key(raw: &str) -> Option<u64> {
    let mut buffer = [0u8; 48];
    let mut len = 0;
    for &b in raw.as_bytes().iter().filter(|&&b| b != b'\'') {
        if !b.is_ascii() {
            return None;
        }
        *buffer.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    Some(crate::fingerprint::hash_bytes(&buffer[..len]))
}

thread_local! {
    /// Each thread's stemmer, and the term id of every folded word it has stemmed (`None`:
    /// not indexed), by the word's hash: a word is stemmed once per thread.
    static STEMS: RefCell<(Stemmer, FxHashMap<u64, Option<u32>>)> =
        RefCell::new((Stemmer::create(Algorithm::English), FxHashMap::default()));
}

/// Forgets the words this thread has stemmed: a one-off build needs them no more once its
/// pages' profiles are made (a few megabytes on a large site), while `serve` keeps them for
/// the next build.
pub fn forget_stems() {
    STEMS.with_borrow_mut(|(_, stems)| *stems = FxHashMap::default());
}

/// A page's words by the hash of their folded form: how often each is read (weighted), and
/// the word.
type WordCounts<'a> = FxHashMap<u64, (u32, Word<'a>)>;

/// The profile of a page's text: each part with its weight (a title counts more than a
/// paragraph). Words are counted first, by a hash of their folded form, in a table of the
/// page's own; only the most frequent are stemmed, through the thread's table (looking every
/// word up there cost more than rendering the page).
pub fn profile<'a>(parts: impl IntoIterator<Item = (&'a str, u32)>) -> Profile {
    let mut words: WordCounts<'a> = FxHashMap::default();
    for (text, weight) in parts {
        count_words(text, weight, &mut words);
    }
    let mut frequent: Vec<(u64, u32, Word)> = words
        .into_iter()
        .map(|(key, (count, word))| (key, count, word))
        .collect();
    let counts = STEMS.with_borrow_mut(|(stemmer, stems)| {
        stem_most_frequent(&mut frequent, |key, word| {
            *stems.entry(key).or_insert_with(|| {
                let folded = word.folded();
                let wanted = is_indexed(&folded) && !folded.bytes().all(|b| b.is_ascii_digit());
                wanted.then(|| term_id(&stemmer.stem(&folded)))
            })
        })
    });
    let mut terms: Vec<Term> = counts
        .into_iter()
        .map(|(id, count)| Term { id, count })
        .collect();
    terms.sort_unstable_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    terms.truncate(PROFILE_TERMS);
    terms.sort_unstable_by_key(|t| t.id);
    Profile(terms.into())
}

/// Adds the words of `text`, each `weight` times.
fn count_words<'a>(text: &'a str, weight: u32, words: &mut WordCounts<'a>) {
    let mut at = 0;
    while let Some(start) = next_word(text, at) {
        at = word_end(text, start);
        let raw = &text[start..at];
        if let Some(key) = ascii_key(raw) {
            words.entry(key).or_insert((0, Word::Ascii(raw))).0 += weight;
            continue;
        }
        for (_, token) in split(&fold(raw)) {
            let key = crate::fingerprint::hash_bytes(token.as_bytes());
            let entry = words.entry(key);
            entry.or_insert_with(|| (0, Word::Folded(token.into()))).0 += weight;
        }
    }
}

/// Each term's count among the most frequent words (most frequent first, ties by hash) until
/// [`STEMMED_WORDS`] of them have a term (`term_of` gives it, or `None` for a stopword or a
/// number). Only the first few hundred are put in order, the rest when those run out: a long
/// page has thousands of distinct words.
fn stem_most_frequent(
    frequent: &mut [(u64, u32, Word)],
    mut term_of: impl FnMut(u64, &Word) -> Option<u32>,
) -> FxHashMap<u32, u32> {
    let order = |a: &(u64, u32, Word), b: &(u64, u32, Word)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    let head = (2 * STEMMED_WORDS).min(frequent.len());
    if head < frequent.len() {
        frequent.select_nth_unstable_by(head, order);
    }
    frequent[..head].sort_unstable_by(order);
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    let mut stemmed = 0;
    for i in 0..frequent.len() {
        if i == head {
            frequent[head..].sort_unstable_by(order);
        }
        let (key, count, word) = &frequent[i];
        if let Some(id) = term_of(*key, word) {
            *counts.entry(id).or_default() += count;
            stemmed += 1;
            if stemmed == STEMMED_WORDS {
                break;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_keeps_the_most_frequent_stems_weighted() {
        let p = profile([
            ("Coaching coaches", 3),
            ("The coach met 12 teachers in 2019; a teacher", 1),
        ]);
        let count = |word: &str| {
            let id = term_id(word);
            p.0.iter().find(|t| t.id == id).map(|t| t.count)
        };
        assert_eq!(count("coach"), Some(7));
        assert_eq!(count("teacher"), Some(2));
        assert_eq!(count("met"), Some(1));
        assert_eq!(count("12"), None, "numbers are left out");
        assert_eq!(count("the"), None, "stopwords are left out");
        let long: String = (0..100).map(|i| format!("word{i}x ")).collect();
        assert_eq!(profile([(long.as_str(), 1)]).0.len(), PROFILE_TERMS);
    }

    /// The most frequent words are put in order a few hundred at a time: what is stemmed is
    /// what ordering them all would give, also when the first few hundred have no term.
    #[test]
    fn words_are_stemmed_most_frequent_first_past_the_first_hundreds() {
        let mut text = String::new();
        for i in 0..300 {
            text += &format!("{i} {i} {i} {i} {i} ");
        }
        for i in 0..400 {
            for _ in 0..1 + i % 3 {
                text += &format!("w{i}x ");
            }
        }
        let mut words = WordCounts::default();
        count_words(&text, 1, &mut words);
        let mut frequent: Vec<(u64, u32, Word)> = words
            .into_iter()
            .map(|(key, (count, word))| (key, count, word))
            .collect();
        let term_of = |_: u64, word: &Word| {
            let folded = word.folded();
            (!folded.bytes().all(|b| b.is_ascii_digit())).then(|| term_id(&folded))
        };
        let mut all_in_order: Vec<(u64, u32)> = frequent.iter().map(|w| (w.0, w.1)).collect();
        all_in_order.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let counts = stem_most_frequent(&mut frequent, term_of);
        let by_key: FxHashMap<u64, &Word> = frequent.iter().map(|w| (w.0, &w.2)).collect();
        let expected: FxHashMap<u32, u32> = all_in_order
            .iter()
            .filter_map(|&(key, count)| Some((term_of(key, by_key[&key])?, count)))
            .take(STEMMED_WORDS)
            .collect();
        assert_eq!(counts.len(), STEMMED_WORDS);
        assert_eq!(counts, expected);
    }
}
