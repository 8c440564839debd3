//! Words as the search index sees them: folded, split, filtered and stemmed.
//!
//! The browser does exactly the same to a query (static/js/search.js), so these rules are a
//! contract between the two: lower case; accents removed (Unicode NFD, combining marks
//! dropped); apostrophes removed inside words (`district's` → `districts`); a token is a run
//! of letters and digits; one-letter tokens other than digits and the stopwords (sent to the
//! browser in the index manifest) are not indexed; what remains is stemmed with the Snowball
//! English stemmer, so `coaches` and `coaching` are both `coach`.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::sync::Arc;
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
pub fn is_indexed(token: &str) -> bool {
    let mut chars = token.chars();
    let first = chars.next();
    let single = chars.next().is_none();
    if single && !first.is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    STOPWORDS.binary_search(&token).is_err()
}

/// Folds, splits and stems words, remembering each raw word's result: corpora repeat a few
/// thousand words millions of times, so after warm-up a word costs one hash lookup. Stems are
/// interned: a term is a small id, and [`StemCache::stem_of`] gives its text.
pub struct StemCache {
    stemmer: Stemmer,
    /// Raw word → its tokens' term ids (`None` for a stopword).
    words: FxHashMap<Box<str>, Vec<Option<u32>>>,
    ids: FxHashMap<String, u32>,
    stems: Vec<Arc<str>>,
}

impl Default for StemCache {
    fn default() -> Self {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            words: FxHashMap::default(),
            ids: FxHashMap::default(),
            stems: Vec::new(),
        }
    }
}

impl StemCache {
    /// The text of a term id from this cache.
    pub fn stem_of(&self, id: u32) -> &Arc<str> {
        &self.stems[id as usize]
    }

    fn word(&mut self, raw: &str) -> &[Option<u32>] {
        if !self.words.contains_key(raw) {
            let folded = fold(raw);
            let mut ids = Vec::with_capacity(1);
            for (_, token) in split(&folded) {
                ids.push(is_indexed(token).then(|| {
                    let stem = self.stemmer.stem(token);
                    match self.ids.get(stem.as_ref()) {
                        Some(&id) => id,
                        None => {
                            let id = self.stems.len() as u32;
                            self.stems.push(Arc::from(stem.as_ref()));
                            self.ids.insert(stem.into_owned(), id);
                            id
                        }
                    }
                }));
            }
            self.words.insert(raw.into(), ids);
        }
        &self.words[raw]
    }
}

/// Whether a character belongs to a word of running text, before folding: letters, digits,
/// combining marks and apostrophes. Folding such a word, then splitting it, gives exactly the
/// tokens that folding and splitting the whole text would.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '‘') || is_combining_mark(c)
}

/// The indexed terms of `text` (as term ids of `stems`) with their token positions, counting
/// every token (stopwords included) so phrases can be checked exactly. Returns the position
/// after the last token.
pub fn terms(
    text: &str,
    first_position: u32,
    stems: &mut StemCache,
    mut emit: impl FnMut(u32, u32),
) -> u32 {
    let mut position = first_position;
    let mut rest = text;
    while let Some(start) = rest.find(word_char) {
        let after = &rest[start..];
        let len = after.find(|c: char| !word_char(c)).unwrap_or(after.len());
        for id in stems.word(&after[..len]) {
            if let Some(id) = id {
                emit(*id, position);
            }
            position += 1;
        }
        rest = &after[len..];
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let mut cache = StemCache::default();
        let mut found = Vec::new();
        terms(text, 0, &mut cache, |t, p| found.push((t, p)));
        let out: Vec<String> = found
            .iter()
            .map(|&(t, p)| format!("{}@{p}", cache.stem_of(t)))
            .collect();
        // Splitting words first, then folding each, gives the same tokens as folding first.
        let folded = fold(text);
        let whole: Vec<&str> = split(&folded)
            .map(|(_, t)| t)
            .filter(|t| is_indexed(t))
            .collect();
        assert_eq!(out.len(), whole.len());
        out
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn folds_case_accents_and_apostrophes() {
        assert_eq!(
            fold("Gutiérrez’s DISTRICT's Café"),
            "gutierrezs districts cafe"
        );
    }

    #[test]
    fn splits_on_anything_but_letters_and_digits() {
        let tokens: Vec<&str> = split("k–12, co-teach 2016–17").map(|(_, t)| t).collect();
        assert_eq!(tokens, ["k", "12", "co", "teach", "2016", "17"]);
    }

    #[test]
    fn stems_and_skips_stopwords_keeping_positions() {
        assert_eq!(stems("The coaches of coaching"), ["coach@1", "coach@3"]);
        assert_eq!(
            stems("Teachers' leadership 5 a b"),
            ["teacher@0", "leadership@1", "5@2"]
        );
    }
}
