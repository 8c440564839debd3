//! The sitemap (`/sitemap.xml`): every page's absolute URL, with its last change.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::pages_of;
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
    let page_size = site.config.page_size;
    let mut listing = |first: &crate::urls::Address, entries: usize| {
        for n in 1..=pages_of(entries, page_size) {
            add(&addresses.listing_page(first, n).url, None);
        }
    };
    // Drafts (in a `--drafts` build) are for review, not for search engines: neither they
    // nor a listing of drafts alone are listed.
    let published =
        |pages: &[crate::resolve::PageId]| pages.iter().any(|&id| !site.pages[id].src.front.draft);
    listing(&addresses.home(), 0);
    for s in site.sections.iter().filter(|s| published(&s.pages)) {
        listing(&addresses.section(s.kind), s.pages.len());
    }
    listing(&addresses.topics(), 0);
    for t in site.topics.iter().filter(|t| published(&t.pages)) {
        listing(&addresses.topic(&t.slug), t.pages.len());
    }
    listing(&addresses.series_list(), site.series.len());
    if !site.authors.is_empty() {
        add(&addresses.authors().url, None);
    }
    // A profile's own page is among the pages; its further pages are listed here.
    for a in &site.authors {
        let first = addresses.author(&site.pages[a.page].slug);
        for n in 2..=pages_of(a.pages.len(), page_size) {
            add(&addresses.listing_page(&first, n).url, None);
        }
    }
    for page in site.pages.iter().filter(|p| !p.src.front.draft) {
        add(&page.url, page.src.front.updated.or(page.src.front.date));
    }
    add(&addresses.data_index().url, None);
    add(&addresses.search().url, None);
    for s in site.series.iter().filter(|s| published(&s.parts)) {
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
                .u64(front.updated.or(front.date).map_or(0, date_number))
                .u64(front.draft as u64);
        }
        // Addresses, and how many entries their listings have (which gives their pages).
        for s in &site.sections {
            f.str(&s.url).u64(s.pages.len() as u64);
        }
        for t in &site.topics {
            f.str(&t.url).u64(t.pages.len() as u64);
        }
        for a in &site.authors {
            f.str(&site.pages[a.page].url).u64(a.pages.len() as u64);
        }
        f.u64(site.series.len() as u64);
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
