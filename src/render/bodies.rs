//! Markdown bodies: every page's and intro's markdown rendered to HTML, all pages in
//! parallel, before any output, because pages need what only other pages' bodies can give
//! (anchors to check, summaries taken from first paragraphs). A body is rendered again only
//! when its fingerprint changes.

use super::shared::settings_fingerprint;
use crate::diagnostics::{Diagnostic, Source};
use crate::fingerprint::Fingerprint;
use crate::kind::Kind;
use crate::markdown::{self, Input, Rendered};
use crate::output::Output;
use crate::resolve::Site;
use crate::shortcodes::Registry;
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The rendered markdown of every page and intro. Cloning shares the pages' bodies.
#[derive(Debug, Default, Clone)]
pub struct Bodies {
    pub pages: Vec<Arc<Rendered>>,
    pub home_intro: Option<Rendered>,
    pub section_intros: BTreeMap<Kind, Rendered>,
    /// Each page's PDF edition, by page id, once made (see [`super::editions`]).
    pub editions: Vec<Option<super::editions::Edition>>,
}

/// The bodies of the last build, by page path under `content/`: (fingerprint, body, its
/// diagnostics).
#[derive(Default)]
pub struct BodyCache {
    bodies: std::collections::HashMap<String, (u64, Arc<Rendered>, Vec<Diagnostic>)>,
    /// How many bodies the last build rendered (the rest came from the cache).
    pub rendered: usize,
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
    // A figure's image draws the page at its size.
    for image in &rendered.records.images {
        let size = crate::shortcodes::image_figure::current_size(site, image);
        f.str(image)
            .u64(size.map_or(0, |s| (u64::from(s.width) << 32) | u64::from(s.height)));
    }
    // A picture's size and file size draw it (and decide whether it is too large).
    for picture in &rendered.pictures {
        let path = site.root.join("content").join(&picture.rel);
        let size = crate::image_size::read(&path);
        let bytes = std::fs::metadata(&path).map_or(u64::MAX, |m| m.len());
        f.str(&picture.rel)
            .u64(size.map_or(0, |s| (u64::from(s.width) << 32) | u64::from(s.height)))
            .u64(bytes);
    }
    for file in &rendered.records.files {
        f.str(file)
            .u64(file_hashes.get(file.as_str()).copied().unwrap_or(0));
    }
    f.finish()
}

/// How much a word counts in a page's profile, by where it is: the title and subtitle say
/// most of what a page is about, then its summary and headings, then its running text.
/// Table cells and code are left out (numbers and names of columns, not the subject), and
/// running text after [`PROFILE_PROSE`].
const TITLE_WEIGHT: u32 = 4;
const SUMMARY_WEIGHT: u32 = 3;
const HEADING_WEIGHT: u32 = 2;
const PROSE_WEIGHT: u32 = 1;
/// How much running text a profile reads, in bytes: the opening (about 170 words, with the
/// title, deck, summary and headings) says what a page is about, and reading every word of
/// every page again, before the search index does, cost a tenth of a large site's build.
const PROFILE_PROSE: usize = 1000;

/// A page's profile (see [`crate::terms::profile`]), from its title block and its text.
fn profile(page: &crate::resolve::Page, text: &markdown::text::PageText) -> crate::terms::Profile {
    use markdown::text::BlockKind;
    let front = &page.src.front;
    let title_block = [
        (front.title.as_str(), TITLE_WEIGHT),
        (front.subtitle.as_deref().unwrap_or(""), TITLE_WEIGHT),
        (front.summary.as_deref().unwrap_or(""), SUMMARY_WEIGHT),
    ];
    let ends = text
        .blocks
        .iter()
        .skip(1)
        .map(|b| b.start)
        .chain([text.text.len()]);
    let mut prose_left = PROFILE_PROSE;
    let blocks = text
        .blocks
        .iter()
        .zip(ends)
        .filter_map(move |(block, end)| {
            let block_text = &text.text[block.start..end];
            match block.kind {
                BlockKind::Heading => Some((block_text, HEADING_WEIGHT)),
                BlockKind::Prose if prose_left > 0 => {
                    let cut = block_text.floor_char_boundary(prose_left.min(block_text.len()));
                    prose_left -= cut;
                    Some((&block_text[..cut], PROSE_WEIGHT))
                }
                _ => None,
            }
        });
    crate::terms::profile(title_block.into_iter().chain(blocks))
}

