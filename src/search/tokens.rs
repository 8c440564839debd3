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

pub use crate::terms::{STOPWORDS, fold, is_indexed, split};
use crate::terms::{next_word, word_end};

/// Every term the index has seen, each with a small id. It is shared by every thread that
/// analyses documents and kept between builds by `serve` and `watch`, so a document analysed
/// once keeps its term ids. Ids are given in arrival order, which varies from run to run: the
/// index is written in term order, never in id order.
#[derive(Default)]
pub struct Interner {
    shards: [std::sync::Mutex<FxHashMap<Arc<str>, u32>>; 16],
    next: std::sync::atomic::AtomicU32,
}

impl Interner {
    /// The id of a term, given one if it has none yet.
    pub fn id(&self, term: &str) -> u32 {
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hasher::write(&mut hasher, term.as_bytes());
        let shard = &self.shards[(std::hash::Hasher::finish(&hasher) % 16) as usize];
        let mut map = shard.lock().expect("interner lock");
        if let Some(&id) = map.get(term) {
            return id;
        }
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        map.insert(Arc::from(term), id);
        id
    }

    pub fn len(&self) -> usize {
        self.next.load(std::sync::atomic::Ordering::Relaxed) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of every term with an id of at least `from`, by id.
    pub fn names_from(&self, from: usize) -> Vec<Arc<str>> {
        let mut names: Vec<Option<Arc<str>>> = vec![None; self.len().saturating_sub(from)];
        for shard in &self.shards {
            for (name, &id) in shard.lock().expect("interner lock").iter() {
                if let Some(slot) = (id as usize)
                    .checked_sub(from)
                    .and_then(|i| names.get_mut(i))
                {
                    *slot = Some(name.clone());
                }
            }
        }
        // Ids given while this ran are left for the next call.
        names.into_iter().map_while(|n| n).collect()
    }
}

/// Folds, splits and stems words, remembering each raw word's result: corpora repeat a few
/// thousand words millions of times, so after warm-up a word costs one hash lookup. A term is
/// its id in the shared [`Interner`]. Each thread keeps one for as long as the interner lives
/// (across builds, in `serve`), so none starts cold.
pub struct StemCache {
    stemmer: Stemmer,
    interner: Arc<Interner>,
    /// Raw word → where its tokens' term ids are in `tokens` (start, count). Short words are
    /// stored inline in the table, so a lookup touches no other memory.
    words: FxHashMap<InlineWord, (u32, u32)>,
    long_words: FxHashMap<Box<str>, (u32, u32)>,
    /// Term ids of cached words' tokens (`None` for a stopword).
    tokens: Vec<Option<u32>>,
}

impl StemCache {
    pub fn new(interner: Arc<Interner>) -> StemCache {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            interner,
            words: FxHashMap::default(),
            long_words: FxHashMap::default(),
            tokens: Vec::new(),
        }
    }

    /// The word at `text[start..end]`.
    fn word_at(&mut self, text: &str, start: usize, end: usize) -> (u32, u32) {
        match InlineWord::in_text(text.as_bytes(), start, end) {
            Some(key) => match self.words.get(&key) {
                Some(&found) => found,
                None => self.word(&text[start..end]),
            },
            None => self.word(&text[start..end]),
        }
    }

    fn word(&mut self, raw: &str) -> (u32, u32) {
        let inline = InlineWord::new(raw);
        let found = match &inline {
            Some(key) => self.words.get(key),
            None => self.long_words.get(raw),
        };
        if let Some(&found) = found {
            return found;
        }
        let folded = fold(raw);
        let start = self.tokens.len() as u32;
        for (_, token) in split(&folded) {
            let id = is_indexed(token).then(|| self.interner.id(&self.stemmer.stem(token)));
            self.tokens.push(id);
        }
        let entry = (start, self.tokens.len() as u32 - start);
        match inline {
            Some(key) => self.words.insert(key, entry),
            None => self.long_words.insert(raw.into(), entry),
        };
        entry
    }
}

