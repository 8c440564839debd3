//! The home page: the intro, the latest publications of each kind, series, topics.

use super::Unit;
use super::series_list::series_list;
use super::topics::topic_list;
use crate::kind::Kind;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{Page, PageId, Site};
use serde::Serialize;

/// How many series the home page shows (the newest), with a link to the rest.
const HOME_SERIES: usize = 3;

/// How many cards a row of the home page's grids holds on a wide screen (the stylesheet's
/// `.card-grid`): each grid shows whole rows, so no card is left alone on a row of its own.
const ROW: usize = 3;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(Home)]
}

struct Home;

#[derive(Serialize)]
struct SectionLink<'a> {
    name: &'static str,
    url: &'a str,
    count: usize,
}

impl Unit for Home {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().home().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the home page".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let title = site
            .home_intro
            .as_ref()
            .and_then(|i| i.title.clone())
            .unwrap_or_else(|| site.config.title.clone());
        let latest = |kind: Kind, n: usize| -> Vec<PageId> {
            site.section(kind)
                .map(|s| s.pages.iter().take(n).copied().collect())
                .unwrap_or_default()
        };
        let sections: Vec<SectionLink> = site
            .sections
            .iter()
            .map(|s| SectionLink {
                name: s.kind.nav_title(),
                url: &s.url,
                count: s.pages.len(),
            })
            .collect();
        let url = site.urls().home().url;
        let mut inputs = Inputs::html_page(cx, "home.html", &site.config.title, "", &url)
            .with("title", Value::data(&title))
            .with("intro", Value::html_or_none(cx.bodies.home_intro.as_ref()))
            .with(
                "briefs",
                Value::Cards(full_rows(latest(Kind::Brief, ROW), 1)),
            )
            .with(
                "case_studies",
                Value::Cards(full_rows(latest(Kind::CaseStudy, 2 * ROW), 2)),
            )
            .with("more", Value::Cards(more_publications(site)))
            .with("reports", Value::Cards(latest(Kind::Report, 3)))
            .with("insights", Value::Cards(latest(Kind::Insight, 3)))
            .with("posts", Value::Cards(latest(Kind::Post, 3)))
            .with(
                "series",
                series_list(&site.series[..site.series.len().min(HOME_SERIES)]),
            )
            .with("topics", Value::data(&topic_list(site)))
            .with("sections", Value::data(&sections));
        // The counts of every section and topic depend on every page.
        for page in &site.pages {
            inputs.file(&page.source().display);
        }
        if let Some(intro) = &site.home_intro {
            inputs.file(&intro.source.display);
        }
        inputs
    }
}

/// The first `rows` whole rows of `pages`, or all of them when they do not fill one row.
fn full_rows(mut pages: Vec<PageId>, rows: usize) -> Vec<PageId> {
    let shown = pages.len().min(rows * ROW);
    pages.truncate(match shown < ROW {
        true => shown,
        false => shown - shown % ROW,
    });
    pages
}

/// Reports, CA Insights and blog posts for the home page, newest first: the newest of each
/// kind, then the newest of the rest, in at most two whole rows.
fn more_publications(site: &Site) -> Vec<PageId> {
    let sections: Vec<&[PageId]> = [Kind::Report, Kind::Insight, Kind::Post]
        .into_iter()
        .filter_map(|kind| site.section(kind))
        .map(|s| s.pages.as_slice())
        .collect();
    let newest = |a: &PageId, b: &PageId| Page::newest_first(&site.pages[*a], &site.pages[*b]);
    let mut rest: Vec<PageId> = sections
        .iter()
        .flat_map(|p| p.iter().skip(1))
        .copied()
        .collect();
    rest.sort_by(newest);
    let mut chosen: Vec<PageId> = sections.iter().filter_map(|p| p.first()).copied().collect();
    chosen.extend(rest);
    let mut chosen = full_rows(chosen, 2);
    chosen.sort_by(newest);
    chosen
}
