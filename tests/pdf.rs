//! The PDF edition (src/pdf/): the example site's publications typeset and checked with
//! poppler's pdfinfo, pdffonts and pdftotext; hostile text shown as text; what the PDF
//! cannot show warned about at its markdown line.

mod common;
mod pdf_support;

use centerview::pdf::{self, Engine, Paper, Publication, Typeset};
use centerview::render::bodies::{LoadedSite, load_site};
use pdf_support::{assets_of, page_data, publication};
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::new);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A poppler tool's output for a PDF.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edition.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("run {tool} (poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext's text, its whitespace collapsed (lines are broken anywhere).
fn text_of(pdf: &[u8]) -> String {
    let text = poppler("pdftotext", &[], pdf);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn field<'t>(info: &'t str, name: &str) -> &'t str {
    info.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {name} in\n{info}"))
        .trim()
}

/// Asserts each needle is in `text`, in order.
fn assert_in_order(text: &str, needles: &[String]) {
    let mut from = 0;
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        match text[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => panic!(
                "{needle:?} is not in the text after {:?}…\n\n{text}",
                &text[from.saturating_sub(80)..from]
            ),
        }
    }
}

fn example() -> &'static LoadedSite {
    static SITE: LazyLock<LoadedSite> =
        LazyLock::new(|| load_site(repo()).unwrap_or_else(|e| panic!("{e:?}")));
    &SITE
}

fn typeset_example(rel: &str) -> (pdf_support::PageData, Typeset) {
    let site = example();
    let data = page_data(site, rel);
    let assets = assets_of(&site.site.root, site.site.config.base_path());
    let made = pdf::typeset(&ENGINE, &publication(site, &data, &assets))
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    (data, made)
}

/// The example site's brief and report: pages, tags, metadata, fonts, and the text in order.
#[test]
fn example_brief_and_report() {
    for rel in [
        "briefs/partnership.md",
        "reports/collaborative-meeting-23.md",
    ] {
        let (data, made) = typeset_example(rel);
        // To look at them: CENTERVIEW_PDF_DUMP=<folder>.
        if let Some(dir) = std::env::var_os("CENTERVIEW_PDF_DUMP") {
            let name = rel.replace('/', "-").replace(".md", ".pdf");
            std::fs::write(Path::new(&dir).join(name), &made.pdf).unwrap();
        }
        assert!(made.warnings.is_empty(), "{rel}: {:?}", made.warnings);

        let info = poppler("pdfinfo", &[], &made.pdf);
        assert_eq!(field(&info, "Pages"), made.pages.to_string(), "{rel}");
        assert!(made.pages >= 2, "{rel}: {} pages", made.pages);
        assert_eq!(field(&info, "Tagged"), "yes", "{rel}");
        assert_eq!(field(&info, "Title"), data.title, "{rel}");
        assert_eq!(field(&info, "Author"), data.authors.join(", "), "{rel}");
        assert!(
            field(&info, "Page size").contains("612 x 792"),
            "{rel}: Letter\n{info}"
        );
        let meta = poppler("pdfinfo", &["-meta"], &made.pdf);
        assert!(
            meta.contains("<dc:language>") && meta.contains("en"),
            "{meta}"
        );
        assert!(meta.contains("pdfuaid:part>1<"), "{rel}: PDF/UA-1\n{meta}");
        for topic in &data.topics {
            assert!(field(&info, "Keywords").contains(topic.as_str()), "{info}");
        }

        // Every font embedded, and only ours.
        let fonts = poppler("pdffonts", &[], &made.pdf);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{fonts}");
        for row in rows {
            assert!(
                row.contains("SourceSerif4") || row.contains("SourceSans3"),
                "{rel}: a font not ours:\n{fonts}"
            );
            let columns: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(
                columns[columns.len() - 5],
                "yes",
                "{rel}: not embedded:\n{fonts}"
            );
        }

        // The title, every heading, figure captions and endnotes, in order; no markup.
        let text = text_of(&made.pdf);
        let mut expected = vec![data.title.clone()];
        expected.extend(data.rendered.headings.iter().map(|h| h.text.clone()));
        expected.push("Cite this".into());
        expected.push(data.url.clone());
        assert_in_order(&text, &expected);
        for caption in common::elements(&data.rendered.html, "<figcaption", "</figcaption>") {
            let caption = decode(&common::text_of(caption));
            assert!(
                text.contains(caption.trim()),
                "{rel}: caption {caption:?}\n{text}"
            );
        }
        let notes = common::elements(&data.rendered.html, "<li id=\"fn_", "</li>");
        assert_eq!(notes.len(), data.rendered.endnote_count, "{rel}");
        for note in notes {
            let note = decode(&common::text_of(note)).replace('↩', "");
            let words: Vec<&str> = note.split_whitespace().take(6).collect();
            assert!(
                text.contains(&words.join(" ")),
                "{rel}: endnote {note:?}\n{text}"
            );
        }
        for leftover in ["#\"", "#cv", "cv.", "</", "&amp;", "#heading"] {
            assert!(!text.contains(leftover), "{rel}: {leftover:?} in\n{text}");
        }
    }
}

