//! Expanding shortcodes in a page's markdown, before it is parsed, in two stages:
//!
//! 1. **placement**: each tag is checked and rendered, and what replaces it is decided (an
//!    inline shortcode's HTML, a body shortcode's opening and closing HTML around a body that
//!    stays markdown, a whole embedded case study);
//! 2. **splicing**: the replacements are put into the text, with a map from each position of
//!    the expanded text back to the original, and the regions that are boxes or embedded
//!    files.

use super::captioned::{self, Captioned};
use super::image_figure::{self, ImageFigure};
use super::parse::{self, Tag, TagKind};
use super::{BODY_MARKER, Call, CallError, Env, Expansion, Form, Registry, Shortcode};
use crate::diagnostics::{Diagnostic, Source, did_you_mean, one_of};
use crate::theme::Theme;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Maps positions in expanded text back to the original body.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// Replaced regions: (range in the expanded text, range in the original), in order.
    replaced: Vec<(Range<usize>, Range<usize>)>,
}

impl OffsetMap {
    /// The original position of an expanded position. Inside a replacement, the position of
    /// the shortcode that produced it.
    pub fn original(&self, expanded: usize) -> usize {
        let i = self
            .replaced
            .partition_point(|(exp, _)| exp.start <= expanded);
        if i == 0 {
            return expanded;
        }
        let (exp, orig) = &self.replaced[i - 1];
        if expanded < exp.end {
            orig.start
        } else {
            orig.end + (expanded - exp.end)
        }
    }

    /// Whether a position of the expanded text is in a shortcode's output.
    pub fn is_replaced(&self, expanded: usize) -> bool {
        let i = self
            .replaced
            .partition_point(|(exp, _)| exp.start <= expanded);
        i > 0 && expanded < self.replaced[i - 1].0.end
    }

    pub fn original_range(&self, expanded: Range<usize>) -> Range<usize> {
        let start = self.original(expanded.start);
        let end = self.original(expanded.end).max(start);
        start..end
    }
}

pub struct Expanded<'a> {
    pub text: Cow<'a, str>,
    pub map: OffsetMap,
    /// The regions of the expanded text that body shortcodes enclose (from the opening HTML
    /// to the closing HTML), so the renderer can tell box content from running text.
    pub boxes: Vec<Range<usize>>,
    /// Regions holding another file's markdown (embedded case studies).
    pub embeds: Vec<EmbedRegion>,
    /// The boxes that are the page's own `{% summary() %}` boxes (not an embedded file's).
    pub summaries: Vec<Range<usize>>,
}

/// A region of expanded text that came from another file.
#[derive(Debug, Clone)]
pub struct EmbedRegion {
    pub range: Range<usize>,
    /// The embedded file's folder under `content/`, for its relative links.
    pub dir: String,
    /// How many embeds deep.
    pub depth: u8,
    /// How many levels its headings move down, so they follow the page's outline.
    pub shift: u8,
}

impl Expanded<'_> {
    /// An owned copy, for embedding in another page.
    pub fn into_owned(self) -> Expanded<'static> {
        Expanded {
            text: Cow::Owned(self.text.into_owned()),
            map: self.map,
            boxes: self.boxes,
            embeds: self.embeds,
            summaries: self.summaries,
        }
    }
}

/// Expands every shortcode in `body` (which starts at `body_start` in `source`).
pub fn expand<'b>(
    body: &'b str,
    body_start: usize,
    source: &Source,
    registry: &Registry,
    env: &mut Env,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expanded<'b> {
    if !body.contains("{{") && !body.contains("{%") && !body.contains("![") {
        return Expanded {
            text: Cow::Borrowed(body),
            map: OffsetMap::default(),
            boxes: Vec::new(),
            embeds: Vec::new(),
            summaries: Vec::new(),
        };
    }
    let code = code_ranges(body);
    let (tags, errors) = parse::scan(body, &code);
    let captioned = captioned::find(body, &tags);
    let mut place = Placement {
        body,
        body_start,
        source,
        registry,
        diagnostics,
        replacements: Vec::new(),
        embedded: Vec::new(),
        pairs: Vec::new(),
    };
    for err in errors {
        let mut d = Diagnostic::error(err.message).at(source, place.at(err.span));
        if let Some(help) = err.help {
            d = d.help(help);
        }
        place.diagnostics.push(d);
    }
    for span in captioned.in_text {
        let d = captioned_in_text(source, place.at(span));
        place.diagnostics.push(d);
    }
    place.all(&tags, &captioned.figures, env);
    let Placement {
        replacements,
        embedded,
        pairs,
        ..
    } = place;
    splice(body, replacements, embedded, pairs)
}

