//! `{{ figure(data="id") }}` and `{{ table(data="id") }}`: numbered figures and tables drawn
//! from `content/data/<id>.yaml`; `{{ figure(image="…", alt="…", caption="…") }}`, a numbered
//! figure of an image (see [`super::image_figure`]).

use super::image_figure::{self, ImageFigure};
use super::{Call, CallError, Env, Expansion, Form, Param, ParamType, Shortcode};
use crate::chart::{self, Layout};
use crate::data::{Cell, DataTable};
use crate::diagnostics::{did_you_mean, one_of};
use serde::Serialize;
use std::borrow::Cow;

const fn param(name: &'static str, ty: ParamType, required: bool) -> Param {
    Param {
        name: Cow::Borrowed(name),
        ty,
        required,
    }
}

/// A figure shows a data table (`data`, with `show_data`) or an image (`image`, `alt`,
/// `caption`, `source`).
const FIGURE_PARAMS: &[Param] = &[
    param("data", ParamType::Text, false),
    param("show_data", ParamType::Bool, false),
    param("image", ParamType::Text, false),
    param("alt", ParamType::Text, false),
    param("caption", ParamType::Text, false),
    param("source", ParamType::Text, false),
];

const TABLE_PARAMS: &[Param] = &[param("data", ParamType::Text, true)];

/// The arguments only a figure of an image takes.
const IMAGE_ONLY: &[&str] = &["alt", "caption", "source"];

/// A figure: caption, chart (when the table has one) with its table behind a "Data"
/// disclosure, source, N, notes, CSV link; or a figure of an image.
pub struct Figure;

/// A table alone: caption, table, source, N, notes, CSV link.
pub struct Table;

impl Shortcode for Figure {
    fn name(&self) -> &str {
        "figure"
    }
    fn form(&self) -> Form {
        Form::Inline
    }
    fn params(&self) -> &[Param] {
        FIGURE_PARAMS
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        match (call.text("data"), call.text("image")) {
            (Some(_), Some(_)) => Err(CallError::new(
                "a figure shows a data table or an image, not both",
            )
            .at(call.span_of("image"))
            .help("make two figures: `{{ figure(data=\"…\") }}` and `{{ figure(image=\"…\", alt=\"…\", caption=\"…\") }}`")),
            (None, None) => Err(CallError::new(
                "`figure` needs the argument `data` (a data table) or `image` (a picture)",
            )
            .help("for example `data=\"supports-used\"`, or `image=\"../assets/diagram.svg\", alt=\"…\", caption=\"…\"`")),
            (Some(_), None) => {
                if let Some(arg) = IMAGE_ONLY.iter().find(|a| call.tag.arg(a).is_some()) {
                    return Err(image_only(call, arg));
                }
                render(call, env, true)
            }
            (None, Some(image)) => image_figure(call, image, env),
        }
    }
}

impl Shortcode for Table {
    fn name(&self) -> &str {
        "table"
    }
    fn form(&self) -> Form {
        Form::Inline
    }
    fn params(&self) -> &[Param] {
        TABLE_PARAMS
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        render(call, env, false)
    }
}

/// `alt`, `caption` or `source` given to a figure of a data table.
fn image_only(call: &Call, arg: &str) -> CallError {
    let file = format!(
        "content/data/{}.yaml",
        call.text("data").unwrap_or_default()
    );
    let help = match arg {
        "caption" => format!("a data figure's caption is its table's `title`, in {file}"),
        "source" => format!("a data figure's source is its table's `source`, in {file}"),
        _ => "a data figure's chart is described for screen readers from its table".to_string(),
    };
    CallError::new(format!(
        "`{arg}` is for a figure of an image (`image=`), not of a data table"
    ))
    .at(call.span_of(arg))
    .help(help)
}

/// `{{ figure(image=…) }}`: the image's alt text and caption are required.
fn image_figure(call: &Call, image: &str, env: &mut Env) -> Result<Expansion, CallError> {
    if call.tag.arg("show_data").is_some() {
        return Err(CallError::new(
            "`show_data` is for a figure of a data table: a figure of an image has no table",
        )
        .at(call.span_of("show_data"))
        .help("remove `show_data`"));
    }
    let alt = call.text("alt").unwrap_or_default();
    if alt.trim().is_empty() {
        return Err(CallError::new("this figure's image has no alt text")
            .at(call.span_of("alt"))
            .help("describe the image for readers who cannot see it: `alt=\"Three circles around …\"`"));
    }
    let caption = call.text("caption").unwrap_or_default();
    if caption.trim().is_empty() {
        return Err(CallError::new("this figure has no caption")
            .at(call.span_of("caption"))
            .help("give it a caption, `caption=\"…\"` (it is shown as \"Figure 1. …\"); an image without a number is written `![alt](path)`"));
    }
    let figure = ImageFigure {
        image,
        image_span: call.span_of("image"),
        alt,
        caption,
        source: call.text("source").filter(|s| !s.trim().is_empty()),
    };
    image_figure::render(&figure, env).map(Expansion::Html)
}

