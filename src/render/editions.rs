//! The PDF edition of each publication (`/briefs/<slug>/<slug>.pdf`), typeset by
//! [`crate::pdf`] from the page's rendered body. It runs between the bodies and the
//! templates, since a page's download link says how many pages its PDF has and how big it is.
//!
//! Typesetting is the slowest thing a build does (tens of milliseconds a publication), so
//! each PDF is kept in `.centerview-cache/` (through [`crate::cache_dir`]) under a 128-bit
//! fingerprint of everything it shows: the body's HTML (which holds the data figures and
//! embedded case studies), the title block's fields, the settings it prints, the theme's
//! PDF template, the images it embeds and the engine's version. A rebuild typesets only the
//! publications whose fingerprint is new; the rest are read back from the cache. A session
//! (`serve`, `watch`) also keeps the last PDFs in memory.

use crate::cache_dir;
use crate::config::Paper;
use crate::diagnostics::Diagnostic;
use crate::kind::Kind;
use crate::markdown::Rendered;
use crate::output::{Deps, Output, OutputData};
use crate::render::{Bodies, Sink};
use crate::resolve::{Page, PageId, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Bumped whenever what the engine makes of the same input changes (the translation, the
/// fonts, the Typst version): every cached PDF is then made again.
const ENGINE_VERSION: &str = concat!("centerview ", env!("CARGO_PKG_VERSION"), " pdf 1");

/// The most HTML a body may have for its PDF edition to be typeset: about 300 pages of
/// text, three times the longest report. Typesetting time grows with the text, so a larger
/// (or hostile) page gets a warning instead of holding the build for minutes.
pub const MAX_PDF_HTML: usize = 1024 * 1024;

/// How many publications are typeset between writes: bounds how many finished PDFs are held
/// in memory at once on a cold build of a large site.
const BATCH: usize = 32;

/// A publication's PDF edition, as its page links to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Edition {
    /// Root-relative, with the base path: `/briefs/x/x.pdf`.
    pub url: String,
    /// Under the output folder: `briefs/x/x.pdf`.
    #[serde(skip)]
    pub path: String,
    pub pages: usize,
    pub bytes: usize,
    /// What the link says of it: "12 pages, 340 KB".
    pub size: String,
    /// The fingerprint of everything it shows.
    #[serde(skip)]
    pub fingerprint: u128,
}

/// Where a one-off build puts a file it does not write itself: its path in the new output,
/// its folder made.
pub type Place<'a> = dyn Fn(&str) -> Result<PathBuf, Diagnostic> + Sync + 'a;

/// The PDFs of the last build of a session, by page path under `content/`.
#[derive(Default)]
pub struct EditionCache {
    last: HashMap<String, (Edition, Arc<Vec<u8>>)>,
    pub stats: Stats,
}

/// How many editions the last build had, and which it typeset (the rest came from a cache).
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub editions: usize,
    /// The sources of the publications typeset, as shown to editors.
    pub typeset: Vec<String>,
    /// How many were left to typeset later (see [`make`]'s `typeset_missing`).
    pub pending: usize,
}

impl EditionCache {
    /// Forgets the PDFs themselves (a one-off build needs none once they are written).
    pub fn forget_pdfs(&mut self) {
        self.last = HashMap::new();
    }
}

/// Whether `page` has a generated PDF edition: a publication (a post only with `pdf_posts`)
/// without an editor's own `pdf`, in a site and page that do not turn editions off.
pub fn has_edition(site: &Site, page: &Page) -> bool {
    let config = &site.config;
    let front = &page.src.front;
    let kind_wanted = match page.kind {
        Kind::Page | Kind::Author => false,
        Kind::Post => config.pdf_posts,
        _ => true,
    };
    config.pdf_edition && kind_wanted && front.pdf.is_none() && front.pdf_edition != Some(false)
}

/// The output path of each edition the site will have, and what it is, for the check that
/// every path has one owner (made before anything is typeset).
pub fn claims(site: &Site) -> Vec<(String, String)> {
    let urls = site.urls();
    let mut claimed = std::collections::HashSet::new();
    site.pages
        .iter()
        .filter(|page| has_edition(site, page))
        .map(|page| {
            let path = urls.pdf_edition(&address(page)).output;
            let what = format!("the PDF edition of {}", page.source().display);
            (path, what)
        })
        // Two pages at one address are reported by resolving; their PDFs are not again.
        .filter(|(path, _)| claimed.insert(path.clone()))
        .collect()
}

fn address(page: &Page) -> crate::urls::Address {
    crate::urls::Address {
        url: page.url.clone(),
        output: page.output.clone(),
    }
}