/// Markdown embedded from another file.
struct Embedded {
    /// The index of its replacement, and the offset of the markdown in that text.
    replacement: usize,
    offset: usize,
    /// The markdown expanded.
    markdown: Expanded<'static>,
    /// Its folder, and how many levels its headings move down.
    dir: String,
    shift: u8,
}

/// An open body shortcode: the tag, and (when it rendered) the closing HTML to put at its
/// `{% end %}` and the index of its opening replacement.
type Open<'t> = (&'t Tag, Option<(String, usize)>);

/// The first stage: what replaces each tag.
struct Placement<'p> {
    body: &'p str,
    body_start: usize,
    source: &'p Source,
    registry: &'p Registry,
    diagnostics: &'p mut Vec<Diagnostic>,
    /// What replaces each tag, in order: (its range in the body, the text).
    replacements: Vec<(Range<usize>, String)>,
    embedded: Vec<Embedded>,
    /// Pairs of replacement indexes (opening, closing) of each body shortcode, and whether
    /// it is a summary box.
    pairs: Vec<(usize, usize, bool)>,
}

/// Where a tag stands on its line.
struct Line<'b> {
    /// Nothing else is on the tag's line.
    alone: bool,
    /// What precedes the tag on its line.
    indent: &'b str,
}

impl<'p> Placement<'p> {
    /// A span of the body, as a span of the source file.
    fn at(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.body_start..span.end + self.body_start
    }

    fn error(&mut self, message: impl Into<String>, span: Range<usize>) {
        let d = Diagnostic::error(message).at(self.source, self.at(span));
        self.diagnostics.push(d);
    }

    /// Where a call is, as `content/a.md:7`, for an error in a template it uses.
    fn place(&self, tag: &Tag) -> String {
        let (line, _) = self.source.line_col(self.at(tag.span.clone()).start);
        format!("{}:{line}", self.source.display)
    }

    /// A body shortcode's template printed `{{ body }}` never or more than once: a mistake
    /// in the template, reported there once for all the calls it fails.
    fn body_not_once(&mut self, tag: &Tag, theme: &Theme) {
        let template = format!("shortcodes/{}.html", tag.name);
        let d = Diagnostic::error(format!(
            "the template `{template}` must print `{{{{ body }}}}` exactly once"
        ))
        .in_file(theme.display_path(&template, &theme.name))
        .seen_at(self.place(tag))
        .help("print `{{ body }}` once where the body goes, outside any `{% if %}` or `{% for %}`");
        self.diagnostics.push(d);
    }

