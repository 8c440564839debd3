//! A publication's or plain page's own page (`/briefs/<slug>/`).

use super::Unit;
use crate::output::Deps;
use crate::render::cards::{self, LinkCtx};
use crate::render::inputs::{Inputs, Value, meta_description, meta_title};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;

/// Every page's, but profiles' (see [`super::author`]).
pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.pages.len())
        .filter(|&id| site.pages[id].kind != crate::kind::Kind::Author)
        .map(|id| Box::new(PageUnit(id)) as Box<dyn Unit>)
        .collect()
}

pub struct PageUnit(pub PageId);

impl Unit for PageUnit {
    fn path(&self, cx: &Shared) -> String {
        cx.site.pages[self.0].output.clone()
    }

    fn owner(&self, cx: &Shared) -> String {
        format!("the page {}", cx.site.pages[self.0].source().display)
    }

    fn path_error(&self, cx: &Shared, what: &str) -> Option<crate::diagnostics::Diagnostic> {
        let page = &cx.site.pages[self.0];
        let span = match page.src.front.slug {
            Some(_) => page.front_span("slug", crate::yaml::Target::Value),
            None => page.front_span(page.title_key(), crate::yaml::Target::Key),
        };
        let error = crate::diagnostics::Diagnostic::error(format!(
            "this page's address {} {what}",
            page.url
        ));
        Some(
            error
                .at(page.source(), span)
                .help("give the page another `slug`, or move it to another folder"),
        )
    }

    fn is_page(&self) -> bool {
        true
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, id) = (cx.site, self.0);
        let page = &site.pages[id];
        let body = &*cx.bodies.pages[id];
        let mut inputs = Inputs::template(cx.page_template(page.kind))
            .with("site", Value::Site)
            .with("data", Value::Tables);
        head(&mut inputs, cx, id);
        let mut inputs = inputs
            .with("page", Value::Card(id))
            .with("content", Value::Html(body))
            .with("headings", Value::Headings(body))
            .with("endnote_count", Value::Int(body.endnote_count as i64))
            .with("series", series_value(cx, id))
            .with(
                "featured_in",
                Value::Cards(cx.featured_in.get(&id).cloned().unwrap_or_default()),
            );
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
        inputs.set("case_studies", Value::Cards(shown));
        inputs.set("related", Value::Cards(cx.related[id].clone()));
        let mut related_fp = crate::fingerprint::Fingerprint::default();
        for &r in &cx.related[id] {
            related_fp.u64(cx.card_fp(r));
        }
        let related_fp = related_fp.finish();
        inputs.set(
            "related_cards",
            Value::Derived(related_cards, id, related_fp),
        );
        inputs.set("toc", Value::Bool(shows_contents(page, body)));
        inputs.set(
            "breadcrumbs",
            Value::Derived(breadcrumbs, id, cx.card_fp(id)),
        );
        let edition = cx.bodies.editions.get(id).and_then(Option::as_ref);
        inputs.set("pdf_edition", edition.map_or(Value::Null, Value::data));
        if crate::render::citation::is_publication(page.kind) {
            let cite = |cx: &Shared, id: PageId| {
                let page = &cx.site.pages[id];
                let edition = cx.bodies.editions.get(id).and_then(Option::as_ref);
                let edition = edition.map(|e| e.url.as_str());
                let citation =
                    crate::render::citation::citation(cx.site, page, &cx.summary(id), edition);
                tera::Value::from_serializable(&citation)
            };
            // Everything a citation says is on the page's card, or in the settings, but
            // whether it has a PDF edition.
            let fingerprint = cx.card_fp(id) ^ u64::from(edition.is_some());
            inputs.set("citation", Value::Derived(cite, id, fingerprint));
        } else {
            inputs.set("citation", Value::Null);
        }
        inputs.more_deps = Some((deps, id));
        inputs
    }
}

/// The related publications' short cards as one piece of HTML, each rendered once a build
/// (see `Shared::short_card`); `null` when the theme's card component fails, so the
/// template's own loop over `related` shows why.
fn related_cards(cx: &Shared, id: PageId) -> tera::Value {
    let mut html = String::new();
    for &other in &cx.related[id] {
        match cx.short_card(other) {
            Some(card) => html.push_str(&card),
            None => return tera::Value::none(),
        }
    }
    tera::Value::safe_string(&html)
}

/// The trail to the page, from its card's title and URL (so the card's hash stands for it).
fn breadcrumbs(cx: &Shared, id: PageId) -> tera::Value {
    let trail = crate::render::breadcrumbs::of_page(cx.site, id);
    tera::Value::from_serializable(&trail)
}

/// How many `##` headings make a page long enough for its "On this page" contents.
const CONTENTS_FROM: usize = 3;