/// The editions of a build: each page's (or `None`), and their files.
#[derive(Default)]
pub struct Made {
    pub editions: Vec<Option<Edition>>,
    pub outputs: Vec<Output>,
}

/// Makes the PDF edition of every publication that has one, from the cache where it can.
/// With a `sink` and a `place` (a one-off build), each PDF is handed to the sink as soon as
/// it is made, or linked at its place from the cache, and not kept in memory. Without `typeset_missing` (`serve` and `watch`, which show the pages
/// first), nothing is typeset: a publication not in a cache keeps its last PDF, or has none
/// yet, and is counted as pending.
pub fn make(
    site: &Site,
    theme: &Theme,
    bodies: &Bodies,
    cache: &mut EditionCache,
    (sink, place): (Option<&Sink<'_>>, Option<&Place<'_>>),
    typeset_missing: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Made {
    let wanted: Vec<PageId> = (0..site.pages.len())
        .filter(|&id| has_edition(site, &site.pages[id]))
        .filter(|&id| small_enough(site, &bodies.pages[id], id, diagnostics))
        .collect();
    let design = theme.pdf_edition();
    let template_hash = xxhash_rust::xxh3::xxh3_128(design.as_bytes());
    let assets: HashMap<String, &Path> = site
        .assets
        .iter()
        .map(|a| (a.rel.clone(), a.path.as_path()))
        .collect();
    let jobs: Vec<Job> = wanted
        .par_iter()
        .map(|&id| Job::new(site, &bodies.pages[id], id, template_hash, &assets))
        .collect();
    let cache_problem: Mutex<Option<Diagnostic>> = Mutex::new(None);
    // With a sink, each PDF found is written at once: a large site's PDFs are never all in
    // memory.
    let listed = listed(site, &cache_problem);
    let folder = cache_dir::Folder::open_if(place.is_some() && !listed.is_empty(), &site.root)
        .unwrap_or_else(|e| {
            note_cache_problem(&cache_problem, e);
            None
        });
    let found: Vec<Option<(usize, Pdf)>> = jobs
        .par_iter()
        .map(|job| {
            lookup(
                site,
                cache,
                job,
                (&listed, folder.as_ref()),
                (sink, place),
                &cache_problem,
            )
        })
        .collect();
    let mut editions: Vec<Option<Edition>> = vec![None; site.pages.len()];
    let mut outputs = Vec::with_capacity(jobs.len());
    let mut kept = HashMap::with_capacity(jobs.len());
    let mut missing = Vec::new();
    // `fingerprint`: the job's own, or a stale PDF's, shown until the job's is typeset.
    let mut placed =
        |job: &Job, fingerprint: u128, pages: usize, pdf: Pdf, outputs: &mut Vec<_>| {
            let page = &site.pages[job.id];
            let edition = job.edition(site, fingerprint, pages, pdf.len());
            let data = match pdf {
                Pdf::Kept(pdf) => {
                    kept.insert(page.src.rel.clone(), (edition.clone(), pdf.clone()));
                    OutputData::Bytes(pdf)
                }
                Pdf::Written { result, .. } => {
                    diagnostics.extend(result.err());
                    OutputData::Written
                }
            };
            outputs.push(output(job, data));
            editions[job.id] = Some(edition);
        };
    for (job, found) in jobs.iter().zip(found) {
        match found {
            Some((pages, pdf)) => placed(job, job.fingerprint, pages, pdf, &mut outputs),
            None => missing.push(job),
        }
    }
    if !typeset_missing {
        for job in &missing {
            if let Some((old, pdf)) = cache.last.get(&site.pages[job.id].src.rel) {
                let pdf = Pdf::Kept(pdf.clone());
                placed(job, old.fingerprint, old.pages, pdf, &mut outputs);
            }
        }
        cache.stats = Stats {
            editions: jobs.len(),
            typeset: Vec::new(),
            pending: missing.len(),
        };
        diagnostics.extend(cache_problem.into_inner().expect("not poisoned"));
        cache.last = kept;
        return Made { editions, outputs };
    }
    cache.stats = Stats {
        editions: jobs.len(),
        typeset: missing
            .iter()
            .map(|job| job.title_block.source_display.clone())
            .collect(),
        pending: 0,
    };
    let mut warnings = Vec::new();
    for batch in missing.chunks(BATCH) {
        for (job, made) in batch.iter().zip(typeset(site, batch, design, &assets)) {
            match made {
                Ok(made) => {
                    warnings.extend(made.warnings);
                    store(site, job, made.pages, &made.pdf, &cache_problem);
                    let pdf = Pdf::new(Arc::new(made.pdf), job, sink);
                    placed(job, job.fingerprint, made.pages, pdf, &mut outputs);
                }
                // A PDF that cannot be made is left out, and the site still built.
                Err(mut d) => {
                    d.severity = crate::diagnostics::Severity::Warning;
                    warnings.push(d);
                }
            }
        }
    }
    diagnostics.extend(warnings);
    diagnostics.extend(cache_problem.into_inner().expect("not poisoned"));
    cache.last = kept;
    Made { editions, outputs }
}

/// Whether a body is small enough to typeset (see [`MAX_PDF_HTML`]); if not, a warning.
fn small_enough(site: &Site, body: &Rendered, id: PageId, diags: &mut Vec<Diagnostic>) -> bool {
    if body.html.len() <= MAX_PDF_HTML {
        return true;
    }
    let mb = |bytes: usize| bytes as f64 / crate::config::MB;
    diags.push(
        Diagnostic::warning(format!(
            "this page is too long for a PDF edition ({:.1} MB of HTML; at most {:.0} MB is typeset): it has none",
            mb(body.html.len()),
            mb(MAX_PDF_HTML)
        ))
        .in_file(site.pages[id].source().display.clone())
        .help("split it into parts of a series, or write `pdf_edition: false` in its front matter to say it has none"),
    );
    false
}

/// What one publication's PDF is made from, and its fingerprint.
struct Job<'a> {
    id: PageId,
    /// The PDF's path under the output folder.
    path: String,
    body: &'a Rendered,
    title_block: TitleBlock,
    fingerprint: u128,
}

