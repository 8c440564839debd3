//! What an output is made from, said once.
//!
//! An output kind describes each of its files as [`Inputs`]: the template, and every value the
//! template sees, by name. From that one description come the file's fingerprint (an
//! incremental build renders it again only when that changes), its template context, and its
//! dependency record, so an input cannot be in one of them and missing from another. Values
//! are cheap handles where they can be (a page's card, a rendered body), hashed by what is
//! already known of them, and built into template values only when the file is rendered.

use super::shared::Shared;
use crate::data::DataTable;
use crate::fingerprint::{Fingerprint, hash_bytes};
use crate::markdown::Rendered;
use crate::output::Deps;
use crate::resolve::PageId;
use crate::theme::TemplateError;
use serde::Serialize;

/// A value a template sees.
pub enum Value<'a> {
    /// Text, numbers, lists and maps, with a hash of their serialization.
    Data(tera::Value, u64),
    /// Text, hashed as it is and built into a template value only when rendered: what every
    /// page has (its title, description and URLs), cheap to fingerprint.
    Str(std::borrow::Cow<'a, str>),
    /// A whole number, likewise.
    Int(i64),
    /// True or false, likewise.
    Bool(bool),
    /// Nothing (`none` in templates).
    Null,
    /// A value made only when the file is rendered, by a function of what every output
    /// shares and a number (a page's id, say), with a hash of what it is made from (for a
    /// page's `<title>`, its card's hash).
    Derived(fn(&Shared, usize) -> tera::Value, usize, u64),
    /// A page's card (what listings show of it).
    Card(PageId),
    /// Pages' cards, as a list.
    Cards(Vec<PageId>),
    /// A rendered body's HTML, marked safe to print as it is.
    Html(&'a Rendered),
    /// A rendered body's HTML as text (a feed escapes it).
    Text(&'a Rendered),
    /// The headings of a rendered body: level, id and text of each.
    Headings(&'a Rendered),
    /// A list of values.
    List(Vec<Value<'a>>),
    /// Named values.
    Map(Vec<(&'static str, Value<'a>)>),
    /// The site, as every template sees it.
    Site,
    /// Every data table.
    Tables,
}

impl<'a> Value<'a> {
    /// Plain data, serialized now.
    pub fn data(value: &impl Serialize) -> Value<'a> {
        let json = serde_json::to_vec(value).expect("template data serializes");
        Value::Data(tera::Value::from_serializable(value), hash_bytes(&json))
    }

    /// A body's HTML, or nothing.
    pub fn html_or_none(body: Option<&'a Rendered>) -> Value<'a> {
        match body {
            Some(body) => Value::Html(body),
            None => Value::Null,
        }
    }

    /// Plain data, or nothing.
    pub fn data_or_none(value: Option<&impl Serialize>) -> Value<'a> {
        match value {
            Some(value) => Value::data(value),
            None => Value::Null,
        }
    }

    fn hash(&self, cx: &Shared, f: &mut Fingerprint) {
        match self {
            Value::Data(_, hash) => f.str("data").u64(*hash),
            Value::Str(text) => f.str("str").str(text),
            Value::Int(n) => f.str("int").u64(*n as u64),
            Value::Bool(b) => f.str("bool").u64(*b as u64),
            Value::Null => f.str("null"),
            Value::Derived(_, _, hash) => f.str("derived").u64(*hash),
            Value::Card(id) => f.str("card").u64(cx.card_fp(*id)),
            Value::Cards(ids) => {
                f.str("cards").u64(ids.len() as u64);
                for &id in ids {
                    f.u64(cx.card_fp(id));
                }
                f
            }
            Value::Html(body) => f.str("html").u64(body.html_hash),
            Value::Text(body) => f.str("text").u64(body.html_hash),
            // Headings are made with the HTML: the same HTML, the same headings.
            Value::Headings(body) => f.str("headings").u64(body.html_hash),
            Value::List(items) => {
                f.str("list").u64(items.len() as u64);
                for item in items {
                    item.hash(cx, f);
                }
                f
            }
            Value::Map(entries) => {
                f.str("map").u64(entries.len() as u64);
                for (name, value) in entries {
                    f.str(name);
                    value.hash(cx, f);
                }
                f
            }
            // Both are in every output's fingerprint (`Shared::site_fp`).
            Value::Site => f.str("site"),
            Value::Tables => f.str("tables"),
        };
    }

    fn build(&self, cx: &Shared) -> tera::Value {
        match self {
            Value::Data(value, _) => value.clone(),
            Value::Str(text) => tera::Value::from(text.as_ref()),
            Value::Int(n) => tera::Value::from(*n),
            Value::Bool(b) => tera::Value::from(*b),
            Value::Null => tera::Value::none(),
            Value::Derived(make, arg, _) => make(cx, *arg),
            Value::Card(id) => cx.card(*id),
            Value::Cards(ids) => {
                tera::Value::from(ids.iter().map(|&id| cx.card(id)).collect::<Vec<_>>())
            }
            Value::Html(body) => tera::Value::safe_string(&body.html),
            Value::Text(body) => tera::Value::from(body.html.as_str()),
            Value::Headings(body) => {
                let headings: Vec<HeadingCtx> = body
                    .headings
                    .iter()
                    .map(|h| HeadingCtx {
                        level: h.level,
                        id: &h.id,
                        text: &h.text,
                    })
                    .collect();
                tera::Value::from_serializable(&headings)
            }
            Value::List(items) => {
                tera::Value::from(items.iter().map(|v| v.build(cx)).collect::<Vec<_>>())
            }
            Value::Map(entries) => {
                let mut map = tera::Map::new();
                for (name, value) in entries {
                    map.insert((*name).into(), value.build(cx));
                }
                tera::Value::from(map)
            }
            Value::Site => cx.site_ctx.clone(),
            Value::Tables => cx.data_ctx.clone(),
        }
    }

    /// The pages whose cards this value shows.
    fn pages(&self, out: &mut Vec<PageId>) {
        match self {
            Value::Card(id) => out.push(*id),
            Value::Cards(ids) => out.extend(ids),
            Value::List(items) => items.iter().for_each(|v| v.pages(out)),
            Value::Map(entries) => entries.iter().for_each(|(_, v)| v.pages(out)),
            _ => {}
        }
    }
}

#[derive(Serialize)]
struct HeadingCtx<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

/// A page's `<title>`: its title, then the site's (the site's alone on the home page).
pub fn meta_title(title: &str, site_title: &str) -> String {
    if title == site_title {
        title.to_string()
    } else {
        format!("{title} | {site_title}")
    }
}

/// A page's meta description: its own, or the site's.
pub fn meta_description<'d>(description: &'d str, site_description: &'d str) -> &'d str {
    if description.is_empty() {
        site_description
    } else {
        description
    }
}

/// A function that adds to a dependency record (see [`Inputs::more_deps`]).
pub type MoreDeps = fn(&Shared, usize, &mut Deps);

/// How an output's bytes are made.
pub enum Make<'a> {
    /// Through a theme template.
    Template(String),
    /// A data table's CSV.
    Csv(&'a DataTable),
    /// Text made now (it is small), hashed as it is.
    Text(String),
    /// Bytes made only when the file is rendered, by a function of what every output shares
    /// and a number (a page's id), with a hash of what they are made from.
    Lazy(fn(&Shared, usize) -> Vec<u8>, usize, u64),
}

/// Everything one output is made from (see the module's documentation).
pub struct Inputs<'a> {
    pub make: Make<'a>,
    /// What the template sees, by name.
    pub values: Vec<(&'static str, Value<'a>)>,
    /// Source files beyond the pages whose cards are shown, as shown to editors. `site.yaml`
    /// is always one. Borrowed: the record is made only for files rendered.
    pub files: Vec<&'a str>,
    /// Templates beyond the template's own (those of the shortcodes a body used).
    pub templates: Vec<&'a str>,
    /// Adds what else the dependency record holds, when the file is rendered: a function of
    /// what every output shares and a number (a page's id), for records that cost lookups.
    pub more_deps: Option<(MoreDeps, usize)>,
}

impl<'a> Inputs<'a> {
    pub fn template(name: impl Into<String>) -> Inputs<'a> {
        Inputs {
            make: Make::Template(name.into()),
            values: Vec::with_capacity(16),
            files: Vec::new(),
            templates: Vec::new(),
            more_deps: None,
        }
    }

    /// A data table's CSV.
    pub fn csv(table: &'a DataTable) -> Inputs<'a> {
        Inputs {
            make: Make::Csv(table),
            values: Vec::new(),
            files: Vec::new(),
            templates: Vec::new(),
            more_deps: None,
        }
    }

    /// A file of `text`.
    pub fn text(text: String) -> Inputs<'a> {
        let mut inputs = Inputs::template("");
        inputs.make = Make::Text(text);
        inputs
    }

    /// A file made by `make(cx, arg)` when it is rendered; `hash` stands for what it is made
    /// from.
    pub fn lazy(make: fn(&Shared, usize) -> Vec<u8>, arg: usize, hash: u64) -> Inputs<'a> {
        let mut inputs = Inputs::template("");
        inputs.make = Make::Lazy(make, arg, hash);
        inputs
    }

    /// Makes the canonical address `absolute` (a redirect's is where it leads).
    pub fn set_canonical(&mut self, absolute: String) {
        for (name, value) in self.values.iter_mut() {
            if *name == "canonical" {
                *value = Value::Str(absolute.clone().into());
            }
        }
    }

    /// Adds a value the template sees as `name`.
    pub fn with(mut self, name: &'static str, value: Value<'a>) -> Inputs<'a> {
        self.values.push((name, value));
        self
    }

    /// Adds a value the template sees as `name`.
    pub fn set(&mut self, name: &'static str, value: Value<'a>) {
        self.values.push((name, value));
    }

    /// Adds a source file to the dependency record.
    pub fn file(&mut self, display: &'a str) {
        self.files.push(display);
    }

    /// What every HTML page gets: the site and its data, its title and description for
    /// `<head>`, its canonical URL and its own URL.
    pub fn html_page(
        cx: &Shared,
        template: impl Into<String>,
        title: &str,
        description: &str,
        url: &str,
    ) -> Inputs<'a> {
        let config = &cx.site.config;
        Inputs::template(template)
            .with("site", Value::Site)
            .with("data", Value::Tables)
            .with(
                "meta_title",
                Value::Str(meta_title(title, &config.title).into()),
            )
            .with(
                "meta_description",
                Value::Str(
                    meta_description(description, &config.description)
                        .to_string()
                        .into(),
                ),
            )
            .with("canonical", Value::Str(config.absolute(url).into()))
            .with("current_url", Value::Str(url.to_string().into()))
    }

    /// A fingerprint of everything the output is made from, at `path`: equal fingerprints,
    /// equal bytes.
    pub fn fingerprint(&self, cx: &Shared, path: &str) -> u64 {
        let mut f = Fingerprint::default();
        f.u64(cx.site_fp).str(path);
        match &self.make {
            Make::Template(name) => f.str("template").str(name),
            Make::Csv(table) => f.str("csv").u64(table.hash),
            Make::Text(text) => f.str("text").str(text),
            Make::Lazy(_, arg, hash) => f.str("lazy").u64(*arg as u64).u64(*hash),
        };
        for (name, value) in &self.values {
            f.str(name);
            value.hash(cx, &mut f);
        }
        f.finish()
    }

    /// The dependency record: `site.yaml`, the files named, the sources of the pages whose
    /// cards are shown, and the templates.
    pub fn deps(&self, cx: &Shared) -> Deps {
        let mut deps = Deps::default();
        deps.files.insert("site.yaml".into());
        deps.files.extend(self.files.iter().map(|f| f.to_string()));
        let mut pages = Vec::new();
        for (_, value) in &self.values {
            value.pages(&mut pages);
        }
        for id in pages {
            deps.files
                .insert(cx.site.pages[id].source().display.clone());
        }
        match &self.make {
            Make::Template(name) => deps.templates.extend(cx.theme.closure(name)),
            Make::Csv(table) => {
                deps.files.insert(table.file.clone());
            }
            Make::Text(_) | Make::Lazy(..) => {}
        }
        deps.templates
            .extend(self.templates.iter().map(|t| t.to_string()));
        if let Some((more, arg)) = self.more_deps {
            more(cx, arg, &mut deps);
        }
        deps
    }

    /// The output's bytes; a template that fails says where (see [`TemplateError`]).
    pub fn render(&self, cx: &Shared) -> Result<Vec<u8>, Box<TemplateError>> {
        let name = match &self.make {
            Make::Csv(table) => return Ok(table.to_csv().into_bytes()),
            Make::Text(text) => return Ok(text.clone().into_bytes()),
            Make::Lazy(make, arg, _) => return Ok(make(cx, *arg)),
            Make::Template(name) => name,
        };
        let mut context = tera::Context::new();
        for (key, value) in &self.values {
            context.insert_value(*key, value.build(cx));
        }
        cx.theme
            .render(name, &context)
            .map(String::into_bytes)
            .map_err(|err| cx.theme.render_error(name, &err))
    }
}
