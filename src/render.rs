//! Stage 3, render: markdown bodies, then every output file through the theme's templates.
//!
//! Bodies are rendered first, all pages in parallel, because pages need things only other
//! pages' bodies can give (anchors to check, summaries taken from first paragraphs). Then
//! every output (pages, listings, topics, series, home, feed, sitemap, 404) is rendered in
//! parallel from the site and the bodies. Each output records what it was made from, so that
//! watch mode can later re-render only what a change affects.

use crate::data::DataTable;
use crate::diagnostics::Diagnostic;
use crate::fingerprint::Fingerprint;
use crate::front_matter::Kind;
use crate::markdown::{self, Input, Rendered};
use crate::output::{Deps, Output, OutputData};
use crate::resolve::{Page, PageId, Site};
use crate::shortcodes::Registry;
use crate::summary::summary;
use crate::theme::Theme;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The rendered markdown of every page and intro. Cloning shares the pages' bodies.
#[derive(Debug, Default, Clone)]
pub struct Bodies {
    pub pages: Vec<Arc<Rendered>>,
    pub home_intro: Option<Rendered>,
    pub section_intros: BTreeMap<Kind, Rendered>,
}

/// What earlier builds rendered, with fingerprints of what each was made from, so a rebuild
/// renders again only what a change affects. A fresh cache renders everything.
#[derive(Default)]
pub struct RenderCache {
    /// By page path under `content/`: (fingerprint, body, its diagnostics).
    bodies: std::collections::HashMap<String, (u64, Arc<Rendered>, Vec<Diagnostic>)>,
    /// By output path: (fingerprint, bytes, dependencies).
    outputs: std::collections::HashMap<String, CachedOutput>,
    /// Each page's card (what listings show of it), by page path under `content/`.
    cards: rustc_hash::FxHashMap<String, Card>,
    /// What the last build rendered.
    pub stats: RenderStats,
}

impl RenderCache {
    /// Forgets the rendered bodies, cards and files: a one-off build needs none of them once
    /// its pages are written, and frees them before the search index, the build's largest
    /// stage.
    pub fn forget_rendered(&mut self) {
        self.bodies = Default::default();
        self.outputs = Default::default();
        self.cards = Default::default();
    }
}

/// An output as cached: (fingerprint, bytes, dependencies).
type CachedOutput = (u64, Arc<Vec<u8>>, Arc<Deps>);

/// A page's card: a key of what it is made from, a hash of the card itself (which listings'
/// fingerprints use), and the card as templates see it, made when first needed.
#[derive(Clone)]
struct Card {
    key: u64,
    fingerprint: u64,
    value: Arc<std::sync::OnceLock<tera::Value>>,
}

/// What a page's card is made from, cheap to hash: its file, URL and kind, its opening text
/// (a summary when it has none), its topics' and series' names and links, and the settings.
fn card_key(site: &Site, bodies: &Bodies, global: u64, id: PageId) -> u64 {
    let page = &site.pages[id];
    let mut f = Fingerprint::default();
    f.u64(global)
        .u64(page.source().hash)
        .str(&page.url)
        .str(page.kind.name())
        .str(
            bodies.pages[id]
                .first_paragraph
                .as_deref()
                .unwrap_or("\u{0}"),
        );
    for &t in &page.topics {
        f.str(&site.topics[t].name).str(&site.topics[t].url);
    }
    if let Some((series, part)) = site.series_of(id) {
        f.str(&series.title)
            .str(&series.url)
            .u64(part as u64)
            .u64(series.total as u64);
    }
    f.finish()
}

/// Cards for a render: from the cache where their key is unchanged, else made now.
fn cards(site: &Site, bodies: &Bodies, global: u64, cache: &mut RenderCache) -> Vec<Card> {
    let cards: Vec<Card> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            let key = card_key(site, bodies, global, id);
            if let Some(card) = cache.cards.get(&page.src.rel)
                && card.key == key
            {
                return card.clone();
            }
            let json = serde_json::to_vec(&page_ref(site, bodies, id)).expect("a card serializes");
            Card {
                key,
                fingerprint: crate::fingerprint::hash_bytes(&json),
                value: Default::default(),
            }
        })
        .collect();
    cache.cards = site
        .pages
        .iter()
        .zip(&cards)
        .map(|(p, c)| (p.src.rel.clone(), c.clone()))
        .collect();
    cards
}

#[derive(Debug, Default, Clone, Copy)]
pub struct RenderStats {
    pub bodies: usize,
    pub outputs: usize,
}

/// What every body depends on: the settings and the theme.
pub fn global_fingerprint(site: &Site, theme: &Theme) -> u64 {
    let mut f = Fingerprint::default();
    let c = &site.config;
    f.str(&c.title)
        .str(&c.description)
        .str(&c.base_url)
        .str(&c.theme)
        .str(&c.language)
        .u64(theme.generation);
    f.finish()
}

/// A body's fingerprint: its own text and everything its rendering looked at.
fn body_fingerprint(
    site: &Site,
    global: u64,
    source_hash: u64,
    rendered: &Rendered,
    file_hashes: &rustc_hash::FxHashMap<&str, u64>,
) -> u64 {
    let mut f = Fingerprint::default();
    f.u64(global).u64(source_hash);
    for rel in &rendered.links_to {
        f.str(rel).str(
            site.page_id(rel)
                .map(|id| site.pages[id].url.as_str())
                .unwrap_or("\u{0}missing"),
        );
    }
    for asset in &rendered.assets {
        f.str(asset)
            .u64(matches!(site.lookup(asset), crate::resolve::LinkTarget::Asset(_)) as u64);
    }
    for file in &rendered.records.files {
        f.str(file)
            .u64(file_hashes.get(file.as_str()).copied().unwrap_or(0));
    }
    f.finish()
}

