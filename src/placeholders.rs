//! The sample text `centerview new` writes for an editor to replace. `new` writes exactly
//! these values and lines, and the build recognises exactly them (not anything that looks
//! like a placeholder), so a page that still holds one gets a warning at its line until it
//! is replaced. One list, used by both, so the two cannot drift apart.

use crate::diagnostics::{Diagnostic, Source};
use crate::kind::Kind;
use crate::yaml::{Step, Target, Value};
use crate::yaml_doc::YamlDoc;
use std::ops::Range;

/// A front matter value `new` writes uncommented, for the editor to fill in.
pub struct Field {
    pub key: &'static str,
    pub sample: &'static str,
    /// What to write instead.
    pub help: &'static str,
}

/// The fields `new` writes with a sample value, by the kind of page.
pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::CaseStudy => &[Field {
            key: "district",
            sample: "Name of the district",
            help: "write the district's name, for example `district: Oakland Unified`",
        }],
        _ => &[],
    }
}

/// The sample body `new` writes, line by line (blank lines between them).
pub fn body(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Page => &["Write the page here."],
        Kind::Author => &[],
        _ => &[
            "Write the opening paragraph here. Remove `draft: true` above to publish.",
            "## A first section",
            "Write the section here.",
        ],
    }
}

/// Every sample body line of every kind, for recognising them in any page (a page may have
/// been moved to another section since `new` wrote it).
fn all_body_lines() -> impl Iterator<Item = &'static str> {
    Kind::ALL.into_iter().flat_map(body).copied()
}

/// Warnings for the front matter values that are still `new`'s samples.
pub fn check_fields(doc: &YamlDoc, entries: &[(String, Value)], diagnostics: &mut Vec<Diagnostic>) {
    for (key, value) in entries {
        let Value::String(text) = value else { continue };
        let sample = Kind::ALL
            .into_iter()
            .flat_map(fields)
            .find(|f| f.key == key && f.sample == text);
        if let Some(field) = sample {
            let path = [Step::Key(key.clone())];
            diagnostics.push(
                Diagnostic::warning(format!(
                    "`{key}` still holds the sample text `centerview new` wrote"
                ))
                .at(doc.source, doc.span(&path, Target::Value))
                .label("still the sample")
                .help(field.help),
            );
        }
    }
}

/// Warnings for the sample body lines still in `body` (a range of `source`): each line that
/// is exactly one of them.
pub fn check_body(source: &Source, body: Range<usize>, diagnostics: &mut Vec<Diagnostic>) {
    let mut offset = body.start;
    for line in source.text[body].split_inclusive('\n') {
        let text = line.trim_end();
        if all_body_lines().any(|sample| sample == text) {
            diagnostics.push(
                Diagnostic::warning("this line is the sample text `centerview new` wrote")
                    .at(source, offset..offset + text.len())
                    .label("still the sample")
                    .help("replace it with the page's own text, or delete it"),
            );
        }
        offset += line.len();
    }
}
