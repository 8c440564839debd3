//! A section's listing (`/briefs/`): its intro, and its pages newest first (case studies also
//! grouped by region).

use super::Unit;
use crate::kind::Kind;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::{self, pages_of, pagination, slice};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;
use std::collections::BTreeMap;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let page_size = site.config.page_size;
    site.sections
        .iter()
        .flat_map(|s| {
            let total = pages_of(s.pages.len(), page_size);
            (1..=total).map(move |n| Box::new(SectionUnit(s.kind, n, total)) as Box<dyn Unit>)
        })
        .collect()
}

/// Page `n` of `total` of a section's listing.
struct SectionUnit(Kind, usize, usize);

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
        urls.listing_page(&urls.section(self.0), self.1).output
    }

    fn owner(&self, _: &Shared) -> String {
        match self.1 {
            1 => format!("the {} listing", self.0.nav_title()),
            n => format!("page {n} of the {} listing", self.0.nav_title()),
        }
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, kind, number, total) = (cx.site, self.0, self.1, self.2);
        let section = site.section(kind).expect("section exists");
        let urls = site.urls();
        let first = urls.section(kind);
        let url = urls.listing_page(&first, number).url;
        let shown = slice(&section.pages, number, site.config.page_size);
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
            .with("groups", by_region(site, shown))
            .with(
                "pagination",
                Value::data_or_none(pagination(urls, &first, number, total).as_ref()),
            );
        if let Some(intro) = &section.intro {
            inputs.file(&intro.source.display);
        }
        inputs
    }
}

/// Pages grouped by region, those without one last.
fn by_region<'a>(site: &Site, pages: &[PageId]) -> Value<'a> {
    let mut regions: BTreeMap<Option<&str>, Vec<PageId>> = BTreeMap::new();
    for &id in pages {
        regions
            .entry(site.pages[id].src.front.region.as_deref())
            .or_default()
            .push(id);
    }
    let mut groups: Vec<(Option<&str>, Vec<PageId>)> = regions.into_iter().collect();
    groups.sort_by_key(|(region, _)| (region.is_none(), *region));
    Value::List(
        groups
            .into_iter()
            .map(|(region, ids)| {
                Value::Map(vec![
                    ("region", Value::data(&region)),
                    ("pages", Value::Cards(ids)),
                ])
            })
            .collect(),
    )
}
