//! Shortcodes a theme adds: `templates/shortcodes/<name>.html`, whose first lines declare
//! the shortcode in a Tera comment, which prints nothing:
//!
//! ```text
//! {#
//! shortcode: body
//! title: text, required
//! level: integer
//! #}
//! ```
//!
//! `shortcode:` says whether it has a body (`body`) or not (`inline`); each line after it is
//! a parameter: its name, its type (`text`, `integer` or `true/false`), and `required` when a
//! call must give it. Calls are then checked exactly like the built-in shortcodes' calls.
//! A template named after a built-in shortcode replaces only its look: its parameters are
//! the built-in ones, so a declaration there is an error.

use super::{Form, Param, ParamType, Registry, TemplateShortcode};
use crate::diagnostics::{Diagnostic, Source, did_you_mean, one_of};
use crate::theme::SiteShortcode;
use std::borrow::Cow;
use std::ops::Range;

/// The types a parameter can have, as a declaration writes them.
const TYPES: [(&str, ParamType); 3] = [
    ("text", ParamType::Text),
    ("integer", ParamType::Integer),
    ("true/false", ParamType::Bool),
];

/// Names the shortcode machinery gives every template itself.
const RESERVED: [&str; 2] = ["id", "body"];

/// A complete declaration, for help lines.
const EXAMPLE: &str = "start the template with\n{#\nshortcode: body\ntitle: text, required\nlevel: integer\n#}\n(`shortcode: inline` for one without a body); docs/themes.md explains each line";

/// Adds the site's shortcodes to `registry` (which holds the built-in ones), or every
/// problem with their declarations.
pub fn add_site_shortcodes(
    registry: &mut Registry,
    site: &[SiteShortcode],
) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut added = Vec::new();
    for template in site {
        let source = Source::new(
            template.path.clone(),
            template.display.clone(),
            &template.text,
        );
        match declared(template, &source, registry) {
            Ok(Some(shortcode)) => added.push(shortcode),
            Ok(None) => {}
            Err(d) => errors.extend(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for shortcode in added {
        registry.register(shortcode);
    }
    Ok(())
}

/// The shortcode a site template declares; `None` when it replaces a built-in one's template.
/// Every mistake in the declaration is reported, not only the first.
fn declared(
    template: &SiteShortcode,
    source: &Source,
    registry: &Registry,
) -> Result<Option<TemplateShortcode>, Vec<Diagnostic>> {
    checked(template, source, registry).map_err(|d| vec![d])?;
    let Some(declaration) = find(source) else {
        return Ok(None);
    };
    let (form, params) = parse(source, &declaration)?;
    if form == Form::Body && !mentions_body(&source.text[declaration.end..]) {
        return Err(vec![
            Diagnostic::error(format!(
                "`{}` is declared with a body, but its template never prints `{{{{ body }}}}`",
                template.name
            ))
            .at(source, declaration.opening)
            .help("print `{{ body }}` once where the body goes, or declare `shortcode: inline`"),
        ]);
    }
    Ok(Some(TemplateShortcode {
        name: Cow::Owned(template.name.clone()),
        form,
        params: Cow::Owned(params),
    }))
}

/// What makes a site template not a shortcode at all: a declaration in a built-in one's
/// template, a name a tag cannot spell, no declaration in a new one.
fn checked(
    template: &SiteShortcode,
    source: &Source,
    registry: &Registry,
) -> Result<(), Diagnostic> {
    let name = &template.name;
    let declaration = find(source);
    if let Some(builtin) = registry.get(name) {
        return match declaration {
            None if needs_body(name, builtin.form()) && !mentions_body(&source.text) => {
                Err(never_prints_body(name, source))
            }
            None => Ok(()),
            Some(declaration) => {
                let params: Vec<&str> = builtin.params().iter().map(|p| p.name.as_ref()).collect();
                Err(Diagnostic::error(format!(
                    "`{name}` is a built-in shortcode: a theme can change its template, not declare its parameters"
                ))
                .at(source, declaration.opening)
                .label("a declaration")
                .help(format!(
                    "remove the declaration to keep `{name}`'s own parameters ({}), or name the template after a new shortcode, such as `shortcodes/my_{name}.html`",
                    if params.is_empty() { "none".to_string() } else { one_of(&params) }
                )))
            }
        };
    }
    if !is_name(name) {
        let suggestion: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        return Err(Diagnostic::error(format!(
            "`{name}.html` cannot name a shortcode: a shortcode's name is letters, digits and `_`, starting with a letter"
        ))
        .in_file(&template.display)
        .help(format!("rename the file, for example to `{suggestion}.html`")));
    }
    if declaration.is_none() {
        let first_line = source.text.find('\n').unwrap_or(source.text.len());
        return Err(Diagnostic::error(format!(
            "the template adds a shortcode `{name}`, but does not declare it"
        ))
        .at(source, 0..first_line)
        .label("expected a `{#` comment starting with `shortcode:`")
        .help_block(EXAMPLE));
    }
    Ok(())
}

/// Whether a built-in shortcode's template must print `{{ body }}`: a body shortcode's, and
/// the case study's (which prints the whole case study there with `full=true`).
fn needs_body(name: &str, form: Form) -> bool {
    form == Form::Body || name == "case_study"
}

/// Whether a template uses `body` at all (as a word: not `vff-body`), which a template that
/// prints it must. A template that uses it but not once is found when it renders.
fn mentions_body(text: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices("body").any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(word)
            && !text[i + 4..].chars().next().is_some_and(word)
    })
}