impl StemCache {
    /// Every word seen that is one indexed term: (the term's id, the word as written).
    pub fn forms(&self) -> impl Iterator<Item = (u32, Form<'_>)> + '_ {
        let inline = (self.words.iter()).map(|(k, &e)| (Form::Inline(k), e));
        let long = (self.long_words.iter()).map(|(k, &e)| (Form::Long(k), e));
        inline
            .chain(long)
            .filter_map(|(form, (start, count))| match count {
                1 => Some((self.tokens[start as usize]?, form)),
                _ => None,
            })
    }
}

/// A word as written, from a [`StemCache`].
pub enum Form<'a> {
    Inline(&'a InlineWord),
    Long(&'a str),
}

impl Form<'_> {
    /// The word folded (see [`fold`]).
    pub fn folded(&self) -> String {
        match self {
            Form::Inline(word) => fold(&word.text()),
            Form::Long(word) => fold(word),
        }
    }
}

/// A word of up to 23 bytes, stored inline as three integers (length byte first, zero
/// padded), so that hashing and comparing it is a few integer operations, not a memcmp.
#[derive(PartialEq, Eq)]
pub struct InlineWord([u64; 3]);

impl std::hash::Hash for InlineWord {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0] ^ self.0[1].rotate_left(21) ^ self.0[2].rotate_left(42));
    }
}

impl InlineWord {
    fn new(word: &str) -> Option<InlineWord> {
        let bytes = word.as_bytes();
        if bytes.len() > 23 {
            return None;
        }
        let mut key = [0u8; 24];
        key[0] = bytes.len() as u8;
        key[1..=bytes.len()].copy_from_slice(bytes);
        let part =
            |i: usize| u64::from_le_bytes(key[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        Some(InlineWord([part(0), part(1), part(2)]))
    }

    /// The key of the word at `text[start..end]`, read as three integers straight from the
    /// text where at least 23 bytes follow `start` (no copy of a variable length: that was a
    /// `memcpy` call for each of millions of words); `None` elsewhere, or for a long word.
    fn in_text(text: &[u8], start: usize, end: usize) -> Option<InlineWord> {
        let len = end - start;
        let bytes = text.get(start..start + 23).filter(|_| len <= 23)?;
        let load = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        // Key byte k (the length, then the word's bytes) is kept where k <= len.
        let mask = |part: usize| match (len + 1).saturating_sub(part * 8) {
            n if n >= 8 => u64::MAX,
            n => (1u64 << (8 * n)) - 1,
        };
        let part0 = (len as u64 | (load(0) << 8)) & mask(0);
        Some(InlineWord([part0, load(7) & mask(1), load(15) & mask(2)]))
    }

    fn text(&self) -> String {
        let bytes: Vec<u8> = self.0.iter().flat_map(|p| p.to_le_bytes()).collect();
        let len = bytes[0] as usize;
        String::from_utf8_lossy(&bytes[1..=len]).into_owned()
    }
}

/// The indexed terms of `text` (as term ids) with their token positions, counting
/// every token (stopwords included) so phrases can be checked exactly. Returns the position
/// after the last token.
pub fn terms(
    text: &str,
    first_position: u32,
    stems: &mut StemCache,
    mut emit: impl FnMut(u32, u32),
) -> u32 {
    let mut position = first_position;
    let mut i = 0;
    while let Some(start) = next_word(text, i) {
        let end = word_end(text, start);
        let (first, count) = stems.word_at(text, start, end);
        for k in first..first + count {
            if let Some(id) = stems.tokens[k as usize] {
                emit(id, position);
            }
            position += 1;
        }
        i = end;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let interner = Arc::new(Interner::default());
        let mut cache = StemCache::new(interner.clone());
        let mut found = Vec::new();
        terms(text, 0, &mut cache, |t, p| found.push((t, p)));
        let names = interner.names_from(0);
        let out: Vec<String> = found
            .iter()
            .map(|&(t, p)| format!("{}@{p}", names[t as usize]))
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
    fn a_word_read_in_place_is_the_word_copied() {
        let text =
            "a bb ccc Teachers' leadership twenty-three-letter-word twentyfourcharacterword x";
        for (start, token) in text.match_indices(|c: char| c != ' ').fold(
            Vec::<(usize, String)>::new(),
            |mut words, (i, c)| {
                match words.last_mut() {
                    Some((s, w)) if *s + w.len() == i => w.push_str(c),
                    _ => words.push((i, c.to_string())),
                }
                words
            },
        ) {
            let end = start + token.len();
            let copied = InlineWord::new(&token);
            match InlineWord::in_text(text.as_bytes(), start, end) {
                Some(read) => assert!(copied.is_some_and(|c| c == read), "{token}"),
                None => assert!(copied.is_none() || start + 23 > text.len(), "{token}"),
            }
        }
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
