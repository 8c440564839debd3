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

use crate::diagnostics::{Diagnostic, Source, did_you_mean};
use crate::resolve::{LinkTarget, PageId, Site};
use crate::shortcodes::{self, EmbedRegion, Env, Ids, OffsetMap, Registry};
use crate::theme::Theme;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

/// Ids every page reserves for itself, so no heading can take them.
pub const RESERVED_IDS: &[&str] = &["endnotes", "main-content", "site-nav", "page-title"];

/// What a generated id is for, when `id` is one that no heading may take: the reserved ids,
/// and the endnotes' `fn_N` and `fnref_N` (with `_M` for a note cited again).
pub fn generated_id_owner(id: &str) -> Option<&'static str> {
    match id {
        "endnotes" => Some("the Endnotes section's heading"),
        "main-content" => Some("the skip link's target, the start of the page's text"),
        "site-nav" => Some("the site's navigation"),
        "page-title" => Some("the page's title"),
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

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every id on the page's body.
    pub ids: HashSet<String>,
    /// The plain text of the first paragraph, for summaries.
    pub first_paragraph: Option<String>,
    /// Pages this one links to.
    /// Pages this one links to, by path under `content/`.
    pub links_to: Vec<String>,
    /// Assets this one links to, by path under `content/`.
    pub assets: Vec<String>,
    /// A hash of `html`.
    pub html_hash: u64,
    pub anchor_checks: Vec<AnchorCheck>,
    pub endnote_count: usize,
    /// What the body's shortcodes used.
    pub records: Records,
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
}

pub fn render(
    input: &Input,
    site: &Site,
    theme: &Theme,
    registry: &Registry,
    diagnostics: &mut Vec<Diagnostic>,
) -> Rendered {
    let body = &input.source.text[input.body.clone()];
    let mut ids = Ids::new(RESERVED_IDS);
    let (expanded, records) = {
        let mut env = Env::new(site, theme, registry, input.page, &mut ids);
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
            case_studies: std::mem::take(&mut env.case_studies),
        };
        (expanded, records)
    };
    let mut r = Renderer {
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
        depth: 0,
        paragraph: None,
        pending_same_page: Vec::new(),
        autolinks: Vec::new(),
        rendered: Rendered {
            records,
            ..Rendered::default()
        },
    };
    for (event, range) in
        Parser::new_ext(&expanded.text, crate::dialect::options()).into_offset_iter()
    {
        r.event(event, range);
    }
    let rendered = r.finish();
    if rendered.html.len() > LARGE_PAGE_BYTES && input.page.is_some() {
        let tables = &rendered.records.tables;
        let help = if tables.is_empty() {
            "readers on phones wait long for a page this large: split it into several pages"
                .to_string()
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
        let title_line = input.source.text.find('\n').unwrap_or(0);
        diagnostics.push(
            Diagnostic::warning(format!(
                "this page makes {:.1} MB of HTML",
                rendered.html.len() as f64 / (1024.0 * 1024.0)
            ))
            .at(input.source, 0..title_line)
            .help(help),
        );
    }
    rendered
}

/// Pages larger than this (in HTML) get a warning.
pub const LARGE_PAGE_BYTES: usize = 10 * 1024 * 1024;

struct Renderer<'a, 'd, 'e> {
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
    /// Consecutive text, to spot `[^label]` references to undefined footnotes.
    text_run: Option<(String, Range<usize>)>,
    /// How deep in lists, quotes and tables we are.
    depth: usize,
    /// The first top-level paragraph's text, while it is being collected.
    paragraph: Option<String>,
    /// For each open link, whether it is an autolink (closed with raw HTML).
    autolinks: Vec<bool>,
    /// Links to `#fragment` on this page, checked when all its ids are known.
    pending_same_page: Vec<(String, Range<usize>)>,
    rendered: Rendered,
}

/// A heading whose events are held back until its text (and so its id) is known.
struct PendingHeading<'e> {
    level: HeadingLevel,
    custom_id: Option<CowStr<'e>>,
    classes: Vec<CowStr<'e>>,
    attrs: Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
    inner: Vec<Event<'e>>,
    range: Range<usize>,
}

