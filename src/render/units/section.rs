//! A section's listing (`/briefs/`): its intro, and its pages newest first. Case studies are
//! grouped by region, in the regions' alphabetical order (those without one last, as "Other
//! regions") and newest first in each, so each region's pages are together across the
//! listing's pages; a region that goes on from the page before says so.

use super::Unit;
use crate::kind::Kind;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::{self, pages_of, pagination, slice};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Section, Site};
use serde::Serialize;
use std::sync::Arc;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let page_size = site.config.page_size;
    site.sections
        .iter()
        .flat_map(|s| {
            let entries: Arc<[PageId]> = listing_order(site, s).into();
            let total = pages_of(entries.len(), page_size);
            (1..=total).map(move |number| {
                Box::new(SectionUnit {
                    kind: s.kind,
                    number,
                    total,
                    entries: entries.clone(),
                }) as Box<dyn Unit>
            })
        })
        .collect()
}

/// Page `number` of `total` of a section's listing, whose entries in order are `entries`.
struct SectionUnit {
    kind: Kind,
    number: usize,
    total: usize,
    entries: Arc<[PageId]>,
}

/// Whether a section's listing groups its pages by region.
fn grouped(kind: Kind) -> bool {
    kind == Kind::CaseStudy
}

/// The order of a section's listing: newest first, or, grouped, by region and then newest
/// first (a stable sort of the newest-first list).
fn listing_order(site: &Site, section: &Section) -> Vec<PageId> {
    let mut order = section.pages.clone();
    if grouped(section.kind) {
        order.sort_by_cached_key(|&id| {
            let region = region_of(site, id);
            (region.is_none(), region.map(str::to_lowercase), region)
        });
    }
    order
}

fn region_of(site: &Site, id: PageId) -> Option<&str> {
    site.pages[id].src.front.region.as_deref()
}

#[derive(Serialize)]
struct SectionCtx<'a> {
    title: &'a str,
    kind: &'static str,
    kind_label: &'static str,
    url: &'a str,
}

impl Unit for SectionUnit {
    fn path(&self, cx: &Shared) -> String {
        let urls = cx.site.urls();
        urls.listing_page(&urls.section(self.kind), self.number)
            .output
    }

    fn owner(&self, _: &Shared) -> String {
        match self.number {
            1 => format!("the {} listing", self.kind.nav_title()),
            n => format!("page {n} of the {} listing", self.kind.nav_title()),
        }
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, kind, number, total) = (cx.site, self.kind, self.number, self.total);
        let section = site.section(kind).expect("section exists");
        let urls = site.urls();
        let first = urls.section(kind);
        let url = urls.listing_page(&first, number).url;
        let page_size = site.config.page_size;
        let shown = slice(&self.entries, number, page_size);
        // The entry just before this page's first: its region says whether this page's
        // first group goes on from the page before.
        let before = (number > 1).then(|| self.entries[(number - 1) * page_size - 1]);
        let title = section
            .intro
            .as_ref()
            .and_then(|i| i.title.clone())
            .unwrap_or_else(|| kind.section_title().to_string());
        let context = SectionCtx {
            title: &title,
            kind: kind.name(),
            kind_label: kind.label(),
            url: &section.url,
        };
        let page_title = pagination::title(kind.section_title(), number, total);
        let intro = match number {
            1 => cx.bodies.section_intros.get(&kind),
            _ => None,
        };
        let mut inputs = Inputs::html_page(cx, "section.html", &page_title, "", &url)
            .with("section", Value::data(&context))
            .with("intro", Value::html_or_none(intro))
            .with("pages", Value::Cards(shown.to_vec()))
            .with(
                "groups",
                match grouped(kind) {
                    true => by_region(site, shown, before),
                    false => Value::List(Vec::new()),
                },
            )
            .with(
                "pagination",
                Value::data_or_none(pagination(urls, &first, number, total).as_ref()),
            );
        if let Some(intro) = &section.intro {
            inputs.file(&intro.source.display);
        }
        if let Some(before) = before.filter(|_| grouped(kind)) {
            inputs.file(&site.pages[before].source().display);
        }
        inputs
    }
}

/// The runs of `pages` (in listing order) that share a region, each marked `continued` when
/// the entry `before` them, on the page before, is of the same region.
fn by_region<'a>(site: &Site, pages: &[PageId], before: Option<PageId>) -> Value<'a> {
    let groups = pages.chunk_by(|&a, &b| region_of(site, a) == region_of(site, b));
    Value::List(
        groups
            .enumerate()
            .map(|(i, ids)| {
                let region = region_of(site, ids[0]);
                let continued = i == 0 && before.is_some_and(|b| region_of(site, b) == region);
                Value::Map(vec![
                    ("region", Value::data(&region)),
                    ("continued", Value::data(&continued)),
                    ("pages", Value::Cards(ids.to_vec())),
                ])
            })
            .collect(),
    )
}
