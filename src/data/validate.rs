//! Reading and validating a data table against the contract: every problem is reported at
//! its line, saying what was expected.

use super::*;

pub(super) fn load_one(source: &Source, diagnostics: &mut Vec<Diagnostic>) -> Option<DataTable> {
    let name = source.display.rsplit('/').next().unwrap_or_default();
    let id = table_id(source);
    let doc = YamlDoc::new(source, 0..source.text.len());
    let mut errors = Vec::new();
    if !is_slug(&id) {
        errors.push(
            Diagnostic::error(format!(
                "the data table's file name `{name}` is not a valid id"
            ))
            .at(source, 0..0)
            .help(format!(
                "rename it to `{}.yaml`: ids use a-z, 0-9 and -",
                slugify(&id)
            )),
        );
    }
    let value = match doc.parse() {
        Ok(v) => v,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let entries = match doc.root_map(&value, "a data table") {
        Ok(e) => e,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };

    let mut table = DataTable {
        id,
        file: source.display.clone(),
        hash: source.hash,
        title: String::new(),
        source: None,
        n: None,
        columns: Vec::new(),
        rows: Vec::new(),
        chart: None,
        notes: None,
    };
    let mut later = Later::default();
    for (key, value) in entries {
        if let Err(d) = read_field(&mut table, &mut later, &doc, key, value, &mut errors) {
            errors.push(d);
        }
    }
    let top = 0..source.text.find('\n').unwrap_or(source.text.len());
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if table.title.is_empty() && !has("title") {
        errors.push(
            Diagnostic::error("the data table has no `title`, which is required")
                .at(source, top.clone())
                .help("add the figure's title, for example `title: Supports districts use most often`"),
        );
    }
    if !has("columns") {
        errors.push(
            Diagnostic::error("the data table has no `columns`, which are required")
                .at(source, top.clone())
                .help("declare each column: `columns:` then `  - { key: support, label: Source of support }`"),
        );
    }
    match later.rows {
        Some(value) if !table.columns.is_empty() => {
            table.rows = rows(&doc, value, &table.columns, &mut errors);
        }
        Some(_) => {}
        None => errors.push(
            Diagnostic::error("the data table has no `rows`, which are required")
                .at(source, top)
                .help("add `rows:` with one `- { ... }` line per row"),
        ),
    }
    if let Some(value) = later.chart {
        match chart(&doc, value, &table.columns) {
            Ok(c) => table.chart = Some(c),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Some(table)
    } else {
        diagnostics.extend(errors);
        None
    }
}

/// The rows and chart, read once the columns they refer to are known.
#[derive(Default)]
struct Later<'v> {
    rows: Option<&'v Value>,
    chart: Option<&'v Value>,
}

/// Reads one key of a data table into `table` (the rows and chart into `later`).
fn read_field<'v>(
    table: &mut DataTable,
    later: &mut Later<'v>,
    doc: &YamlDoc,
    key: &str,
    value: &'v Value,
    errors: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let path = [Step::Key(key.to_string())];
    match key {
        // Prose shown to readers gets curly quotes and dashes, as page titles do (so do
        // column labels, and cells where they are shown; the CSV keeps cells as written).
        "title" => table.title = smarten(&doc.text(&path, value)?),
        "source" => table.source = Some(smarten(&doc.text(&path, value)?)),
        "notes" => table.notes = Some(smarten(&doc.text(&path, value)?)),
        "n" => match value {
            Value::Int(n) if *n >= 1 => table.n = Some(*n as u64),
            other => {
                return Err(doc
                    .wrong_type(&path, "a whole number of 1 or more", other)
                    .help("`n` is the sample size, shown as N=38: write `n: 38`"));
            }
        },
        "columns" => table.columns = columns(doc, value, errors)?,
        "rows" => later.rows = Some(value),
        "chart" => later.chart = Some(value),
        _ => return Err(doc.unknown_key(&[], key, KEYS, "a data table")),
    }
    Ok(())
}

