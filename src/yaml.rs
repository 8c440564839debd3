//! The one module that knows about the YAML parser.
//!
//! Everything else in the crate sees [`Value`], our own small YAML tree, so the parser can be
//! swapped without touching the rest. The parser is `serde_yaml`'s maintained fork
//! `serde_norway` (renamed to `serde_yaml` in Cargo.toml).
//!
//! `serde_yaml` reports positions only on errors, so positions come from a second, event-level
//! parser (`saphyr-parser`), and only when needed:
//!
//! - Valid files cost one parse. When a validator needs the line of a key or value (to report
//!   an error), [`Positions`] reads the document's events once and indexes every node, so a
//!   file with thousands of errors costs one more pass, not one per error.
//! - Aliases are weighed before `serde_yaml` expands them: a small file whose aliases repeat a
//!   large list many times ("billion laughs") would otherwise take seconds and gigabytes.
//!   [`max_expansion`] bounds what a document may expand to, in proportion to its size.

use rustc_hash::FxHashMap;
use saphyr_parser::{Event, Parser};
use serde::{Serialize, Serializer};

/// A parsed YAML value. Mappings keep their source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// A short name of the value's type, for messages ("expected a list, found a number").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map of keys",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Text for a scalar a reader would accept as text: strings, and numbers written bare
    /// (`title: 1984`).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => serializer.serialize_none(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::Float(f) => serializer.serialize_f64(*f),
            Value::String(s) => serializer.serialize_str(s),
            Value::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// A YAML syntax error, positioned in the text that was parsed (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// What would be right, when the message alone does not say.
    pub help: Option<String>,
}

/// Parses one YAML document. An empty document is `Value::Null`.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // Aliases need anchors: most documents have neither, and skip the weighing.
    if text.contains('&') && text.contains('*') {
        check_expansion(text)?;
    }
    serde_yaml::from_str(text).map_err(|err| {
        let message = clean_message(&err.to_string());
        if message.contains("control characters are not allowed")
            && let Some(at) = control_character(text)
        {
            return control_character_error(text, at);
        }
        let (line, column) = duplicate_key_position(text, &message)
            .or_else(|| err.location().map(|l| (l.line(), l.column())))
            .unwrap_or((1, 1));
        explain(text, message, line, column)
    })
}

/// How deep `serde_yaml` lets a document nest.
pub const MAX_DEPTH: usize = 128;

/// How many values (scalars, lists and maps, counting each repetition made by an alias) a
/// document of `len` bytes may expand to: a document without aliases never comes close, as
/// each value takes at least two bytes to write.
pub fn max_expansion(len: usize) -> u64 {
    MAX_EXPANSION_BASE + len as u64
}

/// See [`max_expansion`]: what any document may expand to, however short.
pub const MAX_EXPANSION_BASE: u64 = 10_000;

/// Turns a parser's message into one an editor can act on.
fn explain(text: &str, message: String, line: usize, column: usize) -> SyntaxError {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let indent: &str = &line_text[..line_text.len() - line_text.trim_start().len()];
    let (message, help, column) = if indent.contains('\t') {
        (
            format!("a tab is used for indentation ({message})"),
            Some("YAML indents with spaces only: replace the tab at the start of this line with spaces".to_string()),
            indent.find('\t').map(|i| i + 1).unwrap_or(column),
        )
    } else if message.contains("recursion limit exceeded") {
        (
            format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
            Some(format!(
                "lists and maps inside each other may go {MAX_DEPTH} levels deep; flatten the structure that starts here"
            )),
            column,
        )
    } else if message.contains("repetition limit exceeded") {
        (
            "the YAML's aliases repeat values too many times".to_string(),
            Some("an alias (`*name`) repeats what its anchor (`&name`) marks: write the values out, or repeat fewer".to_string()),
            column,
        )
    } else if let Some((at, quoted)) = (line.saturating_sub(1)..=line)
        .rev()
        .filter(|&l| l >= 1)
        .find_map(|l| closed_too_soon(text.lines().nth(l - 1)?).map(|q| (l, q)))
    {
        return SyntaxError {
            message: format!(
                "the quoted text ends at the {} before `{}`, and more text follows it",
                quoted.quote_name(),
                quoted.after
            ),
            line: at,
            column: quoted.column,
            help: Some(quoted.help()),
        };
    } else {
        (message, None, column)
    };
    SyntaxError {
        message,
        line,
        column,
        help,
    }
}

