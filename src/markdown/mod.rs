//! Markdown to HTML for one page (or intro), with CenterView's additions:
//!
//! * shortcodes are expanded first ([`crate::shortcodes`]);
//! * every heading gets an `id`, unique on the page (`{#custom-id}` overrides);
//! * footnotes become a numbered **Endnotes** section at the end, with back-links;
//! * relative links to content files become page URLs, and links and images are checked;
//! * task-list checkboxes get accessible labels.
//!
//! Links to anchors on *other* pages cannot be checked until those pages are rendered; they
//! are returned as [`AnchorCheck`]s for the render stage to verify.

mod endnotes;
mod headings;
mod links;
pub mod text;

pub use links::missing_anchor;

use crate::diagnostics::{Diagnostic, Source};
use crate::resolve::{PageId, Site};
use crate::shortcodes::{self, EmbedRegion, Env, Ids, OffsetMap, Registry};
use crate::summary::{FirstParagraph, SummaryBox};
use crate::theme::Theme;
use endnotes::Notes;
use headings::PendingHeading;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

/// Ids every page reserves for itself, so no heading can take them.
pub const RESERVED_IDS: &[&str] = &[
    "endnotes",
    "main-content",
    "site-nav",
    "page-title",
    "on-this-page",
    "cite-this",
];

/// What a generated id is for, when `id` is one that no heading may take: the reserved ids,
/// and the endnotes' `fn_N` and `fnref_N` (with `_M` for a note cited again).
pub fn generated_id_owner(id: &str) -> Option<&'static str> {
    match id {
        "endnotes" => Some("the Endnotes section's heading"),
        "main-content" => Some("the skip link's target, the start of the page's text"),
        "site-nav" => Some("the site's navigation"),
        "page-title" => Some("the page's title"),
        "on-this-page" => Some("the heading of the page's contents"),
        "cite-this" => Some("the heading of the page's citation"),
        _ if id.starts_with("fn_") || id.starts_with("fnref_") => {
            Some("an endnote's link (ids starting `fn_` and `fnref_` are the endnotes')")
        }
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to `#fragment` on another page, checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorCheck {
    /// The linked page, by its path under `content/` (stable across rebuilds).
    pub target: String,
    pub fragment: String,
    /// Where the link is, in the linking file.
    pub span: Range<usize>,
}

/// A link or image to an `http:` or `https:` URL, for `centerview check --external`.
#[derive(Debug, Clone)]
pub struct ExternalLink {
    /// The URL as written.
    pub url: String,
    /// Where the URL is, in the linking file.
    pub span: Range<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every id on the page's body.
    pub ids: HashSet<String>,
    /// The plain text a summary is cut from when the front matter has none: the page's
    /// `{% summary() %}` box, or else its first paragraph (see [`crate::summary`]).
    pub summary_text: Option<String>,
    /// Pages this one links to.
    /// Pages this one links to, by path under `content/`.
    pub links_to: Vec<String>,
    /// Assets this one links to, by path under `content/`.
    pub assets: Vec<String>,
    /// Raster images shown with their resized copies (see [`crate::responsive`]), in page
    /// order, some more than once.
    pub pictures: Vec<Picture>,
    /// A hash of `html`.
    pub html_hash: u64,
    pub anchor_checks: Vec<AnchorCheck>,
    /// Links and images to `http(s):` URLs, in the page's own text (not embedded files').
    pub external_links: Vec<ExternalLink>,
    pub endnote_count: usize,
    /// What the body's shortcodes used.
    pub records: Records,
    /// The body's text, block by block, for the search index.
    pub text: text::PageText,
    /// The page's most frequent terms, for choosing its related publications: made from
    /// `text` by `render::bodies`, which keeps the text itself only for the search index.
    pub terms: crate::terms::Profile,
    /// Where the editor's own raw HTML, and the markdown's images, are in `html`: for the
    /// PDF edition's warnings about what it cannot show, at their markdown line.
    pub raw_html: Vec<RawHtml>,
}

/// A raster image a page shows with its resized copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Its path under `content/`.
    pub rel: String,
    /// Where it is written in the page's file (a byte offset), for a problem found when it
    /// is resized; `None` in an embedded file, whose own page reports it.
    pub at: Option<usize>,
}

