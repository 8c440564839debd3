//! Shortcodes: `{{ name(...) }}` and `{% name(...) %} ... {% end %}` in markdown.
//!
//! Expansion happens before markdown parsing and rewrites the markdown source itself:
//!
//! * an inline shortcode becomes its HTML (an HTML block when it stands on its own line);
//! * a body shortcode's template is rendered once with a marker for the body, and split at the
//!   marker: the opening half replaces the `{% name(...) %}` line and the closing half the
//!   `{% end %}` line, each as an HTML block. The body between them stays markdown, so its
//!   footnotes, heading ids and links are handled exactly like the rest of the page.
//!
//! An [`OffsetMap`] maps every position of the expanded text back to the original body, so
//! later diagnostics (a broken link inside a sidebar) still point at the right line.
//!
//! The [`Registry`] holds the known shortcodes; later features add their own (see
//! [`Registry::register`]).

pub mod case_study;
pub mod figures;
pub mod parse;

use crate::diagnostics::{Diagnostic, Source, did_you_mean, one_of};
use crate::front_matter::slugify;
use crate::resolve::{PageId, Site};
use crate::theme::Theme;
use parse::{ArgValue, Tag, TagKind};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::Arc;

/// The placeholder a body shortcode's template prints where the body goes.
pub const BODY_MARKER: &str = "\u{1}centerview-body\u{1}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{{ name(...) }}`: no body.
    Inline,
    /// `{% name(...) %} ... {% end %}`: a markdown body.
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Text,
    Integer,
    Bool,
}

impl ParamType {
    fn describe(self) -> &'static str {
        match self {
            ParamType::Text => "quoted text",
            ParamType::Integer => "a whole number",
            ParamType::Bool => "`true` or `false`",
        }
    }

    fn accepts(self, value: &ArgValue) -> bool {
        matches!(
            (self, value),
            (ParamType::Text, ArgValue::Text(_))
                | (ParamType::Integer, ArgValue::Integer(_))
                | (ParamType::Bool, ArgValue::Bool(_))
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub required: bool,
}

/// A shortcode call whose arguments were checked against the shortcode's parameters.
pub struct Call<'t> {
    pub tag: &'t Tag,
}