/// A quoted value that ends before its line does: a quote inside it was taken as the end.
struct ClosedTooSoon {
    quote: char,
    /// The 1-based column (in characters) of the quote that ended the value.
    column: usize,
    /// The text after that quote, as far as the next space.
    after: String,
    /// The whole value, quotes included.
    value: String,
    key: String,
}

impl ClosedTooSoon {
    fn quote_name(&self) -> &'static str {
        match self.quote {
            '"' => "second `\"`",
            _ => "second `'`",
        }
    }

    /// Two ways to write the value: in the other kind of quotes, or escaped.
    fn help(&self) -> String {
        let inner = &self.value[1..self.value.len() - 1];
        let prefix = match self.key.as_str() {
            "" => String::new(),
            key => format!("{key}: "),
        };
        match self.quote {
            '"' if !inner.contains('\'') => format!(
                "a `\"` inside double quotes must be written `\\\"`; or put the text in single quotes: `{prefix}'{inner}'`"
            ),
            '"' => format!(
                "a `\"` inside double quotes must be written `\\\"`: `{prefix}\"{}\"`",
                inner.replace('"', "\\\"")
            ),
            _ => format!(
                "a `'` inside single quotes must be written twice (`''`): `{prefix}'{}'`; or put the text in double quotes",
                inner.replace('\'', "''")
            ),
        }
    }
}

/// Whether `line` is a `key: "value"` (or list item `- "value"`) whose quoted value ends before
/// its text does, as `title: "The "best" school"` does.
fn closed_too_soon(line: &str) -> Option<ClosedTooSoon> {
    let trimmed = line.trim_start();
    let (key, value_at) = if let Some(rest) = trimmed.strip_prefix("- ") {
        (String::new(), line.len() - rest.len())
    } else {
        let colon = trimmed.find(": ")?;
        let key = trimmed[..colon].trim();
        let rest = &trimmed[colon + 2..];
        let value_start = line.len() - rest.len() + (rest.len() - rest.trim_start().len());
        (key.to_string(), value_start)
    };
    let value = line[value_at..].trim_end();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    // Where the value's closing quote is, by YAML's rules: `\x` escapes in double quotes,
    // `''` in single quotes.
    let bytes = value.as_bytes();
    let mut i = 1;
    let close = loop {
        match bytes.get(i) {
            None => return None,
            Some(b'\\') if quote == '"' => i += 2,
            Some(b'\'') if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            Some(&b) if b == quote as u8 => break i,
            Some(_) => i += 1,
        }
    };
    let rest = &value[close + 1..];
    let after = rest.trim_start();
    if after.is_empty() || after.starts_with('#') && rest.starts_with(char::is_whitespace) {
        return None;
    }
    // The value as the editor meant it: up to the last quote on the line.
    let last = value.rfind(quote).filter(|&l| l > close)?;
    Some(ClosedTooSoon {
        quote,
        column: line[..value_at + close].chars().count() + 1,
        after: after.split_whitespace().next().unwrap_or("").to_string(),
        value: value[..=last].to_string(),
        key,
    })
}

