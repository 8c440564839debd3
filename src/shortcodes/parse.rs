//! Finding and parsing shortcode tags in a markdown body.
//!
//! ```text
//! {{ name(key="value", n=3, flag=true) }}     inline
//! {% name(key="value") %} ... {% end %}        with a markdown body
//! ```
//!
//! A `{{` or `{%` followed by a name is a shortcode; anything else is left as text, so prose
//! can still contain braces. Tags inside code spans and code blocks are never touched.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl ArgValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgValue::Text(_) => "text",
            ArgValue::Integer(_) | ArgValue::Float(_) => "a number",
            ArgValue::Bool(_) => "true/false",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub value: ArgValue,
    /// The whole `name=value`, in the body.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `{{ name(...) }}`
    Inline,
    /// `{% name(...) %}`
    Open,
    /// `{% end %}`
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub kind: TagKind,
    pub name: String,
    pub name_span: Range<usize>,
    pub args: Vec<Arg>,
    /// From `{{`/`{%` to `}}`/`%}` inclusive.
    pub span: Range<usize>,
    /// An opening tag whose arguments could not be read (the error is reported already):
    /// it only pairs with its `{% end %}`.
    pub broken: bool,
}

impl Tag {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// Every shortcode tag in `text` outside the `code` ranges, in order. Malformed tags are
/// reported and skipped; scanning continues after them.
pub fn scan(text: &str, code: &[Range<usize>]) -> (Vec<Tag>, Vec<SyntaxError>) {
    let mut tags = Vec::new();
    let mut errors = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = memchr_brace(bytes, i) {
        i = found;
        let Some(&next) = bytes.get(i + 1) else { break };
        if next != b'{' && next != b'%' {
            i += 1;
            continue;
        }
        if let Some(range) = code.iter().find(|r| r.contains(&i)) {
            i = range.end.max(i + 1);
            continue;
        }
        let mut p = Parser { text, pos: i + 2 };
        p.skip_ws();
        if !p
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            // `{{` followed by no name: plain text.
            i += 2;
            continue;
        }
        match p.tag(i, next == b'{') {
            Ok(tag) => {
                i = tag.span.end;
                tags.push(tag);
            }
            Err(err) => {
                let start = i;
                i = (err.span.end).max(i + 2);
                // A body shortcode whose arguments are wrong still has a body and an
                // `{% end %}`: one mistake, one error, not a second one for a stray end.
                if next == b'%'
                    && let Some(tag) = broken_opening(text, start)
                {
                    i = i.max(tag.span.end);
                    tags.push(tag);
                }
                errors.push(err);
            }
        }
    }
    (tags, errors)
}

/// The opening tag `{% name(...) %}` at `start` whose arguments could not be read, when its
/// `%}` is on the same line: kept (with no arguments, marked [`Tag::broken`]) so that its
/// `{% end %}` closes it.
fn broken_opening(text: &str, start: usize) -> Option<Tag> {
    let mut p = Parser {
        text,
        pos: start + 2,
    };
    p.skip_ws();
    let name_span = p.ident();
    let name = text[name_span.clone()].to_string();
    let line_end = p.line_end(start);
    let close = text[start..line_end].find("%}")? + start + 2;
    (!name.is_empty() && name != "end").then(|| Tag {
        kind: TagKind::Open,
        name,
        name_span,
        args: Vec::new(),
        span: start..close,
        broken: true,
    })
}

