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
//! The [`Registry`] holds the known shortcodes: the built-in ones, and those a theme declares
//! in its own `shortcodes/<name>.html` templates (see [`declaration`]).

mod captioned;
pub mod case_study;
mod declaration;
mod expand;
pub mod figures;
pub mod image_figure;
pub mod parse;
pub mod size;

pub use expand::{EmbedRegion, Expanded, OffsetMap, code_ranges, expand};
pub use size::PageSize;

use crate::diagnostics::Diagnostic;
use crate::front_matter::slugify;
use crate::resolve::{PageId, Site};
use crate::theme::{TemplateError, Theme};
use parse::{ArgValue, Tag};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::Arc;

/// The body shortcode whose text is the page's summary when its front matter has none.
pub const SUMMARY_BOX: &str = "summary";

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

    /// A value of this type, for an example in a help line.
    fn example(self) -> &'static str {
        match self {
            ParamType::Text => "\"...\"",
            ParamType::Integer => "2",
            ParamType::Bool => "true",
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

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Cow<'static, str>,
    pub ty: ParamType,
    pub required: bool,
}

/// A shortcode call whose arguments were checked against the shortcode's parameters.
pub struct Call<'t> {
    pub tag: &'t Tag,
    /// The text of the file before the tag (for the heading it stands under).
    pub before: &'t str,
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
    /// The theme's template failed: the mistake is in the template, not the call, and is
    /// reported there once for every call it fails.
    pub template: Option<Box<TemplateError>>,
}

