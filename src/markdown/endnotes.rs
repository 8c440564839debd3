//! Endnotes: footnotes become a numbered **Endnotes** section at the end of the page, in
//! order of first reference, each with a link back to every reference; undefined and unused
//! ones are reported.

use super::BodyRenderer;
use super::text::{BlockKind, TextCollector};
use crate::diagnostics::Diagnostic;
use pulldown_cmark::Event;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

#[derive(Default)]
pub(super) struct Notes<'e> {
    /// Labels in order of first reference: endnote 1, 2, ...
    order: Vec<String>,
    /// Each label's endnote number, and how many times it was referenced so far.
    refs: HashMap<String, (usize, usize)>,
    defs: HashMap<String, (Vec<Event<'e>>, Range<usize>)>,
}

impl<'e> BodyRenderer<'_, '_, 'e> {
    pub(super) fn start_note(&mut self, label: &str, range: Range<usize>) {
        self.footnote = Some((label.to_string(), Vec::new()));
        self.notes
            .defs
            .entry(label.to_string())
            .or_insert((Vec::new(), range));
    }

    pub(super) fn end_note(&mut self) {
        if let Some((label, events)) = self.footnote.take()
            && let Some(def) = self.notes.defs.get_mut(&label)
        {
            def.0 = events;
        }
    }

    pub(super) fn footnote_reference(&mut self, label: &str) {
        let next = self.notes.order.len() + 1;
        let (number, count) = self
            .notes
            .refs
            .entry(label.to_string())
            .or_insert((next, 0));
        let number = *number;
        *count += 1;
        let count = *count;
        if number == next {
            self.notes.order.push(label.to_string());
        }
        let ref_id = if count == 1 {
            format!("fnref_{number}")
        } else {
            format!("fnref_{number}_{count}")
        };
        self.push(Event::InlineHtml(
            format!("<sup class=\"fnref\"><a href=\"#fn_{number}\" id=\"{ref_id}\" aria-label=\"Endnote {number}\">{number}</a></sup>").into(),
        ));
    }

    pub(super) fn check_undefined_footnotes(&mut self, text: &str, range: Range<usize>) {
        let mut rest = text;
        while let Some(start) = rest.find("[^") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(']') else { break };
            let label = &after[..end];
            if !label.is_empty()
                && !label.contains(char::is_whitespace)
                && self.embed_at(range.start).is_none()
            {
                let span = self.file_span(range.clone());
                self.diagnostics.push(
                    Diagnostic::error(format!("the endnote `[^{label}]` is never defined"))
                        .at(self.input.source, span)
                        .help(format!("add its text on a line of its own: `[^{label}]: The source, with its URL.`")),
                );
            }
            rest = &after[end..];
        }
    }

    /// The Endnotes section, numbered in order of first reference.
    pub(super) fn write_endnotes(&mut self, html: &mut String, text: &mut TextCollector) {
        let order = std::mem::take(&mut self.notes.order);
        if !order.is_empty() {
            text.heading("endnotes", "Endnotes");
            html.push_str("<section class=\"endnotes\" aria-labelledby=\"endnotes\">\n<h2 id=\"endnotes\">Endnotes</h2>\n<ol>\n");
            for (i, label) in order.iter().enumerate() {
                let number = i + 1;
                self.ids.claim(&format!("fn_{number}"));
                let Some((events, _)) = self.notes.defs.remove(label) else {
                    // Referenced but never defined: pulldown-cmark leaves such references as
                    // text, so this only happens for labels defined inside another note.
                    continue;
                };
                text.begin(BlockKind::Prose);
                for event in &events {
                    text.event(event);
                }
                let mut note = String::new();
                pulldown_cmark::html::push_html(&mut note, events.into_iter());
                let refs = self.notes.refs.get(label).map_or(1, |(_, count)| *count);
                let back = back_links(number, refs);
                let note = note.trim_end();
                match note.strip_suffix("</p>") {
                    Some(before) => {
                        let _ = writeln!(*html, "<li id=\"fn_{number}\">{before}{back}</p></li>");
                    }
                    None => {
                        let _ = writeln!(*html, "<li id=\"fn_{number}\">{note}<p>{back}</p></li>");
                    }
                }
            }
            html.push_str("</ol>\n</section>\n");
            self.rendered.endnote_count = order.len();
        }
    }

    /// Endnotes defined but never referenced are a warning.
    pub(super) fn report_unused_notes(&mut self) {
        let mut unused: Vec<_> = self.notes.defs.iter().collect();
        unused.sort_by_key(|(_, (_, r))| r.start);
        for (label, (_, range)) in unused {
            if self.embed_at(range.start).is_some() {
                continue;
            }
            let span = self.file_span(range.clone());
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the endnote `[^{label}]` is defined but never referenced"
                ))
                .at(self.input.source, span)
                .help(format!(
                    "refer to it in the text with `[^{label}]`, or remove it"
                )),
            );
        }
    }
}

/// The links from note `number` back to each of its `refs` references: "↩" alone for one;
/// "↩ a", "↩ b"… for several, so they can be told apart by sight and by name.
fn back_links(number: usize, refs: usize) -> String {
    let mut back = String::new();
    for n in 1..=refs {
        let id = match n {
            1 => format!("fnref_{number}"),
            _ => format!("fnref_{number}_{n}"),
        };
        let (label, shown) = match refs {
            1 => (format!("Back to reference {number}"), String::new()),
            _ => {
                let letter = use_letter(n);
                (
                    format!("Back to reference {number}, use {letter}"),
                    format!(" <span class=\"backref-use\">{letter}</span>"),
                )
            }
        };
        let _ = write!(
            back,
            " <a href=\"#{id}\" class=\"backref\" aria-label=\"{label}\">↩\u{fe0e}{shown}</a>"
        );
    }
    back
}

/// a, b, … z, aa, ab, …: the `n`th use of a note (from 1).
fn use_letter(n: usize) -> String {
    let mut n = n;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_are_lettered_like_columns() {
        let letters: Vec<String> = [1, 2, 26, 27, 28, 52, 53].map(use_letter).to_vec();
        assert_eq!(letters, ["a", "b", "z", "aa", "ab", "az", "ba"]);
        assert!(!back_links(4, 1).contains("backref-use"));
        assert_eq!(back_links(4, 3).matches("backref-use").count(), 3);
    }
}
