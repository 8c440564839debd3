//! Stage 3, render: markdown bodies, then every output file through the theme's templates.
//!
//! Bodies come first ([`bodies`]), all pages in parallel. Then every output file
//! ([`units`]: pages, listings, topics, series, home, feed, sitemap, data files, 404) is
//! rendered in parallel from the site and the bodies. Each file is described once, as
//! [`inputs::Inputs`], which gives its fingerprint, its template context and its dependency
//! record; a file whose fingerprint is unchanged since the last build is taken from the cache.
//! Static files are not rendered: see [`crate::statics`].

pub mod bodies;
pub mod breadcrumbs;
pub mod cards;
pub mod citation;
pub mod editions;
mod image_stamps;
pub mod images;
pub mod inputs;
pub mod pagination;
pub mod related;
pub mod share_cards;
pub mod shared;
pub mod units;

pub use bodies::{Bodies, BodyCache, check_anchors, preview, render_bodies};

use crate::diagnostics::Diagnostic;
use crate::output::{Deps, Output, OutputData};
use crate::resolve::{PageId, Site};
use crate::theme::{TemplateError, TemplateErrorKey, Theme};
use rayon::prelude::*;
use shared::Shared;
use std::collections::HashMap;
use std::sync::Arc;

/// What earlier builds rendered, with fingerprints of what each was made from, so a rebuild
/// renders again only what a change affects. A fresh cache renders everything.
#[derive(Default)]
pub struct RenderCache {
    pub bodies: BodyCache,
    /// The PDF editions of the last build.
    pub editions: editions::EditionCache,
    /// The resized images of the last build.
    pub images: images::ImageCache,
    /// The sharing cards of the last build.
    pub share_cards: share_cards::CardCache,
    /// By output path: (fingerprint, bytes, dependencies).
    outputs: HashMap<String, CachedOutput>,
    /// Each page's card (what listings show of it), by page path under `content/`.
    cards: cards::CardCache,
    /// How many output files the last build rendered (the rest came from the cache).
    pub outputs_rendered: usize,
}

impl RenderCache {
    /// Forgets the rendered bodies, cards and files: a one-off build needs none of them once
    /// its pages are written, and frees them before the search index, the build's largest
    /// stage.
    pub fn forget_rendered(&mut self) {
        self.bodies = Default::default();
        self.editions.forget_pdfs();
        self.images.forget_copies();
        self.share_cards.forget_cards();
        self.outputs = Default::default();
        self.cards = Default::default();
    }

    /// What the last build rendered.
    pub fn stats(&self) -> RenderStats {
        RenderStats {
            bodies: self.bodies.rendered,
            outputs: self.outputs_rendered,
            editions: self.editions.stats.clone(),
            images: self.images.stats.clone(),
            share_cards: self.share_cards.stats.clone(),
        }
    }
}

/// An output as cached: (fingerprint, bytes, dependencies).
type CachedOutput = (u64, Arc<Vec<u8>>, Arc<Deps>);

/// How many bodies and output files a build rendered (the rest came from the cache).
#[derive(Debug, Default, Clone)]
pub struct RenderStats {
    pub bodies: usize,
    pub outputs: usize,
    /// The PDF editions, and which were typeset.
    pub editions: editions::Stats,
    /// The resized images, and how many copies were made.
    pub images: images::Stats,
    /// The sharing cards, and how many were drawn.
    pub share_cards: share_cards::Stats,
}