/// Fails when the document's aliases would make it expand past [`max_expansion`], or nest
/// past [`MAX_DEPTH`] (an alias can nest a deep structure inside another), pointing at the
/// alias that goes over. Each node is counted once per time it appears after expansion, with
/// the anchors' sizes remembered, so this takes time linear in the document's length however
/// much it would expand.
fn check_expansion(text: &str) -> Result<(), SyntaxError> {
    let budget = max_expansion(text.len());
    // Per anchor id: the values it expands to, and how deep it nests.
    let mut anchors: FxHashMap<usize, (u64, usize)> = FxHashMap::default();
    // Open lists and maps: their anchor, the count when they began, and their depth.
    let mut open: Vec<(usize, u64, usize)> = Vec::new();
    // Depth reached inside each open node, so an anchor knows how deep it nests.
    let mut deepest: Vec<usize> = Vec::new();
    let mut total: u64 = 0;
    for event in Parser::new_from_str(text) {
        // Syntax errors are serde_yaml's to report, with its messages.
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let depth = open.len();
        match event {
            Event::Scalar(_, _, anchor, _) => {
                total += 1;
                if anchor > 0 {
                    anchors.insert(anchor, (1, 0));
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                total += 1;
                open.push((anchor, total, depth + 1));
                deepest.push(depth + 1);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, began, at)) = open.pop() else {
                    continue;
                };
                let reached = deepest.pop().unwrap_or(at);
                if let Some(outer) = deepest.last_mut() {
                    *outer = (*outer).max(reached);
                }
                if anchor > 0 {
                    anchors.insert(anchor, (total - began + 1, reached - at + 1));
                }
            }
            Event::Alias(id) => {
                let (size, nests) = anchors.get(&id).copied().unwrap_or((1, 0));
                total = total.saturating_add(size);
                if let Some(outer) = deepest.last_mut() {
                    *outer = (*outer).max(depth + nests);
                }
                let name = alias_name(text, span.start.index());
                if total > budget {
                    return Err(SyntaxError {
                        message: format!(
                            "the alias `*{name}` makes this document too large: it repeats {}, and with it the document expands to more than {}, the most a file of this size may hold",
                            crate::diagnostics::count(size as usize, "value", "values"),
                            crate::diagnostics::count(budget as usize, "value", "values")
                        ),
                        line: span.start.line(),
                        column: span.start.col() + 1,
                        help: Some(format!(
                            "an alias (`*{name}`) repeats everything its anchor (`&{name}`) marks, so a few aliases of a long list make a small file enormous: write the values out, or repeat fewer"
                        )),
                    });
                }
                if depth + nests > MAX_DEPTH {
                    return Err(SyntaxError {
                        message: format!(
                            "the alias `*{name}` nests the document more than {MAX_DEPTH} levels deep"
                        ),
                        line: span.start.line(),
                        column: span.start.col() + 1,
                        help: Some(format!(
                            "lists and maps inside each other may go {MAX_DEPTH} levels deep, aliases included: flatten what `&{name}` marks"
                        )),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The anchor name of the alias at character `index` (`*name`).
fn alias_name(text: &str, index: usize) -> String {
    text.chars()
        .skip(index)
        .skip_while(|c| *c == '*')
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .take(60)
        .collect()
}

/// The byte offset of the first character YAML does not allow in a document: the control
/// characters but tab and line breaks, and U+FFFE and U+FFFF (YAML 1.2, 5.1). The parser
/// names only a raw position for it, and at the wrong line.
fn control_character(text: &str) -> Option<usize> {
    text.find(|c: char| {
        !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    })
}

fn control_character_error(text: &str, at: usize) -> SyntaxError {
    let (line, column) = crate::diagnostics::line_col(text, at);
    let c = text[at..].chars().next().unwrap_or_default();
    SyntaxError {
        message: format!(
            "an invisible control character (U+{:04X}) is not allowed",
            c as u32
        ),
        line,
        column,
        help: Some(format!(
            "delete it (it often comes with text pasted from another program); a value that needs it writes it in double quotes as `\\u{:04X}`",
            c as u32
        )),
    }
}

/// serde_yaml appends " at line X column Y" to its messages; we print positions ourselves.
fn clean_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde_yaml reports a duplicate key at the start of its mapping; find the repeated key
/// itself (the second line that starts with it at the same indentation as the first).
fn duplicate_key_position(text: &str, message: &str) -> Option<(usize, usize)> {
    let key = message
        .strip_prefix("duplicate entry with key ")?
        .trim_matches('"');
    let mut first_indent = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let is_key = rest
            .strip_prefix(key)
            .or_else(|| rest.strip_prefix(&format!("\"{key}\"")))
            .is_some_and(|after| after.trim_start().starts_with(':'));
        if !is_key {
            continue;
        }
        match first_indent {
            None => first_indent = Some(indent),
            Some(first) if first == indent => return Some((i + 1, indent + 1)),
            Some(_) => {}
        }
    }
    None
}

/// Reads a document straight into [`Value`]. A whole number too large for `i64` (YAML has
/// no limit; `page_size: 99999999999999999999`) becomes a [`Value::Float`], as a number
/// the validators can say is out of range, where `serde_yaml`'s own value type refuses the
/// whole document. A tag (`!x value`) is dropped and its value kept.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
    }

    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(i64::try_from(i).map_or(Value::Float(i as f64), Value::Int))
    }

    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    /// Keys become text; a key written twice is an error, as YAML has it.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        // By key and whether it was text, so `1:` and `"1":` stay two keys.
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(key) = map.next_key::<Value>()? {
            let text = key_text(&key);
            if !seen.insert((matches!(key, Value::String(_)), text.clone())) {
                return Err(serde::de::Error::custom(duplicate_key_message(&key)));
            }
            entries.push((text, map.next_value()?));
        }
        Ok(Value::Map(entries))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, tagged: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, value) = tagged.variant::<String>()?;
        value.newtype_variant()
    }
}