/// The title block and metadata of a publication's PDF, as plain text.
#[derive(serde::Serialize)]
struct TitleBlock {
    kind_label: &'static str,
    title: String,
    short_title: String,
    subtitle: Option<String>,
    authors: Vec<String>,
    date: Option<String>,
    updated: Option<String>,
    series: Option<(String, u32, u32)>,
    district: Option<String>,
    region: Option<String>,
    summary: String,
    topics: Vec<String>,
    language: String,
    url: String,
    doi: Option<String>,
    apa: String,
    center: String,
    site_title: String,
    license: Option<String>,
    paper: Paper,
    source_display: String,
}

impl<'a> Job<'a> {
    fn new(
        site: &Site,
        body: &'a Rendered,
        id: PageId,
        template_hash: u128,
        assets: &HashMap<String, &Path>,
    ) -> Job<'a> {
        let title_block = title_block(site, body, id);
        let mut key = Vec::with_capacity(1024);
        key.extend_from_slice(ENGINE_VERSION.as_bytes());
        key.extend_from_slice(&template_hash.to_le_bytes());
        key.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(body.html.as_bytes()).to_le_bytes());
        serde_json::to_writer(&mut key, &title_block).expect("plain data serializes");
        // The images it embeds: a changed picture changes the PDF, not the body's HTML.
        for rel in body.records.images.iter().chain(&body.assets) {
            let rel = rel.trim_start_matches("content/");
            key.extend_from_slice(rel.as_bytes());
            if let Some(meta) = assets.get(rel).and_then(|p| std::fs::metadata(p).ok()) {
                let modified = meta.modified().ok();
                key.extend_from_slice(&meta.len().to_le_bytes());
                key.extend_from_slice(format!("{modified:?}").as_bytes());
            }
        }
        Job {
            id,
            path: site.urls().pdf_edition(&address(&site.pages[id])).output,
            body,
            title_block,
            fingerprint: xxhash_rust::xxh3::xxh3_128(&key),
        }
    }

    fn edition(&self, site: &Site, fingerprint: u128, pages: usize, bytes: usize) -> Edition {
        let address = site.urls().pdf_edition(&address(&site.pages[self.id]));
        Edition {
            url: address.url,
            path: address.output,
            pages,
            bytes,
            size: size_text(pages, bytes),
            fingerprint,
        }
    }
}

/// "12 pages, 340 KB": what a download link says of a PDF.
pub fn size_text(pages: usize, bytes: usize) -> String {
    let pages = crate::diagnostics::count(pages, "page", "pages");
    let size = match bytes {
        b if b < 1024 * 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    };
    format!("{pages}, {size}")
}