/// Where a one-off build puts each file as soon as it is rendered: (path, bytes).
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Renders every output file but static files and the search index. Template failures are
/// reported as diagnostics, and so is every path that could not be written: one with two
/// owners (`claims`: the files copied into the site, and the folder the site is written
/// under), a file where another needs a folder, or one too long (see
/// [`crate::output::check_one_owner`]).
///
/// With a `sink`, each rendered file is handed to it at once and kept neither in the result
/// (its data is [`OutputData::Written`]) nor in the cache: a one-off build never holds the
/// whole site in memory.
pub fn render_outputs(
    site: &Site,
    theme: &Theme,
    bodies: &Bodies,
    cache: &mut RenderCache,
    sink: Option<&Sink<'_>>,
    claims: &crate::output::Claims,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let global = shared::settings_fingerprint(site, theme);
    let cards = cards::cards(site, bodies, global, &mut cache.cards);
    if sink.is_some() {
        // Nothing is rendered again from this cache (see `Sink`): it need not hold the cards
        // while they are used.
        cache.cards = Default::default();
    }
    let mut cx = Shared::new(site, theme, bodies, Some(cards), None);
    let units = units::all(site);
    let paths: Vec<String> = units.par_iter().map(|unit| unit.path(&cx)).collect();
    let rendered = crate::output::RenderedPaths {
        paths: &paths,
        owner: &|i| units[i].owner(&cx),
        chosen: &|i, what| units[i].path_error(&cx, what),
        is_page: &|i| units[i].is_page(),
    };
    let before = diagnostics.len();
    crate::output::check_one_owner(&rendered, claims, diagnostics);
    // Two files on one path would be written over each other, or not at all: the build
    // fails, so nothing is written.
    let sink = sink.filter(|_| diagnostics.len() == before);
    cx.fingerprints = sink.is_none();
    let results: Vec<(u64, bool, Result<Output, Failed>)> = units
        .par_iter()
        .zip(paths)
        .map(|(unit, path)| {
            let inputs = unit.inputs(&cx);
            // Files handed to a sink are not kept for a next build: no fingerprint needed.
            let fingerprint = match sink {
                Some(_) => 0,
                None => inputs.fingerprint(&cx, &path),
            };
            if let Some((cached, bytes, deps)) = cache.outputs.get(&path)
                && *cached == fingerprint
            {
                let output = Output {
                    path,
                    data: OutputData::Bytes(bytes.clone()),
                    deps: deps.clone(),
                };
                return (fingerprint, false, Ok(output));
            }
            let bytes = match inputs.render(&cx) {
                Ok(bytes) => bytes,
                Err(e) => return (fingerprint, true, Err(Failed::Template(e, path))),
            };
            // A file handed to a sink is not rebuilt by this session: no dependency record.
            let (data, deps) = match sink {
                Some(sink) => match sink(&path, &bytes) {
                    Ok(()) => (OutputData::Written, None),
                    Err(d) => return (fingerprint, true, Err(Failed::Write(d))),
                },
                None => (OutputData::Bytes(Arc::new(bytes)), Some(inputs.deps(&cx))),
            };
            let output = Output {
                path,
                data,
                deps: deps.map_or_else(Deps::none, Arc::new),
            };
            (fingerprint, true, Ok(output))
        })
        .collect();
    let mut outputs = Vec::with_capacity(results.len());
    let mut fresh = HashMap::with_capacity(results.len());
    let mut template_errors = TemplateErrors::default();
    cache.outputs_rendered = 0;
    for (fingerprint, rendered, result) in results {
        cache.outputs_rendered += rendered as usize;
        match result {
            Ok(o) => {
                if let OutputData::Bytes(bytes) = &o.data {
                    fresh.insert(o.path.clone(), (fingerprint, bytes.clone(), o.deps.clone()));
                }
                outputs.push(o)
            }
            Err(Failed::Write(d)) => diagnostics.push(d),
            Err(Failed::Template(e, path)) => template_errors.add(e, path),
        }
    }
    diagnostics.extend(template_errors.diagnostics());
    cache.outputs = fresh;
    outputs
}

/// Why an output file is missing: its template failed, or it could not be written.
enum Failed {
    Template(Box<TemplateError>, String),
    Write(Diagnostic),
}

/// Template errors, one for each mistake however many files it failed, with those files in
/// the order they were rendered: a typo in a template every page uses is one error, not one
/// a page.
#[derive(Default)]
struct TemplateErrors {
    errors: Vec<(Box<TemplateError>, Vec<String>)>,
    by_key: HashMap<TemplateErrorKey, usize>,
}

impl TemplateErrors {
    fn add(&mut self, error: Box<TemplateError>, path: String) {
        let next = self.errors.len();
        let i = *self.by_key.entry(error.key()).or_insert(next);
        if i == next {
            self.errors.push((error, Vec::new()));
        }
        self.errors[i].1.push(path);
    }

    fn diagnostics(self) -> impl Iterator<Item = Diagnostic> {
        self.errors
            .into_iter()
            .map(|(e, paths)| e.diagnostic(&paths))
    }
}

/// Renders one page's output alone, as [`render_outputs`] would: what `serve` shows first
/// after a save, before the rest of the rebuild.
pub fn render_page(
    site: &Site,
    theme: &Theme,
    bodies: &Bodies,
    id: PageId,
) -> Result<Output, Diagnostic> {
    let mut cx = Shared::new(site, theme, bodies, None, Some(id));
    cx.fingerprints = false;
    let unit = units::page(site, id);
    let path = unit.path(&cx);
    let inputs = unit.inputs(&cx);
    let bytes = inputs
        .render(&cx)
        .map_err(|e| e.diagnostic(std::slice::from_ref(&path)))?;
    Ok(Output {
        data: OutputData::Bytes(Arc::new(bytes)),
        deps: Arc::new(inputs.deps(&cx)),
        path,
    })
}