/// Renders every page's and intro's markdown, in parallel, reusing from `cache` each body
/// whose fingerprint has not changed.
pub fn render_bodies(
    site: &Site,
    theme: &Theme,
    registry: &Registry,
    cache: &mut RenderCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Bodies {
    let global = global_fingerprint(site, theme);
    // The current hash of every file a body can depend on: pages and data tables.
    let file_hashes: rustc_hash::FxHashMap<&str, u64> = site
        .pages
        .iter()
        .map(|p| (p.source().display.as_str(), p.source().hash))
        .chain(site.tables.values().map(|t| (t.file.as_str(), t.hash)))
        .collect();
    let results: Vec<(u64, Arc<Rendered>, Vec<Diagnostic>, bool)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            if let Some((fingerprint, rendered, diags)) = cache.bodies.get(&page.src.rel)
                && body_fingerprint(site, global, page.source().hash, rendered, &file_hashes)
                    == *fingerprint
            {
                return (*fingerprint, rendered.clone(), diags.clone(), false);
            }
            let mut diags = Vec::new();
            let dir = page.src.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let input = Input {
                source: &page.src.source,
                body: page.src.split.body.clone(),
                dir,
                page: Some(id),
            };
            let rendered = markdown::render(&input, site, theme, registry, &mut diags);
            let fingerprint =
                body_fingerprint(site, global, page.source().hash, &rendered, &file_hashes);
            (fingerprint, Arc::new(rendered), diags, true)
        })
        .collect();
    let mut bodies = Bodies::default();
    let mut fresh = std::collections::HashMap::with_capacity(results.len());
    cache.stats.bodies = 0;
    for ((fingerprint, rendered, diags, rendered_now), page) in results.into_iter().zip(&site.pages)
    {
        cache.stats.bodies += rendered_now as usize;
        diagnostics.extend(diags.iter().cloned());
        // A body with errors is never reused: its problems must be looked at again.
        if !diags.iter().any(Diagnostic::is_error) {
            fresh.insert(page.src.rel.clone(), (fingerprint, rendered.clone(), diags));
        }
        bodies.pages.push(rendered);
    }
    cache.bodies = fresh;

    let intro = |intro: &crate::content::Intro, diagnostics: &mut Vec<Diagnostic>| {
        let input = Input {
            source: &intro.source,
            body: intro.split.body.clone(),
            dir: intro.folder.as_deref().unwrap_or(""),
            page: None,
        };
        markdown::render(&input, site, theme, registry, diagnostics)
    };
    if let Some(home) = &site.home_intro {
        bodies.home_intro = Some(intro(home, diagnostics));
    }
    for section in &site.sections {
        if let Some(i) = &section.intro {
            let rendered = intro(i, diagnostics);
            bodies.section_intros.insert(section.kind, rendered);
        }
    }
    bodies
}

/// Checks links to `#anchors` on other pages, now that every page's ids are known.
pub fn check_anchors(site: &Site, bodies: &Bodies, diagnostics: &mut Vec<Diagnostic>) {
    let intros = bodies
        .home_intro
        .iter()
        .map(|r| (site.home_intro.as_ref().map(|i| &i.source), r))
        .chain(bodies.section_intros.iter().map(|(kind, r)| {
            (
                site.section(*kind)
                    .and_then(|s| s.intro.as_ref())
                    .map(|i| &i.source),
                r,
            )
        }));
    let all = bodies
        .pages
        .iter()
        .enumerate()
        .map(|(id, r)| (Some(site.pages[id].source()), r.as_ref()))
        .chain(intros);
    for (source, rendered) in all {
        let Some(source) = source else { continue };
        for check in &rendered.anchor_checks {
            let Some(target) = site.page_id(&check.target) else {
                continue;
            };
            let ids = &bodies.pages[target].ids;
            if !ids.contains(&check.fragment) {
                diagnostics.push(markdown::missing_anchor(
                    source,
                    check.span.clone(),
                    &check.fragment,
                    &site.pages[target].source().display,
                    ids.iter().map(String::as_str),
                ));
            }
        }
    }
}

#[derive(Serialize, Clone)]
struct DateCtx {
    /// 2017-05-01
    iso: String,
    /// May 1, 2017
    display: String,
    year: i16,
    /// 2017-05-01T00:00:00Z, for feeds.
    rfc3339: String,
}

fn date_ctx(date: Date) -> DateCtx {
    DateCtx {
        iso: date.to_string(),
        display: date.strftime("%B %-d, %Y").to_string(),
        year: date.year(),
        rfc3339: format!("{date}T00:00:00Z"),
    }
}

#[derive(Serialize, Clone)]
struct LinkCtx {
    name: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct SeriesRef {
    title: String,
    url: String,
    part: u32,
    total: u32,
}

/// What listings show of a page; also the base of the page's own context.
#[derive(Serialize, Clone)]
struct PageRef<'a> {
    title: String,
    subtitle: Option<String>,
    url: &'a str,
    permalink: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<DateCtx>,
    updated: Option<DateCtx>,
    summary: String,
    authors: &'a [String],
    /// "By A, B and C", or none.
    byline: Option<String>,
    topics: Vec<LinkCtx>,
    series: Option<SeriesRef>,
    district: Option<&'a str>,
    region: Option<&'a str>,
    draft: bool,
    extra: Option<&'a crate::yaml::Value>,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    nav: Vec<LinkCtx>,
    /// Plain pages (about, contact...), for the footer.
    pages: Vec<LinkCtx>,
    css: String,
    topics_url: String,
    series_url: String,
    data_url: String,
    feed_url: String,
}