impl Call<'_> {
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.tag.arg(name).map(|a| &a.value) {
            Some(ArgValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.tag.arg(name).map(|a| &a.value) {
            Some(ArgValue::Integer(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.tag.arg(name).map(|a| &a.value) {
            Some(ArgValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The span of an argument's `name=value` (or of the whole tag), in the body.
    pub fn span_of(&self, name: &str) -> Range<usize> {
        self.tag
            .arg(name)
            .map(|a| a.span.clone())
            .unwrap_or_else(|| self.tag.span.clone())
    }
}

/// What a shortcode's render step can report.
pub struct CallError {
    pub message: String,
    /// The span in the body; the tag's when `None`.
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl CallError {
    pub fn new(message: impl Into<String>) -> CallError {
        CallError {
            message: message.into(),
            span: None,
            help: None,
        }
    }

    pub fn at(mut self, span: Range<usize>) -> CallError {
        self.span = Some(span);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> CallError {
        self.help = Some(help.into());
        self
    }
}

/// Ids used on one page: headings, boxes, endnotes. Keeps every id unique.
#[derive(Debug, Default)]
pub struct Ids {
    used: HashSet<String>,
    /// For each base that was taken, the next suffix to try: a page with thousands of
    /// headings of one text numbers them in linear time.
    next_suffix: std::collections::HashMap<String, usize>,
}

impl Ids {
    pub fn new(reserved: &[&str]) -> Ids {
        Ids {
            used: reserved.iter().map(|s| s.to_string()).collect(),
            next_suffix: Default::default(),
        }
    }

    /// A fresh id from `base`: `base`, else `base-1`, `base-2`...
    pub fn allocate(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let next = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Claims an id chosen by the editor; `false` when it is already taken.
    pub fn claim(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.used.iter().map(String::as_str)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    pub fn into_set(self) -> HashSet<String> {
        self.used
    }
}

/// What a shortcode can see and record while rendering one page.
pub struct Env<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub registry: &'a Registry,
    /// The page being rendered; `None` for an intro (`_index.md`).
    pub page: Option<PageId>,
    pub ids: &'a mut Ids,
    /// Counters by name ("figure"), for numbering in page order.
    pub counters: BTreeMap<&'static str, usize>,
    /// Theme templates rendered for this page, for its dependency record.
    pub templates: BTreeSet<String>,
    /// Source files the page's shortcodes read (data tables, embedded case studies).
    pub files: BTreeSet<String>,
    /// Data tables used, by id.
    pub tables: BTreeSet<String>,
    /// Case studies shown, boxed or in full, in page order.
    /// By path under `content/`.
    pub case_studies: Vec<String>,
    /// The pages being embedded, outermost first (the page itself at the bottom), to catch
    /// a case study that embeds itself.
    pub embedding: Vec<PageId>,
    /// Set when an embedding cycle is found, as the chain of files; reported by the
    /// outermost embed.
    pub cycle: Option<Vec<String>>,
}

impl<'a> Env<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        registry: &'a Registry,
        page: Option<PageId>,
        ids: &'a mut Ids,
    ) -> Env<'a> {
        Env {
            site,
            theme,
            registry,
            page,
            ids,
            counters: BTreeMap::new(),
            templates: BTreeSet::new(),
            files: BTreeSet::new(),
            tables: BTreeSet::new(),
            case_studies: Vec::new(),
            embedding: page.into_iter().collect(),
            cycle: None,
        }
    }

    /// The next number of a counter ("figure" → 1, 2, ...), in page order.
    pub fn next(&mut self, counter: &'static str) -> usize {
        let n = self.counters.entry(counter).or_insert(0);
        *n += 1;
        *n
    }

    /// Renders one of the theme's templates with the given context.
    pub fn render_template(
        &mut self,
        name: &str,
        context: &tera::Context,
    ) -> Result<String, CallError> {
        self.templates.insert(name.to_string());
        self.theme
            .render(name, context)
            .map_err(|err| CallError::new(format!("the theme's template `{name}` failed: {err}")))
    }
}

/// What a shortcode produces.
pub enum Expansion {
    /// HTML. A body shortcode's HTML holds [`BODY_MARKER`] once, where its body goes.
    Html(String),
    /// HTML around another file's markdown, which becomes part of this page (a case study
    /// embedded in full). `html` holds [`BODY_MARKER`] where the markdown goes.
    Embed(Embed),
}

pub struct Embed {
    pub html: String,
    /// The embedded markdown, its own shortcodes already expanded.
    pub markdown: Expanded<'static>,
    /// The embedded file's folder under `content/`, against which its links resolve.
    pub dir: String,
}

pub trait Shortcode: Send + Sync {
    fn name(&self) -> &'static str;
    fn form(&self) -> Form;
    fn params(&self) -> &'static [Param];
    /// Renders the shortcode.
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError>;
}

/// The known shortcodes.
#[derive(Clone, Default)]
pub struct Registry {
    shortcodes: BTreeMap<&'static str, Arc<dyn Shortcode>>,
}

impl Registry {
    /// The shortcodes every CenterView site has.
    pub fn builtin() -> Registry {
        let mut registry = Registry::default();
        registry.register(TemplateShortcode {
            name: "sidebar",
            form: Form::Body,
            params: &[Param {
                name: "title",
                ty: ParamType::Text,
                required: true,
            }],
        });
        registry.register(TemplateShortcode {
            name: "pullquote",
            form: Form::Body,
            params: &[Param {
                name: "by",
                ty: ParamType::Text,
                required: false,
            }],
        });
        registry.register(TemplateShortcode {
            name: "action_steps",
            form: Form::Body,
            params: &[Param {
                name: "title",
                ty: ParamType::Text,
                required: false,
            }],
        });
        registry.register(figures::Figure);
        registry.register(figures::Table);
        registry.register(case_study::CaseStudy);
        registry.register(TemplateShortcode {
            name: "summary",
            form: Form::Body,
            params: &[Param {
                name: "title",
                ty: ParamType::Text,
                required: false,
            }],
        });
        registry
    }

    pub fn register(&mut self, shortcode: impl Shortcode + 'static) {
        self.shortcodes
            .insert(shortcode.name(), Arc::new(shortcode));
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Shortcode>> {
        self.shortcodes.get(name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.shortcodes.keys().copied().collect()
    }
}

/// A shortcode drawn entirely by the theme's `shortcodes/<name>.html` template, which sees its
/// arguments, `body` (for body shortcodes) and `id` (a unique id made from `title`, if any).
pub struct TemplateShortcode {
    pub name: &'static str,
    pub form: Form,
    pub params: &'static [Param],
}

impl Shortcode for TemplateShortcode {
    fn name(&self) -> &'static str {
        self.name
    }
    fn form(&self) -> Form {
        self.form
    }
    fn params(&self) -> &'static [Param] {
        self.params
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        let mut context = tera::Context::new();
        // Every parameter is defined for the template; absent optional ones are none.
        for param in self.params {
            context.insert(param.name, &Option::<()>::None);
        }
        for arg in &call.tag.args {
            match &arg.value {
                ArgValue::Text(s) => context.insert(arg.name.clone(), s),
                ArgValue::Integer(n) => context.insert(arg.name.clone(), n),
                ArgValue::Float(f) => context.insert(arg.name.clone(), f),
                ArgValue::Bool(b) => context.insert(arg.name.clone(), b),
            }
        }
        let id_base = call
            .text("title")
            .map(slugify)
            .unwrap_or_else(|| self.name.replace('_', "-"));
        context.insert("id", &env.ids.allocate(&id_base));
        if self.form == Form::Body {
            context.insert("body", BODY_MARKER);
        }
        env.render_template(&format!("shortcodes/{}.html", self.name), &context)
            .map(Expansion::Html)
    }
}

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
}

/// A region of expanded text that came from another file.
#[derive(Debug, Clone)]
pub struct EmbedRegion {
    pub range: Range<usize>,
    /// The embedded file's folder under `content/`, for its relative links.
    pub dir: String,
    /// How many embeds deep: headings inside are demoted by this many levels.
    pub depth: u8,
}

impl Expanded<'_> {
    /// An owned copy, for embedding in another page.
    pub fn into_owned(self) -> Expanded<'static> {
        Expanded {
            text: Cow::Owned(self.text.into_owned()),
            map: self.map,
            boxes: self.boxes,
            embeds: self.embeds,
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
    if !body.contains("{{") && !body.contains("{%") {
        return Expanded {
            text: Cow::Borrowed(body),
            map: OffsetMap::default(),
            boxes: Vec::new(),
            embeds: Vec::new(),
        };
    }
    let at = |span: Range<usize>| span.start + body_start..span.end + body_start;
    let code = code_ranges(body);
    let (tags, errors) = parse::scan(body, &code);
    for err in errors {
        let mut d = Diagnostic::error(err.message).at(source, at(err.span));
        if let Some(help) = err.help {
            d = d.help(help);
        }
        diagnostics.push(d);
    }

    let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
    // Embedded markdown: (replacement index, offset of the markdown in its text, the markdown
    // expanded, its folder).
    let mut embedded: Vec<(usize, usize, Expanded<'static>, String)> = Vec::new();
    // Open body shortcodes: the tag, the closing HTML to put at its `{% end %}`, and the
    // index of its opening replacement.
    let mut open: Vec<(&Tag, Option<(String, usize)>)> = Vec::new();
    // Pairs of replacement indexes (opening, closing) of each body shortcode.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for tag in &tags {
        let line = line_around(body, tag.span.clone());
        let alone = body[line.start..tag.span.start].trim().is_empty()
            && body[tag.span.end..line.end].trim().is_empty();
        let indent = &body[line.start..tag.span.start];
        if tag.kind == TagKind::End {
            let Some((_, close)) = open.pop() else {
                diagnostics.push(
                    Diagnostic::error("`{% end %}` closes nothing: no body shortcode is open here")
                        .at(source, at(tag.span.clone()))
                        .help("remove it, or open a body shortcode before it, such as `{% sidebar(title=\"...\") %}`"),
                );
                continue;
            };
            if !alone {
                diagnostics.push(own_line_error(source, at(tag.span.clone()), "{% end %}"));
                continue;
            }
            if let Some((close, opening)) = close {
                pairs.push((opening, replacements.len()));
                replacements.push((tag.span.clone(), block_html(&close, indent)));
            }
            continue;
        }

        if tag.broken {
            open.push((tag, None));
            continue;
        }
        let checked = check_call(tag, registry, source, body_start, diagnostics);
        let Some(shortcode) = checked else {
            if tag.kind == TagKind::Open {
                open.push((tag, None));
            }
            continue;
        };
        let wrong_form = match (tag.kind, shortcode.form()) {
            (TagKind::Inline, Form::Body) => Some(format!(
                "`{0}` has a body: write `{{% {0}(...) %}}`, the body, then `{{% end %}}`",
                tag.name
            )),
            (TagKind::Open, Form::Inline) => Some(format!(
                "`{0}` has no body: write `{{{{ {0}(...) }}}}`",
                tag.name
            )),
            _ => None,
        };
        if let Some(message) = wrong_form {
            diagnostics.push(Diagnostic::error(message).at(source, at(tag.span.clone())));
            if tag.kind == TagKind::Open {
                open.push((tag, None));
            }
            continue;
        }
        if tag.kind == TagKind::Open && !alone {
            diagnostics.push(own_line_error(
                source,
                at(tag.span.clone()),
                &format!("{{% {}(...) %}}", tag.name),
            ));
            open.push((tag, None));
            continue;
        }

        let call = Call { tag };
        let output = match shortcode.render(&call, env) {
            Ok(output) => output,
            Err(failure) => {
                let mut d = Diagnostic::error(failure.message)
                    .at(source, at(failure.span.unwrap_or(tag.span.clone())));
                if let Some(help) = failure.help {
                    d = d.help(help);
                }
                diagnostics.push(d);
                if tag.kind == TagKind::Open {
                    open.push((tag, None));
                }
                continue;
            }
        };
        let html = match output {
            Expansion::Html(html) => html,
            Expansion::Embed(embed) => {
                let parts: Vec<&str> = embed.html.split(BODY_MARKER).collect();
                if !alone || parts.len() != 2 {
                    let message = if alone {
                        format!(
                            "the theme's template `shortcodes/{}.html` must print `{{{{ body }}}}` exactly once",
                            tag.name
                        )
                    } else {
                        format!(
                            "`{}` with a whole case study must be on a line of its own",
                            tag.name
                        )
                    };
                    diagnostics.push(Diagnostic::error(message).at(source, at(tag.span.clone())));
                    continue;
                }
                let mut text = block_html(parts[0], indent);
                text.push('\n');
                let offset = text.len();
                text.push_str(&embed.markdown.text);
                text.push_str("\n\n");
                text.push_str(&block_html(parts[1], indent));
                embedded.push((replacements.len(), offset, embed.markdown, embed.dir));
                replacements.push((tag.span.clone(), text));
                continue;
            }
        };
        match tag.kind {
            TagKind::Inline if alone => {
                replacements.push((tag.span.clone(), block_html(&html, indent)))
            }
            TagKind::Inline => replacements.push((tag.span.clone(), inline_html(&html))),
            TagKind::Open => {
                let parts: Vec<&str> = html.split(BODY_MARKER).collect();
                if parts.len() != 2 {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "the theme's template `shortcodes/{}.html` must print `{{{{ body }}}}` exactly once",
                            tag.name
                        ))
                        .at(source, at(tag.span.clone())),
                    );
                    open.push((tag, None));
                    continue;
                }
                open.push((tag, Some((parts[1].to_string(), replacements.len()))));
                replacements.push((tag.span.clone(), block_html(parts[0], indent)));
            }
            TagKind::End => unreachable!("handled above"),
        }
    }
    for (tag, _) in open {
        diagnostics.push(
            Diagnostic::error(format!("`{{% {} %}}` is never closed", tag.name))
                .at(source, at(tag.span.clone()))
                .label("opened here")
                .help("end its body with a line holding only `{% end %}`"),
        );
    }

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
    let mut boxes: Vec<Range<usize>> = pairs
        .into_iter()
        .map(|(opening, closing)| map.replaced[opening].0.start..map.replaced[closing].0.end)
        .collect();
    let mut embeds = Vec::new();
    for (index, offset, inner, dir) in embedded {
        let start = map.replaced[index].0.start + offset;
        embeds.push(EmbedRegion {
            range: start..start + inner.text.len(),
            dir,
            depth: 1,
        });
        boxes.extend(inner.boxes.iter().map(|b| b.start + start..b.end + start));
        embeds.extend(inner.embeds.into_iter().map(|e| EmbedRegion {
            range: e.range.start + start..e.range.end + start,
            dir: e.dir,
            depth: e.depth + 1,
        }));
    }
    Expanded {
        text: Cow::Owned(text),
        map,
        boxes,
        embeds,
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
    let names: Vec<&str> = params.iter().map(|p| p.name).collect();
    let mut ok = true;
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
        if tag.arg(param.name).is_none() {
            ok = false;
            diagnostics.push(
                Diagnostic::error(format!(
                    "`{}` needs the argument `{}`",
                    tag.name, param.name
                ))
                .at(source, at(tag.span.clone()))
                .label(format!("`{}` is missing", param.name))
                .help(format!("for example `{}=\"...\"`", param.name)),
            );
        }
    }
    ok.then_some(shortcode)
}

fn own_line_error(source: &Source, span: Range<usize>, what: &str) -> Diagnostic {
    Diagnostic::error(format!("`{what}` must be on a line of its own"))
        .at(source, span)
        .help("put the tag on its own line, with the body on the lines between the opening tag and `{% end %}`")
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
    fn ids_stay_unique() {
        let mut ids = Ids::new(&["endnotes"]);
        assert_eq!(ids.allocate("endnotes"), "endnotes-1");
        assert_eq!(ids.allocate("a"), "a");
        assert_eq!(ids.allocate("a"), "a-1");
        assert!(!ids.claim("a-1"));
        assert!(ids.claim("custom"));
    }

    #[test]
    fn block_html_keeps_indent_and_drops_blank_lines() {
        assert_eq!(
            block_html("<aside>\n\n<p>x</p>\n", "  "),
            "\n  <aside>\n  <p>x</p>\n"
        );
        assert_eq!(inline_html("<a>\n  b\n</a>"), "<a> b </a>");
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
