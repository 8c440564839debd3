//! Data tables: `content/data/<id>.yaml`, validated against the contract, and their CSV.
//!
//! ```yaml
//! title: Who districts rely on to improve standards-aligned instruction
//! source: 2017 District Interviews
//! n: 38
//! columns:
//!   - { key: support, label: Source of support }
//!   - { key: districts, label: District leaders, type: number }
//! rows:
//!   - { support: Teacher leaders, districts: 27 }
//! chart: { type: bar, label: support, value: districts }
//! notes: Districts could name more than one source.
//! ```
//!
//! Every problem is reported at its line: unknown keys, a row with a missing or an undeclared
//! key, a number that is not one, a percent outside 0–100, a chart naming a column that does
//! not exist or is not numeric.

use crate::diagnostics::{Diagnostic, Source, did_you_mean, one_of};
use crate::front_matter::{is_slug, slugify, smarten};
use crate::yaml::{Step, Target, Value};
use crate::yaml_doc::YamlDoc;
use serde::Serialize;
use std::collections::BTreeMap;

mod validate;

use validate::load_one;

const KEYS: &[&str] = &["title", "source", "n", "columns", "rows", "chart", "notes"];
const COLUMN_KEYS: &[&str] = &["key", "label", "type"];
const CHART_KEYS: &[&str] = &["type", "label", "value"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Text,
    Number,
    Percent,
}

impl ColumnType {
    pub fn is_numeric(self) -> bool {
        self != ColumnType::Text
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            Cell::Text(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartType {
    /// Horizontal bars.
    Bar,
    /// Vertical columns.
    Column,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub ty: ChartType,
    /// Index of the column that names each bar.
    pub label: usize,
    /// Index of the numeric column that sizes each bar.
    pub value: usize,
}

#[derive(Debug, Clone)]
pub struct DataTable {
    pub id: String,
    /// The YAML file, as shown to editors (`content/data/supports-used.yaml`).
    pub file: String,
    /// A hash of the file's text.
    pub hash: u64,
    pub title: String,
    pub source: Option<String>,
    pub n: Option<u64>,
    pub columns: Vec<Column>,
    /// One cell per column, in column order.
    pub rows: Vec<Vec<Cell>>,
    pub chart: Option<Chart>,
    pub notes: Option<String>,
}

/// Formats a number as readers expect: no `.0` on whole numbers, thousands separated
/// (`12,500`), at most two decimals.
pub fn format_number(n: f64) -> String {
    let rounded = (n * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    let whole = abs.trunc() as u64;
    let frac = abs - abs.trunc();
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && digits.len() > 4 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut out = if negative {
        format!("-{grouped}")
    } else {
        grouped
    };
    if frac > 0.0005 {
        let decimals = format!("{frac:.2}");
        out.push_str(decimals.trim_start_matches('0').trim_end_matches('0'));
    }
    out
}

/// The number as written in a CSV: plain, no separators.
fn csv_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl DataTable {
    /// How a cell reads in a table or on a chart (`27`, `45%`, `Teacher leaders`), with
    /// typographic quotes and dashes; the CSV keeps the cell as written.
    pub fn display(&self, column: usize, cell: &Cell) -> String {
        match (cell, self.columns[column].ty) {
            (Cell::Number(n), ColumnType::Percent) => format!("{}%", format_number(*n)),
            (Cell::Number(n), _) => format_number(*n),
            (Cell::Text(t), _) => smarten(t),
        }
    }

    /// The table as RFC 4180 CSV: a header of column labels, CRLF line ends, fields quoted
    /// when they hold a comma, a quote or a line break.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(&c.label)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let fields: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Text(t) => csv_field(t),
                    Cell::Number(n) => csv_number(*n),
                })
                .collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Loads and validates every data table, reporting every problem. Tables with errors are
/// left out of the result.
pub fn load(sources: &[Source], diagnostics: &mut Vec<Diagnostic>) -> BTreeMap<String, DataTable> {
    let mut tables = BTreeMap::new();
    // Which file has each id: two with one id (`x.yaml`, `x.yml`, `sub/x.yaml`) would both be
    // `/data/x.csv`, and `figure(data="x")` could mean either.
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for source in sources {
        let id = table_id(source);
        if let Some(first) = owners.get(&id) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the data table `{id}` is defined twice: by {first} and by this file"
                ))
                .at(source, 0..0)
                .help("a table's id is its file name, wherever it is under content/data/: rename one of them (each is written to /data/<id>.csv)"),
            );
            continue;
        }
        owners.insert(id, &source.display);
        if let Some(table) = load_one(source, diagnostics) {
            tables.insert(table.id.clone(), table);
        }
    }
    tables
}

/// A table's id: its file name without `.yaml` or `.yml`.
fn table_id(source: &Source) -> String {
    let name = source.display.rsplit('/').next().unwrap_or_default();
    name.trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_string()
}