fn byline(authors: &[String]) -> Option<String> {
    match authors {
        [] => None,
        [one] => Some(format!("By {one}")),
        [rest @ .., last] => Some(format!("By {} and {last}", rest.join(", "))),
    }
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    bodies: &'a Bodies,
    site_ctx: tera::Value,
    /// Every data table, for templates (`data["supports-used"].rows`).
    data_ctx: tera::Value,
    /// For each case study, the pages that show it, newest first.
    featured_in: BTreeMap<PageId, Vec<PageId>>,
    /// For each data table, the pages that use it.
    table_users: BTreeMap<String, Vec<PageId>>,
    /// Every page's listing card, serialized once.
    /// Each page's card as templates see it, made when a rendered output first needs it
    /// (an incremental build renders few outputs, and most cards are never looked at).
    refs: Vec<Arc<std::sync::OnceLock<tera::Value>>>,
    /// A fingerprint of every page's card.
    /// A hash of each page's card, made when first needed.
    card_fps: Vec<std::sync::OnceLock<u64>>,
    /// A fingerprint of what every HTML output shares: settings, navigation, data, theme.
    site_fp: u64,
}

/// Where a one-off build puts each file as soon as it is rendered: (path, bytes).
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Renders every output file. Template failures are reported as diagnostics.
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
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let cards = cards(site, bodies, global_fingerprint(site, theme), cache);
    let r = Renderer::new(site, theme, bodies, Some(cards));
    let mut jobs: Vec<Job> = Vec::new();
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend(site.sections.iter().map(|s| Job::Section(s.kind)));
    jobs.extend((0..site.topics.len()).map(Job::Topic));
    jobs.extend((0..site.series.len()).map(Job::Series));
    jobs.extend([
        Job::Home,
        Job::Topics,
        Job::SeriesList,
        Job::NotFound,
        Job::Feed,
        Job::Sitemap,
        Job::DataIndex,
        Job::Search,
    ]);
    jobs.extend(site.tables.keys().map(|id| Job::Csv(id.as_str())));

    // Render what changed; take the rest from the cache.
    let results: Vec<(u64, bool, Result<Output, Diagnostic>)> = jobs
        .par_iter()
        .map(|&job| {
            let fingerprint = r.fingerprint(job);
            let path = r.path(job);
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
            let t = std::time::Instant::now();
            let mut out = r.render(job);
            if std::env::var_os("CENTERVIEW_PROFILE").is_some() {
                eprintln!(
                    "  render {path}: {:.1} ms",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
            if let (Some(sink), Ok(output)) = (sink, &mut out)
                && let OutputData::Bytes(bytes) = &output.data
            {
                match sink(&output.path, bytes) {
                    Ok(()) => output.data = OutputData::Written,
                    Err(d) => out = Err(d),
                }
            }
            (fingerprint, true, out)
        })
        .collect();
    let mut outputs = Vec::with_capacity(results.len() + site.assets.len() + theme.statics.len());
    let mut fresh = std::collections::HashMap::with_capacity(results.len());
    cache.stats.outputs = 0;
    for (fingerprint, rendered, result) in results {
        cache.stats.outputs += rendered as usize;
        match result {
            Ok(o) => {
                if let OutputData::Bytes(bytes) = &o.data {
                    fresh.insert(o.path.clone(), (fingerprint, bytes.clone(), o.deps.clone()));
                }
                outputs.push(o)
            }
            Err(d) => diagnostics.push(d),
        }
    }
    cache.outputs = fresh;
    check_output_paths(site, theme, &r, &jobs, diagnostics);
    for asset in &site.assets {
        outputs.push(Output {
            path: asset.rel.clone(),
            data: OutputData::Copy(asset.path.clone()),
            deps: Arc::new(Deps {
                files: [format!("content/{}", asset.rel)].into(),
                templates: BTreeSet::new(),
            }),
        });
    }
    for file in &theme.statics {
        let (mut data, files) = match &file.origin {
            crate::theme::Origin::Builtin(bytes) => (OutputData::Static(bytes), BTreeSet::new()),
            crate::theme::Origin::Site(path) => (
                OutputData::Copy(path.clone()),
                [format!("themes/{}/static/{}", site.config.theme, file.rel)].into(),
            ),
        };
        // Scripts are sent compacted: readers download every byte.
        if file.rel.ends_with(".js") {
            let source = match &data {
                OutputData::Static(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
                OutputData::Copy(path) => std::fs::read_to_string(path).ok(),
                OutputData::Bytes(_) | OutputData::Written => None,
            };
            if let Some(source) = source {
                data = OutputData::Bytes(Arc::new(compact_script(&source).into_bytes()));
            }
        }
        outputs.push(Output {
            path: file.rel.clone(),
            data,
            deps: Arc::new(Deps {
                files,
                templates: BTreeSet::new(),
            }),
        });
    }
    outputs
}

/// Every output path has one owner: an asset or a theme's static file that lands where a
/// page or another file is written would silently replace it (or be replaced), so it is an
/// error naming both. Pages among themselves are checked when their URLs are resolved.
fn check_output_paths(
    site: &Site,
    theme: &Theme,
    r: &Renderer,
    jobs: &[Job],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut owners: std::collections::HashMap<String, String> =
        std::collections::HashMap::with_capacity(jobs.len() + 1);
    owners.insert(
        crate::output::MARKER.to_string(),
        "centerview's mark of the output folder".into(),
    );
    for &job in jobs {
        owners.insert(r.path(job), r.owner(job));
    }
    let mut claim =
        |path: &str, display: String, diagnostics: &mut Vec<Diagnostic>| match owners.get(path) {
            Some(owner) => diagnostics.push(
                Diagnostic::error(format!(
                    "{display} would be written to {path} in the site, where {owner} is written"
                ))
                .in_file(display.clone())
                .help("rename or move one of the two: each file of the site has one source"),
            ),
            None => {
                owners.insert(path.to_string(), display);
            }
        };
    for asset in &site.assets {
        claim(&asset.rel, format!("content/{}", asset.rel), diagnostics);
    }
    for file in &theme.statics {
        let display = match &file.origin {
            crate::theme::Origin::Site(_) => {
                format!("themes/{}/static/{}", site.config.theme, file.rel)
            }
            crate::theme::Origin::Builtin(_) => {
                format!("the built-in theme's static/{}", file.rel)
            }
        };
        claim(&file.rel, display, diagnostics);
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
    Renderer::new(site, theme, bodies, None).render(Job::Page(id))
}

/// A script without its full-line `//` comments, blank lines and indentation. Line breaks
/// stay, so the script means exactly what it did (automatic semicolons included), provided it
/// has no string or template literal spanning lines, which the theme's scripts never do.
pub fn compact_script(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Job<'s> {
    Page(PageId),
    DataIndex,
    Search,
    Csv(&'s str),
    Section(Kind),
    Topic(usize),
    Series(usize),
    Home,
    Topics,
    SeriesList,
    NotFound,
    Feed,
    Sitemap,
}

impl<'a> Renderer<'a> {
    /// `cards` are the pages' cards when known; otherwise each is made when first needed.
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a Bodies,
        cards: Option<Vec<Card>>,
    ) -> Renderer<'a> {
        let base = site.base_path();
        let mut nav: Vec<LinkCtx> = site
            .sections
            .iter()
            .filter(|s| !s.pages.is_empty())
            .map(|s| LinkCtx {
                name: s.kind.nav_title().to_string(),
                url: s.url.clone(),
            })
            .collect();
        if !site.topics.is_empty() {
            nav.push(LinkCtx {
                name: "Topics".into(),
                url: format!("{base}topics/"),
            });
        }
        let mut pages: Vec<LinkCtx> = site
            .pages
            .iter()
            .filter(|p| p.kind == Kind::Page)
            .map(|p| LinkCtx {
                name: p.title().to_string(),
                url: p.url.clone(),
            })
            .collect();
        pages.sort_by(|a, b| a.name.cmp(&b.name));
        let site_ctx = SiteCtx {
            title: &site.config.title,
            description: &site.config.description,
            base_url: &site.config.base_url,
            base_path: base,
            language: &site.config.language,
            nav,
            pages,
            css: format!("{base}css/centerview.css"),
            topics_url: format!("{base}topics/"),
            series_url: format!("{base}series/"),
            data_url: format!("{base}data/"),
            feed_url: format!("{base}atom.xml"),
        };
        let (card_fps, refs) = match cards {
            Some(cards) => cards
                .into_iter()
                .map(|c| (std::sync::OnceLock::from(c.fingerprint), c.value))
                .unzip(),
            None => (0..site.pages.len()).map(|_| Default::default()).unzip(),
        };
        let mut featured_in: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
        let mut table_users: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
        for (id, body) in bodies.pages.iter().enumerate() {
            for case in body
                .records
                .case_studies
                .iter()
                .filter_map(|rel| site.page_id(rel))
            {
                let hosts = featured_in.entry(case).or_default();
                if case != id && !hosts.contains(&id) {
                    hosts.push(id);
                }
            }
            for table in &body.records.tables {
                table_users.entry(table.clone()).or_default().push(id);
            }
        }
        let newest_first =
            |a: &PageId, b: &PageId| Page::newest_first(&site.pages[*a], &site.pages[*b]);
        for hosts in featured_in.values_mut().chain(table_users.values_mut()) {
            hosts.sort_by(newest_first);
        }
        let data_ctx: BTreeMap<&str, TableCtx> = site
            .tables
            .iter()
            .map(|(id, t)| (id.as_str(), table_ctx(t, base)))
            .collect();
        let mut site_fp = Fingerprint::default();
        site_fp
            .u64(crate::fingerprint::hash_bytes(
                &serde_json::to_vec(&site_ctx).expect("site serializes"),
            ))
            .u64(crate::fingerprint::hash_bytes(
                &serde_json::to_vec(&data_ctx).expect("data serializes"),
            ))
            .u64(global_fingerprint(site, theme));
        Renderer {
            site,
            theme,
            bodies,
            site_ctx: tera::Value::from_serializable(&site_ctx),
            data_ctx: tera::Value::from_serializable(&data_ctx),
            featured_in,
            table_users,
            refs,
            card_fps,
            site_fp: site_fp.finish(),
        }
    }

    /// Where a job's output goes.
    fn path(&self, job: Job) -> String {
        let site = self.site;
        match job {
            Job::Page(id) => site.pages[id].output.clone(),
            Job::Section(kind) => site
                .section(kind)
                .map(|s| s.output.clone())
                .unwrap_or_default(),
            Job::Topic(i) => site.topics[i].output.clone(),
            Job::Series(i) => site.series[i].output.clone(),
            Job::Home => "index.html".into(),
            Job::Topics => "topics/index.html".into(),
            Job::SeriesList => "series/index.html".into(),
            Job::NotFound => "404.html".into(),
            Job::Feed => "atom.xml".into(),
            Job::Sitemap => "sitemap.xml".into(),
            Job::DataIndex => "data/index.html".into(),
            Job::Search => "search/index.html".into(),
            Job::Csv(id) => format!("data/{id}.csv"),
        }
    }

    /// What makes a job's output, as told in a message about its path.
    fn owner(&self, job: Job) -> String {
        let site = self.site;
        match job {
            Job::Page(id) => format!("the page {}", site.pages[id].source().display),
            Job::Section(kind) => format!("the {} listing", kind.nav_title()),
            Job::Topic(i) => format!("the page of topic `{}`", site.topics[i].name),
            Job::Series(i) => format!("the page of series `{}`", site.series[i].title),
            Job::Home => "the home page".into(),
            Job::Topics => "the list of topics".into(),
            Job::SeriesList => "the list of series".into(),
            Job::NotFound => "the not-found page".into(),
            Job::Feed => "the feed".into(),
            Job::Sitemap => "the sitemap".into(),
            Job::DataIndex => "the list of data tables".into(),
            Job::Search => "the search page".into(),
            Job::Csv(id) => format!("the CSV of data table `{id}`"),
        }
    }

    /// A fingerprint of everything a job's template sees: equal fingerprints, equal bytes.
    fn fingerprint(&self, job: Job) -> u64 {
        let site = self.site;
        let mut f = Fingerprint::default();
        f.u64(self.site_fp).str(&self.path(job));
        let cards = |f: &mut Fingerprint, ids: &[PageId]| {
            f.u64(ids.len() as u64);
            for &id in ids {
                f.u64(self.card_fp(id));
            }
        };
        match job {
            Job::Page(id) => {
                let body = &self.bodies.pages[id];
                f.u64(self.card_fp(id))
                    .u64(body.html_hash)
                    .str(site.pages[id].kind.name());
                if let Some((series, _)) = site.series_of(id) {
                    cards(&mut f, &series.parts);
                }
                cards(
                    &mut f,
                    self.featured_in.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                );
                let shown: Vec<PageId> = body
                    .records
                    .case_studies
                    .iter()
                    .filter_map(|rel| site.page_id(rel))
                    .collect();
                cards(&mut f, &shown);
            }
            Job::Section(kind) => {
                let section = site.section(kind).expect("section exists");
                if let Some(intro) = &section.intro {
                    f.str(intro.title.as_deref().unwrap_or(""));
                }
                f.u64(
                    self.bodies
                        .section_intros
                        .get(&kind)
                        .map(|r| r.html_hash)
                        .unwrap_or(0),
                );
                cards(&mut f, &section.pages);
            }
            Job::Topic(i) => {
                f.str(&site.topics[i].name);
                cards(&mut f, &site.topics[i].pages);
            }
            Job::Series(i) => {
                f.str(&site.series[i].title)
                    .u64(site.series[i].total as u64);
                cards(&mut f, &site.series[i].parts);
            }
            Job::Home | Job::Topics | Job::SeriesList => {
                if let Some(intro) = &site.home_intro {
                    f.str(intro.title.as_deref().unwrap_or(""));
                }
                f.u64(
                    self.bodies
                        .home_intro
                        .as_ref()
                        .map(|r| r.html_hash)
                        .unwrap_or(0),
                );
                for section in &site.sections {
                    cards(&mut f, &section.pages);
                }
                for topic in &site.topics {
                    f.str(&topic.name).u64(topic.pages.len() as u64);
                }
                for series in &site.series {
                    f.str(&series.title).u64(series.total as u64);
                    cards(&mut f, &series.parts);
                }
            }
            Job::NotFound | Job::Search => {}
            Job::Feed => {
                for (id, page) in site.pages.iter().enumerate() {
                    if page.src.front.date.is_some() {
                        f.u64(self.card_fp(id)).u64(self.bodies.pages[id].html_hash);
                    }
                }
            }
            Job::Sitemap => {
                for page in &site.pages {
                    f.str(&page.url).str(&format!(
                        "{:?}",
                        page.src.front.updated.or(page.src.front.date)
                    ));
                }
                for topic in &site.topics {
                    f.str(&topic.url);
                }
                for series in &site.series {
                    f.str(&series.url);
                }
            }
            Job::DataIndex => {
                for table in site.tables.values() {
                    f.u64(table.hash);
                    cards(
                        &mut f,
                        self.table_users
                            .get(&table.id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[]),
                    );
                }
            }
            Job::Csv(id) => {
                f.u64(site.tables[id].hash);
            }
        }
        f.finish()
    }

    fn card_fp(&self, id: PageId) -> u64 {
        *self.card_fps[id].get_or_init(|| {
            let json = serde_json::to_vec(&page_ref(self.site, self.bodies, id))
                .expect("a card serializes");
            crate::fingerprint::hash_bytes(&json)
        })
    }

    fn card(&self, id: PageId) -> tera::Value {
        self.refs[id]
            .get_or_init(|| tera::Value::from_serializable(&page_ref(self.site, self.bodies, id)))
            .clone()
    }

    fn cards(&self, ids: &[PageId]) -> tera::Value {
        tera::Value::from(ids.iter().map(|&id| self.card(id)).collect::<Vec<_>>())
    }

    /// The context every HTML template gets.
    fn base_context(&self, title: &str, description: &str, url: &str) -> tera::Context {
        let mut context = tera::Context::new();
        context.insert_value("site", self.site_ctx.clone());
        context.insert_value("data", self.data_ctx.clone());
        context.insert(
            "meta_title",
            &if title == self.site.config.title {
                title.to_string()
            } else {
                format!("{title} | {}", self.site.config.title)
            },
        );
        let description = if description.is_empty() {
            &self.site.config.description
        } else {
            description
        };
        context.insert("meta_description", description);
        context.insert("canonical", &self.site.config.absolute(url));
        context.insert("current_url", url);
        context
    }

    fn render(&self, job: Job) -> Result<Output, Diagnostic> {
        let site = self.site;
        let base = site.base_path();
        let mut deps = Deps::default();
        deps.files.insert("site.yaml".into());
        let (path, template, context) = match job {
            Job::Csv(id) => {
                let table = &site.tables[id];
                deps.files.insert(table.file.clone());
                return Ok(Output {
                    path: format!("data/{id}.csv"),
                    data: OutputData::Bytes(Arc::new(table.to_csv().into_bytes())),
                    deps: Arc::new(deps),
                });
            }
            Job::DataIndex => {
                let url = format!("{base}data/");
                let mut context = self.base_context(
                    "Data",
                    "The data behind every CenterView figure, to download as CSV",
                    &url,
                );
                let tables: Vec<tera::Value> = site
                    .tables
                    .values()
                    .map(|t| {
                        deps.files.insert(t.file.clone());
                        let users = self.table_users.get(&t.id).cloned().unwrap_or_default();
                        for &u in &users {
                            deps.files.insert(site.pages[u].source().display.clone());
                        }
                        let mut map = tera::Map::new();
                        map.insert(
                            "table".into(),
                            tera::Value::from_serializable(&table_ctx(t, base)),
                        );
                        map.insert("used_by".into(), self.cards(&users));
                        tera::Value::from(map)
                    })
                    .collect();
                context.insert_value("tables", tera::Value::from(tables));
                ("data/index.html".into(), "data.html".into(), context)
            }
            Job::Page(id) => {
                let page = &site.pages[id];
                let body = &self.bodies.pages[id];
                let card = page_ref(site, self.bodies, id);
                let mut context = self.base_context(&card.title, &card.summary, &page.url);
                context.insert("page", &card);
                context.insert_value("content", tera::Value::safe_string(&body.html));
                context.insert(
                    "headings",
                    &body
                        .headings
                        .iter()
                        .map(|h| HeadingCtx {
                            level: h.level,
                            id: &h.id,
                            text: &h.text,
                        })
                        .collect::<Vec<_>>(),
                );
                context.insert("endnote_count", &body.endnote_count);
                deps.files.insert(page.source().display.clone());
                let series = site.series_of(id).map(|(series, part)| {
                    let parts: Vec<SeriesPart> = series
                        .parts
                        .iter()
                        .map(|&p| {
                            deps.files.insert(site.pages[p].source().display.clone());
                            SeriesPart {
                                part: site.pages[p].series.map(|s| s.1).unwrap_or(0),
                                title: site.pages[p].title().to_string(),
                                url: site.pages[p].url.clone(),
                                current: p == id,
                            }
                        })
                        .collect();
                    let index = series.parts.iter().position(|&p| p == id).unwrap_or(0);
                    let link = |p: Option<&PageId>| {
                        p.map(|&p| LinkCtx {
                            name: site.pages[p].title().to_string(),
                            url: site.pages[p].url.clone(),
                        })
                    };
                    SeriesNav {
                        title: series.title.clone(),
                        url: series.url.clone(),
                        part,
                        total: series.total,
                        prev: link(index.checked_sub(1).and_then(|i| series.parts.get(i))),
                        next: link(series.parts.get(index + 1)),
                        parts,
                    }
                });
                context.insert("series", &series);
                let featured: Vec<PageId> = self.featured_in.get(&id).cloned().unwrap_or_default();
                for &host in &featured {
                    deps.files.insert(site.pages[host].source().display.clone());
                }
                context.insert_value("featured_in", self.cards(&featured));
                let mut shown: Vec<PageId> = Vec::new();
                for case in body
                    .records
                    .case_studies
                    .iter()
                    .filter_map(|rel| site.page_id(rel))
                {
                    if case != id && !shown.contains(&case) {
                        shown.push(case);
                    }
                }
                context.insert_value("case_studies", self.cards(&shown));
                deps.templates
                    .extend(body.records.templates.iter().cloned());
                deps.files.extend(body.records.files.iter().cloned());
                for linked in body.links_to.iter().filter_map(|rel| site.page_id(rel)) {
                    deps.files
                        .insert(site.pages[linked].source().display.clone());
                }
                let kind_template = format!("{}.html", page.kind.name());
                let template = if self.theme.has_template(&kind_template) {
                    kind_template
                } else {
                    "page.html".to_string()
                };
                (page.output.clone(), template, context)
            }
            Job::Section(kind) => {
                let section = site.section(kind).expect("section exists");
                let mut context = self.base_context(kind.section_title(), "", &section.url);
                let intro = self.bodies.section_intros.get(&kind);
                let title = section
                    .intro
                    .as_ref()
                    .and_then(|i| i.title.clone())
                    .unwrap_or_else(|| kind.section_title().to_string());
                context.insert(
                    "section",
                    &SectionCtx {
                        title: &title,
                        kind: kind.name(),
                        kind_label: kind.label(),
                        url: &section.url,
                    },
                );
                context.insert_value(
                    "intro",
                    intro
                        .map(|r| tera::Value::safe_string(&r.html))
                        .unwrap_or_else(tera::Value::none),
                );
                context.insert_value("pages", self.cards(&section.pages));
                // Case studies are grouped by region (those without one last).
                let mut regions: BTreeMap<Option<&str>, Vec<PageId>> = BTreeMap::new();
                for &id in &section.pages {
                    regions
                        .entry(site.pages[id].src.front.region.as_deref())
                        .or_default()
                        .push(id);
                }
                let mut groups: Vec<(Option<&str>, Vec<PageId>)> = regions.into_iter().collect();
                groups.sort_by_key(|(region, _)| (region.is_none(), *region));
                let groups: Vec<tera::Value> = groups
                    .into_iter()
                    .map(|(region, ids)| {
                        let mut map = tera::Map::new();
                        map.insert("region".into(), tera::Value::from_serializable(&region));
                        map.insert("pages".into(), self.cards(&ids));
                        tera::Value::from(map)
                    })
                    .collect();
                context.insert_value("groups", tera::Value::from(groups));
                for &id in &section.pages {
                    deps.files.insert(site.pages[id].source().display.clone());
                }
                if let Some(i) = &section.intro {
                    deps.files.insert(i.source.display.clone());
                }
                (section.output.clone(), "section.html".into(), context)
            }
            Job::Topic(index) => {
                let topic = &site.topics[index];
                let mut context =
                    self.base_context(&format!("Topic: {}", topic.name), "", &topic.url);
                context.insert(
                    "topic",
                    &LinkCtx {
                        name: topic.name.clone(),
                        url: topic.url.clone(),
                    },
                );
                context.insert_value("pages", self.cards(&topic.pages));
                for &id in &topic.pages {
                    deps.files.insert(site.pages[id].source().display.clone());
                }
                (topic.output.clone(), "topic.html".into(), context)
            }
            Job::Series(index) => {
                let series = &site.series[index];
                let mut context = self.base_context(&series.title, "", &series.url);
                context.insert(
                    "series",
                    &SeriesCtx {
                        title: &series.title,
                        url: &series.url,
                        total: series.total,
                    },
                );
                context.insert_value("pages", self.cards(&series.parts));
                for &id in &series.parts {
                    deps.files.insert(site.pages[id].source().display.clone());
                }
                (series.output.clone(), "series.html".into(), context)
            }
            Job::Home => {
                let title = site
                    .home_intro
                    .as_ref()
                    .and_then(|i| i.title.clone())
                    .unwrap_or_else(|| site.config.title.clone());
                let mut context = self.base_context(&site.config.title, "", base);
                context.insert("title", &title);
                context.insert_value(
                    "intro",
                    self.bodies
                        .home_intro
                        .as_ref()
                        .map(|r| tera::Value::safe_string(&r.html))
                        .unwrap_or_else(tera::Value::none),
                );
                let latest = |kind: Kind, n: usize| {
                    site.section(kind)
                        .map(|s| s.pages.iter().take(n).copied().collect::<Vec<_>>())
                        .unwrap_or_default()
                };
                context.insert_value("briefs", self.cards(&latest(Kind::Brief, 4)));
                context.insert_value("case_studies", self.cards(&latest(Kind::CaseStudy, 6)));
                context.insert_value("reports", self.cards(&latest(Kind::Report, 3)));
                context.insert_value("insights", self.cards(&latest(Kind::Insight, 3)));
                context.insert_value("posts", self.cards(&latest(Kind::Post, 3)));
                context.insert_value("series", self.series_list());
                context.insert("topics", &self.topic_list());
                context.insert(
                    "sections",
                    &site
                        .sections
                        .iter()
                        .map(|s| SectionLink {
                            name: s.kind.nav_title(),
                            url: &s.url,
                            count: s.pages.len(),
                        })
                        .collect::<Vec<_>>(),
                );
                for page in &site.pages {
                    deps.files.insert(page.source().display.clone());
                }
                if let Some(i) = &site.home_intro {
                    deps.files.insert(i.source.display.clone());
                }
                ("index.html".into(), "home.html".into(), context)
            }
            Job::Topics => {
                let url = format!("{base}topics/");
                let mut context =
                    self.base_context("Topics", "Every topic CenterView publications cover", &url);
                context.insert("topics", &self.topic_list());
                for page in site.pages.iter().filter(|p| !p.topics.is_empty()) {
                    deps.files.insert(page.source().display.clone());
                }
                ("topics/index.html".into(), "topics.html".into(), context)
            }
            Job::SeriesList => {
                let url = format!("{base}series/");
                let mut context =
                    self.base_context("Series", "Publications that appear in parts", &url);
                context.insert_value("series", self.series_list());
                for page in site.pages.iter().filter(|p| p.series.is_some()) {
                    deps.files.insert(page.source().display.clone());
                }
                (
                    "series/index.html".into(),
                    "series_list.html".into(),
                    context,
                )
            }
            Job::Search => {
                let url = format!("{base}search/");
                let context =
                    self.base_context("Search", "Search every CenterView publication", &url);
                ("search/index.html".into(), "search.html".into(), context)
            }
            Job::NotFound => {
                let url = format!("{base}404.html");
                let context = self.base_context("Page not found", "", &url);
                ("404.html".into(), "404.html".into(), context)
            }
            Job::Feed => {
                let mut dated: Vec<PageId> = (0..site.pages.len())
                    .filter(|&id| site.pages[id].src.front.date.is_some())
                    .collect();
                dated.sort_by(|&a, &b| Page::newest_first(&site.pages[a], &site.pages[b]));
                dated.truncate(20);
                let entries: Vec<tera::Value> = dated
                    .iter()
                    .map(|&id| {
                        deps.files.insert(site.pages[id].source().display.clone());
                        let mut map = tera::Map::new();
                        map.insert("page".into(), self.card(id));
                        map.insert(
                            "content".into(),
                            tera::Value::from(self.bodies.pages[id].html.as_str()),
                        );
                        tera::Value::from(map)
                    })
                    .collect();
                let updated = dated
                    .iter()
                    .filter_map(|&id| {
                        let f = &site.pages[id].src.front;
                        f.updated.or(f.date)
                    })
                    .max()
                    .map(|d| format!("{d}T00:00:00Z"))
                    .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
                let mut context = tera::Context::new();
                context.insert_value("site", self.site_ctx.clone());
                context.insert(
                    "feed_url",
                    &site.config.absolute(&format!("{base}atom.xml")),
                );
                context.insert("home_url", &site.config.base_url);
                context.insert("updated", &updated);
                context.insert_value("entries", tera::Value::from(entries));
                ("atom.xml".into(), "atom.xml".into(), context)
            }
            Job::Sitemap => {
                let mut urls: Vec<SitemapUrl> = Vec::new();
                let mut add = |url: &str, lastmod: Option<Date>| {
                    urls.push(SitemapUrl {
                        loc: site.config.absolute(url),
                        lastmod: lastmod.map(|d| d.to_string()),
                    });
                };
                add(base, None);
                for s in &site.sections {
                    add(&s.url, None);
                }
                for page in &site.pages {
                    add(&page.url, page.src.front.updated.or(page.src.front.date));
                    deps.files.insert(page.source().display.clone());
                }
                add(&format!("{base}topics/"), None);
                for t in &site.topics {
                    add(&t.url, None);
                }
                add(&format!("{base}series/"), None);
                add(&format!("{base}data/"), None);
                add(&format!("{base}search/"), None);
                for s in &site.series {
                    add(&s.url, None);
                }
                urls.sort_by(|a, b| a.loc.cmp(&b.loc));
                let mut context = tera::Context::new();
                context.insert("urls", &urls);
                ("sitemap.xml".into(), "sitemap.xml".into(), context)
            }
        };
        deps.templates.extend(self.theme.closure(&template));
        let html = self.theme.render(&template, &context).map_err(|err| {
            Diagnostic::error(format!("the template `{template}` failed while rendering {path}: {err}"))
                .in_file(self.theme.display_path(&template, &site.config.theme))
                .help("fix the template; every variable a template uses must exist (use `{% if x %}` for optional ones)")
        })?;
        Ok(Output {
            path,
            data: OutputData::Bytes(Arc::new(html.into_bytes())),
            deps: Arc::new(deps),
        })
    }

    fn topic_list(&self) -> Vec<TopicCtx<'_>> {
        self.site
            .topics
            .iter()
            .map(|t| TopicCtx {
                name: &t.name,
                url: &t.url,
                count: t.pages.len(),
            })
            .collect()
    }

    fn series_list(&self) -> tera::Value {
        let list: Vec<tera::Value> = self
            .site
            .series
            .iter()
            .map(|s| {
                let mut map = tera::Map::new();
                map.insert("title".into(), tera::Value::from(s.title.as_str()));
                map.insert("url".into(), tera::Value::from(s.url.as_str()));
                map.insert("total".into(), tera::Value::from(s.total));
                map.insert("pages".into(), self.cards(&s.parts));
                tera::Value::from(map)
            })
            .collect();
        tera::Value::from(list)
    }
}

fn page_ref<'s>(site: &'s Site, bodies: &Bodies, id: PageId) -> PageRef<'s> {
    let page = &site.pages[id];
    let front = &page.src.front;
    PageRef {
        title: front.title.clone(),
        subtitle: front.subtitle.clone(),
        url: &page.url,
        permalink: site.config.absolute(&page.url),
        kind: page.kind.name(),
        kind_label: page.kind.label(),
        date: front.date.map(date_ctx),
        updated: front.updated.map(date_ctx),
        summary: summary(
            front.summary.as_deref(),
            bodies.pages[id].first_paragraph.as_deref(),
        ),
        authors: &front.authors,
        byline: byline(&front.authors),
        topics: page
            .topics
            .iter()
            .map(|&t| LinkCtx {
                name: site.topics[t].name.clone(),
                url: site.topics[t].url.clone(),
            })
            .collect(),
        series: site.series_of(id).map(|(s, part)| SeriesRef {
            title: s.title.clone(),
            url: s.url.clone(),
            part,
            total: s.total,
        }),
        district: front.district.as_deref(),
        region: front.region.as_deref(),
        draft: front.draft,
        extra: front.extra.as_ref(),
    }
}

