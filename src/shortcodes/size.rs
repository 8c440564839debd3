//! How big a page grows as its shortcodes are expanded, against the largest page the site
//! allows (`max_page_mb`). Expansion stops rendering calls once the page is over the limit,
//! so a shortcode that prints megabytes, called many times, costs the build about the limit
//! in memory rather than all it would have made; the error then names the calls that made
//! the most.

use crate::config::MB;
use crate::diagnostics::{Diagnostic, Source};
use std::collections::HashMap;
use std::ops::Range;

/// What a page's text and its calls have made so far.
#[derive(Debug, Default)]
pub struct PageSize {
    /// The most bytes of HTML the page may have.
    pub limit: usize,
    /// The bytes of the expanded text so far: the page's own text and what each call made.
    pub made: usize,
    /// Whether calls were left unrendered because the page was already over the limit.
    pub stopped: bool,
    /// The calls in the page's own text, one entry for each text (`{{ big() }}`), in the
    /// order they first appear.
    calls: Vec<Calls>,
    by_text: HashMap<String, usize>,
}

/// The calls of one text in the page's own text.
#[derive(Debug)]
pub struct Calls {
    /// The call as written.
    pub text: String,
    /// Where the first is, in the page's file.
    pub first: Range<usize>,
    /// How many calls there are, rendered or not.
    pub count: usize,
    /// How many were rendered, and the bytes they made.
    pub rendered: usize,
    pub bytes: usize,
}

impl Calls {
    /// What one call makes, on average.
    fn each(&self) -> usize {
        self.bytes / self.rendered.max(1)
    }

    /// What all the calls make, or would have made had they all been rendered.
    fn in_all(&self) -> usize {
        self.each() * self.count
    }
}

impl PageSize {
    /// A page whose own text has `text` bytes, which may make at most `limit` bytes of HTML.
    pub fn new(limit: usize, text: usize) -> PageSize {
        PageSize {
            limit,
            made: text,
            ..PageSize::default()
        }
    }

    /// Whether the page is over its limit: no more calls are rendered.
    pub fn over(&self) -> bool {
        self.made > self.limit
    }

    /// Counts a call of the page's own text: `made` is what it made, `None` when it was not
    /// rendered.
    pub fn record(&mut self, text: &str, span: Range<usize>, made: Option<usize>) {
        let next = self.calls.len();
        let i = *self.by_text.entry(text.to_string()).or_insert(next);
        if i == next {
            self.calls.push(Calls {
                text: text.to_string(),
                first: span,
                count: 0,
                rendered: 0,
                bytes: 0,
            });
        }
        let calls = &mut self.calls[i];
        calls.count += 1;
        if let Some(made) = made {
            calls.rendered += 1;
            calls.bytes += made;
        }
    }

    /// The calls that made the most, largest first (those rendered at least once).
    fn largest(&self, n: usize) -> Vec<&Calls> {
        let mut calls: Vec<&Calls> = self.calls.iter().filter(|c| c.rendered > 0).collect();
        calls.sort_by_key(|c| std::cmp::Reverse(c.in_all()));
        calls.truncate(n);
        calls
    }

    /// Whether a page of `html` bytes (its body, rendered) is over the limit, or was found
    /// over it while its shortcodes were expanded.
    pub fn too_large(&self, html: usize) -> bool {
        self.stopped || html > self.limit
    }

    /// The error for a page over its limit, at the call that made the most (or the page's
    /// first line), naming the calls that made the most and the data tables it shows.
    pub fn error(
        &self,
        source: &Source,
        html: usize,
        tables: &[&str],
        limit_mb: f64,
    ) -> Diagnostic {
        let message = match self.stopped {
            true => {
                format!("this page makes more than {limit_mb} MB of HTML, the most a page may have")
            }
            false => format!(
                "this page makes {} of HTML, more than the {limit_mb} MB a page may have",
                megabytes(html)
            ),
        };
        let largest = self.largest(3);
        let mut help: Vec<String> = largest.iter().map(|c| describe(c, source)).collect();
        help.push(advice(tables, limit_mb));
        let d = Diagnostic::error(message).help(help.join("; "));
        match largest.first() {
            Some(calls) => d
                .at(source, calls.first.clone())
                .label(format!("made {} a call", megabytes(calls.each()))),
            None => {
                let first_line = source.text.find('\n').unwrap_or(0);
                d.at(source, 0..first_line)
            }
        }
    }
}

/// "`{{ big() }}` at line 7 made 10.0 MB a call (20 calls, 200.0 MB in all)".
fn describe(calls: &Calls, source: &Source) -> String {
    let (line, _) = source.line_col(calls.first.start);
    let text = shortened(&calls.text);
    let all = match (calls.count, calls.rendered == calls.count) {
        (1, _) => String::new(),
        (n, true) => format!(" ({n} calls, {} in all)", megabytes(calls.in_all())),
        (n, false) => format!(" ({n} calls, about {} in all)", megabytes(calls.in_all())),
    };
    let each = match calls.count {
        1 => megabytes(calls.each()),
        _ => format!("{} a call", megabytes(calls.each())),
    };
    format!("`{text}` at line {line} made {each}{all}")
}

/// What an editor can do about a page over the limit.
fn advice(tables: &[&str], limit_mb: f64) -> String {
    let tables = match tables {
        [] => String::new(),
        tables => format!(
            ", link to a large table's CSV download (/data/<id>.csv) instead of showing it whole (this page shows {})",
            tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "split the page into several{tables}, or raise `max_page_mb` in site.yaml (now {limit_mb})"
    )
}

/// `12.3 MB`.
fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / MB)
}

/// A call's text, cut to a length a message can show.
fn shortened(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_of_one_text_are_counted_together_and_estimated_when_not_all_rendered() {
        let mb = MB as usize;
        let mut size = PageSize::new(3 * mb, 100);
        for i in 0..5 {
            let over = size.over();
            let made = (!over).then_some(mb);
            size.stopped |= over;
            size.made += made.unwrap_or(0);
            size.record("{{ big() }}", 10 + i..20 + i, made);
        }
        size.record("{{ small() }}", 40..50, Some(10));
        assert!(size.stopped && size.too_large(0));
        let largest = size.largest(3);
        assert_eq!(largest[0].text, "{{ big() }}");
        assert_eq!((largest[0].count, largest[0].rendered), (5, 3));
        assert_eq!(largest[0].in_all(), 5 * mb);
        assert_eq!(largest[1].text, "{{ small() }}");
        let source = Source::new("x.md".into(), "x.md".into(), &"line\n".repeat(10));
        assert_eq!(
            describe(largest[0], &source),
            "`{{ big() }}` at line 3 made 1.0 MB a call (5 calls, about 5.0 MB in all)"
        );
        assert_eq!(
            describe(largest[1], &source),
            "`{{ small() }}` at line 9 made 0.0 MB"
        );
    }
}
