//! The sharing card of each publication without an `image` of its own
//! (`/briefs/<slug>/card.png`, 1200×630): its kind, title and the Center's name, drawn by
//! [`crate::pdf::card`] from the theme's `pdf/card.typ`. Pages name it in `og:image` and the
//! Twitter card (see [`card_image`]).
//!
//! Each card is kept in `.centerview-cache/` (through [`crate::cache_dir`]) as
//! `card-<fingerprint>.png`, the fingerprint being that of what it shows, the design and the
//! engine's version; the cache is listed once a build, a one-off build links a card found
//! there into the new output, and a session keeps its last cards in memory.

use crate::cache_dir;
use crate::diagnostics::Diagnostic;
use crate::output::{Deps, Output, OutputData};
use crate::pdf::card::Card;
use crate::render::cards::ImageCtx;
use crate::render::editions::Place;
use crate::render::{Sink, citation};
use crate::resolve::{Page, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Bumped whenever the same card would be drawn differently (the engine, the fonts).
const ENGINE_VERSION: &str = concat!("centerview ", env!("CARGO_PKG_VERSION"), " card 1");

/// The cards of the last build of a session, by cache entry name.
#[derive(Default)]
pub struct CardCache {
    last: HashMap<String, Arc<Vec<u8>>>,
    pub stats: Stats,
}

impl CardCache {
    /// Forgets the cards themselves (a one-off build needs none once they are written).
    pub fn forget_cards(&mut self) {
        self.last = HashMap::new();
    }
}

/// How many cards the last build had, and how many it drew (the rest came from a cache).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub cards: usize,
    pub drawn: usize,
}

/// Whether `page` gets a generated card: a publication without its own sharing image.
pub fn has_card(page: &Page) -> bool {
    citation::is_publication(page.kind) && page.src.front.image.is_none()
}

fn address(site: &Site, page: &Page) -> crate::urls::Address {
    site.urls().share_card(&crate::urls::Address {
        url: page.url.clone(),
        output: page.output.clone(),
    })
}

/// What a page's sharing tags say of its card, when it has one.
pub fn card_image(site: &Site, page: &Page) -> Option<ImageCtx> {
    has_card(page).then(|| ImageCtx {
        url: site.config.absolute(&address(site, page).url),
        alt: format!("{}: {}", page.kind.label(), page.src.front.title),
        width: Some(crate::pdf::card::WIDTH),
        height: Some(crate::pdf::card::HEIGHT),
    })
}

/// The path of every card, and what it is, for the check that every path has one owner.
pub fn claims(site: &Site) -> Vec<(String, String)> {
    let mut claimed = std::collections::HashSet::new();
    site.pages
        .iter()
        .filter(|page| has_card(page))
        .map(|page| {
            let what = format!("the sharing card of {}", page.source().display);
            (address(site, page).output, what)
        })
        // Two pages at one address are reported by resolving; their cards are not again.
        .filter(|(path, _)| claimed.insert(path.clone()))
        .collect()
}

/// One card to find or draw.
struct Job<'a> {
    page: &'a Page,
    path: String,
    entry: String,
}

/// Finds (or draws) every card. With a `sink` and a `place` (a one-off build), each card is
/// written into the new output at once, linked from the cache where it is there.
pub fn make(
    site: &Site,
    theme: &Theme,
    cache: &mut CardCache,
    (sink, place): (Option<&Sink<'_>>, Option<&Place<'_>>),
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let design = theme.share_card();
    let design_hash = xxhash_rust::xxh3::xxh3_128(design.as_bytes());
    let center = site.config.publisher.as_str();
    let lang = site.config.language.as_str();
    let mut claimed = std::collections::HashSet::new();
    let jobs: Vec<Job> = site
        .pages
        .iter()
        .filter(|page| has_card(page))
        .map(|page| {
            let card = card_of(page, center, lang);
            let mut key = Vec::with_capacity(256);
            key.extend_from_slice(ENGINE_VERSION.as_bytes());
            key.extend_from_slice(&design_hash.to_le_bytes());
            serde_json::to_writer(&mut key, &card).expect("plain data serializes");
            let fingerprint = xxhash_rust::xxh3::xxh3_128(&key);
            Job {
                page,
                path: address(site, page).output,
                entry: format!("card-{fingerprint:032x}.png"),
            }
        })
        .filter(|job| claimed.insert(job.path.clone()))
        .collect();
    let problem: Mutex<Option<Diagnostic>> = Mutex::new(None);
    let listed: std::collections::HashSet<String> = cache_dir::names(&site.root, "card-")
        .unwrap_or_else(|e| {
            note_cache_problem(&problem, e);
            Vec::new()
        })
        .into_iter()
        .collect();
    let folder = cache_dir::Folder::open_if(place.is_some() && !listed.is_empty(), &site.root)
        .unwrap_or_else(|e| {
            note_cache_problem(&problem, e);
            None
        });
    let last = &cache.last;
    let made: Vec<(Result<OutputData, Diagnostic>, bool)> = jobs
        .par_iter()
        .map(|job| {
            let found = found(
                site,
                job,
                last,
                &listed,
                folder.as_ref(),
                (sink, place),
                &problem,
            );
            match found {
                Some(data) => (data, false),
                None => (draw(site, job, design, center, lang, sink, &problem), true),
            }
        })
        .collect();
    let mut stats = Stats {
        cards: jobs.len(),
        drawn: 0,
    };
    let mut outputs = Vec::with_capacity(jobs.len());
    let mut kept = HashMap::new();
    for (job, (data, drawn)) in jobs.iter().zip(made) {
        stats.drawn += usize::from(drawn);
        match data {
            Ok(data) => {
                if let OutputData::Bytes(bytes) = &data {
                    kept.insert(job.entry.clone(), bytes.clone());
                }
                // A card handed to the output folder is not made again by this session.
                let deps = match sink {
                    Some(_) => Deps::none(),
                    None => Arc::new(Deps {
                        files: [job.page.source().display.clone(), "site.yaml".into()].into(),
                        templates: ["pdf/card.typ".to_string()].into(),
                    }),
                };
                outputs.push(Output {
                    path: job.path.clone(),
                    data,
                    deps,
                });
            }
            Err(d) => diagnostics.push(d),
        }
    }
    diagnostics.extend(problem.into_inner().expect("not poisoned"));
    cache.last = kept;
    cache.stats = stats;
    outputs
}