fn title_block(site: &Site, body: &Rendered, id: PageId) -> TitleBlock {
    let page = &site.pages[id];
    let front = &page.src.front;
    let config = &site.config;
    let display = crate::render::cards::display_date;
    TitleBlock {
        kind_label: page.kind.label(),
        title: front.title.clone(),
        short_title: crate::filters::short_title(&front.title, crate::filters::SHORT_TITLE),
        subtitle: front.subtitle.clone(),
        authors: front.authors.clone(),
        date: front.date.map(display),
        updated: front.updated.map(display),
        series: site
            .series_of(id)
            .map(|(s, part)| (s.title.clone(), part, s.total)),
        district: front.district.clone(),
        region: front.region.clone(),
        summary: crate::summary::summary(front.summary.as_deref(), body.summary_text.as_deref()),
        topics: page
            .topics
            .iter()
            .map(|&t| site.topics[t].name.clone())
            .collect(),
        language: config.language.clone(),
        url: config.absolute(&page.url),
        doi: front.doi.clone(),
        apa: crate::render::citation::apa_text(site, page),
        center: config.publisher.clone(),
        site_title: config.title.clone(),
        license: config.license.clone(),
        paper: config.pdf_paper,
        source_display: page.source().display.clone(),
    }
}

/// The PDFs in `.centerview-cache/`, by fingerprint: (entry name, pages, bytes). An entry
/// is the PDF itself, named `edition-<fingerprint>-<pages>.pdf`, so that a one-off build can
/// link it into the new output without reading it.
type Listed = HashMap<u128, (String, usize, u64)>;

fn listed(site: &Site, problem: &Mutex<Option<Diagnostic>>) -> Listed {
    let names = cache_dir::list(&site.root, "edition-").unwrap_or_else(|e| {
        note_cache_problem(problem, e);
        Vec::new()
    });
    names
        .into_iter()
        .filter_map(|(name, size)| {
            let (fingerprint, pages) = parse_name(&name)?;
            Some((fingerprint, (name, pages, size)))
        })
        .collect()
}

fn entry_name(fingerprint: u128, pages: usize) -> String {
    format!("edition-{fingerprint:032x}-{pages}.pdf")
}

/// The fingerprint and pages an entry's name gives; `None` for any other name.
fn parse_name(name: &str) -> Option<(u128, usize)> {
    let rest = name.strip_prefix("edition-")?.strip_suffix(".pdf")?;
    let (fingerprint, pages) = rest.split_once('-')?;
    let fingerprint = u128::from_str_radix(fingerprint, 16).ok()?;
    let pages = pages.parse().ok().filter(|&p| p > 0)?;
    (name == entry_name(fingerprint, pages)).then_some((fingerprint, pages))
}

/// A PDF of the last build, or from `.centerview-cache/`: its pages, and the PDF handed to
/// the sink (linked into the new output where it can be) or kept.
fn lookup(
    site: &Site,
    cache: &EditionCache,
    job: &Job,
    (listed, folder): (&Listed, Option<&cache_dir::Folder>),
    to: (Option<&Sink<'_>>, Option<&Place<'_>>),
    problem: &Mutex<Option<Diagnostic>>,
) -> Option<(usize, Pdf)> {
    let rel = &site.pages[job.id].src.rel;
    if let Some((edition, pdf)) = cache.last.get(rel)
        && edition.fingerprint == job.fingerprint
    {
        return Some((edition.pages, Pdf::new(pdf.clone(), job, to.0)));
    }
    let (name, pages, size) = listed.get(&job.fingerprint)?;
    if let (Some(place), Some(folder)) = (to.1, folder) {
        let linked = place(&job.path).map(|dest| folder.link_to(name, &dest));
        return match linked {
            Ok(Ok(())) => Some((
                *pages,
                Pdf::Written {
                    len: *size as usize,
                    result: Ok(()),
                },
            )),
            Ok(Err(e)) => {
                note_cache_problem(problem, e);
                None
            }
            Err(d) => Some((
                *pages,
                Pdf::Written {
                    len: 0,
                    result: Err(d),
                },
            )),
        };
    }
    match cache_dir::read(&site.root, name) {
        Ok(Some(pdf)) if pdf.starts_with(b"%PDF-") => {
            Some((*pages, Pdf::new(Arc::new(pdf), job, to.0)))
        }
        Ok(_) => None,
        Err(e) => {
            note_cache_problem(problem, e);
            None
        }
    }
}

fn store(site: &Site, job: &Job, pages: usize, pdf: &[u8], problem: &Mutex<Option<Diagnostic>>) {
    if let Err(e) = cache_dir::write(&site.root, &entry_name(job.fingerprint, pages), pdf) {
        note_cache_problem(problem, e);
    }
}

/// The first problem with the cache, as a warning: PDFs are still made, only not kept.
fn note_cache_problem(problem: &Mutex<Option<Diagnostic>>, error: cache_dir::Error) {
    let mut problem = problem.lock().expect("not poisoned");
    if problem.is_none() {
        *problem = Some(
            Diagnostic::warning(format!(
                "the PDF editions could not be kept for the next build: {error}"
            ))
            .help(error.help()),
        );
    }
}

