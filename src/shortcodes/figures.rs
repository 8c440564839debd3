//! `{{ figure(data="id") }}` and `{{ table(data="id") }}`: numbered figures and tables drawn
//! from `content/data/<id>.yaml`.

use super::{Call, CallError, Env, Expansion, Form, Param, ParamType, Shortcode};
use crate::chart::{self, Layout};
use crate::data::{Cell, DataTable};
use crate::diagnostics::{did_you_mean, one_of};
use serde::Serialize;
use std::borrow::Cow;

const PARAMS: &[Param] = &[Param {
    name: Cow::Borrowed("data"),
    ty: ParamType::Text,
    required: true,
}];

/// A figure: caption, chart (when the table has one), table, source, N, notes, CSV link.
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
        PARAMS
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        render(call, env, true)
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
        PARAMS
    }
    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        render(call, env, false)
    }
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
    let context_value = figure_context(
        table,
        kind,
        number,
        label,
        html_id.clone(),
        site.urls().csv(&table.id).url,
    );

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