/// Every publication of the example site typesets (a Typst error is a translation bug).
#[test]
fn every_example_page_typesets() {
    let site = example();
    let rels: Vec<String> = site.site.pages.iter().map(|p| p.src.rel.clone()).collect();
    let data: Vec<_> = rels.iter().map(|r| page_data(site, r)).collect();
    let assets = assets_of(&site.site.root, site.site.config.base_path());
    let pubs: Vec<Publication> = data.iter().map(|d| publication(site, d, &assets)).collect();
    let made = pdf::typeset_all(&ENGINE, &pubs);
    assert_eq!(made.len(), rels.len());
    for (rel, made) in rels.iter().zip(made) {
        let made = made.unwrap_or_else(|d| panic!("{rel}: {}", d.render(false)));
        assert!(made.pdf.starts_with(b"%PDF-"), "{rel}");
    }
}

/// A4 by the setting.
#[test]
fn a4_paper() {
    let site = example();
    let data = page_data(site, "briefs/snapshot.md");
    let assets = assets_of(&site.site.root, site.site.config.base_path());
    let p = Publication {
        paper: Paper::A4,
        ..publication(site, &data, &assets)
    };
    let made = pdf::typeset(&ENGINE, &p).unwrap();
    let info = poppler("pdfinfo", &[], &made.pdf);
    assert!(field(&info, "Page size").contains("(A4)"), "{info}");
}

const HOSTILE: &[&str] = &[
    "#panic(\"x\")",
    "$x^2$ and $$",
    "@fn_1 <label> </a> <fn_1>",
    "\\ back\\slash \\\" end\\",
    "*not bold* _not emph_ `not raw`",
    "= not a heading",
    "- not a list + nor this / term: no",
    "] then #strong[x] [ // not a comment /* nor this */",
    "\" quote\"\" #\"string\" ",
    "#let x = 1; #x #{ 1 + 1 } #(1)",
    "~ nbsp ' smart ... -- ---",
];

/// Text that is Typst syntax comes out as text, wherever it is.
#[test]
fn hostile_text_comes_out_as_text() {
    let site = example();
    let data = page_data(site, "briefs/snapshot.md");
    let assets = assets_of(&site.site.root, site.site.config.base_path());
    let mut body = String::new();
    for (i, h) in HOSTILE.iter().enumerate() {
        let e = common_escape(h);
        body.push_str(&format!(
            "<h2 id=\"h{i}\">{e}</h2>\n<p>{e} <em>{e}</em> <a href=\"#h{i}\">{e}</a></p>\n<table><thead><tr><th>{e}</th></tr></thead><tbody><tr><td>{e}</td></tr></tbody></table>\n<ul><li>{e}</li></ul><pre><code>{e}</code></pre>\n"
        ));
    }
    let title = HOSTILE.join(" ");
    let authors = vec![HOSTILE[0].to_string(), HOSTILE[7].to_string()];
    let p = Publication {
        title: &title,
        short_title: HOSTILE[3],
        subtitle: Some(HOSTILE[8]),
        authors: &authors,
        apa: HOSTILE[9],
        body_html: &body,
        raw_html: &[],
        ..publication(site, &data, &assets)
    };
    let made = pdf::typeset(&ENGINE, &p).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let text = text_of(&made.pdf);
    for h in HOSTILE {
        let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
        // Each place it is in: the title, its heading, paragraph, table, list and code.
        assert!(text.matches(h.as_str()).count() >= 5, "{h:?} in\n{text}");
    }
    let info = poppler("pdfinfo", &[], &made.pdf);
    let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(collapse(field(&info, "Title")), collapse(&title));
}

/// The entities our HTML uses, decoded.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn common_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The editor's raw HTML the PDF cannot show, and an image it cannot read, are warnings at
/// their markdown lines; the PDF is made without them.
#[test]
fn what_the_pdf_cannot_show_is_a_warning_at_its_line() {
    let site = common::Site::new();
    site.write("content/assets/photo.bmp", "BM not an image Typst reads");
    site.page(
        "briefs/media.md",
        &common::brief("Media", "2024-01-01"),
        "Intro paragraph.\n\n<iframe src=\"https://example.org/video\" title=\"A video\"></iframe>\n\nText with <video src=\"x.mp4\"></video> inline.\n\n![A photo of a classroom](../assets/photo.bmp)\n\nThe end.\n",
    );
    let loaded = load_site(site.root()).unwrap_or_else(|e| panic!("{e:?}"));
    let data = page_data(&loaded, "briefs/media.md");
    // The iframe's line, the video's start and end tags, the image.
    assert_eq!(
        data.rendered.raw_html.len(),
        4,
        "{:?}",
        data.rendered.raw_html
    );
    let assets = assets_of(site.root(), "/");
    let made = pdf::typeset(&ENGINE, &publication(&loaded, &data, &assets)).unwrap();
    let lines: Vec<(usize, String)> = made
        .warnings
        .iter()
        .map(|w| (w.position().map_or(0, |p| p.0), w.message.clone()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].0, 7, "{lines:?}");
    assert!(
        lines[0].1.contains("embedded page (`<iframe>`)"),
        "{lines:?}"
    );
    assert_eq!(lines[1].0, 9, "{lines:?}");
    assert!(lines[1].1.contains("video"), "{lines:?}");
    assert_eq!(lines[2].0, 11, "{lines:?}");
    assert!(lines[2].1.contains("`/assets/photo.bmp`"), "{lines:?}");
    for w in &made.warnings {
        assert_eq!(w.file.as_deref(), Some("content/briefs/media.md"));
        assert!(
            !w.message.contains("#cv") && !w.message.contains("#\""),
            "{}",
            w.message
        );
    }
    let text = text_of(&made.pdf);
    assert_in_order(
        &text,
        &[
            "Intro paragraph.".into(),
            "Text with inline.".into(),
            "[A photo of a classroom]".into(),
            "The end.".into(),
        ],
    );
}

