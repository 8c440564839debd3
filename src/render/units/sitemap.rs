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

impl Unit for Sitemap {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().sitemap().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the sitemap".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let urls = site.urls();
        let mut list: Vec<SitemapUrl> = Vec::new();
        let mut add = |url: &str, lastmod: Option<Date>| {
            list.push(SitemapUrl {
                loc: site.config.absolute(url),
                lastmod: lastmod.map(|d| d.to_string()),
            });
        };
        add(&urls.home().url, None);
        for s in &site.sections {
            add(&s.url, None);
        }
        for page in &site.pages {
            add(&page.url, page.src.front.updated.or(page.src.front.date));
        }
        add(&urls.topics().url, None);
        for t in &site.topics {
            add(&t.url, None);
        }
        add(&urls.series_list().url, None);
        add(&urls.data_index().url, None);
        add(&urls.search().url, None);
        for s in &site.series {
            add(&s.url, None);
        }
        list.sort_by(|a, b| a.loc.cmp(&b.loc));
        let mut inputs = Inputs::template("sitemap.xml").with("urls", Value::data(&list));
        for page in &site.pages {
            inputs.file(&page.source().display);
        }
        inputs
    }
}
