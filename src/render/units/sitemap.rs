//! The sitemap (`/sitemap.xml`): every page's absolute URL, with its last change.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;
use jiff::civil::Date;
use serde::Serialize;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(Sitemap)]
}

struct Sitemap;

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// A date as a number, for a fingerprint.
fn date_number(date: Date) -> u64 {
    (date.year() as u64) << 16 | (date.month() as u64) << 8 | date.day() as u64
}

/// Every address of the site, absolute, with its last change, sorted.
fn urls(cx: &Shared, _: usize) -> tera::Value {
    let site = cx.site;
    let addresses = site.urls();
    let mut list: Vec<SitemapUrl> = Vec::new();
    let mut add = |url: &str, lastmod: Option<Date>| {
        list.push(SitemapUrl {
            loc: site.config.absolute(url),
            lastmod: lastmod.map(|d| d.to_string()),
        });
    };
    add(&addresses.home().url, None);
    for s in &site.sections {
        add(&s.url, None);
    }
    for page in &site.pages {
        add(&page.url, page.src.front.updated.or(page.src.front.date));
    }
    add(&addresses.topics().url, None);
    for t in &site.topics {
        add(&t.url, None);
    }
    add(&addresses.series_list().url, None);
    add(&addresses.data_index().url, None);
    add(&addresses.search().url, None);
    for s in &site.series {
        add(&s.url, None);
    }
    list.sort_by(|a, b| a.loc.cmp(&b.loc));
    tera::Value::from_serializable(&list)
}

impl Unit for Sitemap {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().sitemap().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the sitemap".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        // What the list is made of: every address and its last change.
        let mut f = crate::fingerprint::Fingerprint::default();
        for page in &site.pages {
            let front = &page.src.front;
            f.str(&page.url)
                .u64(front.updated.or(front.date).map_or(0, date_number));
        }
        for url in site.sections.iter().map(|s| &s.url) {
            f.str(url);
        }
        for url in site.topics.iter().map(|t| &t.url) {
            f.str(url);
        }
        for url in site.series.iter().map(|s| &s.url) {
            f.str(url);
        }
        let mut inputs =
            Inputs::template("sitemap.xml").with("urls", Value::Derived(urls, 0, f.finish()));
        for page in &site.pages {
            inputs.file(&page.source().display);
        }
        inputs
    }
}
