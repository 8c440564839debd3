//! A publication as a Typst document: its data for the theme's `edition` function, then its
//! body HTML translated element by element into calls of Typst's and the theme's functions.
//!
//! The translation is total: whatever the HTML, the markup it makes compiles. Every text
//! is a Typst string literal (`#"…"`, only `\` and `"` escaped, control characters dropped),
//! never markup, so no text can run Typst code; every other token is our own (`#`, a call,
//! `[`, `]`, a space, a line break, a label checked to be a plain name). Links to anchors
//! go only to labels the document has; headings never skip a level (PDF/UA requires an
//! outline that starts at the title's level 1); a heading or link with no text is not
//! made one (PDF/UA requires their text).

use super::html::{self, Element, Node};
use super::world::{Engine, MAX_IMAGES, image_path};
use super::{Publication, RawHtml};
use crate::diagnostics::Diagnostic;
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;

/// The generated document.
pub struct Translated {
    /// The main file's Typst source.
    pub main: String,
    /// Its images: virtual path and bytes.
    pub images: Vec<(String, Vec<u8>)>,
    /// Whether it shows any of the editor's images (not charts, which are our own).
    pub has_images: bool,
    pub warnings: Vec<Diagnostic>,
}

/// Translates a publication; `with_images: false` shows the editor's images as their
/// descriptions instead.
pub fn translate(p: &Publication, engine: &Engine, with_images: bool) -> Translated {
    let tree = html::parse(p.body_html);
    let mut t = Translator {
        p,
        engine,
        with_images,
        out: String::with_capacity(p.body_html.len() * 3 / 2),
        images: Vec::new(),
        has_images: false,
        warnings: Vec::new(),
        labels: HashSet::new(),
        placed: HashSet::new(),
        shown: 0,
        level: 1,
        missing: BTreeSet::new(),
        warned: HashSet::new(),
    };
    collect_labels(&tree, &mut t.labels);
    let mut main = String::with_capacity(p.body_html.len() * 3 / 2 + 2048);
    main.push_str("#import \"/edition.typ\" as cv\n#show: cv.edition.with(");
    let meta = t.meta();
    main.push_str(&meta);
    main.push_str(")\n");
    t.children(&tree, Context::Block);
    main.push_str(&t.out);
    main.push('\n');
    t.warn_missing();
    Translated {
        main,
        images: t.images,
        has_images: t.has_images,
        warnings: t.warnings,
    }
}

/// A Typst string literal of `text`, exactly: `\` and `"` escaped, control characters
/// (which no page shows) dropped.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether an id can be a Typst label written as `<id>` in markup.
fn label_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The elements a label is put on: headings, figures and endnotes, the first of each id.
fn labelled(e: &Element) -> bool {
    matches!(e.name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
        || (e.name == "figure" && e.has_class("data-figure"))
        || (e.name == "li" && e.attr("id").is_some_and(|id| id.starts_with("fn_")))
}

fn collect_labels(e: &Element, labels: &mut HashSet<String>) {
    for child in &e.children {
        if let Node::Element(c) = child {
            if labelled(c)
                && let Some(id) = c.attr("id").filter(|id| label_safe(id))
            {
                labels.insert(id.to_string());
            }
            collect_labels(c, labels);
        }
    }
}

/// Where an element's children go: blocks (where a text of only spaces is nothing) or a
/// run of text.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Block,
    Inline,
}