    fn line(&self, tag: &Tag) -> Line<'p> {
        let body = self.body;
        let line = line_around(body, tag.span.clone());
        Line {
            alone: body[line.start..tag.span.start].trim().is_empty()
                && body[tag.span.end..line.end].trim().is_empty(),
            indent: &body[line.start..tag.span.start],
        }
    }

    /// Places every tag and captioned image in order, then reports the body shortcodes
    /// left open.
    fn all<'t>(&mut self, tags: &'t [Tag], images: &[Captioned], env: &mut Env) {
        let mut open: Vec<Open<'t>> = Vec::new();
        let mut images = images.iter().peekable();
        for tag in tags {
            while let Some(image) = images.next_if(|i| i.span.start < tag.span.start) {
                self.image(image, env);
            }
            let line = self.line(tag);
            if tag.kind == TagKind::End {
                self.close(tag, &line, &mut open);
            } else if tag.broken {
                open.push((tag, None));
            } else if let Some(opened) = self.call(tag, &line, env) {
                open.push((tag, opened));
            }
        }
        for image in images {
            self.image(image, env);
        }
        for (tag, _) in open {
            let d = Diagnostic::error(format!("`{{% {} %}}` is never closed", tag.name))
                .at(self.source, self.at(tag.span.clone()))
                .label("opened here")
                .help("end its body with a line holding only `{% end %}`");
            self.diagnostics.push(d);
        }
    }

    /// An `{% end %}`: the closing HTML of the innermost open body shortcode.
    fn close(&mut self, tag: &Tag, line: &Line, open: &mut Vec<Open>) {
        let Some((opening_tag, close)) = open.pop() else {
            let d = Diagnostic::error("`{% end %}` closes nothing: no body shortcode is open here")
                .at(self.source, self.at(tag.span.clone()))
                .help("remove it, or open a body shortcode before it, such as `{% sidebar(title=\"...\") %}`");
            self.diagnostics.push(d);
            return;
        };
        if !line.alone {
            let d = own_line_error(self.source, self.at(tag.span.clone()), "{% end %}");
            self.diagnostics.push(d);
            return;
        }
        if let Some((close, opening)) = close {
            let summary = opening_tag.name == super::SUMMARY_BOX;
            self.pairs.push((opening, self.replacements.len(), summary));
            self.replacements
                .push((tag.span.clone(), block_html(&close, line.indent)));
        }
    }

    /// A call: checked and rendered, and its HTML placed. For an opening tag, returns what
    /// its `{% end %}` will need (`Some(None)` when it could not be rendered: its end still
    /// closes it); `None` when the tag opens nothing.
    fn call(&mut self, tag: &Tag, line: &Line, env: &mut Env) -> Option<Option<(String, usize)>> {
        let opens = tag.kind == TagKind::Open;
        let failed = opens.then_some(None);
        let Some(shortcode) = check_call(
            tag,
            self.registry,
            self.source,
            self.body_start,
            self.diagnostics,
        ) else {
            return failed;
        };
        if opens && !line.alone {
            let what = format!("{{% {}(...) %}}", tag.name);
            let d = own_line_error(self.source, self.at(tag.span.clone()), &what);
            self.diagnostics.push(d);
            return failed;
        }
        if env.size.over() {
            // The page is over its limit already: what more calls would make is not made.
            env.size.stopped = true;
            self.measure(tag, None, env);
            return failed;
        }
        let made_before = env.size.made;
        let before = &self.body[..tag.span.start];
        let rendered = shortcode.render(&Call { tag, before }, env);
        // What the call made is counted whole below, an embedded file's own calls (counted
        // while it was expanded) with it.
        env.size.made = made_before;
        let expansion = match rendered {
            Ok(expansion) => expansion,
            Err(CallError {
                template: Some(template),
                ..
            }) => {
                let d = template.call_diagnostic(self.place(tag));
                self.diagnostics.push(d);
                return failed;
            }
            Err(failure) => {
                let span = self.at(failure.span.unwrap_or(tag.span.clone()));
                let mut d = Diagnostic::error(failure.message).at(self.source, span);
                if let Some(help) = failure.help {
                    d = d.help(help);
                }
                self.diagnostics.push(d);
                return failed;
            }
        };
        self.measure(tag, Some(expansion.bytes()), env);
        match expansion {
            Expansion::Html(html) => self.html(tag, line, &html, env.theme),
            Expansion::Embed(embed) => {
                self.embed(tag, line, embed, env.theme);
                None
            }
        }
    }

    /// A captioned image as a numbered figure in place of its markdown. One whose path does
    /// not resolve or whose alt text is empty is left as it is: the renderer reports it as
    /// it reports every image.
    fn image(&mut self, image: &Captioned, env: &mut Env) {
        let resolves = crate::resolve::links::resolve_link(env.site, env.dir(), &image.dest, true);
        if resolves.is_err() || image.alt.trim().is_empty() {
            return;
        }
        let figure = ImageFigure {
            image: &image.dest,
            image_span: image.dest_span.clone(),
            alt: &image.alt,
            caption: &image.caption,
            source: None,
        };
        match image_figure::render(&figure, env) {
            Ok(html) => {
                env.size.made += html.len();
                let line = line_around(self.body, image.span.clone());
                let indent = &self.body[line.start..image.span.start];
                self.replacements
                    .push((image.span.clone(), block_html(&html, indent)));
            }
            Err(CallError {
                template: Some(template),
                ..
            }) => {
                let (line, _) = self.source.line_col(self.at(image.span.clone()).start);
                let place = format!("{}:{line}", self.source.display);
                self.diagnostics.push(template.call_diagnostic(place));
            }
            Err(failure) => {
                let span = self.at(failure.span.unwrap_or(image.span.clone()));
                let mut d = Diagnostic::error(failure.message).at(self.source, span);
                if let Some(help) = failure.help {
                    d = d.help(help);
                }
                self.diagnostics.push(d);
            }
        }
    }

    /// Adds what a call made (`None`: it was not rendered) to the page's size, and counts it
    /// among the page's own calls when it is one.
    fn measure(&self, tag: &Tag, made: Option<usize>, env: &mut Env) {
        env.size.made += made.unwrap_or(0);
        if !env.nested() {
            let span = self.at(tag.span.clone());
            env.size.record(&self.body[tag.span.clone()], span, made);
        }
    }

    /// A rendered shortcode's HTML in place of its tag: a block on a line of its own, inline
    /// within a paragraph; a body shortcode's HTML split where its body goes.
    fn html(
        &mut self,
        tag: &Tag,
        line: &Line,
        html: &str,
        theme: &Theme,
    ) -> Option<Option<(String, usize)>> {
        let span = tag.span.clone();
        match tag.kind {
            TagKind::Inline if line.alone => {
                self.replacements
                    .push((span, block_html(html, line.indent)));
                None
            }
            TagKind::Inline => {
                if let Some(element) = block_element(html) {
                    let d = in_paragraph_error(self.source, self.at(span), &tag.name, element);
                    self.diagnostics.push(d);
                    return None;
                }
                self.replacements.push((span, inline_html(html)));
                None
            }
            TagKind::Open => {
                let parts: Vec<&str> = html.split(BODY_MARKER).collect();
                if parts.len() != 2 {
                    self.body_not_once(tag, theme);
                    return Some(None);
                }
                let opening = self.replacements.len();
                self.replacements
                    .push((span, block_html(parts[0], line.indent)));
                Some(Some((parts[1].to_string(), opening)))
            }
            TagKind::End => unreachable!("ends are closed, not called"),
        }
    }

    /// Another file's markdown, within the HTML around it, in place of the tag.
    fn embed(&mut self, tag: &Tag, line: &Line, embed: super::Embed, theme: &Theme) {
        let parts: Vec<&str> = embed.html.split(BODY_MARKER).collect();
        if !line.alone {
            let message = format!(
                "`{}` with a whole case study must be on a line of its own",
                tag.name
            );
            self.error(message, tag.span.clone());
            return;
        }
        if parts.len() != 2 {
            self.body_not_once(tag, theme);
            return;
        }
        let mut text = block_html(parts[0], line.indent);
        text.push('\n');
        let offset = text.len();
        text.push_str(&embed.markdown.text);
        text.push_str("\n\n");
        text.push_str(&block_html(parts[1], line.indent));
        self.embedded.push(Embedded {
            replacement: self.replacements.len(),
            offset,
            markdown: embed.markdown,
            dir: embed.dir,
            shift: embed.shift,
        });
        self.replacements.push((tag.span.clone(), text));
    }
}

