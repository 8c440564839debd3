//! Headings: each gets an id, unique on the page (`{#custom-id}` overrides, unless it is one
//! of the page's own ids); an embedded file's headings sit below the page's.

use super::{BodyRenderer, Heading, generated_id_owner};
use crate::diagnostics::Diagnostic;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

/// A heading whose events are held back until its text (and so its id) is known.
pub(super) struct PendingHeading<'e> {
    level: HeadingLevel,
    custom_id: Option<CowStr<'e>>,
    classes: Vec<CowStr<'e>>,
    attrs: Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
    pub(super) inner: Vec<Event<'e>>,
    range: Range<usize>,
}

impl<'e> BodyRenderer<'_, '_, 'e> {
    /// A heading's first line in the file, without its line ending: the heading's range
    /// takes in the newline (and a setext heading's `===` line), which would draw its mark
    /// across two lines.
    fn heading_line(&self, range: Range<usize>) -> Range<usize> {
        let span = self.file_span(range);
        let text = self.input.source.text.get(span.clone()).unwrap_or("");
        let line = text.split('\n').next().unwrap_or("").trim_end();
        span.start..span.start + line.len()
    }

    pub(super) fn start_heading(
        &mut self,
        level: HeadingLevel,
        custom_id: Option<CowStr<'e>>,
        classes: Vec<CowStr<'e>>,
        attrs: Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
        range: Range<usize>,
    ) {
        self.heading = Some(PendingHeading {
            level,
            custom_id,
            classes,
            attrs,
            inner: Vec::new(),
            range,
        });
    }

    pub(super) fn end_heading(&mut self) {
        let Some(PendingHeading {
            level,
            custom_id: custom,
            classes,
            attrs,
            inner,
            range,
        }) = self.heading.take()
        else {
            return;
        };
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let embed = self.embed_at(range.start);
        let depth = embed.map(|e| e.depth).unwrap_or(0);
        // An embedded file's headings sit below the heading of the box it is shown in.
        let level = demote(level, embed.map(|e| e.shift).unwrap_or(0));
        let id = match custom {
            Some(custom) => {
                let generated = generated_id_owner(&custom);
                if let Some(owner) = generated.filter(|_| depth == 0) {
                    let span = self.heading_line(range.clone());
                    self.diagnostics.push(
                        Diagnostic::error(format!("the id `{custom}` is already {owner}"))
                            .at(self.input.source, span)
                            .help("give this heading another `{#id}`"),
                    );
                } else if !self.ids.claim(&custom) && depth == 0 && generated.is_none() {
                    let span = self.heading_line(range.clone());
                    self.diagnostics.push(
                        Diagnostic::error(format!("the id `{custom}` is used twice on this page"))
                            .at(self.input.source, span)
                            .help("give this heading another `{#id}`"),
                    );
                }
                custom.to_string()
            }
            None => self
                .ids
                .allocate(&crate::front_matter::slugify_or_empty(&text)),
        };
        if level == HeadingLevel::H1 && self.footnote.is_none() && depth == 0 {
            let span = self.heading_line(range);
            let written = match self.input.source.text.get(span.clone()) {
                Some(line) if !line.starts_with('#') => "heading underlined with `===`",
                _ => "`#` heading",
            };
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "a {written} in the body: the page title is already the page's top heading"
                ))
                .at(self.input.source, span)
                .help("use `##` for the page's sections, `###` below them"),
            );
        }
        self.rendered.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            text,
        });
        self.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs,
        }));
        for e in inner {
            self.push(e);
        }
        self.push(Event::End(TagEnd::Heading(level)));
    }
}

/// A heading level moved down `by` levels, no lower than h6.
fn demote(level: HeadingLevel, by: u8) -> HeadingLevel {
    match (level as u8 + by).min(6) {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}