impl CallError {
    pub fn new(message: impl Into<String>) -> CallError {
        CallError {
            message: message.into(),
            span: None,
            help: None,
            template: None,
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
    /// The folder under `content/` of the file being rendered, against which its own
    /// relative paths resolve (an embedded case study's are its own: see [`Env::dir`]).
    pub folder: &'a str,
    pub ids: &'a mut Ids,
    /// Counters by name ("figure"), for numbering in page order.
    pub counters: BTreeMap<&'static str, usize>,
    /// Theme templates rendered for this page, for its dependency record.
    pub templates: BTreeSet<String>,
    /// Source files the page's shortcodes read (data tables, embedded case studies).
    pub files: BTreeSet<String>,
    /// Data tables used, by id.
    pub tables: BTreeSet<String>,
    /// Images shown as figures, by path under `content/`: their size is in the page.
    pub images: BTreeSet<String>,
    /// Raster images shown with their resized copies, by path under `content/`, with where
    /// each is in the body (`None` inside an embedded file).
    pub pictures: Vec<(String, Option<usize>)>,
    /// Case studies shown, boxed or in full, in page order.
    /// By path under `content/`.
    pub case_studies: Vec<String>,
    /// The pages being embedded, outermost first (the page itself at the bottom), to catch
    /// a case study that embeds itself.
    pub embedding: Vec<PageId>,
    /// Set when an embedding cycle is found, as the chain of files; reported by the
    /// outermost embed.
    pub cycle: Option<Vec<String>>,
    /// How many levels the headings of the text being expanded move down in the page: 0
    /// for the page's own text, more inside an embedded case study.
    pub shift: u8,
    /// How big the page has grown, against the largest it may be.
    pub size: PageSize,
}

impl<'a> Env<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        registry: &'a Registry,
        page: Option<PageId>,
        folder: &'a str,
        ids: &'a mut Ids,
    ) -> Env<'a> {
        Env {
            site,
            theme,
            registry,
            page,
            folder,
            ids,
            counters: BTreeMap::new(),
            templates: BTreeSet::new(),
            files: BTreeSet::new(),
            tables: BTreeSet::new(),
            images: BTreeSet::new(),
            pictures: Vec::new(),
            case_studies: Vec::new(),
            embedding: page.into_iter().collect(),
            cycle: None,
            shift: 0,
            size: PageSize::new(site.config.max_page_bytes(), 0),
        }
    }

    /// Whether the text being expanded is another file's, embedded in the page.
    pub fn nested(&self) -> bool {
        self.embedding.len() > usize::from(self.page.is_some())
    }

    /// The folder under `content/` that relative paths in the text being expanded start
    /// from: an embedded case study's own, else the file's.
    pub fn dir(&self) -> &str {
        match self.embedding.last() {
            Some(&id) if self.nested() => {
                let rel = &self.site.pages[id].src.rel;
                rel.rsplit_once('/').map_or("", |(dir, _)| dir)
            }
            _ => self.folder,
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
        self.theme.render(name, context).map_err(|err| {
            let template = self.theme.render_error(name, &err);
            CallError {
                template: Some(template),
                ..CallError::new(format!("the theme's template `{name}` failed"))
            }
        })
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

impl Expansion {
    /// How many bytes it adds to the page.
    pub fn bytes(&self) -> usize {
        match self {
            Expansion::Html(html) => html.len(),
            Expansion::Embed(embed) => embed.html.len() + embed.markdown.text.len(),
        }
    }
}

pub struct Embed {
    pub html: String,
    /// The embedded markdown, its own shortcodes already expanded.
    pub markdown: Expanded<'static>,
    /// The embedded file's folder under `content/`, against which its links resolve.
    pub dir: String,
    /// How many levels the embedded file's headings move down in the page.
    pub shift: u8,
}

pub trait Shortcode: Send + Sync {
    fn name(&self) -> &str;
    fn form(&self) -> Form;
    fn params(&self) -> &[Param];
    /// Renders the shortcode.
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError>;
}

/// The known shortcodes.
#[derive(Clone, Default)]
pub struct Registry {
    shortcodes: BTreeMap<String, Arc<dyn Shortcode>>,
}

impl Registry {
    /// The shortcodes every CenterView site has.
    pub fn builtin() -> Registry {
        let mut registry = Registry::default();
        registry.register(TemplateShortcode {
            name: Cow::Borrowed("sidebar"),
            form: Form::Body,
            params: Cow::Borrowed(&[Param {
                name: Cow::Borrowed("title"),
                ty: ParamType::Text,
                required: true,
            }]),
        });
        registry.register(TemplateShortcode {
            name: Cow::Borrowed("pullquote"),
            form: Form::Body,
            params: Cow::Borrowed(&[Param {
                name: Cow::Borrowed("by"),
                ty: ParamType::Text,
                required: false,
            }]),
        });
        registry.register(TemplateShortcode {
            name: Cow::Borrowed("action_steps"),
            form: Form::Body,
            params: Cow::Borrowed(&[Param {
                name: Cow::Borrowed("title"),
                ty: ParamType::Text,
                required: false,
            }]),
        });
        registry.register(figures::Figure);
        registry.register(figures::Table);
        registry.register(case_study::CaseStudy);
        registry.register(TemplateShortcode {
            name: Cow::Borrowed(SUMMARY_BOX),
            form: Form::Body,
            params: Cow::Borrowed(&[Param {
                name: Cow::Borrowed("title"),
                ty: ParamType::Text,
                required: false,
            }]),
        });
        registry
    }

    /// The built-in shortcodes and those the theme adds (see [`declaration`]), or every
    /// problem with the theme's declarations.
    pub fn for_theme(theme: &Theme) -> Result<Registry, Vec<Diagnostic>> {
        let mut registry = Registry::builtin();
        declaration::add_site_shortcodes(&mut registry, &theme.site_shortcodes)?;
        Ok(registry)
    }

    pub fn register(&mut self, shortcode: impl Shortcode + 'static) {
        self.shortcodes
            .insert(shortcode.name().to_string(), Arc::new(shortcode));
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Shortcode>> {
        self.shortcodes.get(name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.shortcodes.keys().map(String::as_str).collect()
    }
}

/// A shortcode drawn entirely by the theme's `shortcodes/<name>.html` template, which sees its
/// arguments, `body` (for body shortcodes) and `id` (a unique id made from `title`, if any).
pub struct TemplateShortcode {
    pub name: Cow<'static, str>,
    pub form: Form,
    pub params: Cow<'static, [Param]>,
}

impl Shortcode for TemplateShortcode {
    fn name(&self) -> &str {
        &self.name
    }
    fn form(&self) -> Form {
        self.form
    }
    fn params(&self) -> &[Param] {
        &self.params
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        let mut context = tera::Context::new();
        // Every parameter is defined for the template; absent optional ones are none.
        for param in self.params.iter() {
            context.insert(param.name.clone(), &Option::<()>::None);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_unique() {
        let mut ids = Ids::new(&["endnotes"]);
        assert_eq!(ids.allocate("endnotes"), "endnotes-1");
        assert_eq!(ids.allocate("a"), "a");
        assert_eq!(ids.allocate("a"), "a-1");
        assert!(!ids.claim("a-1"));
        assert!(ids.claim("custom"));
    }
}
