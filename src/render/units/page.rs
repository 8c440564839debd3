//! A publication's or plain page's own page (`/briefs/<slug>/`).

use super::Unit;
use crate::render::cards::LinkCtx;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.pages.len())
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

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, id) = (cx.site, self.0);
        let page = &site.pages[id];
        let body = &*cx.bodies.pages[id];
        let front = &page.src.front;
        // What the card says, made without the whole card (its hash stands for it below).
        let summary = crate::summary::summary(
            front.summary.as_deref(),
            body.first_paragraph.as_deref(),
        );
        // A kind's own template when the theme has one (`brief.html`), else `page.html`.
        let kind_template = format!("{}.html", page.kind.name());
        let template = if cx.theme.has_template(&kind_template) {
            kind_template
        } else {
            "page.html".to_string()
        };
        let mut inputs = Inputs::html_page(cx, template, &front.title, &summary, &page.url)
            .with("page", Value::Card(id))
            .with("content", Value::Html(body))
            .with("headings", Value::Headings(body))
            .with("endnote_count", Value::Int(body.endnote_count as i64))
            .with("series", Value::data(&series_nav(site, id)))
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
        if let Some((series, _)) = site.series_of(id) {
            for &part in &series.parts {
                inputs.file(&site.pages[part].source().display);
            }
        }
        inputs
            .templates
            .extend(body.records.templates.iter().cloned());
        inputs.files.extend(body.records.files.iter().cloned());
        for linked in body.links_to.iter().filter_map(|rel| site.page_id(rel)) {
            inputs.file(&site.pages[linked].source().display);
        }
        inputs
    }
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