struct Translator<'p, 'a> {
    p: &'p Publication<'a>,
    engine: &'p Engine,
    with_images: bool,
    out: String,
    images: Vec<(String, Vec<u8>)>,
    has_images: bool,
    warnings: Vec<Diagnostic>,
    /// The labels the document will have.
    labels: HashSet<String>,
    /// The labels placed so far (each only once).
    placed: HashSet<String>,
    /// How many characters of text are written so far.
    shown: usize,
    /// The last heading's level (the title's is 1).
    level: u8,
    /// Characters no font has.
    missing: BTreeSet<char>,
    /// What has been warned about: (place in the HTML, what).
    warned: HashSet<(usize, &'static str)>,
}

impl Translator<'_, '_> {
    /// A string literal of text to show: a character no font has becomes `?`.
    fn shown_literal(&mut self, text: &str) -> String {
        use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
        // A combining mark left after composing may not combine with its base in any one
        // font (and never with a `?` put for a missing base): it is left out, as missing.
        let shown = |c: char| self.engine.covers(c) && !is_combining_mark(c);
        if text.chars().all(shown) {
            return literal(text);
        }
        let text: String = text.nfc().collect();
        let mut kept = String::with_capacity(text.len());
        for c in text.chars() {
            if self.engine.covers(c) && !is_combining_mark(c) {
                kept.push(c);
            } else if c.is_whitespace() {
                kept.push(' ');
            } else if !c.is_control() && !is_format(c) {
                self.missing.insert(c);
                kept.push('?');
            }
        }
        literal(&kept)
    }

    fn optional(&mut self, text: Option<&str>) -> String {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => self.shown_literal(t),
            None => "none".into(),
        }
    }

