//! A YAML document inside a source file (`site.yaml`, a page's front matter, a data table),
//! with helpers that turn "this path is wrong" into a positioned [`Diagnostic`].

use crate::diagnostics::{Diagnostic, Source, did_you_mean, one_of};
use crate::yaml::{self, Positions, Step, Target, Value};
use std::cell::OnceCell;
use std::ops::Range;

pub struct YamlDoc<'a> {
    pub source: &'a Source,
    /// Where the YAML text starts in the source (after a front matter's opening `---`).
    pub start: usize,
    pub text: &'a str,
    /// Where each node is, indexed when the first diagnostic needs a position.
    positions: OnceCell<Positions>,
}

impl<'a> YamlDoc<'a> {
    pub fn new(source: &'a Source, range: Range<usize>) -> YamlDoc<'a> {
        YamlDoc {
            source,
            start: range.start,
            text: &source.text[range],
            positions: OnceCell::new(),
        }
    }

    /// Parses the document; a syntax error becomes a diagnostic at its position.
    pub fn parse(&self) -> Result<Value, Diagnostic> {
        yaml::parse(self.text).map_err(|err| {
            let offset = self.start + offset_in(self.text, err.line, err.column);
            Diagnostic::error(format!("invalid YAML: {}", err.message))
                .at(self.source, offset..offset)
                .help(err.help.unwrap_or_else(|| "YAML needs `key: value` pairs; quote text that contains `: ` or starts with a special character, for example `title: \"Math: a new start\"`".into()))
        })
    }

    /// The span of the node at `path` in the source file, or the document's first line when
    /// the node cannot be found (a missing key, for instance).
    pub fn span(&self, path: &[Step], target: Target) -> Range<usize> {
        let positions = self.positions.get_or_init(|| Positions::new(self.text));
        match positions.find(path, target) {
            Some(offset) => {
                let len = token_len(&self.text[offset..], target);
                self.start + offset..self.start + offset + len
            }
            None => {
                let first_line = self.text.find('\n').unwrap_or(self.text.len());
                self.start..self.start + first_line
            }
        }
    }

    /// The node at `path` as written (a number as its digits, a quoted value with its quotes).
    pub fn written(&self, path: &[Step], target: Target) -> &str {
        &self.source.text[self.span(path, target)]
    }

    /// An error at the node at `path`.
    pub fn error(&self, path: &[Step], target: Target, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(self.source, self.span(path, target))
    }

    /// The root mapping's entries; an error when the document is something else.
    pub fn root_map<'v>(
        &self,
        value: &'v Value,
        what: &str,
    ) -> Result<&'v [(String, Value)], Diagnostic> {
        match value {
            Value::Map(entries) => Ok(entries),
            Value::Null => Ok(&[]),
            other => Err(Diagnostic::error(format!(
                "{what} must be a map of `key: value` lines, found {}",
                other.type_name()
            ))
            .at(
                self.source,
                self.start..self.start + self.text.len().min(80),
            )),
        }
    }

    /// The error for a key that is not one of `known`, with a did-you-mean.
    pub fn unknown_key(
        &self,
        parent: &[Step],
        key: &str,
        known: &[&str],
        what: &str,
    ) -> Diagnostic {
        let mut path = parent.to_vec();
        path.push(Step::Key(key.to_string()));
        let diagnostic = self
            .error(
                &path,
                Target::Key,
                format!("unknown field `{key}` in {what}"),
            )
            .label(format!("not a field of {what}"));
        match did_you_mean(key, known.iter().copied()) {
            Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
            None => diagnostic.help(format!("the fields of {what} are {}", one_of(known))),
        }
    }

    /// The error for a value of the wrong type.
    pub fn wrong_type(&self, path: &[Step], expected: &str, found: &Value) -> Diagnostic {
        let key = match path.last() {
            Some(Step::Key(k)) => format!("`{k}`"),
            Some(Step::Index(i)) => format!("item {}", i + 1),
            None => "the document".to_string(),
        };
        self.error(
            path,
            Target::Value,
            format!("{key} must be {expected}, found {}", found.type_name()),
        )
        .label(format!("expected {expected}"))
    }

    /// A required text value (numbers written bare are accepted as text).
    pub fn text(&self, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
        value
            .as_text()
            .ok_or_else(|| self.wrong_type(path, "text", value))
    }

    /// A list of text values; a single text value is not silently turned into a list, because
    /// `authors: Jane Doe, Sam Lee` would then become one author.
    pub fn text_list(&self, path: &[Step], value: &Value) -> Result<Vec<String>, Diagnostic> {
        let Value::Seq(items) = value else {
            let key = match path.last() {
                Some(Step::Key(k)) => k.as_str(),
                _ => "items",
            };
            return Err(self.wrong_type(path, "a list", value).help(format!(
                "write `{key}: [First, Second]`, or one `- item` per line"
            )));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mut item_path = path.to_vec();
            item_path.push(Step::Index(i));
            out.push(self.text(&item_path, item)?);
        }
        Ok(out)
    }
}

/// The byte offset of a 1-based line and column (in characters) within `text`.
fn offset_in(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(column.saturating_sub(1))
                    .map(|(b, _)| b)
                    .unwrap_or(l.trim_end_matches('\n').len());
        }
        offset += l.len();
    }
    text.len()
}

/// How much of `rest` to underline: a key up to its colon, a value to the end of its line.
fn token_len(rest: &str, target: Target) -> usize {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let len = match target {
        Target::Key => line.find(':').unwrap_or(line.len()),
        // A quoted value ends at its closing quote; a plain one inside `{ }` or `[ ]` at the
        // next `,`, `}` or `]`.
        Target::Value => match line.chars().next() {
            Some(q @ ('"' | '\'')) => line[1..].find(q).map(|i| i + 2).unwrap_or(line.len()),
            _ if line.contains(['}', ']']) => line
                .find([',', '}', ']'])
                .map(|i| line[..i].trim_end().len())
                .unwrap_or(line.len()),
            _ => line.trim_end().len(),
        },
    };
    len.max(1).min(rest.len())
}