/// Renders every page's and intro's markdown, in parallel, reusing from `cache` each body
/// whose fingerprint has not changed.
pub fn render_bodies(
    site: &Site,
    theme: &Theme,
    registry: &Registry,
    cache: &mut BodyCache,
    collect_text: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Bodies {
    // A body rendered without its search text is not reused where the text is wanted.
    let global = settings_fingerprint(site, theme) ^ u64::from(collect_text);
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
            // The text is always read: related publications are chosen from its terms.
            let input = Input {
                source: &page.src.source,
                body: page.src.split.body.clone(),
                dir,
                page: Some(id),
                collect_text: true,
            };
            let mut rendered = markdown::render(&input, site, theme, registry, &mut diags);
            rendered.terms = profile(page, &rendered.text);
            if !collect_text {
                rendered.text = Default::default();
            }
            let fingerprint =
                body_fingerprint(site, global, page.source().hash, &rendered, &file_hashes);
            (fingerprint, Arc::new(rendered), diags, true)
        })
        .collect();
    let mut bodies = Bodies::default();
    let mut fresh = std::collections::HashMap::with_capacity(results.len());
    cache.rendered = 0;
    for ((fingerprint, rendered, diags, rendered_now), page) in results.into_iter().zip(&site.pages)
    {
        cache.rendered += rendered_now as usize;
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
            collect_text: false,
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

/// Every rendered body (pages' and intros') with the file it was written in.
pub fn with_sources<'a>(
    site: &'a Site,
    bodies: &'a Bodies,
) -> impl Iterator<Item = (&'a Source, &'a Rendered)> {
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
    all.filter_map(|(source, rendered)| Some((source?, rendered)))
}

/// Checks links to `#anchors` on other pages, now that every page's ids are known.
pub fn check_anchors(site: &Site, bodies: &Bodies, diagnostics: &mut Vec<Diagnostic>) {
    for (source, rendered) in with_sources(site, bodies) {
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

/// The page at `path` rendered at once against the last build (`site` and `bodies`), when
/// a save can only have changed that page's body: the file is a page under `content/`, its
/// front matter is as it was (so its title, date and place in every listing are too), and
/// its new body renders without errors, keeps its headings' ids (which other pages may link
/// to) and links only to anchors that exist. The full rebuild that follows renders the same
/// page again, with everything else the save affects.
pub fn preview(
    site: &Site,
    theme: &Theme,
    registry: &Registry,
    bodies: &Bodies,
    root: &Path,
    path: &Path,
) -> Option<Output> {
    let rel = path.strip_prefix(root.join("content")).ok()?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel = rel.join("/");
    let id = site.page_id(&rel)?;
    let old = &site.pages[id].src;
    let text = std::fs::read_to_string(path).ok()?;
    let source = Source::new(path.to_path_buf(), old.source.display.clone(), &text);
    let split = crate::front_matter::split(&source).ok()?;
    if source.text[split.yaml.clone()] != old.source.text[old.split.yaml.clone()] {
        return None;
    }
    let mut diags = Vec::new();
    let input = Input {
        source: &source,
        body: split.body.clone(),
        dir: rel.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
        page: Some(id),
        collect_text: true,
    };
    let mut rendered = markdown::render(&input, site, theme, registry, &mut diags);
    rendered.terms = profile(&site.pages[id], &rendered.text);
    if diags.iter().any(Diagnostic::is_error) || rendered.ids != bodies.pages[id].ids {
        return None;
    }
    let anchors_exist = rendered.anchor_checks.iter().all(|check| {
        site.page_id(&check.target).is_some_and(|target| {
            let ids = if target == id {
                &rendered.ids
            } else {
                &bodies.pages[target].ids
            };
            ids.contains(&check.fragment)
        })
    });
    if !anchors_exist {
        return None;
    }
    let mut bodies = bodies.clone();
    bodies.pages[id] = Arc::new(rendered);
    super::render_page(site, theme, &bodies, id).ok()
}

/// A site loaded and resolved from its folder, with its theme: for rendering one page's body
/// outside a build (tests, and tools such as the PDF edition's bench).
pub struct LoadedSite {
    pub site: Site,
    pub theme: Theme,
    pub registry: Registry,
    /// What loading it found wrong.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and resolves the site at `root` (drafts left out, dated today).
pub fn load_site(root: &Path) -> Result<LoadedSite, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let config_path = root.join("site.yaml");
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| vec![Diagnostic::io("cannot read", &config_path, &e)])?;
    let (config, errors) =
        crate::config::Config::load_all(&Source::new(config_path, "site.yaml".into(), &text));
    diagnostics.extend(errors);
    let theme = Theme::load(root, &config.theme)?;
    let registry = Registry::for_theme(&theme)?;
    let content = crate::content::load(root, false, &mut diagnostics);
    let tables = crate::data::load(&content.data, &mut diagnostics);
    let schedule = crate::resolve::Schedule {
        today: crate::clock::today(),
        future: false,
    };
    let site = crate::resolve::resolve(
        root.to_path_buf(),
        config,
        content,
        tables,
        schedule,
        &mut diagnostics,
    );
    Ok(LoadedSite {
        site,
        theme,
        registry,
        diagnostics,
    })
}

/// One page's body, by its path under `content/` (`briefs/x.md`), with what rendering it
/// found wrong.
pub fn render_page_body(loaded: &LoadedSite, rel: &str) -> Option<(Rendered, Vec<Diagnostic>)> {
    let id = loaded.site.page_id(rel)?;
    let page = &loaded.site.pages[id];
    let mut diagnostics = Vec::new();
    let input = Input {
        source: &page.src.source,
        body: page.src.split.body.clone(),
        dir: rel.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
        page: Some(id),
        collect_text: false,
    };
    let rendered = markdown::render(
        &input,
        &loaded.site,
        &loaded.theme,
        &loaded.registry,
        &mut diagnostics,
    );
    Some((rendered, diagnostics))
}