/// Why a call is in the wrong form for its shortcode, if it is: a body shortcode written
/// inline, or the other way round.
fn wrong_form(tag: &Tag, shortcode: &dyn Shortcode) -> Option<String> {
    match (tag.kind, shortcode.form()) {
        (TagKind::Inline, Form::Body) => Some(format!(
            "`{0}` has a body: write `{{% {0}(...) %}}`, the body, then `{{% end %}}`",
            tag.name
        )),
        (TagKind::Open, Form::Inline) => Some(format!(
            "`{0}` has no body: write `{{{{ {0}(...) }}}}`",
            tag.name
        )),
        _ => None,
    }
}

/// The second stage: the replacements put into the text, with the map back to the original
/// and the regions of boxes and embedded files.
fn splice(
    body: &str,
    replacements: Vec<(Range<usize>, String)>,
    embedded: Vec<Embedded>,
    pairs: Vec<(usize, usize, bool)>,
) -> Expanded<'static> {
    let mut text =
        String::with_capacity(body.len() + replacements.iter().map(|r| r.1.len()).sum::<usize>());
    let mut map = OffsetMap::default();
    let mut last = 0;
    for (range, html) in replacements {
        text.push_str(&body[last..range.start]);
        let exp_start = text.len();
        text.push_str(&html);
        map.replaced.push((exp_start..text.len(), range.clone()));
        last = range.end;
    }
    text.push_str(&body[last..]);
    let region =
        |opening: usize, closing: usize| map.replaced[opening].0.start..map.replaced[closing].0.end;
    let summaries: Vec<Range<usize>> = (pairs.iter())
        .filter(|pair| pair.2)
        .map(|&(opening, closing, _)| region(opening, closing))
        .collect();
    let mut boxes: Vec<Range<usize>> = (pairs.iter())
        .map(|&(opening, closing, _)| region(opening, closing))
        .collect();
    let mut embeds = Vec::new();
    for embed in embedded {
        let inner = embed.markdown;
        let start = map.replaced[embed.replacement].0.start + embed.offset;
        embeds.push(EmbedRegion {
            range: start..start + inner.text.len(),
            dir: embed.dir,
            depth: 1,
            shift: embed.shift,
        });
        boxes.extend(inner.boxes.iter().map(|b| b.start + start..b.end + start));
        // Shifts are the page's already (see `Env::shift`).
        embeds.extend(inner.embeds.into_iter().map(|e| EmbedRegion {
            range: e.range.start + start..e.range.end + start,
            depth: e.depth + 1,
            ..e
        }));
    }
    Expanded {
        text: Cow::Owned(text),
        map,
        boxes,
        embeds,
        summaries,
    }
}