fn columns(
    doc: &YamlDoc,
    value: &Value,
    errors: &mut Vec<Diagnostic>,
) -> Result<Vec<Column>, Diagnostic> {
    let Value::Seq(items) = value else {
        return Err(doc
            .wrong_type(&["columns".into()], "a list", value)
            .help("write one `- { key: ..., label: ..., type: ... }` line per column"));
    };
    if items.is_empty() {
        return Err(doc
            .error(&["columns".into()], Target::Value, "`columns` is empty")
            .help("declare at least one column"));
    }
    let mut out: Vec<Column> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = vec![Step::Key("columns".into()), Step::Index(i)];
        let Value::Map(entries) = item else {
            errors.push(doc.wrong_type(&path, "a map with `key`, `label` and `type`", item));
            continue;
        };
        let mut column = Column {
            key: String::new(),
            label: String::new(),
            ty: ColumnType::Text,
        };
        for (key, value) in entries {
            let mut key_path = path.clone();
            key_path.push(Step::Key(key.clone()));
            let result = match key.as_str() {
                "key" => doc.text(&key_path, value).map(|t| column.key = t),
                "label" => doc.text(&key_path, value).map(|t| column.label = smarten(&t)),
                "type" => doc.text(&key_path, value).and_then(|t| {
                    column.ty = match t.as_str() {
                        "text" => ColumnType::Text,
                        "number" => ColumnType::Number,
                        "percent" => ColumnType::Percent,
                        other => {
                            let d = doc.error(&key_path, Target::Value, format!("unknown column type `{other}`"));
                            return Err(match did_you_mean(other, ["text", "number", "percent"]) {
                                Some(close) => d.help(format!("did you mean `{close}`? The types are `text`, `number` or `percent`")),
                                None => d.help("the types are `text` (the default), `number` or `percent` (0-100)"),
                            });
                        }
                    };
                    Ok(())
                }),
                _ => Err(doc.unknown_key(&path, key, COLUMN_KEYS, "a column")),
            };
            if let Err(d) = result {
                errors.push(d);
            }
        }
        if column.key.is_empty() {
            errors.push(
                doc.error(
                    &path,
                    Target::Value,
                    format!("column {} has no `key`", i + 1),
                )
                .help("give it a short key that rows use, such as `key: districts`"),
            );
            continue;
        }
        if out.iter().any(|c| c.key == column.key) {
            let mut key_path = path.clone();
            key_path.push(Step::Key("key".into()));
            errors.push(
                doc.error(
                    &key_path,
                    Target::Value,
                    format!("two columns have the key `{}`", column.key),
                )
                .help("give each column its own key"),
            );
            continue;
        }
        if column.label.is_empty() {
            column.label = column.key.clone();
        }
        out.push(column);
    }
    Ok(out)
}