#[derive(Default)]
struct Notes<'e> {
    /// Labels in order of first reference: endnote 1, 2, ...
    order: Vec<String>,
    /// Each label's endnote number, and how many times it was referenced so far.
    refs: HashMap<String, (usize, usize)>,
    defs: HashMap<String, (Vec<Event<'e>>, Range<usize>)>,
}

impl<'e> Renderer<'_, '_, 'e> {
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
        if let Some(h) = &mut self.heading {
            h.inner.push(event);
        } else if let Some((_, events)) = &mut self.footnote {
            events.push(event);
        } else {
            self.out.push(event);
        }
    }

    fn event(&mut self, event: Event<'e>, range: Range<usize>) {
        if let Event::Text(text) = &event {
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
        // An image's alt text is not running text.
        if let Some(paragraph) = self.paragraph.as_mut().filter(|_| self.image.is_none()) {
            match &event {
                Event::Text(t) | Event::Code(t) => paragraph.push_str(t),
                Event::SoftBreak | Event::HardBreak => paragraph.push(' '),
                _ => {}
            }
        }
        if let (Some((alt, _)), Event::Text(t) | Event::Code(t)) = (&mut self.image, &event) {
            alt.push_str(t);
        }

        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.heading = Some(PendingHeading {
                    level,
                    custom_id: id,
                    classes,
                    attrs,
                    inner: Vec::new(),
                    range,
                });
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.footnote = Some((label.to_string(), Vec::new()));
                self.notes
                    .defs
                    .entry(label.to_string())
                    .or_insert((Vec::new(), range));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = self.footnote.take()
                    && let Some(def) = self.notes.defs.get_mut(&label)
                {
                    def.0 = events;
                }
            }
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Start(Tag::Link {
                link_type: link_type @ (LinkType::Autolink | LinkType::Email),
                dest_url,
                ..
            }) => {
                // Autolinks show their URL as their text; the class lets print styles avoid
                // printing it twice.
                let href = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    self.link(link_type, dest_url, false, range).to_string()
                };
                let mut html = String::from("<a class=\"url\" href=\"");
                pulldown_cmark_escape::escape_href(&mut html, &href).ok();
                html.push_str("\">");
                self.autolinks.push(true);
                self.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, false, range);
                self.autolinks.push(false);
                self.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                if self.autolinks.pop() == Some(true) {
                    self.push(Event::InlineHtml("</a>".into()));
                } else {
                    self.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, true, range.clone());
                self.image = Some((String::new(), range));
                self.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                if let Some((alt, range)) = self.image.take()
                    && alt.trim().is_empty()
                    && self.embed_at(range.start).is_none()
                {
                    {
                        let span = self.file_span(range);
                        self.diagnostics.push(
                            Diagnostic::error("this image has no alt text")
                                .at(self.input.source, span)
                                .label("empty alt text")
                                .help("describe the image between the brackets for readers who cannot see it: `![Bar chart of supports districts use](../assets/fig.png)`"),
                        );
                    }
                }
                self.push(Event::End(TagEnd::Image));
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
            Event::Start(Tag::Paragraph) => {
                let in_box = self.boxes.iter().any(|b| b.contains(&range.start));
                if !in_box
                    && self.depth == 0
                    && self.footnote.is_none()
                    && self.rendered.first_paragraph.is_none()
                    && self.paragraph.is_none()
                {
                    self.paragraph = Some(String::new());
                }
                self.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = self.paragraph.take() {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        self.rendered.first_paragraph = Some(text);
                    }
                }
                self.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(tag @ (Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_))) => {
                self.depth += 1;
                self.push(Event::Start(tag));
            }
            Event::End(tag @ (TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Table)) => {
                self.depth = self.depth.saturating_sub(1);
                self.push(Event::End(tag));
            }
            other => self.push(other),
        }
    }

    fn end_heading(&mut self) {
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
        let depth = self.embed_at(range.start).map(|e| e.depth).unwrap_or(0);
        // An embedded file's headings sit one level below the page's, per level of embedding.
        let level = demote(level, depth);
        let id = match custom {
            Some(custom) => {
                let generated = generated_id_owner(&custom);
                if let Some(owner) = generated.filter(|_| depth == 0) {
                    let span = self.file_span(range.clone());
                    self.diagnostics.push(
                        Diagnostic::error(format!("the id `{custom}` is already {owner}"))
                            .at(self.input.source, span)
                            .help("give this heading another `{#id}`"),
                    );
                } else if !self.ids.claim(&custom) && depth == 0 && generated.is_none() {
                    let span = self.file_span(range.clone());
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
            let span = self.file_span(range);
            self.diagnostics.push(
                Diagnostic::warning(
                    "a `#` heading in the body: the page title is already the page's top heading",
                )
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

    fn footnote_reference(&mut self, label: &str) {
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

    fn check_undefined_footnotes(&mut self, text: &str, range: Range<usize>) {
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

    /// Rewrites a link's destination, checking relative links against the site.
    fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'e>,
        image: bool,
        range: Range<usize>,
    ) -> CowStr<'e> {
        // An autolink's URL is shown as its text, so it is kept as written unless unsafe.
        if link_type == LinkType::Email
            || link_type == LinkType::Autolink && unsafe_scheme(&dest).is_none()
        {
            return dest;
        }
        let embedded = self.embed_at(range.start).map(|e| e.dir.clone());
        let dir = embedded.as_deref().unwrap_or(self.input.dir);
        let span = self.file_span(range);
        let span = narrow_to(&self.input.source.text, span, &dest);
        match resolve_link(self.site, dir, &dest, image) {
            Ok(Link::Keep) => dest,
            Ok(Link::SamePage(fragment)) => {
                if embedded.is_none() {
                    self.pending_same_page.push((fragment, span));
                }
                dest
            }
            Ok(Link::Page { id, url, fragment }) => {
                self.rendered
                    .links_to
                    .push(self.site.pages[id].src.rel.clone());
                if let Some(fragment) = fragment {
                    if embedded.is_none() {
                        self.rendered.anchor_checks.push(AnchorCheck {
                            target: self.site.pages[id].src.rel.clone(),
                            fragment: fragment.clone(),
                            span,
                        });
                    }
                    format!("{url}#{fragment}").into()
                } else {
                    url.into()
                }
            }
            Ok(Link::Url(url)) => url.into(),
            Ok(Link::Asset { rel, url }) => {
                self.rendered.assets.push(rel);
                url.into()
            }
            Err(_) if embedded.is_some() => dest,
            Err(failure) => {
                let mut d = Diagnostic::error(failure.message).at(self.input.source, span);
                if let Some(help) = failure.help {
                    d = d.help(help);
                }
                self.diagnostics.push(d);
                dest
            }
        }
    }

    fn finish(mut self) -> Rendered {
        if let Some((run, r)) = self.text_run.take() {
            self.check_undefined_footnotes(&run, r);
        }
        let mut html = String::with_capacity(self.input.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.out).into_iter());

        // Endnotes, numbered in order of first reference.
        let order = std::mem::take(&mut self.notes.order);
        if !order.is_empty() {
            html.push_str("<section class=\"endnotes\" aria-labelledby=\"endnotes\">\n<h2 id=\"endnotes\">Endnotes</h2>\n<ol>\n");
            for (i, label) in order.iter().enumerate() {
                let number = i + 1;
                self.ids.claim(&format!("fn_{number}"));
                let Some((events, _)) = self.notes.defs.remove(label) else {
                    // Referenced but never defined: pulldown-cmark leaves such references as
                    // text, so this only happens for labels defined inside another note.
                    continue;
                };
                let mut note = String::new();
                pulldown_cmark::html::push_html(&mut note, events.into_iter());
                let refs = self.notes.refs.get(label).map_or(1, |(_, count)| *count);
                let mut back = String::new();
                for n in 1..=refs {
                    let (id, label) = if n == 1 {
                        (
                            format!("fnref_{number}"),
                            format!("Back to reference {number}"),
                        )
                    } else {
                        (
                            format!("fnref_{number}_{n}"),
                            format!("Back to reference {number} ({n})"),
                        )
                    };
                    let _ = write!(
                        back,
                        " <a href=\"#{id}\" class=\"backref\" aria-label=\"{label}\">↩\u{fe0e}</a>"
                    );
                }
                let note = note.trim_end();
                match note.strip_suffix("</p>") {
                    Some(before) => {
                        let _ = writeln!(html, "<li id=\"fn_{number}\">{before}{back}</p></li>");
                    }
                    None => {
                        let _ = writeln!(html, "<li id=\"fn_{number}\">{note}<p>{back}</p></li>");
                    }
                }
            }
            html.push_str("</ol>\n</section>\n");
            self.rendered.endnote_count = order.len();
        }
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
        self.rendered.html = html;
        self.rendered.ids = self.ids.into_set();
        self.rendered
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

/// Narrows a link's span to its destination when it can be found there.
fn narrow_to(text: &str, span: Range<usize>, dest: &str) -> Range<usize> {
    if dest.is_empty() || span.end > text.len() {
        return span;
    }
    match text[span.clone()].rfind(dest) {
        Some(i) => span.start + i..span.start + i + dest.len(),
        None => span,
    }
}

/// The error for a `#fragment` that names no id on its page.
pub fn missing_anchor<'i>(
    source: &Source,
    span: Range<usize>,
    fragment: &str,
    page: &str,
    ids: impl Iterator<Item = &'i str>,
) -> Diagnostic {
    let ids: Vec<&str> = ids.collect();
    let d = Diagnostic::error(format!("the anchor `#{fragment}` does not exist on {page}"))
        .at(source, span)
        .label("no heading has this id");
    match did_you_mean(fragment, ids.iter().copied()) {
        Some(close) => d.help(format!("did you mean `#{close}`?")),
        None => {
            d.help("link to a heading's id: the heading text in lower case, with dashes for spaces")
        }
    }
}

pub enum Link {
    /// External, site-absolute or otherwise not ours to touch.
    Keep,
    SamePage(String),
    Page {
        id: PageId,
        url: String,
        fragment: Option<String>,
    },
    Url(String),
    /// A file in `content/assets/`.
    Asset {
        rel: String,
        url: String,
    },
}

pub struct LinkFailure {
    pub message: String,
    pub help: Option<String>,
}

/// Characters to percent-encode in a URL path segment.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Resolves a link written in a file under `content/<dir>/`.
/// The scheme of a `javascript:`, `vbscript:` or `data:` URL, which a page must not link to.
/// Browsers ignore letter case, and tabs, newlines and other control characters anywhere in
/// the URL, and leading spaces; character references are already decoded by the markdown
/// parser.
pub fn unsafe_scheme(dest: &str) -> Option<&'static str> {
    let (before, _) = dest.split_once(':')?;
    let scheme: String = before
        .chars()
        .filter(|c| *c > ' ')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| *s == scheme)
}

pub fn resolve_link(site: &Site, dir: &str, dest: &str, image: bool) -> Result<Link, LinkFailure> {
    let fail = |message: String, help: Option<String>| Err(LinkFailure { message, help });
    if dest.is_empty() {
        return fail(
            "this link has no target".into(),
            Some(
                "put the page or URL between the parentheses: `[text](../briefs/snapshot.md)`"
                    .into(),
            ),
        );
    }
    if let Some(scheme) = unsafe_scheme(dest) {
        let what = if image { "an image" } else { "a link" };
        let help = match (scheme, image) {
            ("data", true) => {
                "put the image in content/assets/ and write its path relative to this page, for example `../assets/figure-1.png`"
            }
            _ => {
                "links may go to pages and files of the site, and to http:, https:, mailto: and tel: addresses"
            }
        };
        return fail(
            format!(
                "{what} to a `{scheme}:` URL would run code or hide content in the page, so it is not allowed"
            ),
            Some(help.into()),
        );
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return Ok(Link::SamePage(fragment.to_string()));
    }
    if image && dest.starts_with('/') && !dest.starts_with("//") {
        // A site-absolute image is kept only if it is one of the site's own files: an
        // absolute path from the editor's computer (`/Users/…/chart.png`) would show nothing.
        let path = dest.split(['?', '#']).next().unwrap_or(dest);
        let rel = path
            .strip_prefix(site.base_path())
            .map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned());
        return match rel.as_deref().map(|rel| site.lookup(rel)) {
            Some(LinkTarget::Asset(_)) => Ok(Link::Keep),
            _ => fail(
                format!("the image `{dest}` is not a file of this site"),
                Some(
                    "put the image in content/assets/ and write its path relative to this page, for example `../assets/figure-1.png`"
                        .into(),
                ),
            ),
        };
    }
    if has_scheme(dest) || dest.starts_with("//") || dest.starts_with('/') {
        return Ok(Link::Keep);
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split_once('?').map(|(p, _)| p).unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let Some(rel) = normalize(dir, &decoded) else {
        return fail(
            format!("the link `{dest}` points outside content/"),
            Some("link to a file inside content/, relative to this file".into()),
        );
    };
    let what = if image { "image" } else { "link" };
    match site.lookup(&rel) {
        LinkTarget::Page(_) if image => fail(
            format!("the image `{dest}` is a page, not an image"),
            Some(
                "images are files in content/assets/, for example `../assets/figure-1.png`".into(),
            ),
        ),
        LinkTarget::Page(id) => Ok(Link::Page {
            id,
            url: site.pages[id].url.clone(),
            fragment,
        }),
        LinkTarget::Listing(url) => Ok(match fragment {
            Some(f) => Link::Url(format!("{url}#{f}")),
            None => Link::Url(url),
        }),
        LinkTarget::Asset(asset) => {
            let encoded: Vec<String> = asset
                .split('/')
                .map(|s| utf8_percent_encode(s, PATH_SEGMENT).to_string())
                .collect();
            let url = site.urls().copied_file(&encoded.join("/"));
            Ok(Link::Asset {
                rel: asset.to_string(),
                url: match fragment {
                    Some(f) => format!("{url}#{f}"),
                    None => url,
                },
            })
        }
        LinkTarget::Draft => fail(
            format!("the {what} `{dest}` goes to a draft, which this build leaves out"),
            Some(
                "publish the draft (remove `draft: true`), build with --drafts, or remove the link"
                    .into(),
            ),
        ),
        LinkTarget::Missing => {
            let shown = format!("content/{rel}");
            if rel.ends_with(".md") {
                let suggestion = did_you_mean(&rel, site.page_paths()).map(|close| {
                    let written = relative_to(dir, close);
                    format!("did you mean `{written}`?")
                });
                fail(
                    format!("the {what} `{dest}` goes to {shown}, which does not exist"),
                    Some(suggestion.unwrap_or_else(|| "link to a page by its file, relative to this file: `../briefs/snapshot.md`".into())),
                )
            } else if !rel.starts_with("assets/") {
                fail(
                    format!("the {what} `{dest}` goes to {shown}, which is not a page or an asset"),
                    Some("files for the site belong in content/assets/; pages are linked by their .md file".into()),
                )
            } else {
                let suggestion = did_you_mean(&rel, site.assets.iter().map(|a| a.rel.as_str()))
                    .map(|close| format!("did you mean `{}`?", relative_to(dir, close)));
                fail(
                    format!("the {what} `{dest}` goes to {shown}, which does not exist"),
                    Some(suggestion.unwrap_or_else(|| {
                        "check the file name; files in content/assets/ are copied to the site"
                            .into()
                    })),
                )
            }
        }
    }
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Joins a relative path to a folder under `content/`, resolving `.` and `..`; `None` when it
/// climbs out of `content/`.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// How a file under `content/` is written from another folder under it.
fn relative_to(dir: &str, target: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize("briefs", "../posts/x.md").as_deref(),
            Some("posts/x.md")
        );
        assert_eq!(
            normalize("briefs", "./y.md").as_deref(),
            Some("briefs/y.md")
        );
        assert_eq!(normalize("", "briefs/y.md").as_deref(), Some("briefs/y.md"));
        assert_eq!(normalize("briefs", "../../etc/passwd"), None);
        assert_eq!(relative_to("posts", "briefs/x.md"), "../briefs/x.md");
        assert_eq!(relative_to("briefs", "briefs/x.md"), "x.md");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("../x.md"));
        assert!(!has_scheme("x.md#a:b"));
    }
}