/// A piece of the editor's raw HTML (or a markdown image) in a page's HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    /// Where it is in the page's HTML (an image: from its `<img`).
    pub html: Range<usize>,
    /// Where it is in the page's source file.
    pub span: Range<usize>,
}

/// What a page's shortcodes used, for its dependency record and cross-references.
#[derive(Debug, Default, Clone)]
pub struct Records {
    /// Theme templates.
    pub templates: std::collections::BTreeSet<String>,
    /// Source files (data tables, embedded case studies).
    pub files: std::collections::BTreeSet<String>,
    /// Data tables, by id.
    pub tables: std::collections::BTreeSet<String>,
    /// Images shown as figures, by path under `content/`: the page holds their size.
    pub images: std::collections::BTreeSet<String>,
    /// Case studies shown on the page, boxed or in full.
    pub case_studies: Vec<String>,
}

/// What to render: a body of a source file.
pub struct Input<'a> {
    pub source: &'a Source,
    pub body: Range<usize>,
    /// The file's folder under `content/` (`briefs`), for resolving relative links.
    pub dir: &'a str,
    pub page: Option<PageId>,
    /// Whether to collect the body's text for the search index (not when it is not built).
    pub collect_text: bool,
}

/// Renders one page's (or intro's) markdown: shortcodes expanded, then every event through
/// the `BodyRenderer`.
pub fn render(
    input: &Input,
    site: &Site,
    theme: &Theme,
    registry: &Registry,
    diagnostics: &mut Vec<Diagnostic>,
) -> Rendered {
    let body = &input.source.text[input.body.clone()];
    let mut ids = Ids::new(RESERVED_IDS);
    let (expanded, records, size) = {
        let mut env = Env::new(site, theme, registry, input.page, input.dir, &mut ids);
        // The page's own text counts towards its size, before any call.
        env.size.made = body.len();
        let expanded = shortcodes::expand(
            body,
            input.body.start,
            input.source,
            registry,
            &mut env,
            diagnostics,
        );
        let records = Records {
            templates: std::mem::take(&mut env.templates),
            files: std::mem::take(&mut env.files),
            tables: std::mem::take(&mut env.tables),
            images: std::mem::take(&mut env.images),
            case_studies: std::mem::take(&mut env.case_studies),
        };
        let pictures: Vec<Picture> = std::mem::take(&mut env.pictures)
            .into_iter()
            .map(|(rel, at)| Picture {
                rel,
                at: at.map(|at| at + input.body.start),
            })
            .collect();
        (expanded, (records, pictures), std::mem::take(&mut env.size))
    };
    let (records, pictures) = records;
    // A page found too large is not in the search index: its text is not collected.
    let input = &Input {
        body: input.body.clone(),
        collect_text: input.collect_text && !size.stopped,
        ..*input
    };
    let mut r = BodyRenderer {
        input,
        site,
        map: &expanded.map,
        boxes: &expanded.boxes,
        embeds: &expanded.embeds,
        ids,
        diagnostics,
        out: Vec::new(),
        heading: None,
        footnote: None,
        notes: Notes::default(),
        image: None,
        text_run: None,
        first_paragraph: FirstParagraph::default(),
        summary_box: SummaryBox::default(),
        summaries: &expanded.summaries,
        pending_same_page: Vec::new(),
        autolinks: Vec::new(),
        raw: Vec::new(),
        picture: None,
        rendered: Rendered {
            records,
            pictures,
            ..Rendered::default()
        },
    };
    for (event, range) in crate::dialect::parse(&expanded.text) {
        r.event(event, range);
    }
    let mut rendered = r.finish();
    let html = rendered.html.len();
    if size.too_large(html) {
        let tables: Vec<&str> = rendered.records.tables.iter().map(String::as_str).collect();
        let limit = site.config.max_page_mb;
        diagnostics.push(size.error(input.source, html, &tables, limit));
        rendered.text = Default::default();
    } else if html > LARGE_PAGE_BYTES && input.page.is_some() {
        diagnostics.push(large(input.source, &rendered));
    }
    rendered
}

/// Pages larger than this (in HTML) get a warning; over `max_page_mb`, an error.
pub const LARGE_PAGE_BYTES: usize = 10 * 1024 * 1024;

