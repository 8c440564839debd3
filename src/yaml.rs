//! The one module that knows about the YAML parser.
//!
//! Everything else in the crate sees [`Value`], our own small YAML tree, so the parser can be
//! swapped without touching the rest. The parser is `serde_yaml`'s maintained fork
//! `serde_norway` (renamed to `serde_yaml` in Cargo.toml).
//!
//! `serde_yaml` reports positions only on errors. Valid files therefore cost one parse, and
//! when a validator needs the line of a key or value (to report an error), [`locate`] parses
//! again with a seed that deliberately fails at that node: the parser then attaches the exact
//! line and column. Only the error path pays for positions.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use std::fmt;

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
}

/// Parses one YAML document. An empty document is `Value::Null`.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let raw: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let message = clean_message(&err.to_string());
        let (line, column) = duplicate_key_position(text, &message)
            .or_else(|| err.location().map(|l| (l.line(), l.column())))
            .unwrap_or((1, 1));
        SyntaxError {
            message,
            line,
            column,
        }
    })?;
    Ok(convert(raw))
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

fn convert(raw: serde_yaml::Value) -> Value {
    match raw {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Seq(items.into_iter().map(convert).collect()),
        serde_yaml::Value::Mapping(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (key_text(k), convert(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => convert(tagged.value),
    }
}

fn key_text(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// `text` as a YAML scalar, quoted when YAML needs it (`Math: a new start` → `'Math: a new start'`).
pub fn quote(text: &str) -> String {
    serde_yaml::to_string(text)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq)]
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

/// The 1-based (line, column) of the node at `path`, or `None` if the path does not exist.
pub fn locate(text: &str, path: &[Step], target: Target) -> Option<(usize, usize)> {
    let mut de = serde_yaml::Deserializer::from_str(text);
    // Multi-document input is not expected; only the first document is searched.
    let first = de.next()?;
    match (Locator { path, target }).deserialize(first) {
        Ok(()) => None,
        // serde_yaml prefixes the message with the path ("titel: ...").
        Err(err) if err.to_string().contains(FOUND) => {
            err.location().map(|l| (l.line(), l.column()))
        }
        Err(_) => None,
    }
}

/// The message of the deliberate error [`locate`] raises when it reaches its target.
const FOUND: &str = "\u{0}centerview-located";

struct Locator<'p> {
    path: &'p [Step],
    target: Target,
}

impl<'de> DeserializeSeed<'de> for Locator<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Locator<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Step::Key(wanted) = first else {
            return skip_map(map);
        };
        let stop_at_key = rest.is_empty() && self.target == Target::Key;
        while let Some(matched) = map.next_key_seed(KeyMatcher {
            wanted,
            fail_on_match: stop_at_key,
        })? {
            if matched {
                map.next_value_seed(Locator {
                    path: rest,
                    target: self.target,
                })?;
                // The path continued below a scalar: not found.
                return skip_map(map);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Step::Index(wanted) = *first else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut index = 0;
        loop {
            if index == wanted {
                let found = seq.next_element_seed(Locator {
                    path: rest,
                    target: self.target,
                })?;
                if found.is_none() {
                    return Ok(());
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Locator<'_> {
    fn scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Deserializes a mapping key, answering whether it is the wanted one (or failing there, to
/// report the key's own position).
struct KeyMatcher<'w> {
    wanted: &'w str,
    fail_on_match: bool,
}

impl<'de> DeserializeSeed<'de> for KeyMatcher<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyMatcher<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        self.matched(key == self.wanted)
    }
    fn visit_i64<E: de::Error>(self, key: i64) -> Result<bool, E> {
        self.matched(key.to_string() == self.wanted)
    }
    fn visit_u64<E: de::Error>(self, key: u64) -> Result<bool, E> {
        self.matched(key.to_string() == self.wanted)
    }
    fn visit_bool<E: de::Error>(self, key: bool) -> Result<bool, E> {
        self.matched(key.to_string() == self.wanted)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.matched(self.wanted == "null")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        skip_map(map)?;
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

impl KeyMatcher<'_> {
    fn matched<E: de::Error>(&self, is_match: bool) -> Result<bool, E> {
        if is_match && self.fail_on_match {
            Err(E::custom(FOUND))
        } else {
            Ok(is_match)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