/// Whether the page shows its "On this page" contents: as its `toc` says, else when it has
/// [`CONTENTS_FROM`] or more `##` headings.
fn shows_contents(page: &crate::resolve::Page, body: &crate::markdown::Rendered) -> bool {
    page.src
        .front
        .toc
        .unwrap_or_else(|| body.headings.iter().filter(|h| h.level == 2).count() >= CONTENTS_FROM)
}

/// The series box, made only when the page is rendered: its titles and links are its
/// parts' cards', so their hashes (and the part shown) stand for it.
fn series_value<'a>(cx: &Shared, id: PageId) -> Value<'a> {
    let Some((series, part)) = cx.site.series_of(id) else {
        return Value::Null;
    };
    let mut f = crate::fingerprint::Fingerprint::default();
    f.u64(part as u64)
        .u64(series.total as u64)
        .str(&series.title)
        .str(&series.url);
    for &p in &series.parts {
        f.u64(cx.card_fp(p));
    }
    let nav = |cx: &Shared, id: PageId| tera::Value::from_serializable(&series_nav(cx.site, id));
    Value::Derived(nav, id, f.finish())
}

/// What a page is made from beyond the cards it shows: its series' parts, the files and
/// templates its body used, and the pages it links to.
pub(super) fn deps(cx: &Shared, id: PageId, deps: &mut Deps) {
    let site = cx.site;
    let body = &cx.bodies.pages[id];
    if let Some((series, _)) = site.series_of(id) {
        for &part in &series.parts {
            deps.files.insert(site.pages[part].source().display.clone());
        }
    }
    deps.templates
        .extend(body.records.templates.iter().cloned());
    deps.files.extend(body.records.files.iter().cloned());
    for linked in body.links_to.iter().filter_map(|rel| site.page_id(rel)) {
        deps.files
            .insert(site.pages[linked].source().display.clone());
    }
}

/// What `<head>` says of a page: its title, description and URLs, all from its card, so
/// the card's hash stands for them and they are made only when the page is rendered.
fn head<'a>(inputs: &mut Inputs<'a>, cx: &Shared<'a>, id: PageId) {
    let card = cx.card_fp(id);
    inputs.set("meta_title", Value::Derived(page_title, id, card));
    inputs.set(
        "meta_description",
        Value::Derived(page_description, id, card),
    );
    inputs.set("canonical", Value::Derived(page_permalink, id, card));
    inputs.set(
        "current_url",
        Value::Str(cx.site.pages[id].url.as_str().into()),
    );
    inputs.set("people", Value::Derived(page_people, id, card));
    inputs.set("share_image", Value::Derived(page_share_image, id, card));
}

fn page_people(cx: &Shared, id: PageId) -> tera::Value {
    tera::Value::from_serializable(&cards::people(cx.site, id))
}

fn page_share_image(cx: &Shared, id: PageId) -> tera::Value {
    tera::Value::from_serializable(&cards::share_image(cx.site, id))
}

fn page_title(cx: &Shared, id: PageId) -> tera::Value {
    let config = &cx.site.config;
    tera::Value::from(meta_title(
        &cx.site.pages[id].src.front.title,
        &config.title,
    ))
}

fn page_description(cx: &Shared, id: PageId) -> tera::Value {
    let summary = cx.summary(id);
    tera::Value::from(meta_description(&summary, &cx.site.config.description))
}

fn page_permalink(cx: &Shared, id: PageId) -> tera::Value {
    tera::Value::from(cx.site.config.absolute(&cx.site.pages[id].url))
}

/// The series box of a page in a series: its parts, and the previous and next ones.
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
struct SeriesPart {
    part: u32,
    title: String,
    url: String,
    current: bool,
}

fn series_nav(site: &Site, id: PageId) -> Option<SeriesNav> {
    let (series, part) = site.series_of(id)?;
    let parts: Vec<SeriesPart> = series
        .parts
        .iter()
        .map(|&p| SeriesPart {
            part: site.pages[p].series.map(|s| s.1).unwrap_or(0),
            title: site.pages[p].title().to_string(),
            url: site.pages[p].url.clone(),
            current: p == id,
        })
        .collect();
    let index = series.parts.iter().position(|&p| p == id).unwrap_or(0);
    let link = |p: Option<&PageId>| {
        p.map(|&p| LinkCtx {
            name: site.pages[p].title().to_string(),
            url: site.pages[p].url.clone(),
        })
    };
    Some(SeriesNav {
        title: series.title.clone(),
        url: series.url.clone(),
        part,
        total: series.total,
        prev: link(index.checked_sub(1).and_then(|i| series.parts.get(i))),
        next: link(series.parts.get(index + 1)),
        parts,
    })
}