/// The warning for a page of over [`LARGE_PAGE_BYTES`] of HTML.
fn large(source: &Source, rendered: &Rendered) -> Diagnostic {
    let tables = &rendered.records.tables;
    let help = if tables.is_empty() {
        "readers on phones wait long for a page this large: split it into several pages".to_string()
    } else {
        format!(
            "readers on phones wait long for a page this large: split it into several pages, or link to a large table's CSV download (/data/<id>.csv) instead of showing it whole (this page shows the tables {})",
            tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let title_line = source.text.find('\n').unwrap_or(0);
    Diagnostic::warning(format!(
        "this page makes {:.1} MB of HTML",
        rendered.html.len() as f64 / (1024.0 * 1024.0)
    ))
    .at(source, 0..title_line)
    .help(help)
}

/// Renders one page's markdown events to HTML, with CenterView's additions (see the
/// module's documentation), collecting what the rest of the build needs to know of them.
struct BodyRenderer<'a, 'd, 'e> {
    input: &'a Input<'a>,
    site: &'a Site,
    map: &'a OffsetMap,
    /// Regions of body shortcodes (boxes), whose paragraphs are not the page's summary.
    boxes: &'a [Range<usize>],
    /// Regions embedded from other files (case studies in full).
    embeds: &'a [EmbedRegion],
    ids: Ids,
    diagnostics: &'d mut Vec<Diagnostic>,
    out: Vec<Event<'e>>,
    /// A heading being collected, to make its id from its text.
    heading: Option<PendingHeading<'e>>,
    /// A footnote definition being collected.
    footnote: Option<(String, Vec<Event<'e>>)>,
    notes: Notes<'e>,
    /// An image's alt text being collected.
    image: Option<(String, Range<usize>)>,
    /// A raster image shown as a `<picture>`, written whole at its end (its description's
    /// events are not written).
    picture: Option<links::PendingPicture>,
    /// Consecutive text, to spot `[^label]` references to undefined footnotes.
    text_run: Option<(String, Range<usize>)>,
    /// The page's first paragraph of running text, and its summary box, for its summary.
    first_paragraph: FirstParagraph,
    summary_box: SummaryBox,
    /// Regions of `{% summary() %}` boxes.
    summaries: &'a [Range<usize>],
    /// For each open link, whether it is an autolink (closed with raw HTML).
    autolinks: Vec<bool>,
    /// Links to `#fragment` on this page, checked when all its ids are known.
    pending_same_page: Vec<(String, Range<usize>)>,
    /// The editor's raw HTML and images among `out`: (index in `out`, span in the file).
    raw: Vec<(usize, Range<usize>)>,
    rendered: Rendered,
}

/// Writes the events as HTML into `html`, returning where the events at `marked` (indices
/// into `events`, in order, with their spans in the file) went: raw HTML is written as it
/// is, and an image from its `<img`.
fn write_html(
    html: &mut String,
    events: Vec<Event<'_>>,
    marked: &[(usize, Range<usize>)],
) -> Vec<RawHtml> {
    use std::cell::Cell;
    /// Counts what is written, for the iterator to see.
    struct Counting<'h> {
        html: &'h mut String,
        written: &'h Cell<usize>,
    }
    impl std::fmt::Write for Counting<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.html.push_str(s);
            self.written.set(self.written.get() + s.len());
            Ok(())
        }
    }
    let written = Cell::new(html.len());
    let mut found = Vec::with_capacity(marked.len());
    let mut next = marked.iter().peekable();
    let events = events.into_iter().enumerate().map(|(i, event)| {
        if let Some((_, span)) = next.next_if(|(at, _)| *at == i) {
            let start = written.get();
            let len = match &event {
                Event::Html(h) | Event::InlineHtml(h) => h.len(),
                _ => 0,
            };
            found.push(RawHtml {
                html: start..start + len.max(1),
                span: span.clone(),
            });
        }
        event
    });
    let writer = Counting {
        html,
        written: &written,
    };
    let _ = pulldown_cmark::html::write_html_fmt(writer, events);
    found
}

impl<'e> BodyRenderer<'_, '_, 'e> {
    /// Notes where the editor's raw HTML (or image) about to be pushed came from, unless a
    /// shortcode made it, or it is in an embedded file, or it goes into a heading or a
    /// footnote (which are written elsewhere).
    fn note_raw(&mut self, range: &Range<usize>) {
        if self.heading.is_some()
            || self.footnote.is_some()
            || self.map.is_replaced(range.start)
            || self.embed_at(range.start).is_some()
        {
            return;
        }
        let span = self.file_span(range.clone());
        self.raw.push((self.out.len(), span));
    }