/// Checks a call's name and arguments; `None` (with diagnostics) when it cannot be rendered.
fn check_call<'r>(
    tag: &Tag,
    registry: &'r Registry,
    source: &Source,
    body_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'r Arc<dyn Shortcode>> {
    let at = |span: Range<usize>| span.start + body_start..span.end + body_start;
    let Some(shortcode) = registry.get(&tag.name) else {
        let names = registry.names();
        let d = Diagnostic::error(format!("unknown shortcode `{}`", tag.name))
            .at(source, at(tag.name_span.clone()))
            .label("not a shortcode");
        let d = match did_you_mean(&tag.name, names.iter().copied()) {
            Some(close) => d.help(format!(
                "did you mean `{close}`? The shortcodes are {}",
                one_of(&names)
            )),
            None => d.help(format!("the shortcodes are {}", one_of(&names))),
        };
        diagnostics.push(d);
        return None;
    };
    let params = shortcode.params();
    let names: Vec<&str> = params.iter().map(|p| p.name.as_ref()).collect();
    // The form first, then the arguments, all in one run.
    let mut ok = true;
    if let Some(message) = wrong_form(tag, shortcode.as_ref()) {
        ok = false;
        diagnostics.push(Diagnostic::error(message).at(source, at(tag.span.clone())));
    }
    for arg in &tag.args {
        match params.iter().find(|p| p.name == arg.name) {
            None => {
                ok = false;
                let d = Diagnostic::error(format!("`{}` has no argument `{}`", tag.name, arg.name))
                    .at(source, at(arg.span.clone()))
                    .label("unknown argument");
                diagnostics.push(
                    match (
                        did_you_mean(&arg.name, names.iter().copied()),
                        names.is_empty(),
                    ) {
                        (_, true) => d.help(format!("`{}` takes no arguments", tag.name)),
                        (Some(close), _) => d.help(format!(
                            "did you mean `{close}`? `{}` takes {}",
                            tag.name,
                            one_of(&names)
                        )),
                        (None, _) => d.help(format!("`{}` takes {}", tag.name, one_of(&names))),
                    },
                );
            }
            Some(param) if !param.ty.accepts(&arg.value) => {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(format!(
                        "argument `{}` of `{}` must be {}, found {}",
                        arg.name,
                        tag.name,
                        param.ty.describe(),
                        arg.value.type_name()
                    ))
                    .at(source, at(arg.span.clone())),
                );
            }
            Some(_) => {}
        }
    }
    for param in params.iter().filter(|p| p.required) {
        if tag.arg(&param.name).is_none() {
            ok = false;
            diagnostics.push(
                Diagnostic::error(format!(
                    "`{}` needs the argument `{}`",
                    tag.name, param.name
                ))
                .at(source, at(tag.span.clone()))
                .label(format!("`{}` is missing", param.name))
                .help(format!(
                    "for example `{}={}`",
                    param.name,
                    param.ty.example()
                )),
            );
        }
    }
    ok.then_some(shortcode)
}