/// serde_yaml's words for a repeated key, which [`duplicate_key_position`] reads.
fn duplicate_key_message(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".to_string(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        Value::Seq(_) | Value::Map(_) => "duplicate entry in YAML map".to_string(),
        number => format!("duplicate entry with key {}", key_text(number)),
    }
}

/// A key as text: `title`, `2017`, `true`, `null`; a list or map as its YAML.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Null => "null".to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// `text` as a YAML value that reads as it will be shown: plain when YAML reads it back as
/// exactly this text (`Teachers' time`), otherwise in double quotes with backslash escapes
/// only where they are needed (`"Oakland: site grants"`, `"The \"best\" year"`).
pub fn quote(text: &str) -> String {
    if reads_back_plain(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters, and what YAML takes for line breaks or a byte order mark.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text`, written plain after a key, is read back as exactly `text` (not a number,
/// a date, a comment, a mapping, or text with spaces trimmed).
fn reads_back_plain(text: &str) -> bool {
    !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_control() || matches!(c, '\\' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
        && text.trim() == text
        && matches!(
            parse(&format!("k: {text}\n")),
            Ok(Value::Map(entries)) if entries.len() == 1 && entries[0].1 == Value::String(text.to_string())
        )
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl From<&str> for Step {
    fn from(key: &str) -> Self {
        Step::Key(key.to_string())
    }
}

impl From<usize> for Step {
    fn from(index: usize) -> Self {
        Step::Index(index)
    }
}

/// Which part of a mapping entry to point at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The key of the last step (`titel` in `titel: x`). For a list index, the item itself.
    Key,
    /// The value the path leads to.
    Value,
}

/// Where every key and value of a document is: built once, in one pass over the parser's
/// events, when the first diagnostic needs a position.
pub struct Positions {
    /// For each path: the byte offset of its key (mapping entries only) and of its value.
    nodes: FxHashMap<Vec<Step>, (Option<usize>, usize)>,
}

impl Positions {
    /// Indexes `text`; a document that does not parse indexes what precedes the error.
    pub fn new(text: &str) -> Positions {
        let mut nodes = FxHashMap::default();
        let mut bytes = CharToByte::new(text);
        let mut open: Vec<Open> = Vec::new();
        let mut path: Vec<Step> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let at = bytes.offset(span.start.index());
            let starts = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
            match event {
                Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..) => {
                    if let Some(Open {
                        next: Next::Key(key @ None),
                        ..
                    }) = open.last_mut()
                    {
                        // A key; its value comes next.
                        let name = match &event {
                            Event::Scalar(value, ..) => value.to_string(),
                            _ => String::new(),
                        };
                        *key = Some((name, at));
                        if starts {
                            // A list or map as a key (rare): read past it.
                            open.push(Open {
                                next: Next::Index(0),
                                pushed: false,
                            });
                        }
                        continue;
                    }
                    let step = open.last_mut().and_then(Open::next_step);
                    let pushed = step.is_some();
                    let key_at = match step {
                        Some((step, key_at)) => {
                            path.push(step);
                            key_at
                        }
                        None => None,
                    };
                    nodes.insert(path.clone(), (key_at, at));
                    if starts {
                        let next = match event {
                            Event::SequenceStart(..) => Next::Index(0),
                            _ => Next::Key(None),
                        };
                        open.push(Open { next, pushed });
                    } else if pushed {
                        path.pop();
                    }
                }
                Event::SequenceEnd | Event::MappingEnd if open.pop().is_some_and(|o| o.pushed) => {
                    path.pop();
                }
                _ => {}
            }
        }
        Positions { nodes }
    }

    /// The byte offset of the node at `path` (its key, or its value), or `None` if the path
    /// does not exist. For a list item, [`Target::Key`] is the item itself.
    pub fn find(&self, path: &[Step], target: Target) -> Option<usize> {
        let (key, value) = self.nodes.get(path)?;
        match target {
            Target::Key => Some(key.unwrap_or(*value)),
            Target::Value => Some(*value),
        }
    }
}

/// A list or map being read by [`Positions::new`].
struct Open {
    next: Next,
    /// Whether a step to it is on the path (all but the document's root).
    pushed: bool,
}

/// What the next value inside an open list or map is.
enum Next {
    /// The item at this index of a list.
    Index(usize),
    /// A map's next key (`None`), or the value of the key just read, and where that key is.
    Key(Option<(String, usize)>),
}

impl Open {
    /// The step to the next value, and where its key is.
    fn next_step(&mut self) -> Option<(Step, Option<usize>)> {
        match &mut self.next {
            Next::Index(i) => {
                *i += 1;
                Some((Step::Index(*i - 1), None))
            }
            Next::Key(key) => key.take().map(|(name, at)| (Step::Key(name), Some(at))),
        }
    }
}

/// Turns the parser's character indexes into byte offsets, in one pass for indexes that
/// mostly grow.
struct CharToByte<'t> {
    text: &'t str,
    chars: usize,
    bytes: usize,
}

impl<'t> CharToByte<'t> {
    fn new(text: &'t str) -> Self {
        CharToByte {
            text,
            chars: 0,
            bytes: 0,
        }
    }

    fn offset(&mut self, index: usize) -> usize {
        if index < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars == index {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Titles that are hard to write as YAML, each with how `quote` writes it.
    const HARD_TITLES: &[(&str, &str)] = &[
        ("Teachers' time", "Teachers' time"),
        ("Oakland: site grants", "\"Oakland: site grants\""),
        ("The \"best\" year", "The \"best\" year"),
        ("\"Quoted\" first", "\"\\\"Quoted\\\" first\""),
        ("'Single' first", "\"'Single' first\""),
        ("Issue #3", "\"Issue #3\""),
        ("#1 priority", "\"#1 priority\""),
        ("- a list?", "\"- a list?\""),
        ("? a key", "\"? a key\""),
        ("C:\\path\\to", "\"C:\\\\path\\\\to\""),
        ("Ça change: l'école", "\"Ça change: l'école\""),
        ("Schulen für alle — 2020", "Schulen für alle — 2020"),
        ("2020", "\"2020\""),
        ("true", "\"true\""),
        ("null", "\"null\""),
        ("1.5", "\"1.5\""),
        ("2017-05-01", "2017-05-01"),
        ("@home & *away*", "\"@home & *away*\""),
        ("{braces} [brackets]", "\"{braces} [brackets]\""),
        ("50% | more > less", "50% | more > less"),
        ("tab\there", "\"tab\\there\""),
        ("ends with colon:", "\"ends with colon:\""),
        ("`code` and !tag", "\"`code` and !tag\""),
        ("!important", "\"!important\""),
    ];

    #[test]
    fn quoted_titles_read_back_exactly_and_read_naturally() {
        for (title, written) in HARD_TITLES {
            let yaml = format!("title: {}\n", quote(title));
            let back = parse(&yaml).unwrap_or_else(|e| panic!("{yaml}: {}", e.message));
            assert_eq!(
                back.get("title"),
                Some(&Value::String(title.to_string())),
                "{yaml}"
            );
            assert_eq!(quote(title), *written, "{title}");
        }
    }

    #[test]
    fn a_quote_inside_quoted_text_is_explained_where_it_ends_the_text() {
        let err = parse("title: \"The \"best\" school\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 13), "{err:?}");
        assert!(err.message.contains("ends at the second `\"`"), "{err:?}");
        let help = err.help.unwrap();
        assert!(help.contains("`title: 'The \"best\" school'`"), "{help}");
        let err = parse("authors:\n  - \"A \"B\" C\"\n").unwrap_err();
        assert_eq!(err.line, 2, "{err:?}");
        let err = parse("title: 'It's \"here\"'\n").unwrap_err();
        let help = err.help.unwrap();
        assert!(help.contains("`title: 'It''s \"here\"'`"), "{help}");
        // Quotes that end the text where the line does are fine, and other mistakes keep
        // their own explanation.
        assert!(closed_too_soon("title: \"a \\\"b\\\" c\"").is_none());
        assert!(closed_too_soon("title: 'it''s' # note").is_none());
        assert!(closed_too_soon("title: Math: a start").is_none());
    }

    #[test]
    fn parses_in_source_order() {
        let v = parse("b: 1\na: [x, 2.5]\nc:\n  d: true\n").unwrap();
        let Value::Map(entries) = &v else { panic!() };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(
            v.get("a"),
            Some(&Value::Seq(vec![
                Value::String("x".into()),
                Value::Float(2.5)
            ]))
        );
        assert_eq!(v.get("c").unwrap().get("d"), Some(&Value::Bool(true)));
    }

    #[test]
    fn dates_and_yes_stay_text() {
        let v = parse("date: 2017-05-01\ntitle: yes\n").unwrap();
        assert_eq!(v.get("date"), Some(&Value::String("2017-05-01".into())));
        assert_eq!(v.get("title"), Some(&Value::String("yes".into())));
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("title: x\nbad: [unclosed\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let err = parse("title: a\ntitle: b\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{err:?}");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn whole_numbers_of_any_size_are_numbers() {
        let v = parse(
            "a: 99999999999999999999\nb: -99999999999999999999\nc: 9223372036854775808\nd: 7\n",
        )
        .unwrap();
        assert_eq!(v.get("a"), Some(&Value::Float(1e20)));
        assert_eq!(v.get("b"), Some(&Value::Float(-1e20)));
        assert_eq!(v.get("c"), Some(&Value::Float(9223372036854775808.0)));
        assert_eq!(v.get("d"), Some(&Value::Int(7)));
    }

    #[test]
    fn keys_of_other_types_are_text_and_tags_are_dropped() {
        let v = parse("1: a\n\"1\": b\ntrue: c\nnull: d\nt: !note e\n").unwrap();
        let Value::Map(entries) = &v else { panic!() };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["1", "1", "true", "null", "t"]);
        assert_eq!(v.get("t"), Some(&Value::String("e".into())));
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 1), "{err:?}");
    }

    #[test]
    fn a_control_character_is_reported_where_it_is() {
        let err = parse("title: x\nsummary: >\n  one\n  t\u{7}wo \u{1b}\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 4), "{err:?}");
        assert!(err.message.contains("U+0007"), "{err:?}");
        assert!(!err.message.contains("position"), "{err:?}");
        let err = parse("a: \u{9b}x\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4), "{err:?}");
    }

    /// `locate` as it was: 1-based line and column of a node.
    fn locate(text: &str, path: &[Step], target: Target) -> Option<(usize, usize)> {
        let at = Positions::new(text).find(path, target)?;
        Some(crate::diagnostics::line_col(text, at))
    }

    #[test]
    fn locates_keys_and_values() {
        let text = "title: A\ntitel: B\ntopics:\n  - one\n  - two\nrows:\n  - { a: 1, b: 2 }\n";
        assert_eq!(locate(text, &["titel".into()], Target::Key), Some((2, 1)));
        assert_eq!(locate(text, &["titel".into()], Target::Value), Some((2, 8)));
        assert_eq!(
            locate(text, &["topics".into(), 1.into()], Target::Value),
            Some((5, 5))
        );
        assert_eq!(
            locate(text, &["rows".into(), 0.into(), "b".into()], Target::Key),
            Some((7, 13))
        );
        assert_eq!(locate(text, &["missing".into()], Target::Key), None);
        assert_eq!(
            locate(text, &["topics".into(), 9.into()], Target::Key),
            None
        );
    }
}