    /// The innermost embedded file at a position of the expanded text, if any. Problems
    /// inside an embedded file are reported when that file's own page is rendered, so they
    /// are not reported again here.
    fn embed_at(&self, offset: usize) -> Option<&EmbedRegion> {
        self.embeds
            .iter()
            .filter(|e| e.range.contains(&offset))
            .max_by_key(|e| e.depth)
    }

    /// A span of the expanded text, as a span of the source file.
    fn file_span(&self, range: Range<usize>) -> Range<usize> {
        let r = self.map.original_range(range);
        r.start + self.input.body.start..r.end + self.input.body.start
    }

    fn push(&mut self, event: Event<'e>) {
        if self.picture.is_some() {
            return;
        }
        if let Some(h) = &mut self.heading {
            h.inner.push(event);
        } else if let Some((_, events)) = &mut self.footnote {
            events.push(event);
        } else {
            self.out.push(event);
        }
    }

    fn event(&mut self, event: Event<'e>, range: Range<usize>) {
        self.follow_text(&event, &range);
        let boxes = self.boxes;
        self.first_paragraph
            .event(&event, || boxes.iter().any(|b| b.contains(&range.start)));
        let in_summary = self.summaries.iter().any(|s| s.contains(&range.start));
        self.summary_box.event(&event, in_summary);
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.start_heading(level, id, classes, attrs, range),
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::FootnoteDefinition(label)) => self.start_note(&label, range),
            Event::End(TagEnd::FootnoteDefinition) => self.end_note(),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_link(link_type, dest_url, title, id, range),
            Event::End(TagEnd::Link) => self.end_link(),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_image(link_type, dest_url, title, id, range),
            Event::End(TagEnd::Image) => self.end_image(),
            Event::Html(_) | Event::InlineHtml(_) => {
                self.note_raw(&range);
                self.push(event);
            }
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                self.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            other => self.push(other),
        }
    }

    /// Follows the text: runs of it (for references to undefined endnotes), and an image's
    /// description.
    fn follow_text(&mut self, event: &Event<'e>, range: &Range<usize>) {
        if let Event::Text(text) = event {
            match &mut self.text_run {
                Some((run, r)) => {
                    run.push_str(text);
                    r.end = range.end;
                }
                None => self.text_run = Some((text.to_string(), range.clone())),
            }
        } else if let Some((run, r)) = self.text_run.take() {
            self.check_undefined_footnotes(&run, r);
        }
        match (&mut self.image, event) {
            (Some((alt, _)), Event::Text(t) | Event::Code(t)) => alt.push_str(t),
            (Some((alt, _)), Event::SoftBreak | Event::HardBreak) => alt.push(' '),
            _ => {}
        }
    }

    fn finish(mut self) -> Rendered {
        if let Some((run, r)) = self.text_run.take() {
            self.check_undefined_footnotes(&run, r);
        }
        // The text for search, from the same events as the HTML.
        let mut text = text::TextCollector::default();
        if self.input.collect_text {
            for event in &self.out {
                text.event(event);
            }
        }
        let mut html = String::with_capacity(self.input.body.len() * 3 / 2);
        self.rendered.raw_html = write_html(&mut html, std::mem::take(&mut self.out), &self.raw);

        self.write_endnotes(&mut html, &mut text);
        if self.input.collect_text {
            self.rendered.text = text.finish();
        }
        self.report_unused_notes();

        // Links to anchors on this same page.
        for (fragment, span) in std::mem::take(&mut self.pending_same_page) {
            if !self.ids.contains(&fragment) {
                let d = missing_anchor(
                    self.input.source,
                    span,
                    &fragment,
                    "this page",
                    self.ids.iter(),
                );
                self.diagnostics.push(d);
            }
        }
        self.rendered.html_hash = crate::fingerprint::hash_bytes(html.as_bytes());
        html.shrink_to_fit();
        self.rendered.html = html;
        let summary_box = std::mem::take(&mut self.summary_box).finish();
        let first_paragraph = std::mem::take(&mut self.first_paragraph).finish();
        self.rendered.summary_text = summary_box.or(first_paragraph);
        self.rendered.ids = self.ids.into_set();
        self.rendered
    }
}
