//! Summaries: what listings, search results, case-study boxes and meta descriptions show of
//! a page that has no `summary` of its own, and the one rule for the first paragraph they
//! are cut from.

use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// The part of a text event at `range` of `markdown` that is outside every tag, as the event
/// shows it (with its typographic punctuation), when the event's text is the source's as
/// written or smartened (not changed by entities); `None` when nothing is left.
fn outside(
    markdown: &str,
    text: &str,
    range: &Range<usize>,
    tags: &[Range<usize>],
) -> Option<String> {
    let source = markdown.get(range.clone())?;
    let in_text = text_offsets(source, text)?;
    let mut kept = String::new();
    let mut at = range.start;
    let mut overlapping: Vec<&Range<usize>> = tags
        .iter()
        .filter(|t| t.start < range.end && range.start < t.end)
        .collect();
    overlapping.sort_by_key(|t| t.start);
    let mut keep = |from: usize, to: usize| {
        let (from, to) = (from - range.start, to - range.start);
        kept.push_str(&text[in_text(from)..in_text(to)]);
    };
    for tag in overlapping {
        if tag.start > at {
            keep(at, tag.start);
        }
        at = at.max(tag.end);
    }
    if at < range.end {
        keep(at, range.end);
    }
    (!kept.is_empty()).then_some(kept)
}

/// Where each byte offset of `source` is in `text`, its smartened form (`--` is `–`, `'` is
/// `’`…); `None` when `text` is not `source` smartened.
fn text_offsets(source: &str, text: &str) -> Option<impl Fn(usize) -> usize> {
    // (source offset, text offset) after each character.
    let mut points = vec![(0, 0)];
    let (mut s, mut t) = (0, 0);
    while s < source.len() {
        let shown = text[t..].chars().next()?;
        let rest = &source[s..];
        let written = match shown {
            '‘' | '’' if rest.starts_with('\'') => 1,
            '“' | '”' if rest.starts_with('"') => 1,
            '—' if rest.starts_with("---") => 3,
            '–' if rest.starts_with("--") => 2,
            '…' if rest.starts_with("...") => 3,
            c if rest.starts_with(c) => c.len_utf8(),
            _ => return None,
        };
        s += written;
        t += shown.len_utf8();
        points.push((s, t));
    }
    (t == text.len()).then_some(move |offset: usize| {
        let i = points.partition_point(|p| p.0 < offset);
        points.get(i).map_or(t, |p| p.1)
    })
}

/// Finds a page's first paragraph of running text, event by event: the first paragraph at
/// the top level (not in a list, quotation or table, not in an endnote, not in a box) that
/// has text once images' descriptions are left out, with its whitespace collapsed. The
/// renderer feeds it the page's events as it renders them; [`summary_text`] reads a
/// case study's markdown the same way for its box.
#[derive(Default)]
pub struct FirstParagraph {
    /// Open lists, quotations and tables.
    depth: usize,
    in_note: bool,
    in_image: usize,
    collecting: Option<String>,
    found: Option<String>,
}

impl FirstParagraph {
    /// Takes the next event. `in_box` is asked only where a paragraph starts: whether it is
    /// inside a box (a body shortcode).
    pub fn event(&mut self, event: &Event, in_box: impl Fn() -> bool) {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => self.in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => self.in_note = false,
            Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_)) => self.depth += 1,
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Table) => {
                self.depth = self.depth.saturating_sub(1)
            }
            Event::Start(Tag::Image { .. }) => self.in_image += 1,
            Event::End(TagEnd::Image) => self.in_image = self.in_image.saturating_sub(1),
            Event::Start(Tag::Paragraph)
                if self.found.is_none()
                    && self.collecting.is_none()
                    && self.depth == 0
                    && !self.in_note
                    && !in_box() =>
            {
                self.collecting = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = self.collecting.take() {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        self.found = Some(text);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) if self.in_image == 0 => {
                if let Some(p) = &mut self.collecting {
                    p.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if self.in_image == 0 => {
                if let Some(p) = &mut self.collecting {
                    p.push(' ');
                }
            }
            _ => {}
        }
    }

    /// Whether the paragraph has been found (the rest of the page cannot change it).
    pub fn is_found(&self) -> bool {
        self.found.is_some()
    }

    pub fn finish(self) -> Option<String> {
        self.found
    }
}

/// The text a summary is cut from (its summary box's, or else its first paragraph of running
/// text) of `markdown` whose shortcodes are not expanded: `tags` are the spans of its
/// shortcode tags, left out as an expanded page leaves them out of its text, `boxes` the
/// spans of its body shortcodes, from opening tag to `{% end %}`, and `summaries` the
/// bodies of its summary boxes.
pub fn summary_text(
    markdown: &str,
    tags: &[Range<usize>],
    boxes: &[Range<usize>],
    summaries: &[Range<usize>],
) -> Option<String> {
    let mut first = FirstParagraph::default();
    let mut summary_box = SummaryBox::default();
    for (event, range) in crate::dialect::parse(markdown) {
        let in_summary = summaries.iter().any(|s| s.contains(&range.start));
        let overlaps = tags
            .iter()
            .any(|t| t.start < range.end && range.start < t.end);
        if overlaps && let Event::Text(text) = &event {
            // The text outside the tags, as an expanded page's text would be.
            let Some(kept) = outside(markdown, text, &range, tags) else {
                continue;
            };
            let kept = Event::Text(kept.into());
            summary_box.event(&kept, in_summary);
            first.event(&kept, || false);
            continue;
        }
        summary_box.event(&event, in_summary);
        first.event(&event, || boxes.iter().any(|b| b.contains(&range.start)));
        if summary_box.is_found() || (summaries.is_empty() && first.is_found()) {
            break;
        }
    }
    summary_box.finish().or(first.finish())
}

/// Collects the text of a page's first `{% summary() %}` box: what its editor wrote as its
/// summary, preferred to its first paragraph. Paragraphs and list items are joined with
/// spaces; images' descriptions and endnotes are left out.
#[derive(Default)]
pub struct SummaryBox {
    text: String,
    /// Whether the box has been read to its end.
    done: bool,
    in_image: usize,
    in_note: bool,
}

impl SummaryBox {
    /// Takes the next event, and whether it is inside a summary box.
    pub fn event(&mut self, event: &Event, in_summary: bool) {
        if self.done {
            return;
        }
        if !in_summary {
            self.done = !self.text.trim().is_empty();
            return;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => self.in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => self.in_note = false,
            Event::Start(Tag::Image { .. }) => self.in_image += 1,
            Event::End(TagEnd::Image) => self.in_image = self.in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if self.in_image == 0 && !self.in_note => {
                self.text.push_str(t)
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                self.text.push(' ')
            }
            _ => {}
        }
    }

    fn is_found(&self) -> bool {
        self.done
    }

    pub fn finish(self) -> Option<String> {
        let text = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!text.is_empty()).then_some(text)
    }
}

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