    fn array(&mut self, items: &[String]) -> String {
        let mut out = String::from("(");
        for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            out.push_str(&self.shown_literal(item));
            out.push(',');
        }
        out.push(')');
        out
    }

    /// The publication's data, as the dictionary `cv.edition` takes.
    fn meta(&mut self) -> String {
        let p = self.p;
        let title = [p.title, p.short_title, p.site_title, "Untitled"]
            .into_iter()
            .find(|t| !t.trim().is_empty())
            .unwrap_or("Untitled");
        let short = if p.short_title.trim().is_empty() {
            title
        } else {
            p.short_title
        };
        let place = match (p.district, p.region) {
            (Some(d), Some(r)) => Some(format!("{d} · {r}")),
            (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
            (None, None) => None,
        };
        let series = match p.series {
            Some((title, part, of)) => format!(
                "(title: {}, part: {part}, of: {of})",
                self.shown_literal(title)
            ),
            None => "none".into(),
        };
        let (lang, region) = language(p.language);
        let doi_url = p.doi.map(|d| {
            if d.starts_with("http") {
                d.to_string()
            } else {
                format!("https://doi.org/{d}")
            }
        });
        let mut m = String::from("(\n");
        let mut field = |name: &str, value: String| {
            let _ = writeln!(m, "  {name}: {value},");
        };
        field("kind", self.shown_literal(p.kind_label));
        field("title", self.shown_literal(title.trim()));
        field("short-title", self.shown_literal(short.trim()));
        field("subtitle", self.optional(p.subtitle));
        field("authors", self.array(p.authors));
        field("date", self.optional(p.date));
        field("updated", self.optional(p.updated));
        field("series", series);
        field("place", self.optional(place.as_deref()));
        field("summary", self.shown_literal(p.summary.trim()));
        field("topics", self.array(p.topics));
        field("lang", literal(&lang));
        field("region", region.map_or("none".into(), |r| literal(&r)));
        field(
            "url",
            self.link_literal(p.url).unwrap_or_else(|| "none".into()),
        );
        field("doi", self.optional(p.doi));
        field(
            "doi-url",
            doi_url
                .and_then(|u| self.link_literal(&u))
                .unwrap_or_else(|| "none".into()),
        );
        field("apa", self.shown_literal(p.apa.trim()));
        field("center", self.shown_literal(p.center.trim()));
        field("site-title", self.shown_literal(p.site_title.trim()));
        field("license", self.optional(p.license));
        field("paper", literal(p.paper.typst_name()));
        m.push(')');
        m
    }

    /// A URL as a string literal, when Typst takes it (not empty, not too long).
    fn link_literal(&self, url: &str) -> Option<String> {
        let url = url.trim();
        (!url.is_empty() && url.len() <= 8000 && !url.chars().any(char::is_control))
            .then(|| literal(url))
    }

    /// The raw HTML (or markdown image) of the editor's that has a position of the HTML.
    fn raw_at(&self, offset: usize) -> Option<&RawHtml> {
        self.p.raw_html.iter().find(|r| r.html.contains(&offset))
    }

    /// A warning about something of the page the PDF leaves out, at its markdown line when
    /// the editor wrote it.
    fn warn(&mut self, offset: usize, what: &'static str, message: String, help: &str) {
        let place = self.raw_at(offset).map(|r| r.span.clone());
        let key = (place.as_ref().map_or(offset, |s| s.start), what);
        if !self.warned.insert(key) {
            return;
        }
        let d = Diagnostic::warning(message).help(help);
        let d = match place {
            Some(span) => d.at(self.p.source, span),
            None => d.in_file(self.p.source.display.clone()),
        };
        self.warnings.push(d);
    }

    fn warn_missing(&mut self) {
        if self.missing.is_empty() {
            return;
        }
        let shown: Vec<String> = self
            .missing
            .iter()
            .take(10)
            .map(|c| format!("`{c}` (U+{:04X})", *c as u32))
            .collect();
        let more = match self.missing.len() {
            n if n > 10 => format!(" and {} more", n - 10),
            _ => String::new(),
        };
        self.warnings.push(
            Diagnostic::warning(format!(
                "the PDF edition's fonts have no letter for {}{more}: it shows `?` instead",
                shown.join(", ")
            ))
            .in_file(self.p.source.display.clone())
            .help("Source Serif 4 and Source Sans 3 cover Latin, Greek and Cyrillic scripts: write the text in them, or describe the character in words"),
        );
    }

    // ---------- Elements ----------

    fn children(&mut self, e: &Element, context: Context) {
        for child in &e.children {
            match child {
                Node::Text(text) => self.text(text, context),
                Node::Element(c) => self.element(c, context),
            }
        }
    }

    /// The children, in a content block: `[…]`.
    fn block_of(&mut self, e: &Element, context: Context) {
        self.out.push('[');
        self.children(e, context);
        self.out.push(']');
    }

    fn text(&mut self, text: &str, context: Context) {
        let starts = text.starts_with(|c: char| c.is_ascii_whitespace());
        let ends = text.ends_with(|c: char| c.is_ascii_whitespace());
        let words: Vec<&str> = text.split_ascii_whitespace().collect();
        if words.is_empty() {
            if context == Context::Inline && !text.is_empty() {
                self.out.push(' ');
            }
            return;
        }
        if starts {
            self.out.push(' ');
        }
        let joined = words.join(" ");
        self.shown += joined.len();
        let lit = self.shown_literal(&joined);
        self.out.push('#');
        self.out.push_str(&lit);
        if ends {
            self.out.push(' ');
        }
    }

    /// A call of a function whose last argument is the element's children, `#f(args)[…]`.
    fn call(&mut self, function: &str, e: &Element, context: Context) {
        self.out.push('#');
        self.out.push_str(function);
        self.block_of(e, context);
    }

    fn element(&mut self, e: &Element, context: Context) {
        if hidden(e) {
            return;
        }
        match e.name.as_str() {
            "p" => self.paragraph(e),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading(e),
            "ul" | "ol" => self.list(e),
            "li" => {
                self.children(e, Context::Inline);
                self.out.push_str("\n\n");
            }
            "blockquote" => {
                self.call("cv.blockquote", e, Context::Block);
                self.out.push('\n');
            }
            "pre" => self.code_block(e),
            "hr" => self.out.push_str("\n#cv.rule()\n"),
            "table" => self.table(e),
            "figure" => self.figure(e),
            "figcaption" => self.caption(e),
            "aside" | "section" | "div" => self.container(e),
            "details" | "main" | "article" | "header" | "footer" | "nav" => {
                self.children(e, Context::Block)
            }
            "svg" => self.svg(e),
            "img" => self.image(e),
            "a" => self.link(e),
            "em" | "i" | "cite" | "dfn" | "var" => self.call("emph", e, Context::Inline),
            "strong" | "b" => self.call("strong", e, Context::Inline),
            "del" | "s" | "strike" => self.call("strike", e, Context::Inline),
            "u" | "ins" => self.call("underline", e, Context::Inline),
            "mark" => self.call("highlight", e, Context::Inline),
            "small" => self.call("text(size: 0.85em)", e, Context::Inline),
            "sub" => self.call("sub", e, Context::Inline),
            "sup" if e.has_class("fnref") => self.call("cv.fnref", e, Context::Inline),
            "sup" => self.call("super", e, Context::Inline),
            "code" | "kbd" | "samp" | "tt" => {
                let text = e.text();
                self.shown += text.len();
                let lit = self.shown_literal(&text);
                let _ = write!(self.out, "#raw({lit})");
            }
            "br" => self.out.push_str("#linebreak()"),
            "input" => self.checkbox(e),
            "dl" => self.children(e, Context::Block),
            "dt" => {
                self.call("strong", e, Context::Inline);
                self.out.push_str("\n\n");
            }
            "dd" => {
                self.call("block(inset: (left: 1.2em))", e, Context::Block);
                self.out.push('\n');
            }
            "iframe" | "video" | "audio" | "object" | "embed" | "canvas" | "map" | "math"
            | "form" | "button" | "select" | "textarea" | "dialog" => self.left_out(e),
            "script" | "style" | "template" | "noscript" | "head" | "title" | "link" | "meta"
            | "base" | "source" | "track" | "param" | "summary" => {}
            _ if context == Context::Block && is_block_name(&e.name) => {
                self.children(e, Context::Block)
            }
            _ => self.children(e, Context::Inline),
        }
    }

    fn paragraph(&mut self, e: &Element) {
        let function = if e.has_class("box-title") || e.has_class("vff-label") {
            "cv.box-label"
        } else if e.has_class("vff-title") {
            "cv.box-heading"
        } else if e.has_class("vff-subtitle") || e.has_class("vff-place") {
            "cv.box-meta"
        } else {
            self.children(e, Context::Inline);
            self.out.push_str("\n\n");
            return;
        };
        self.call(function, e, Context::Inline);
        self.out.push('\n');
    }

    fn heading(&mut self, e: &Element) {
        let written: u8 = e.name[1..].parse().unwrap_or(2);
        // The title is the only level 1; no level is skipped.
        let level = written.clamp(2, self.level + 1);
        let start = self.out.len();
        let shown = self.shown;
        let _ = write!(self.out, "\n#heading(level: {level})");
        self.block_of(e, Context::Inline);
        if self.shown == shown {
            // No text: a heading must have some, so this is not one.
            self.out.truncate(start);
            self.children(e, Context::Inline);
        } else {
            self.level = level;
            self.label(e);
        }
        self.out.push('\n');
    }

    /// `<id>` after an element, if it is one the document's labels.
    fn label(&mut self, e: &Element) {
        if let Some(id) = e.attr("id").filter(|id| self.labels.contains(*id))
            && self.placed.insert(id.to_string())
        {
            let _ = write!(self.out, "<{id}>");
        }
    }

    fn list(&mut self, e: &Element) {
        if e.name == "ol" {
            let start = e
                .attr("start")
                .and_then(|s| s.trim().parse::<u32>().ok())
                .unwrap_or(1);
            let _ = write!(self.out, "\n#enum(start: {start}, ");
        } else {
            self.out.push_str("\n#list(");
        }
        for child in &e.children {
            match child {
                Node::Text(t) if t.trim().is_empty() => continue,
                Node::Element(li) if li.name == "li" => {
                    self.out.push('[');
                    if li.attr("id").is_some_and(|id| self.labels.contains(id)) {
                        self.out.push_str("#block");
                        self.block_of(li, Context::Inline);
                        self.label(li);
                    } else {
                        self.children(li, Context::Inline);
                    }
                    self.out.push(']');
                }
                // Anything else in a list is an item of its own.
                Node::Text(t) => {
                    self.out.push('[');
                    self.text(t, Context::Inline);
                    self.out.push(']');
                }
                Node::Element(other) => {
                    self.out.push('[');
                    self.element(other, Context::Inline);
                    self.out.push(']');
                }
            }
            self.out.push(',');
        }
        self.out.push_str(")\n");
    }

    fn code_block(&mut self, e: &Element) {
        let mut text = String::new();
        collect_raw_text(e, &mut text);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        self.shown += text.len();
        let lines: Vec<String> = text.split('\n').map(|l| self.shown_literal(l)).collect();
        let _ = write!(
            self.out,
            "\n#cv.code-block(({},).join(\"\\n\"))\n",
            lines.join(",")
        );
    }

    fn checkbox(&mut self, e: &Element) {
        if e.attr("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("checkbox"))
        {
            let mark = if e.attr("checked").is_some() {
                "[x] "
            } else {
                "[ ] "
            };
            self.shown += mark.len();
            let _ = write!(self.out, "#{}", literal(mark));
        } else {
            self.left_out(e);
        }
    }

    /// Something of the editor's the PDF cannot show.
    fn left_out(&mut self, e: &Element) {
        let what: &'static str = match e.name.as_str() {
            "iframe" => "embedded page (`<iframe>`)",
            "video" => "video",
            "audio" => "audio",
            "canvas" => "drawing (`<canvas>`)",
            "form" | "button" | "select" | "textarea" | "input" => "form",
            _ => "embedded content",
        };
        self.warn(
            e.span.start,
            what,
            format!("the PDF edition cannot show this {what}: it is left out of the PDF"),
            "keep it for the web page, and say in the text what it shows (or link to it), so readers of the PDF know",
        );
    }

    /// A box, a case study, the endnotes, or just a container.
    fn container(&mut self, e: &Element) {
        let kind = if e.has_class("endnotes") {
            self.call("cv.endnotes", e, Context::Block);
            self.out.push('\n');
            return;
        } else if e.has_class("vff-full") {
            "case-study-full"
        } else if e.has_class("view-from-field") {
            "case-study"
        } else if e.has_class("summary-box") {
            "summary-box"
        } else if e.has_class("action-steps") {
            "action-steps"
        } else if e.has_class("sidebar") || e.has_class("box") {
            "sidebar"
        } else if e.has_class("figure-notes") {
            self.call("cv.figure-notes", e, Context::Block);
            self.out.push('\n');
            return;
        } else {
            return self.children(e, Context::Block);
        };
        let _ = write!(self.out, "\n#cv.box({})", literal(kind));
        self.block_of(e, Context::Block);
        self.out.push('\n');
    }

    fn figure(&mut self, e: &Element) {
        if e.has_class("pullquote") {
            self.out.push_str("\n#cv.pullquote[");
            for child in &e.children {
                match child {
                    Node::Element(q) if q.name == "blockquote" => self.children(q, Context::Block),
                    Node::Element(c) if c.name == "figcaption" => {
                        self.call("cv.pullquote-by", c, Context::Inline)
                    }
                    Node::Element(c) => self.element(c, Context::Block),
                    Node::Text(t) => self.text(t, Context::Block),
                }
            }
            self.out.push_str("]\n");
        } else if e.has_class("data-figure") {
            self.out.push_str("\n#cv.figure");
            self.block_of(e, Context::Block);
            self.label(e);
            self.out.push('\n');
        } else {
            self.children(e, Context::Block);
        }
    }

    fn caption(&mut self, e: &Element) {
        self.call("cv.caption", e, Context::Inline);
        self.out.push('\n');
    }

    fn table(&mut self, e: &Element) {
        let mut rows: Vec<(&Element, bool)> = Vec::new();
        collect_rows(e, false, &mut rows);
        let columns = rows
            .iter()
            .map(|(r, _)| cells(r).count())
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        // The header: the first row, when it is in `<thead>`.
        let header = match rows.first() {
            Some((r, true)) => Some(*r),
            _ => None,
        };
        let _ = write!(self.out, "\n#cv.data-table({columns}, (");
        if let Some(h) = header {
            self.row(h, columns);
        }
        self.out.push_str("), (");
        for (r, _) in rows.iter().skip(header.is_some() as usize) {
            self.row(r, columns);
        }
        self.out.push_str("))\n");
    }

    /// A row's cells, each `[…],` or `table.cell(align: right)[…],`, to `columns` cells.
    fn row(&mut self, row: &Element, columns: usize) {
        let mut n = 0;
        for cell in cells(row).take(columns) {
            if cell.has_class("num") {
                self.out.push_str("table.cell(align: right)");
            }
            self.block_of(cell, Context::Inline);
            self.out.push(',');
            n += 1;
        }
        for _ in n..columns {
            self.out.push_str("[],");
        }
    }

    /// An inline SVG (our charts): an image of its own markup.
    fn svg(&mut self, e: &Element) {
        let Some(markup) = self.p.body_html.get(e.span.clone()) else {
            return;
        };
        if self.images.len() >= MAX_IMAGES || roxmltree::Document::parse(markup).is_err() {
            return self.left_out(e);
        }
        let alt = svg_description(e);
        let path = image_path(self.images.len(), "svg");
        // Its text too must be in our fonts.
        let markup: String = markup
            .chars()
            .map(|c| {
                if self.engine.covers(c) || c.is_ascii() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        self.images.push((path.clone(), markup.into_bytes()));
        let alt = if alt.is_empty() {
            "Chart".to_string()
        } else {
            alt
        };
        let _ = write!(
            self.out,
            "\n#cv.chart({}, {})\n",
            literal(&path),
            literal(&alt)
        );
    }

    fn image(&mut self, e: &Element) {
        let alt = e.attr("alt").unwrap_or("").trim().to_string();
        let src = e.attr("src").unwrap_or("");
        let describe = |t: &mut Self| {
            if !alt.is_empty() {
                let lit = t.shown_literal(&format!("[{alt}]"));
                t.shown += alt.len();
                let _ = write!(t.out, "#emph({lit})");
            }
        };
        if !self.with_images {
            return describe(self);
        }
        let file = (self.p.assets)(src).and_then(|path| std::fs::read(path).ok());
        let Some((data, extension)) = file.and_then(|d| format_of(&d).map(|x| (d, x))) else {
            self.warn(
                e.span.start,
                "image",
                format!(
                    "the PDF edition cannot show the image `{}`: it is not a PNG, JPEG, GIF, WebP or SVG file it can read",
                    crate::diagnostics::escape_controls(src)
                ),
                "use a PNG, JPEG, GIF, WebP or SVG file: the PDF shows the image's description instead",
            );
            return describe(self);
        };
        if self.images.len() >= MAX_IMAGES {
            return describe(self);
        }
        let path = image_path(self.images.len(), extension);
        self.images.push((path.clone(), data));
        self.has_images = true;
        let alt = if alt.is_empty() {
            "none".to_string()
        } else {
            literal(&alt)
        };
        let _ = write!(self.out, "#cv.image-block({}, {alt})", literal(&path));
    }

    fn link(&mut self, e: &Element) {
        let href = e.attr("href").unwrap_or("").trim();
        let target = if let Some(id) = href.strip_prefix('#') {
            self.labels
                .contains(id)
                .then(|| format!("label({})", literal(id)))
        } else {
            absolute(self.p.url, href).and_then(|u| self.link_literal(&u))
        };
        let Some(target) = target else {
            return self.children(e, Context::Inline);
        };
        let start = self.out.len();
        let shown = self.shown;
        let _ = write!(self.out, "#link({target})");
        self.block_of(e, Context::Inline);
        if self.shown == shown {
            // A link needs text to be named by (PDF/UA): without any, its content alone.
            self.out.truncate(start);
            self.children(e, Context::Inline);
        }
    }
}

/// What print leaves out: screen-reader text, back-links, download and "full size" links,
/// the narrow layout of a chart, a case study's link to its page.
fn hidden(e: &Element) -> bool {
    [
        "visually-hidden",
        "backref",
        "figure-download",
        "figure-full-size",
        "chart-narrow",
        "vff-more",
        "figure-data-toggle",
    ]
    .iter()
    .any(|c| e.has_class(c))
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden") == Some("true")
}

fn is_block_name(name: &str) -> bool {
    matches!(
        name,
        "address" | "center" | "fieldset" | "hgroup" | "menu" | "search" | "tbody" | "thead"
    )
}

/// Unicode format characters (joiners, direction marks, soft hyphens), which show nothing.
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

fn collect_raw_text(e: &Element, out: &mut String) {
    for child in &e.children {
        match child {
            Node::Text(t) => out.push_str(t),
            Node::Element(c) => collect_raw_text(c, out),
        }
    }
}

/// A table's rows, each with whether it is in the table's head.
fn collect_rows<'e>(e: &'e Element, head: bool, rows: &mut Vec<(&'e Element, bool)>) {
    for child in &e.children {
        if let Node::Element(c) = child {
            match c.name.as_str() {
                "tr" => rows.push((c, head)),
                "thead" => collect_rows(c, true, rows),
                "tbody" | "tfoot" => collect_rows(c, false, rows),
                _ => {}
            }
        }
    }
}

fn cells(row: &Element) -> impl Iterator<Item = &Element> {
    row.children.iter().filter_map(|c| match c {
        Node::Element(e) if e.name == "td" || e.name == "th" => Some(e),
        _ => None,
    })
}

/// An SVG's description: its `<title>` and `<desc>`, or its `aria-label`.
fn svg_description(e: &Element) -> String {
    let mut parts = Vec::new();
    for child in &e.children {
        if let Node::Element(c) = child
            && (c.name == "title" || c.name == "desc")
        {
            let text = c.text();
            if !text.is_empty() {
                parts.push(text);
            }
        }
    }
    if parts.is_empty()
        && let Some(label) = e.attr("aria-label")
    {
        parts.push(label.trim().to_string());
    }
    parts.join(". ")
}

/// An image's format (by its first bytes), if Typst reads it: the extension its file gets.
fn format_of(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("gif")
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("webp")
    } else {
        let text = std::str::from_utf8(data).ok()?;
        let doc = roxmltree::Document::parse(text).ok()?;
        (doc.root_element().tag_name().name() == "svg").then_some("svg")
    }
}

/// A link's address, absolute: a site address or relative one against the page's.
fn absolute(page: &str, href: &str) -> Option<String> {
    if href.is_empty() {
        return None;
    }
    let base = url::Url::parse(page).ok();
    match base {
        Some(base) => base.join(href).ok().map(String::from),
        None => url::Url::parse(href).ok().map(String::from),
    }
}

/// A language tag's language and region, as Typst takes them: `en-US` → `en`, `US`.
fn language(tag: &str) -> (String, Option<String>) {
    let mut parts = tag.split(['-', '_']);
    let lang = parts
        .next()
        .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))
        .map_or("en".to_string(), str::to_ascii_lowercase);
    let region = parts
        .find(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    (lang, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_only_what_strings_need() {
        assert_eq!(literal(r#"a\b"c"#), r#""a\\b\"c""#);
        assert_eq!(
            literal("#x $y$ @z <l> *b* _e_ ] #["),
            "\"#x $y$ @z <l> *b* _e_ ] #[\""
        );
        assert_eq!(literal("tab\tbell\u{7}end"), "\"tabbellend\"");
    }

    #[test]
    fn labels_are_plain_names() {
        assert!(label_safe("fn_1") && label_safe("why-it-matters") && label_safe("a.b:c"));
        assert!(!label_safe("") && !label_safe("a>b") && !label_safe("é") && !label_safe("a b"));
    }

    #[test]
    fn languages_as_typst_takes_them() {
        assert_eq!(language("en-US"), ("en".into(), Some("US".into())));
        assert_eq!(language("es"), ("es".into(), None));
        assert_eq!(language("zh_hant_tw"), ("zh".into(), Some("TW".into())));
        assert_eq!(language("english"), ("en".into(), None));
        assert_eq!(language(""), ("en".into(), None));
    }

    #[test]
    fn links_are_absolute() {
        let page = "https://example.org/briefs/a/";
        assert_eq!(
            absolute(page, "/reports/b/").as_deref(),
            Some("https://example.org/reports/b/")
        );
        assert_eq!(
            absolute(page, "../c/").as_deref(),
            Some("https://example.org/briefs/c/")
        );
        assert_eq!(
            absolute(page, "mailto:x@y.org").as_deref(),
            Some("mailto:x@y.org")
        );
        assert_eq!(absolute(page, ""), None);
    }

    #[test]
    fn image_formats_by_their_bytes() {
        assert_eq!(format_of(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(
            format_of(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("svg")
        );
        assert_eq!(format_of(b"BM a bitmap"), None);
        assert_eq!(format_of(b"<svg unclosed"), None);
    }
}