#[derive(Serialize)]
struct FigureCtx<'a> {
    /// "figure" or "table".
    kind: &'static str,
    number: usize,
    /// "Figure 1" / "Table 1".
    label: String,
    id: String,
    data_id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    n: Option<u64>,
    notes: Option<&'a str>,
    /// Whether the table under a chart is shown open, not behind its "Data" disclosure.
    show_data: bool,
    csv_url: String,
    columns: Vec<ColumnCtx<'a>>,
    rows: Vec<Vec<CellCtx>>,
}

#[derive(Serialize)]
struct ColumnCtx<'a> {
    label: &'a str,
    numeric: bool,
}

#[derive(Serialize)]
struct CellCtx {
    text: String,
    numeric: bool,
}

fn render(call: &Call, env: &mut Env, with_chart: bool) -> Result<Expansion, CallError> {
    let id = call.text("data").unwrap_or_default();
    let site = env.site;
    let Some(table) = site.tables.get(id) else {
        return Err(missing(call, env, id));
    };
    env.files.insert(table.file.clone());
    env.tables.insert(table.id.clone());

    let (kind, counter) = if with_chart {
        ("figure", "figure")
    } else {
        ("table", "table")
    };
    let number = env.next(counter);
    let label = format!("{}{} {number}", kind[..1].to_uppercase(), &kind[1..]);
    let html_id = env.ids.allocate(&format!("{kind}-{number}"));
    let mut context_value = figure_context(
        table,
        kind,
        number,
        label,
        html_id.clone(),
        site.urls().csv(&table.id).url,
    );
    context_value.show_data = call.bool("show_data").unwrap_or(false);

    let mut context = tera::Context::new();
    context.insert("figure", &context_value);
    let (wide, narrow) = if with_chart {
        (
            chart::render(table, Layout::Wide, &format!("{html_id}-wide")),
            chart::render(table, Layout::Narrow, &format!("{html_id}-narrow")),
        )
    } else {
        (None, None)
    };
    let safe = |svg: Option<String>| {
        svg.map(|s| tera::Value::safe_string(&s))
            .unwrap_or_else(tera::Value::none)
    };
    context.insert_value("chart_wide", safe(wide));
    context.insert_value("chart_narrow", safe(narrow));
    env.render_template(&format!("shortcodes/{kind}.html"), &context)
        .map(Expansion::Html)
}

fn figure_context<'t>(
    table: &'t DataTable,
    kind: &'static str,
    number: usize,
    label: String,
    id: String,
    csv_url: String,
) -> FigureCtx<'t> {
    FigureCtx {
        kind,
        number,
        label,
        id,
        data_id: &table.id,
        title: &table.title,
        source: table.source.as_deref(),
        n: table.n,
        notes: table.notes.as_deref(),
        show_data: false,
        csv_url,
        columns: table
            .columns
            .iter()
            .map(|c| ColumnCtx {
                label: &c.label,
                numeric: c.ty.is_numeric(),
            })
            .collect(),
        rows: table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, cell)| CellCtx {
                        text: table.display(i, cell),
                        numeric: matches!(cell, Cell::Number(_)),
                    })
                    .collect()
            })
            .collect(),
    }
}

fn missing(call: &Call, env: &Env, id: &str) -> CallError {
    let span = call.span_of("data");
    let file = format!("content/data/{id}.yaml");
    if env.site.data_files.contains(id) {
        return CallError::new(format!(
            "the data table `{id}` cannot be shown: {file} has errors (reported above)"
        ))
        .at(span);
    }
    let ids: Vec<&str> = env.site.tables.keys().map(String::as_str).collect();
    let failure = CallError::new(format!(
        "there is no data table `{id}`: {file} does not exist"
    ))
    .at(span);
    match (did_you_mean(id, ids.iter().copied()), ids.is_empty()) {
        (_, true) => failure.help(format!("create {file} with `title`, `columns` and `rows`")),
        (Some(close), _) => failure.help(format!("did you mean `{close}`?")),
        (None, _) => failure.help(format!("the data tables are {}", one_of(&ids))),
    }
}