fn memchr_brace(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'{')
        .map(|p| p + from)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Range<usize> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        start..self.pos
    }

    /// The end of the line from `from`, for underlining a broken tag.
    fn line_end(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map(|i| from + i)
            .unwrap_or(self.text.len())
    }

    fn error(&self, start: usize, message: impl Into<String>, help: Option<String>) -> SyntaxError {
        let end = self.line_end(self.pos.min(self.text.len())).max(start + 2);
        SyntaxError {
            message: message.into(),
            span: start..end.min(self.text.len()),
            help,
        }
    }

    fn tag(&mut self, start: usize, inline: bool) -> Result<Tag, SyntaxError> {
        let close = if inline { "}}" } else { "%}" };
        let name_span = self.ident();
        let name = self.text[name_span.clone()].to_string();
        self.skip_ws();
        if !inline && name == "end" {
            if !self.eat(close) {
                return Err(self.error(
                    start,
                    "`{% end` is not closed with `%}`",
                    Some("write `{% end %}`".into()),
                ));
            }
            return Ok(Tag {
                kind: TagKind::End,
                name,
                name_span,
                args: Vec::new(),
                span: start..self.pos,
                broken: false,
            });
        }
        let example = if inline {
            format!("{{{{ {name}(...) }}}}")
        } else {
            format!("{{% {name}(...) %}}")
        };
        if !self.eat("(") {
            return Err(self.error(
                start,
                format!("shortcode `{name}` needs parentheses after its name"),
                Some(format!(
                    "write `{example}`, even when there are no arguments: `{}`",
                    example.replace("...", "")
                )),
            ));
        }
        let args = self.args(start)?;
        self.skip_ws();
        if !self.eat(close) {
            let (wrong, _) = if inline { ("%}", "}}") } else { ("}}", "%}") };
            let help = if self.text[self.pos..].starts_with(wrong) {
                Some(format!(
                    "a tag opened with `{}` must close with `{close}`",
                    if inline { "{{" } else { "{%" }
                ))
            } else {
                Some(format!("write `{example}`"))
            };
            return Err(self.error(
                start,
                format!("shortcode `{name}` is not closed with `{close}`"),
                help,
            ));
        }
        Ok(Tag {
            kind: if inline {
                TagKind::Inline
            } else {
                TagKind::Open
            },
            name,
            name_span,
            args,
            span: start..self.pos,
            broken: false,
        })
    }

    fn args(&mut self, tag_start: usize) -> Result<Vec<Arg>, SyntaxError> {
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                return Ok(args);
            }
            let arg_start = self.pos;
            let name_span = self.ident();
            if name_span.is_empty() {
                return Err(self.error(
                    tag_start,
                    "expected an argument name or `)`",
                    Some("arguments are written `name=value`, separated by commas".into()),
                ));
            }
            let name = self.text[name_span.clone()].to_string();
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.error(
                    tag_start,
                    format!("argument `{name}` has no value"),
                    Some(format!("write `{name}=\"...\"`")),
                ));
            }
            self.skip_ws();
            let value = self.value(tag_start, &name)?;
            if args.iter().any(|a| a.name == name) {
                return Err(SyntaxError {
                    message: format!("argument `{name}` is given twice"),
                    span: arg_start..self.pos,
                    help: Some("remove one of them".into()),
                });
            }
            args.push(Arg {
                name,
                value,
                span: arg_start..self.pos,
            });
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            if self.eat(")") {
                return Ok(args);
            }
            return Err(self.error(
                tag_start,
                "expected `,` or `)` after an argument",
                Some("separate arguments with commas: `a=\"x\", b=2`".into()),
            ));
        }
    }

    fn value(&mut self, tag_start: usize, name: &str) -> Result<ArgValue, SyntaxError> {
        match self.peek() {
            Some(quote @ ('"' | '\'')) => {
                let open = self.pos;
                self.pos += 1;
                let mut out = String::new();
                loop {
                    let Some(c) = self.peek() else {
                        return Err(SyntaxError {
                            message: format!("the text of `{name}` is never closed with {quote}"),
                            span: open..self.line_end(open),
                            help: Some(format!("end the text with {quote}")),
                        });
                    };
                    self.pos += c.len_utf8();
                    match c {
                        '\\' => {
                            let Some(escaped) = self.peek() else { continue };
                            self.pos += escaped.len_utf8();
                            out.push(match escaped {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                        c if c == quote => return Ok(ArgValue::Text(out)),
                        '\n' if self.text[self.pos..].starts_with('\n') => {
                            return Err(SyntaxError {
                                message: format!(
                                    "the text of `{name}` is never closed with {quote}"
                                ),
                                span: open..self.pos,
                                help: Some(format!("end the text with {quote}")),
                            });
                        }
                        c => out.push(c),
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => {
                let start = self.pos;
                self.pos += 1;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '_')
                {
                    self.pos += 1;
                }
                let raw = self.text[start..self.pos].replace('_', "");
                if let Ok(n) = raw.parse::<i64>() {
                    Ok(ArgValue::Integer(n))
                } else if let Ok(f) = raw.parse::<f64>() {
                    Ok(ArgValue::Float(f))
                } else {
                    Err(SyntaxError {
                        message: format!("`{raw}` is not a number"),
                        span: start..self.pos,
                        help: None,
                    })
                }
            }
            _ => {
                let word = self.ident();
                match &self.text[word.clone()] {
                    "true" => Ok(ArgValue::Bool(true)),
                    "false" => Ok(ArgValue::Bool(false)),
                    "" => Err(self.error(
                        tag_start,
                        format!("argument `{name}` has no value"),
                        Some(format!("write `{name}=\"...\"`")),
                    )),
                    other => Err(SyntaxError {
                        message: format!("`{other}` is not a value: text must be quoted"),
                        span: word,
                        help: Some(format!("write `{name}=\"{other}\"`")),
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Tag {
        let (tags, errors) = scan(text, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(tags.len(), 1, "{tags:?}");
        tags.into_iter().next().unwrap()
    }

    #[test]
    fn parses_typed_arguments() {
        let tag =
            one(r#"x {{ figure(data="supports-used", n=3, scale=1.5, flag=true, q='it\'s') }} y"#);
        assert_eq!(tag.kind, TagKind::Inline);
        assert_eq!(tag.name, "figure");
        assert_eq!(
            tag.arg("data").unwrap().value,
            ArgValue::Text("supports-used".into())
        );
        assert_eq!(tag.arg("n").unwrap().value, ArgValue::Integer(3));
        assert_eq!(tag.arg("scale").unwrap().value, ArgValue::Float(1.5));
        assert_eq!(tag.arg("flag").unwrap().value, ArgValue::Bool(true));
        assert_eq!(tag.arg("q").unwrap().value, ArgValue::Text("it's".into()));
        assert!(tag.span.start == 2 && tag.span.len() > 10);
    }

    #[test]
    fn body_tags_and_end() {
        let text = "{% sidebar(title=\"A\") %}\nbody\n{% end %}\n";
        let (tags, errors) = scan(text, &[]);
        assert!(errors.is_empty());
        assert_eq!(tags[0].kind, TagKind::Open);
        assert_eq!(tags[1].kind, TagKind::End);
        assert_eq!(&text[tags[1].span.clone()], "{% end %}");
    }

    #[test]
    fn braces_without_a_name_are_text() {
        let (tags, errors) = scan("a {{ }} b {% %} c {", &[]);
        assert!(tags.is_empty() && errors.is_empty());
    }

    #[test]
    fn code_ranges_are_skipped() {
        let text = "`{{ figure(data=\"x\") }}` and {{ figure(data=\"y\") }}";
        let code: Vec<Range<usize>> = std::iter::once(0..24).collect();
        let (tags, _) = scan(text, &code);
        assert_eq!(tags.len(), 1);
        assert_eq!(
            tags[0].arg("data").unwrap().value,
            ArgValue::Text("y".into())
        );
    }

    #[test]
    fn reports_malformed_tags() {
        for (text, message) in [
            ("{{ figure }}", "needs parentheses"),
            ("{{ figure(data=\"x\") %}", "not closed with `}}`"),
            ("{{ figure(data=x) }}", "text must be quoted"),
            ("{{ figure(data) }}", "has no value"),
            ("{{ figure(data=\"x) }}", "never closed"),
            ("{{ figure(a=1, a=2) }}", "given twice"),
            ("{{ figure(a=1 b=2) }}", "expected `,` or `)`"),
        ] {
            let (tags, errors) = scan(text, &[]);
            assert!(tags.is_empty(), "{text}: {tags:?}");
            assert!(errors[0].message.contains(message), "{text}: {errors:?}");
        }
    }
}