/// A data table as templates see it.
#[derive(Serialize)]
struct TableCtx<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    n: Option<u64>,
    notes: Option<&'a str>,
    csv_url: String,
    columns: &'a [crate::data::Column],
    /// Each row as the cells read (`27`, `45%`).
    rows: Vec<Vec<String>>,
    chart: Option<&'static str>,
}

fn table_ctx<'t>(table: &'t DataTable, base: &str) -> TableCtx<'t> {
    TableCtx {
        id: &table.id,
        title: &table.title,
        source: table.source.as_deref(),
        n: table.n,
        notes: table.notes.as_deref(),
        csv_url: format!("{base}data/{}.csv", table.id),
        columns: &table.columns,
        rows: table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, c)| table.display(i, c))
                    .collect()
            })
            .collect(),
        chart: table.chart.as_ref().map(|c| match c.ty {
            crate::data::ChartType::Bar => "bar",
            crate::data::ChartType::Column => "column",
        }),
    }
}

#[derive(Serialize)]
struct HeadingCtx<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct SeriesPart {
    part: u32,
    title: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct SeriesNav {
    title: String,
    url: String,
    part: u32,
    total: u32,
    parts: Vec<SeriesPart>,
    prev: Option<LinkCtx>,
    next: Option<LinkCtx>,
}

#[derive(Serialize)]
struct SectionCtx<'a> {
    title: &'a str,
    kind: &'static str,
    kind_label: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct SectionLink<'a> {
    name: &'static str,
    url: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct SeriesCtx<'a> {
    title: &'a str,
    url: &'a str,
    total: u32,
}

#[derive(Serialize)]
struct TopicCtx<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_lose_comments_and_indentation_only() {
        let source = "// A comment.\n(() => {\n  const a = 1; // kept: not a full line\n\n  return a\n})();\n";
        assert_eq!(
            compact_script(source),
            "(() => {\nconst a = 1; // kept: not a full line\nreturn a\n})();\n"
        );
    }

    #[test]
    fn bylines() {
        assert_eq!(byline(&[]), None);
        assert_eq!(byline(&["A".into()]).unwrap(), "By A");
        assert_eq!(
            byline(&["A".into(), "B".into(), "C".into()]).unwrap(),
            "By A, B and C"
        );
    }
}
