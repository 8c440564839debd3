//! The PDF edition of a publication: its rendered body HTML translated to Typst markup and
//! typeset with Typst as a library (the `typst` and `typst-pdf` crates), as a tagged PDF/UA-1
//! file with its metadata, bookmarks from its headings and our fonts embedded.
//!
//! * [`Engine`] is made once per process: it parses the fonts (static Source Serif 4 and
//!   Source Sans 3 instances compiled into the binary, see `src/pdf/fonts/`) and builds
//!   Typst's standard library; every document and thread shares it.
//! * [`Publication`] is what one PDF shows, as plain data: the title block's words, the
//!   body HTML (our renderer's, with the editor's raw HTML in it), the "Cite this" reference.
//! * [`typeset`] makes one PDF; [`typeset_all`] makes many on two plain worker threads (Typst
//!   uses rayon inside; spreading documents over rayon too was slower and used more memory).
//!   Both trim Typst's memo cache after each document (`comemo::evict`): without it, memory
//!   grows with every document.
//!
//! The design is the theme's `pdf/edition.typ` ([`crate::theme::Theme::pdf_edition`]): the
//! generated document imports it as `cv`, calls `cv.edition` with the publication's data
//! and the functions it defines for boxes, figures, tables and endnotes (see that file).
//!
//! Safety of the translation (see [`translate`]): every text of the page and of the front
//! matter reaches Typst as a string literal, so no markdown can run Typst code; a character
//! our fonts do not have is replaced (a PDF/UA file may not show a missing glyph), with a
//! warning. What the PDF cannot show (the editor's own `<iframe>`, `<video>`, an image Typst
//! cannot read) is a warning at its markdown line, and the PDF is made without it. A Typst
//! error is never shown as Typst source: it names the page and says the PDF could not be
//! made (an error in the translation is centerview's bug; one in a theme's `edition.typ` is
//! the theme's, and names that file's line).
//!
//! The API differs from the first sketch in two fields of [`Publication`]: `source` (the
//! page's [`Source`], to place warnings at their markdown line) instead of
//! `source_display`, and `edition` (the theme's design file's text); and `assets` is `Sync`
//! (two threads share it).

pub mod card;
mod html;
mod translate;
mod world;

pub use crate::markdown::RawHtml;
pub use world::{Engine, FAMILIES};

use crate::diagnostics::{Diagnostic, Source};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use typst::WorldExt;
use typst::diag::SourceDiagnostic;
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};
use world::Document;

/// The paper a PDF edition is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Paper {
    #[default]
    Letter,
    A4,
}

impl Paper {
    /// Typst's name for it.
    fn typst_name(self) -> &'static str {
        match self {
            Paper::Letter => "us-letter",
            Paper::A4 => "a4",
        }
    }
}

/// What a publication's PDF edition shows, all plain data (no Typst source).
pub struct Publication<'a> {
    /// The kicker: "CenterView Brief", "Report"…
    pub kind_label: &'a str,
    pub title: &'a str,
    /// The running heads' title.
    pub short_title: &'a str,
    pub subtitle: Option<&'a str>,
    pub authors: &'a [String],
    /// The date as displayed ("March 4, 2025").
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    /// The series' title, this part's number, and how many parts it has.
    pub series: Option<(&'a str, u32, u32)>,
    pub district: Option<&'a str>,
    pub region: Option<&'a str>,
    /// The PDF's subject.
    pub summary: &'a str,
    /// The PDF's keywords.
    pub topics: &'a [String],
    /// The page's language (`en`, `en-US`, `es`).
    pub language: &'a str,
    /// The page's absolute web address.
    pub url: &'a str,
    pub doi: Option<&'a str>,
    /// The "Cite this" reference, as plain text.
    pub apa: &'a str,
    /// The publisher: "Center for the Future of Teaching and Learning at WestEd".
    pub center: &'a str,
    /// The site's title: "CenterView".
    pub site_title: &'a str,
    pub license: Option<&'a str>,
    pub paper: Paper,
    /// The page's rendered body HTML ([`crate::markdown::Rendered::html`]).
    pub body_html: &'a str,
    /// Where the editor's own HTML and images are in `body_html`
    /// ([`crate::markdown::Rendered::raw_html`]), for warnings at their markdown line.
    pub raw_html: &'a [RawHtml],
    /// A site URL of an image (`/assets/x.png`) → the file on disk.
    pub assets: &'a (dyn Fn(&str) -> Option<PathBuf> + Sync),
    /// The page's source file, for warnings.
    pub source: &'a Source,
    /// The theme's design, `pdf/edition.typ` ([`crate::theme::Theme::pdf_edition`]).
    pub edition: &'a str,
}