/// A replacement of a built-in body shortcode's template that never prints the body: every
/// call would lose its body.
fn never_prints_body(name: &str, source: &Source) -> Diagnostic {
    Diagnostic::error(format!(
        "the template of `{name}` never prints `{{{{ body }}}}`: every call's body would be lost"
    ))
    .at(source, 0..0)
    .help(format!(
        "print `{{{{ body }}}}` once where the body goes, as the built-in `shortcodes/{name}.html` does"
    ))
}

/// Where a template's declaration is: the `{#` comment it starts with, when the comment's
/// first words are `shortcode:`.
struct Declaration {
    /// The `{#`.
    opening: Range<usize>,
    /// Between `{#` and `#}` (without Tera's `-` whitespace markers).
    inside: Range<usize>,
    /// Just after the `#}`.
    end: usize,
}

fn find(source: &Source) -> Option<Declaration> {
    let text = &*source.text;
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with("{#") {
        return None;
    }
    let opening = start..start + 2;
    let mut inside_start = opening.end;
    if text[inside_start..].starts_with('-') {
        inside_start += 1;
    }
    if !text[inside_start..].trim_start().starts_with("shortcode:") {
        return None;
    }
    // An unclosed comment never gets here (Tera refuses to compile the template).
    let close = text[inside_start..].find("#}")? + inside_start;
    let inside_end = if text[..close].ends_with('-') {
        close - 1
    } else {
        close
    };
    Some(Declaration {
        opening,
        inside: inside_start..inside_end,
        end: close + 2,
    })
}

