//! The site's Atom feed (`/atom.xml`): the 20 newest dated publications, whole.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{Page, PageId, Site};

/// How many entries the feed has.
const ENTRIES: usize = 20;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(Feed)]
}

struct Feed;

impl Unit for Feed {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().feed().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the feed".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let mut dated: Vec<PageId> = (0..site.pages.len())
            .filter(|&id| site.pages[id].src.front.date.is_some())
            .collect();
        dated.sort_by(|&a, &b| Page::newest_first(&site.pages[a], &site.pages[b]));
        dated.truncate(ENTRIES);
        let updated = dated
            .iter()
            .filter_map(|&id| {
                let f = &site.pages[id].src.front;
                f.updated.or(f.date)
            })
            .max()
            .map(|d| format!("{d}T00:00:00Z"))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let entries = dated
            .iter()
            .map(|&id| {
                Value::Map(vec![
                    ("page", Value::Card(id)),
                    ("content", Value::Text(&cx.bodies.pages[id])),
                ])
            })
            .collect();
        Inputs::template("atom.xml")
            .with("site", Value::Site)
            .with(
                "feed_url",
                Value::data(&site.config.absolute(&site.urls().feed().url)),
            )
            .with("home_url", Value::data(&site.config.base_url))
            .with("updated", Value::data(&updated))
            .with("entries", Value::List(entries))
    }
}