fn rows(
    doc: &YamlDoc,
    value: &Value,
    columns: &[Column],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Vec<Cell>> {
    let Value::Seq(items) = value else {
        errors.push(
            doc.wrong_type(&["rows".into()], "a list", value)
                .help("write one `- { ... }` line per row"),
        );
        return Vec::new();
    };
    let keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = vec![Step::Key("rows".into()), Step::Index(i)];
        let Value::Map(entries) = item else {
            errors.push(doc.wrong_type(
                &path,
                &format!("a map with the keys {}", one_of(&keys)),
                item,
            ));
            continue;
        };
        let mut cells: Vec<Option<Cell>> = vec![None; columns.len()];
        for (key, value) in entries {
            let mut cell_path = path.clone();
            cell_path.push(Step::Key(key.clone()));
            let Some(index) = columns.iter().position(|c| &c.key == key) else {
                let d = doc
                    .error(
                        &cell_path,
                        Target::Key,
                        format!("row {} has `{key}`, which is not a declared column", i + 1),
                    )
                    .label("not a column");
                errors.push(match did_you_mean(key, keys.iter().copied()) {
                    Some(close) => d.help(format!("did you mean `{close}`?")),
                    None => d.help(format!("the columns are {}", one_of(&keys))),
                });
                continue;
            };
            let column = &columns[index];
            let cell = match (column.ty, value) {
                (ColumnType::Text, Value::String(s)) => Ok(Cell::Text(s.clone())),
                (ColumnType::Text, Value::Int(_) | Value::Float(_)) => {
                    Ok(Cell::Text(value.as_text().unwrap_or_default()))
                }
                (ColumnType::Text, other) => Err(doc.wrong_type(&cell_path, "text", other)),
                (ColumnType::Number | ColumnType::Percent, Value::Int(_) | Value::Float(_)) => {
                    let n = value.as_f64().unwrap_or(0.0);
                    if column.ty == ColumnType::Percent && !(0.0..=100.0).contains(&n) {
                        Err(doc
                            .error(&cell_path, Target::Value, format!("`{key}` is a percent, so it must be between 0 and 100, found {}", format_number(n)))
                            .label("outside 0-100")
                            .help("write percents as numbers from 0 to 100, without the % sign"))
                    } else {
                        Ok(Cell::Number(n))
                    }
                }
                (ty, other) => {
                    let expected = if ty == ColumnType::Percent {
                        "a number from 0 to 100"
                    } else {
                        "a number"
                    };
                    let mut d = doc.wrong_type(&cell_path, expected, other);
                    if let Value::String(s) = other {
                        let cleaned = s.trim().trim_end_matches('%').replace(',', "");
                        if cleaned.parse::<f64>().is_ok() {
                            d = d.help(format!(
                                "write the number without quotes, % or commas: `{key}: {cleaned}`"
                            ));
                        }
                    }
                    Err(d)
                }
            };
            match cell {
                Ok(cell) => cells[index] = Some(cell),
                Err(d) => errors.push(d),
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .zip(&cells)
            .filter(|(_, cell)| cell.is_none())
            .map(|(c, _)| c.key.as_str())
            .filter(|k| !entries.iter().any(|(key, _)| key == k))
            .collect();
        if !missing.is_empty() {
            errors.push(
                doc.error(
                    &path,
                    Target::Value,
                    format!(
                        "row {} has no {}",
                        i + 1,
                        one_of(&missing).replace(" or ", " and ")
                    ),
                )
                .label("incomplete row")
                .help(format!(
                    "every row has every column: {}",
                    one_of(&keys).replace(" or ", " and ")
                )),
            );
        }
        if cells.iter().all(Option::is_some) {
            out.push(cells.into_iter().flatten().collect());
        }
    }
    out
}

fn chart(doc: &YamlDoc, value: &Value, columns: &[Column]) -> Result<Chart, Diagnostic> {
    let Value::Map(entries) = value else {
        return Err(doc
            .wrong_type(
                &["chart".into()],
                "a map with `type`, `label` and `value`",
                value,
            )
            .help("for example `chart: { type: bar, label: support, value: districts }`"));
    };
    let keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    let (mut ty, mut label, mut val) = (None, None, None);
    for (key, value) in entries {
        let path = [Step::Key("chart".into()), Step::Key(key.clone())];
        match key.as_str() {
            "type" => {
                let t = doc.text(&path, value)?;
                ty = Some(match t.as_str() {
                    "bar" => ChartType::Bar,
                    "column" => ChartType::Column,
                    other => {
                        return Err(doc
                            .error(&path, Target::Value, format!("unknown chart type `{other}`"))
                            .help("the chart types are `bar` (horizontal bars) and `column` (vertical columns)"));
                    }
                });
            }
            "label" | "value" => {
                let name = doc.text(&path, value)?;
                let Some(index) = columns.iter().position(|c| c.key == name) else {
                    let d = doc.error(
                        &path,
                        Target::Value,
                        format!(
                            "the chart's `{key}` names the column `{name}`, which is not declared"
                        ),
                    );
                    return Err(match did_you_mean(&name, keys.iter().copied()) {
                        Some(close) => d.help(format!("did you mean `{close}`?")),
                        None => d.help(format!("the columns are {}", one_of(&keys))),
                    });
                };
                if key == "value" {
                    if !columns[index].ty.is_numeric() {
                        return Err(doc
                            .error(&path, Target::Value, format!("the chart's `value` column `{name}` is text; it must be a number or percent column"))
                            .help("give the column `type: number` (or `percent`), or chart another column"));
                    }
                    val = Some(index);
                } else {
                    label = Some(index);
                }
            }
            _ => return Err(doc.unknown_key(&["chart".into()], key, CHART_KEYS, "a chart")),
        }
    }
    let chart_span = |what: &str| {
        doc.error(&["chart".into()], Target::Key, format!("the chart has no `{what}`"))
            .help("a chart needs `type` (bar or column), `label` (the column naming each bar) and `value` (a numeric column)")
    };
    Ok(Chart {
        ty: ty.ok_or_else(|| chart_span("type"))?,
        label: label.ok_or_else(|| chart_span("label"))?,
        value: val.ok_or_else(|| chart_span("value"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> (Option<DataTable>, Vec<String>) {
        let source = Source::new("x.yaml".into(), "content/data/supports.yaml".into(), text);
        let mut diags = Vec::new();
        let table = load_one(&source, &mut diags);
        (table, diags.iter().map(|d| d.render(false)).collect())
    }

    const GOOD: &str = "title: Supports\nsource: 2017 District Interviews\nn: 38\ncolumns:\n  - key: support\n    label: Source of support\n  - key: districts\n    label: District leaders\n    type: number\n  - { key: share, label: Share, type: percent }\nrows:\n  - { support: Teacher leaders, districts: 27, share: 71 }\n  - { support: \"County office, local\", districts: 19, share: 50.5 }\nchart:\n  type: bar\n  label: support\n  value: districts\nnotes: More than one.\n";

    #[test]
    fn loads_a_valid_table() {
        let (table, errors) = load_text(GOOD);
        assert!(errors.is_empty(), "{errors:#?}");
        let t = table.unwrap();
        assert_eq!(t.id, "supports");
        assert_eq!(t.n, Some(38));
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.display(2, &t.rows[1][2]), "50.5%");
        assert_eq!(t.chart.as_ref().unwrap().value, 1);
    }

    #[test]
    fn csv_follows_rfc_4180() {
        let (table, _) = load_text(GOOD);
        let mut t = table.unwrap();
        t.rows.push(vec![
            Cell::Text("Say \"hi\"\nthen go".into()),
            Cell::Number(1.0),
            Cell::Number(12.25),
        ]);
        assert_eq!(
            t.to_csv(),
            "Source of support,District leaders,Share\r\nTeacher leaders,27,71\r\n\"County office, local\",19,50.5\r\n\"Say \"\"hi\"\"\nthen go\",1,12.25\r\n"
        );
    }

    #[test]
    fn every_violation_is_reported_at_its_line() {
        let text = "title: T\ncolums: []\ncolumns:\n  - { key: a, label: A }\n  - { key: n, label: N, type: number }\n  - { key: p, label: P, type: percnt }\nrows:\n  - { a: x, n: \"12\" }\n  - { a: y, n: 3, p: 140, b: 1 }\nchart: { type: bar, label: a, value: a }\n";
        let (table, errors) = load_text(text);
        assert!(table.is_none());
        let all = errors.join("\n");
        assert!(
            all.contains(
                "content/data/supports.yaml:2:1: error: unknown field `colums` in a data table"
            ),
            "{all}"
        );
        assert!(
            all.contains(":6:31: error: unknown column type `percnt`"),
            "{all}"
        );
        assert!(all.contains("did you mean `percent`?"), "{all}");
        assert!(
            all.contains(":8:16: error: `n` must be a number, found text"),
            "{all}"
        );
        assert!(all.contains("write the number without quotes"), "{all}");
        assert!(all.contains(":8:5: error: row 1 has no `p`"), "{all}");
        assert!(
            all.contains(":9:27: error: row 2 has `b`, which is not a declared column"),
            "{all}"
        );
        assert!(
            all.contains(":10:38: error: the chart's `value` column `a` is text"),
            "{all}"
        );
    }

    #[test]
    fn percents_must_be_in_range() {
        let text = "title: T\ncolumns:\n  - { key: p, type: percent }\nrows:\n  - { p: 140 }\n";
        let (_, errors) = load_text(text);
        assert!(
            errors[0].contains(
                ":5:10: error: `p` is a percent, so it must be between 0 and 100, found 140"
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn chart_columns_must_exist() {
        let text = "title: T\ncolumns:\n  - { key: a }\n  - { key: n, type: number }\nrows:\n  - { a: x, n: 1 }\nchart: { type: pie, label: a, value: n }\n";
        let (_, errors) = load_text(text);
        assert!(errors[0].contains("unknown chart type `pie`"), "{errors:?}");
        let text = text.replace("pie", "bar").replace("value: n", "value: nn");
        let (_, errors) = load_text(&text);
        assert!(
            errors[0].contains("the chart's `value` names the column `nn`, which is not declared"),
            "{errors:?}"
        );
        assert!(errors[0].contains("did you mean `n`?"), "{errors:?}");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(27.0), "27");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(12500.0), "12,500");
        assert_eq!(format_number(1234.0), "1234");
        assert_eq!(format_number(0.333333), "0.33");
        assert_eq!(format_number(-4.0), "-4");
    }
}
