//! A section's listing (`/briefs/`): its intro, and its pages newest first (case studies also
//! grouped by region).

use super::Unit;
use crate::front_matter::Kind;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;
use std::collections::BTreeMap;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    site.sections
        .iter()
        .map(|s| Box::new(SectionUnit(s.kind)) as Box<dyn Unit>)
        .collect()
}

struct SectionUnit(Kind);

#[derive(Serialize)]
struct SectionCtx<'a> {
    title: &'a str,
    kind: &'static str,
    kind_label: &'static str,
    url: &'a str,
}

impl Unit for SectionUnit {
    fn path(&self, cx: &Shared) -> String {
        cx.site
            .section(self.0)
            .map(|s| s.output.clone())
            .unwrap_or_default()
    }

    fn owner(&self, _: &Shared) -> String {
        format!("the {} listing", self.0.nav_title())
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, kind) = (cx.site, self.0);
        let section = site.section(kind).expect("section exists");
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
        let mut inputs =
            Inputs::html_page(cx, "section.html", kind.section_title(), "", &section.url)
                .with("section", Value::data(&context))
                .with(
                    "intro",
                    Value::html_or_none(cx.bodies.section_intros.get(&kind)),
                )
                .with("pages", Value::Cards(section.pages.clone()))
                .with("groups", by_region(site, &section.pages));
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