fn card_of<'a>(page: &'a Page, center: &'a str, lang: &'a str) -> Card<'a> {
    Card {
        kind: page.kind.label(),
        title: &page.src.front.title,
        center,
        lang,
    }
}

/// A card of the session's last build or from `.centerview-cache/`.
fn found(
    site: &Site,
    job: &Job,
    last: &HashMap<String, Arc<Vec<u8>>>,
    listed: &std::collections::HashSet<String>,
    folder: Option<&cache_dir::Folder>,
    (sink, place): (Option<&Sink<'_>>, Option<&Place<'_>>),
    problem: &Mutex<Option<Diagnostic>>,
) -> Option<Result<OutputData, Diagnostic>> {
    if let Some(png) = last.get(&job.entry) {
        return Some(handed(png.clone(), &job.path, sink));
    }
    if !listed.contains(&job.entry) {
        return None;
    }
    if let (Some(place), Some(folder)) = (place, folder) {
        let dest = match place(&job.path) {
            Ok(dest) => dest,
            Err(d) => return Some(Err(d)),
        };
        return match folder.link_to(&job.entry, &dest) {
            Ok(()) => Some(Ok(OutputData::Written)),
            Err(e) => {
                note_cache_problem(problem, e);
                None
            }
        };
    }
    match cache_dir::read(&site.root, &job.entry) {
        Ok(Some(png)) if png.starts_with(b"\x89PNG") => {
            Some(handed(Arc::new(png), &job.path, sink))
        }
        Ok(_) => None,
        Err(e) => {
            note_cache_problem(problem, e);
            None
        }
    }
}

fn draw(
    site: &Site,
    job: &Job,
    design: &str,
    center: &str,
    lang: &str,
    sink: Option<&Sink<'_>>,
    problem: &Mutex<Option<Diagnostic>>,
) -> Result<OutputData, Diagnostic> {
    let card = card_of(job.page, center, lang);
    let png =
        crate::pdf::card::draw(super::editions::engine(), &card, design).map_err(|message| {
            let place = match design == crate::theme::BUILTIN_SHARE_CARD {
                true => "",
                false => " (the theme's pdf/card.typ)",
            };
            Diagnostic::error(format!(
                "the sharing card could not be drawn{place}: {message}"
            ))
            .in_file(job.page.source().display.clone())
            .help("fix the theme's pdf/card.typ, or remove it to use the built-in design")
        })?;
    if let Err(e) = cache_dir::write(&site.root, &job.entry, &png) {
        note_cache_problem(problem, e);
    }
    handed(Arc::new(png), &job.path, sink)
}

/// A card handed to the sink when there is one, else kept.
fn handed(
    png: Arc<Vec<u8>>,
    path: &str,
    sink: Option<&Sink<'_>>,
) -> Result<OutputData, Diagnostic> {
    match sink {
        Some(sink) => sink(path, &png).map(|()| OutputData::Written),
        None => Ok(OutputData::Bytes(png)),
    }
}

/// The first problem with the cache, as a warning: the cards are still made, only not kept.
fn note_cache_problem(problem: &Mutex<Option<Diagnostic>>, error: cache_dir::Error) {
    let mut problem = problem.lock().expect("not poisoned");
    if problem.is_none() {
        *problem = Some(
            Diagnostic::warning(format!(
                "the sharing cards could not be kept for the next build: {error}"
            ))
            .help(error.help()),
        );
    }
}
