//! Summaries: what listings, search results, case-study boxes and meta descriptions show of
//! a page that has no `summary` of its own.

/// The longest summary taken from a first paragraph, in characters.
const SUMMARY_MAX: usize = 220;

/// The summary for listings and meta descriptions: the front matter's, or the first paragraph
/// ending at its last whole sentence that fits, or else cut at a word boundary.
pub fn summary(front: Option<&str>, first_paragraph: Option<&str>) -> String {
    if let Some(s) = front {
        return s.to_string();
    }
    let Some(text) = first_paragraph else {
        return String::new();
    };
    if text.chars().count() <= SUMMARY_MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(SUMMARY_MAX).collect();
    // A whole sentence reads better than a sentence broken off, as long as it is not too
    // short to say much.
    if let Some(end) = last_sentence_end(text, cut.len())
        && end >= cut.len() / 2
    {
        return text[..end].to_string();
    }
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) => &cut[..i],
        None => &cut,
    };
    format!(
        "{}…",
        cut.trim_end_matches([',', ';', ':', '.', ' ', '—', '–'])
    )
}

/// The byte offset just after the last sentence that ends within `text[..limit]`: a `.`, `?`
/// or `!` (and any closing quote or bracket) followed by a space. A period ending a word
/// that holds another period or no lower-case letter (`U.S.`, `CCSS-M.`) is not taken for
/// one, since it is more likely an abbreviation.
fn last_sentence_end(text: &str, limit: usize) -> Option<usize> {
    let head = &text[..limit];
    let mut best = None;
    for (i, c) in head.char_indices() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let mut end = i + c.len_utf8();
        end += text[end..]
            .chars()
            .take_while(|c| matches!(c, '”' | '’' | '"' | '\'' | ')'))
            .map(char::len_utf8)
            .sum::<usize>();
        if end > limit || !text[end..].starts_with(char::is_whitespace) {
            continue;
        }
        if c == '.' {
            let word = head[..i].rsplit(char::is_whitespace).next().unwrap_or("");
            if word.contains('.') || !word.chars().any(char::is_lowercase) {
                continue;
            }
        }
        best = Some(end);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_end_at_a_whole_sentence_when_one_fits() {
        let first = "Across California, district staff know that inequities in their systems drive wide differences in achievement between and within schools.";
        let text = format!(
            "{first} Knowing about gaps is not the same as acting on them; Gutiérrez and her colleagues set out to change that."
        );
        assert_eq!(summary(None, Some(&text)), first);
        // Abbreviations are not sentence ends.
        let text = format!(
            "{} by the U.S. Department of Education and many others who wrote.",
            "word ".repeat(35)
        );
        assert!(summary(None, Some(&text)).ends_with('…'));
        // A sentence too short to say much is not enough.
        let text = format!("Short one. {}", "word ".repeat(60));
        assert!(summary(None, Some(text.trim())).ends_with("word…"));
    }

    #[test]
    fn summaries_cut_at_a_word() {
        assert_eq!(summary(Some("Given."), Some("ignored")), "Given.");
        assert_eq!(summary(None, Some("Short.")), "Short.");
        let long = "word ".repeat(100);
        let s = summary(None, Some(long.trim()));
        assert!(s.ends_with("word…"), "{s}");
        assert!(s.chars().count() <= SUMMARY_MAX + 1);
    }
}
