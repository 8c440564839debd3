//! Words as the search index sees them: folded, split, filtered and stemmed.
//!
//! The browser does exactly the same to a query (static/js/search.js), so these rules are a
//! contract between the two: lower case; accents removed (Unicode NFD, combining marks
//! dropped); apostrophes removed inside words (`district's` → `districts`); a token is a run
//! of letters and digits; one-letter tokens other than digits and the stopwords (sent to the
//! browser in the index manifest) are not indexed; what remains is stemmed with the Snowball
//! English stemmer, so `coaches` and `coaching` are both `coach`.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
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

/// Whether a token is indexed at all.
pub fn is_indexed(token: &str) -> bool {
    let mut chars = token.chars();
    let first = chars.next();
    let single = chars.next().is_none();
    if single && !first.is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    !STOPWORDS.contains(&token)
}

/// Stems tokens, remembering each word's stem: corpora repeat a few thousand words millions
/// of times, so the cache does most of the work.
pub struct StemCache {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl Default for StemCache {
    fn default() -> Self {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::new(),
        }
    }
}

impl StemCache {
    pub fn stem(&mut self, token: &str) -> &str {
        if !self.cache.contains_key(token) {
            let stem = self.stemmer.stem(token).into_owned();
            self.cache.insert(token.to_string(), stem);
        }
        &self.cache[token]
    }
}

/// The indexed terms of `text`, with their token positions (counting every token, stopwords
/// included, so phrases can be checked exactly).
pub fn terms(
    text: &str,
    first_position: u32,
    stems: &mut StemCache,
    mut emit: impl FnMut(&str, u32),
) -> u32 {
    let folded = fold(text);
    let mut position = first_position;
    for (_, token) in split(&folded) {
        if is_indexed(token) {
            emit(stems.stem(token), position);
        }
        position += 1;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let mut cache = StemCache::default();
        let mut out = Vec::new();
        terms(text, 0, &mut cache, |t, p| out.push(format!("{t}@{p}")));
        out
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