/// The output file of an edition: handed to the `sink` at once when there is one.
/// A PDF found or made: kept in memory (a session), or already handed to the sink.
enum Pdf {
    Kept(Arc<Vec<u8>>),
    Written {
        len: usize,
        result: Result<(), Diagnostic>,
    },
}

impl Pdf {
    fn new(pdf: Arc<Vec<u8>>, job: &Job, sink: Option<&Sink<'_>>) -> Pdf {
        match sink {
            Some(sink) => Pdf::Written {
                len: pdf.len(),
                result: sink(&job.path, &pdf),
            },
            None => Pdf::Kept(pdf),
        }
    }

    fn len(&self) -> usize {
        match self {
            Pdf::Kept(pdf) => pdf.len(),
            Pdf::Written { len, .. } => *len,
        }
    }
}

/// The output file of an edition, with what it was made from.
fn output(job: &Job, data: OutputData) -> Output {
    let deps = Arc::new(Deps {
        files: std::iter::once(job.title_block.source_display.clone())
            .chain(job.body.records.files.iter().cloned())
            .chain(std::iter::once("site.yaml".to_string()))
            .collect(),
        templates: ["pdf/edition.typ".to_string()].into(),
    });
    Output {
        path: job.path.clone(),
        data,
        deps,
    }
}

/// The engine, made once per process when the first PDF or sharing card is made (a build
/// whose PDFs and cards all come from the cache never loads the fonts).
pub(crate) fn engine() -> &'static crate::pdf::Engine {
    static ENGINE: OnceLock<crate::pdf::Engine> = OnceLock::new();
    ENGINE.get_or_init(crate::pdf::Engine::new)
}

/// Typesets a batch of publications.
fn typeset(
    site: &Site,
    batch: &[&Job],
    design: &str,
    assets: &HashMap<String, &Path>,
) -> Vec<Result<crate::pdf::Typeset, Diagnostic>> {
    let base_path = site.config.base_path();
    let find_asset = |url: &str| -> Option<PathBuf> {
        let rel = url.strip_prefix(base_path)?;
        assets.get(rel).map(|p| p.to_path_buf())
    };
    let publications: Vec<crate::pdf::Publication> = batch
        .iter()
        .map(|job| publication(site, job, design, &find_asset))
        .collect();
    crate::pdf::typeset_all(engine(), &publications)
}

fn publication<'a>(
    site: &'a Site,
    job: &'a Job,
    design: &'a str,
    assets: &'a (dyn Fn(&str) -> Option<PathBuf> + Sync),
) -> crate::pdf::Publication<'a> {
    let t = &job.title_block;
    crate::pdf::Publication {
        kind_label: t.kind_label,
        title: &t.title,
        short_title: &t.short_title,
        subtitle: t.subtitle.as_deref(),
        authors: &t.authors,
        date: t.date.as_deref(),
        updated: t.updated.as_deref(),
        series: t
            .series
            .as_ref()
            .map(|(s, part, of)| (s.as_str(), *part, *of)),
        district: t.district.as_deref(),
        region: t.region.as_deref(),
        summary: &t.summary,
        topics: &t.topics,
        language: &t.language,
        url: &t.url,
        doi: t.doi.as_deref(),
        apa: &t.apa,
        center: &t.center,
        site_title: &t.site_title,
        license: t.license.as_deref(),
        paper: match t.paper {
            Paper::Letter => crate::pdf::Paper::Letter,
            Paper::A4 => crate::pdf::Paper::A4,
        },
        body_html: &job.body.html,
        raw_html: &job.body.raw_html,
        assets,
        source: &site.pages[job.id].src.source,
        edition: design,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_a_reader_says_them() {
        assert_eq!(size_text(12, 340 * 1024), "12 pages, 340 KB");
        assert_eq!(size_text(1, 1), "1 page, 1 KB");
        assert_eq!(size_text(40, 3 * 1024 * 1024 / 2), "40 pages, 1.5 MB");
    }

    #[test]
    fn cache_entries_are_named_by_fingerprint_and_pages() {
        let name = entry_name(0xabc, 3);
        assert_eq!(name, "edition-00000000000000000000000000000abc-3.pdf");
        assert_eq!(parse_name(&name), Some((0xabc, 3)));
        assert_eq!(parse_name("edition-abc-3.pdf"), None);
        assert_eq!(parse_name(&entry_name(1, 0)), None);
        assert_eq!(parse_name(".edition-x.tmp"), None);
    }
}
