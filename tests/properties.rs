//! Property tests: no input makes the front-matter splitter, the shortcode parser or the
//! data-table loader panic, and everything they report points at a real place in the file.
//! Inputs are built from fragments of each format (fences, braces, keys, quotes, non-ASCII
//! text, CRLF, a BOM) so that they reach deep into the parsers, not only their first check.

use centerview::diagnostics::{Diagnostic, Source};
use proptest::prelude::*;
use std::ops::Range;
use std::path::PathBuf;

fn source(text: &str) -> Source {
    Source::new(PathBuf::from("content/x.md"), "content/x.md".into(), text)
}

/// Text made of `fragments` and a little noise.
fn text_of(fragments: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(fragments).prop_map(str::to_string),
        1 => "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// A valid `base` changed in a few places: a fragment or some noise inserted, or a stretch
/// deleted, at random places (kept on character boundaries). Most results are nearly valid,
/// which is what reaches the checks after the syntax.
fn mutated(
    base: &'static str,
    fragments: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let insert = prop_oneof![
        3 => proptest::sample::select(fragments).prop_map(str::to_string),
        1 => "\\PC{0,4}",
    ];
    let edit = (any::<usize>(), 0usize..6, insert);
    proptest::collection::vec(edit, 0..4).prop_map(move |edits| {
        let mut text = base.to_string();
        for (at, delete, insert) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, &insert);
        }
        text
    })
}

const GOOD_TABLE: &str = "title: Supports districts use most often\nsource: CenterView interviews\nn: 38\ncolumns:\n  - key: support\n    label: Source of support\n  - key: share\n    label: Districts\n    type: percent\nrows:\n  - support: Teacher leaders\n    share: 71\n  - support: County offices\n    share: 50\nchart:\n  type: bar\n  label: support\n  value: share\nnotes: Districts could name several.\n";

const GOOD_PAGE: &str = "---\ntitle: A brief\ndate: 2017-01-01\ntopics: [Common Core]\n---\nText with {{ figure(data=\"supports\") }} and\n\n{% sidebar(title=\"Aside\") %}\nBody.\n{% end %}\n";

fn valid_span(text: &str, span: &Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// A diagnostic points inside its file, and renders.
fn check(d: &Diagnostic) -> Result<(), TestCaseError> {
    if let (Some(span), Some(text)) = (d.span(), d.source_text()) {
        prop_assert!(valid_span(text, &span), "span {span:?} in {text:?}");
    }
    prop_assert!(!d.render(false).is_empty());
    Ok(())
}

const FRONT_MATTER: &[&str] = &[
    "---\n",
    "---",
    "--- \n",
    "----\n",
    "\n",
    "\r\n",
    "\u{feff}",
    "title: A\n",
    "date: 2017-01-01\n",
    "titel: x\n",
    "topics: [a, b]\n",
    ": ",
    "- ",
    "'",
    "\"",
    "é",
    "—",
    "#",
    "   ",
    "{{",
    "}}",
];

const SHORTCODES: &[&str] = &[
    "{{ ",
    " }}",
    "{{",
    "}}",
    "{% ",
    " %}",
    "{%",
    "%}",
    "end",
    "figure",
    "sidebar",
    "(",
    ")",
    "data=",
    "title=",
    "\"",
    "\\\"",
    "'",
    ",",
    " ",
    "n=3",
    "flag=true",
    "x=1.5",
    "-",
    "=",
    "`",
    "```\n",
    "\n",
    "é",
    "中文",
    "\u{1F600}",
    "{",
    "}",
    "%",
];

const DATA_TABLES: &[&str] = &[
    "title: T\n",
    "source: S\n",
    "n: 38\n",
    "n: x\n",
    "columns:\n",
    "  - key: a\n",
    "  - key: b\n",
    "    label: B\n",
    "    type: number\n",
    "    type: percent\n",
    "    type: text\n",
    "rows:\n",
    "  - a: x\n",
    "    b: 27\n",
    "    b: 120\n",
    "    b: \"27\"\n",
    "    c: 1\n",
    "chart:\n",
    "  type: bar\n",
    "  type: pie\n",
    "  label: a\n",
    "  value: b\n",
    "notes: [x]\n",
    "notes: x\n",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "é",
    "\n",
    "\t",
    "&x",
    "*x",
    "!!",
    "%",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn the_front_matter_splitter_never_panics(
        text in prop_oneof![text_of(FRONT_MATTER), mutated(GOOD_PAGE, FRONT_MATTER)]
    ) {
        let source = source(&text);
        match centerview::front_matter::split(&source) {
            Ok(split) => {
                prop_assert!(valid_span(&source.text, &split.yaml));
                prop_assert!(valid_span(&source.text, &split.body));
                prop_assert!(split.yaml.end <= split.body.start);
            }
            Err(d) => check(&d)?,
        }
    }

    #[test]
    fn the_shortcode_parser_never_panics(
        text in prop_oneof![text_of(SHORTCODES), mutated(GOOD_PAGE, SHORTCODES)]
    ) {
        let (tags, errors) = centerview::shortcodes::parse::scan(&text, &[]);
        for tag in &tags {
            prop_assert!(valid_span(&text, &tag.span));
            prop_assert!(valid_span(&text, &tag.name_span));
            for arg in &tag.args {
                prop_assert!(valid_span(&text, &arg.span));
            }
        }
        for error in &errors {
            prop_assert!(valid_span(&text, &error.span), "{error:?}");
        }
    }

    #[test]
    fn the_data_table_loader_never_panics(
        text in prop_oneof![1 => text_of(DATA_TABLES), 3 => mutated(GOOD_TABLE, DATA_TABLES)]
    ) {
        let source = Source::new(
            PathBuf::from("content/data/t.yaml"),
            "content/data/t.yaml".into(),
            &text,
        );
        let mut diagnostics = Vec::new();
        let tables = centerview::data::load(&[source], &mut diagnostics);
        // A table is loaded or the problems are reported, never neither.
        prop_assert!(tables.len() == 1 || !diagnostics.is_empty());
        for d in &diagnostics {
            check(d)?;
        }
    }
}
