//! The home page: the intro, the latest publications of each kind, series, topics.

use super::Unit;
use super::series_list::series_list;
use super::topics::topic_list;
use crate::kind::Kind;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;

/// How many series the home page shows (the newest), with a link to the rest.
const HOME_SERIES: usize = 3;

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
            .with("briefs", Value::Cards(latest(Kind::Brief, 4)))
            .with("case_studies", Value::Cards(latest(Kind::CaseStudy, 6)))
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