/// The warning for a captioned image where a figure cannot stand.
fn captioned_in_text(source: &Source, span: Range<usize>) -> Diagnostic {
    Diagnostic::warning(
        "this image has a caption (its title) but is not a paragraph of its own, so it stays an image in the text, not a numbered figure",
    )
    .at(source, span)
    .help("to make it a figure, put it on a line of its own with a blank line before and after, outside a list item's first line, a quotation or a table; to keep it in the text, remove the title")
}

fn own_line_error(source: &Source, span: Range<usize>, what: &str) -> Diagnostic {
    Diagnostic::error(format!("`{what}` must be on a line of its own"))
        .at(source, span)
        .help("put the tag on its own line, with the body on the lines between the opening tag and `{% end %}`")
}

/// The error for a shortcode whose HTML is a block (a box, a figure, a table) written inside
/// a paragraph, where it would make invalid HTML (`<p>…<aside>…</aside>…</p>`).
fn in_paragraph_error(
    source: &Source,
    span: Range<usize>,
    name: &str,
    element: &str,
) -> Diagnostic {
    Diagnostic::error(format!(
        "`{{{{ {name}(...) }}}}` makes a block (`<{element}>`), which cannot stand inside a paragraph"
    ))
    .at(source, span)
    .help("put the tag on a line of its own, outside any quotation or table: the block then stands between the paragraphs")
}

/// HTML elements that cannot be inside a paragraph.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// The first element of `html` that cannot be inside a paragraph, if any.
fn block_element(html: &str) -> Option<&'static str> {
    html.match_indices('<').find_map(|(at, _)| {
        let name: String = html[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        BLOCK_ELEMENTS.iter().copied().find(|e| *e == name)
    })
}

/// The line(s) containing `span`, without the final newline.
fn line_around(text: &str, span: Range<usize>) -> Range<usize> {
    let start = text[..span.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[span.end..]
        .find('\n')
        .map(|i| span.end + i)
        .unwrap_or(text.len());
    start..end
}

/// HTML that must be an HTML block: a blank line before (so it never joins a paragraph),
/// no blank lines inside (which would end the block), the line's indentation on every line
/// (so it stays inside a list item), and a blank line after (so markdown resumes).
fn block_html(html: &str, indent: &str) -> String {
    let mut out = String::from("\n");
    for line in html
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
    {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// HTML inside a paragraph: on one line, so it cannot end the paragraph.
fn inline_html(html: &str) -> String {
    html.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The byte ranges of code spans and code blocks, where shortcodes are left as text.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag as MdTag};
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(text, crate::dialect::options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Start(MdTag::CodeBlock(_)) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_points_replacements_at_their_tag() {
        let map = OffsetMap {
            replaced: vec![(10..30, 10..15), (40..41, 25..35)],
        };
        assert_eq!(map.original(5), 5);
        assert_eq!(map.original(12), 10);
        assert_eq!(map.original(30), 15);
        assert_eq!(map.original(35), 20);
        assert_eq!(map.original(40), 25);
        assert_eq!(map.original(45), 39);
    }

    #[test]
    fn block_html_keeps_indent_and_drops_blank_lines() {
        assert_eq!(
            block_html("<aside>\n\n<p>x</p>\n", "  "),
            "\n  <aside>\n  <p>x</p>\n"
        );
        assert_eq!(inline_html("<a>\n  b\n</a>"), "<a> b </a>");
        assert_eq!(block_element("<span><a href=x>y</a></span>"), None);
        assert_eq!(block_element("<span>\n<ASIDE class=x>"), Some("aside"));
        assert_eq!(block_element("<header-ish><p>"), Some("p"));
    }

    #[test]
    fn code_ranges_cover_spans_and_fences() {
        let text = "a `{{ x() }}` b\n\n```\n{{ y() }}\n```\n";
        let ranges = code_ranges(text);
        assert_eq!(ranges.len(), 2);
        assert!(ranges[0].contains(&text.find("{{ x").unwrap()));
        assert!(ranges[1].contains(&text.find("{{ y").unwrap()));
    }
}