/// A theme's own `pdf/edition.typ` is the design; its mistakes name its line, never the
/// generated document.
#[test]
fn a_theme_overrides_the_design() {
    let site = common::Site::new();
    site.page("briefs/a.md", &common::brief("A", "2024-01-01"), "Text.\n");
    let design = centerview::theme::BUILTIN_PDF_EDITION.replace(
        "#let edition(meta, body) = {",
        "#let edition(meta, body) = {\n  set text(fill: rgb(\"#0b5566\"))\n  [Overridden design.]",
    );
    site.write("themes/centerview/pdf/edition.typ", &design);
    let loaded = load_site(site.root()).unwrap_or_else(|e| panic!("{e:?}"));
    let data = page_data(&loaded, "briefs/a.md");
    let assets = assets_of(site.root(), "/");
    let made = pdf::typeset(&ENGINE, &publication(&loaded, &data, &assets)).unwrap();
    assert!(text_of(&made.pdf).contains("Overridden design."));

    let broken = design.replace("[Overridden design.]", "\n\n  #nonsense(");
    site.write("themes/centerview/pdf/edition.typ", &broken);
    let loaded = load_site(site.root()).unwrap_or_else(|e| panic!("{e:?}"));
    let data = page_data(&loaded, "briefs/a.md");
    let error = pdf::typeset(&ENGINE, &publication(&loaded, &data, &assets)).unwrap_err();
    assert!(
        error
            .message
            .starts_with("the PDF edition could not be made: the theme's pdf/edition.typ, line "),
        "{}",
        error.message
    );
    assert_eq!(error.file.as_deref(), Some("content/briefs/a.md"));
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        /// Any text, in any place, typesets (the translation is total).
        #[test]
        fn any_text_typesets(
            title in "\\PC{0,40}",
            paragraph in "\\PC{0,200}",
            cell in "\\PC{0,30}",
            alt in "\\PC{0,30}",
            heading in "[#$@<>\\\\*_=\\-/\\[\\]\"a-z ]{0,30}",
        ) {
            let site = example();
            let data = page_data(site, "briefs/snapshot.md");
            let assets = |_: &str| Some(repo().join("content/assets/three-structures.svg"));
            let e = common_escape;
            let body = format!(
                "<h2 id=\"x\">{}</h2><p>{}</p><h5>{}</h5><table><tr><td>{}</td><td class=\"num\">{}</td></tr></table><p><img src=\"/assets/x.svg\" alt=\"{}\"></p><ol start=\"{}\"><li>{}</li></ol>",
                e(&heading), e(&paragraph), e(&heading), e(&cell), e(&cell), e(&alt), cell.len(), e(&paragraph)
            );
            let p = Publication {
                title: &title,
                body_html: &body,
                raw_html: &[],
                assets: &assets,
                ..publication(site, &data, &assets)
            };
            let made = pdf::typeset(&ENGINE, &p);
            prop_assert!(made.is_ok(), "{}", made.unwrap_err().render(false));
        }
    }
}

/// A character no font has (PDF/UA forbids showing a missing glyph) is replaced, with a
/// warning naming it; the PDF is still made.
#[test]
fn characters_the_fonts_lack_are_a_warning() {
    let site = example();
    let data = page_data(site, "briefs/snapshot.md");
    let assets = assets_of(&site.site.root, site.site.config.base_path());
    let p = Publication {
        body_html: "<p>Kanji 漢字 and a smile 😀, Greek αβγ.</p>",
        raw_html: &[],
        ..publication(site, &data, &assets)
    };
    let made = pdf::typeset(&ENGINE, &p).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(made.warnings.len(), 1, "{:?}", made.warnings);
    let message = &made.warnings[0].message;
    for c in ["U+6F22", "U+5B57", "U+1F600"] {
        assert!(message.contains(c), "{message}");
    }
    assert!(text_of(&made.pdf).contains("Kanji ?? and a smile ?, Greek αβγ."));
}