/// A PDF edition made.
#[derive(Debug)]
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// What the PDF could not show, at the markdown that has it.
    pub warnings: Vec<Diagnostic>,
}

/// How many memo-cache trims an entry survives unused: the design file and the library
/// stay warm from one document to the next, a document's own layout does not.
const MEMO_AGE: usize = 4;

/// Makes one publication's PDF edition.
pub fn typeset(engine: &Engine, p: &Publication) -> Result<Typeset, Diagnostic> {
    typeset_timed(engine, p).0
}

/// How long the parts of making a PDF edition took.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    /// Translating the body to Typst (and reading its images).
    pub translate: Duration,
    /// Typst: compiling, laying out and writing the PDF.
    pub typst: Duration,
}

/// [`typeset`], timed: for measuring the two parts.
pub fn typeset_timed(engine: &Engine, p: &Publication) -> (Result<Typeset, Diagnostic>, Timings) {
    let mut timings = Timings::default();
    let started = Instant::now();
    let translated = translate::translate(p, engine, true);
    timings.translate = started.elapsed();
    let started = Instant::now();
    let result = match compile(engine, p, &translated) {
        // An image that looked readable but is not fails the whole document: it is made
        // again without the editor's images, each shown as its description.
        Err(_) if translated.has_images => {
            let mut again = translate::translate(p, engine, false);
            again.warnings.push(
                Diagnostic::warning("the PDF edition could not read an image of this page: its images are shown as their descriptions")
                    .in_file(p.source.display.clone())
                    .help("check that every image is a PNG, JPEG, GIF, WebP or SVG file that opens"),
            );
            compile(engine, p, &again).map(|t| (t, again.warnings))
        }
        other => other.map(|t| (t, translated.warnings)),
    };
    comemo::evict(MEMO_AGE);
    timings.typst = started.elapsed();
    let result = result.map(|((pdf, pages), warnings)| Typeset {
        pdf,
        pages,
        warnings,
    });
    (result, timings)
}

/// The Typst document generated for a publication (for reading when debugging).
pub fn typst_source(engine: &Engine, p: &Publication) -> String {
    translate::translate(p, engine, true).main
}

/// Makes many PDF editions, on two worker threads, in the order given.
pub fn typeset_all(engine: &Engine, pubs: &[Publication]) -> Vec<Result<Typeset, Diagnostic>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Typeset, Diagnostic>>>> =
        Mutex::new((0..pubs.len()).map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(p) = pubs.get(i) else { break };
            let made = typeset(engine, p);
            results.lock().expect("no worker panicked")[i] = Some(made);
        }
    };
    std::thread::scope(|s| {
        s.spawn(work);
        work();
    });
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every publication typeset"))
        .collect()
}

/// Typesets a translated publication: the PDF and its number of pages.
fn compile(
    engine: &Engine,
    p: &Publication,
    translated: &translate::Translated,
) -> Result<(Vec<u8>, usize), Diagnostic> {
    let document = Document::new(
        engine,
        translated.main.clone(),
        p.edition,
        translated.images.clone(),
    );
    let paged = typst::compile::<PagedDocument>(&document)
        .output
        .map_err(|errors| failure(p, &document, &errors))?;
    let options = PdfOptions {
        ident: Smart::Custom(p.url.to_string()),
        creator: Smart::Custom(Some("CenterView".into())),
        standards: PdfStandards::new(&[PdfStandard::Ua_1]).expect("PDF/UA-1 alone is valid"),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options).map_err(|errors| failure(p, &document, &errors))?;
    Ok((pdf, paged.pages().len()))
}

/// Typst's errors, as an editor's: the page's file, and never the generated source. A
/// mistake in a site's own `edition.typ` names its line.
fn failure(p: &Publication, document: &Document, errors: &[SourceDiagnostic]) -> Diagnostic {
    let Some(first) = errors.first() else {
        return Diagnostic::error("the PDF edition could not be made")
            .in_file(p.source.display.clone());
    };
    let in_edition = first.span.id().is_some_and(Document::is_edition);
    if in_edition && p.edition != crate::theme::BUILTIN_PDF_EDITION {
        let line = document
            .range(first.span)
            .map(|r| document.edition().text()[..r.start].matches('\n').count() + 1)
            .unwrap_or(1);
        return Diagnostic::error(format!(
            "the PDF edition could not be made: the theme's pdf/edition.typ, line {line}: {}",
            first.message
        ))
        .in_file(p.source.display.clone())
        .help("fix the theme's pdf/edition.typ, or remove it to use the built-in design");
    }
    Diagnostic::error(format!(
        "the PDF edition could not be made: {}",
        first.message
    ))
    .in_file(p.source.display.clone())
    .help("this is a fault in centerview, not in the page: please report it, with the page")
}