/// The form and parameters a declaration states, or every mistake in it (one a line).
fn parse(
    source: &Source,
    declaration: &Declaration,
) -> Result<(Form, Vec<Param>), Vec<Diagnostic>> {
    let mut lines = lines(&source.text, declaration.inside.clone());
    let (key, value) = lines
        .next()
        .expect("a declaration starts with `shortcode:`");
    let value = value.unwrap_or(key.end..key.end);
    let mut errors = Vec::new();
    let form = match &source.text[value.clone()] {
        "body" => Form::Body,
        "inline" => Form::Inline,
        other => {
            errors.push(Diagnostic::error(format!(
                "`shortcode:` must be `body` or `inline`, found `{other}`"
            ))
            .at(source, if value.is_empty() { key } else { value })
            .help("`shortcode: body` for `{% name(...) %} ... {% end %}`, `shortcode: inline` for `{{ name(...) }}`"));
            Form::Inline
        }
    };
    let mut params: Vec<Param> = Vec::new();
    for (name_span, value) in lines {
        let param = match parameter(source, name_span.clone(), value) {
            Ok(param) => param,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        if params.iter().any(|p| p.name == param.name) {
            errors.push(
                Diagnostic::error(format!("the parameter `{}` is declared twice", param.name))
                    .at(source, name_span)
                    .help("remove one of the two lines"),
            );
            continue;
        }
        params.push(param);
    }
    match errors.is_empty() {
        true => Ok((form, params)),
        false => Err(errors),
    }
}

/// One parameter line: `name: type`, or `name: type, required`.
fn parameter(
    source: &Source,
    name: Range<usize>,
    value: Option<Range<usize>>,
) -> Result<Param, Diagnostic> {
    let text = &*source.text;
    let name_text = &text[name.clone()];
    let Some(value) = value else {
        return Err(
            Diagnostic::error(format!("expected a parameter, `name: type`, found `{name_text}`"))
                .at(source, name)
                .help("write each parameter on its own line, for example `title: text, required` or `level: integer`"),
        );
    };
    if !is_name(name_text) {
        return Err(Diagnostic::error(format!(
            "`{name_text}` cannot name a parameter: a name is letters, digits and `_`, starting with a letter"
        ))
        .at(source, name));
    }
    if RESERVED.contains(&name_text) {
        return Err(Diagnostic::error(format!(
            "`{name_text}` cannot be a parameter: every shortcode template receives `{name_text}` already"
        ))
        .at(source, name)
        .help("choose another name; docs/themes.md lists what a shortcode template receives"));
    }
    let mut parts = split_commas(text, value.clone());
    let ty_span = parts.next().unwrap_or(value.clone());
    let ty_text = &text[ty_span.clone()];
    let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
    let Some(&(_, ty)) = TYPES.iter().find(|(n, _)| *n == ty_text) else {
        let found = match ty_text {
            "" => "nothing".to_string(),
            other => format!("`{other}`"),
        };
        let d = Diagnostic::error(format!(
            "the type of `{name_text}` must be {}, found {found}",
            one_of(&names)
        ))
        .at(
            source,
            if ty_span.is_empty() {
                name.clone()
            } else {
                ty_span
            },
        );
        return Err(match did_you_mean(ty_text, names.iter().copied()) {
            Some(close) => d.help(format!("did you mean `{close}`?")),
            None => d.help(format!("for example `{name_text}: text, required`")),
        });
    };
    let mut required = false;
    for part in parts {
        match &text[part.clone()] {
            "required" if !required => required = true,
            other => {
                return Err(Diagnostic::error(format!(
                    "after the type, a parameter can only say `required`, found `{other}`"
                ))
                .at(source, part)
                .help(format!(
                    "write `{name_text}: {ty_text}, required`, or `{name_text}: {ty_text}` when it may be left out"
                )));
            }
        }
    }
    Ok(Param {
        name: Cow::Owned(name_text.to_string()),
        ty,
        required,
    })
}

/// The declaration's non-blank lines, each as the span of its key (before `:`, or the whole
/// line when there is none) and of its value (after `:`, when there is one), trimmed.
fn lines(
    text: &str,
    range: Range<usize>,
) -> impl Iterator<Item = (Range<usize>, Option<Range<usize>>)> {
    let mut offset = range.start;
    text[range]
        .split_inclusive('\n')
        .map(move |line| {
            let start = offset;
            offset += line.len();
            (start, line)
        })
        .filter(|(_, line)| !line.trim().is_empty())
        .map(move |(start, line)| match line.find(':') {
            Some(colon) => (
                trimmed(text, start..start + colon),
                Some(trimmed(text, start + colon + 1..start + line.len())),
            ),
            None => (trimmed(text, start..start + line.len()), None),
        })
}

/// The comma-separated parts of `range`, each trimmed.
fn split_commas(text: &str, range: Range<usize>) -> impl Iterator<Item = Range<usize>> {
    let mut offset = range.start;
    text[range].split(',').map(move |part| {
        let start = offset;
        offset += part.len() + 1;
        trimmed(text, start..start + part.len())
    })
}

fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let part = &text[range.clone()];
    let start = range.start + (part.len() - part.trim_start().len());
    let end = range.end - (part.len() - part.trim_end().len());
    start..end.max(start)
}

/// A shortcode or parameter name: what a shortcode tag can spell.
fn is_name(name: &str) -> bool {
    name != "end"
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::mentions_body;

    #[test]
    fn body_is_found_as_a_word_only() {
        assert!(mentions_body("<div>{{ body }}</div>"));
        assert!(mentions_body("{{body|safe}}"));
        assert!(!mentions_body("<div class=\"vff-body\">{{ title }}</div>"));
        assert!(!mentions_body("{{ nobody }}{{ body_text }}"));
    }
}
