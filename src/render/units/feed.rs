//! The site's Atom feed (`/atom.xml`): the 20 newest dated publications, whole.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::{Page, PageId, Site};

/// How many entries the feed has.
const ENTRIES: usize = 20;

/// A feed's inputs: the newest [`ENTRIES`] of `pages` (those [`Page::in_feeds`]), whole,
/// under `title`, at `feed_url`, for the page at `alternate` (absolute URLs).
pub fn feed_inputs<'a>(
    cx: &Shared<'a>,
    mut pages: Vec<PageId>,
    title: String,
    feed_url: String,
    alternate: String,
) -> Inputs<'a> {
    let site = cx.site;
    pages.retain(|&id| site.pages[id].in_feeds());
    pages.sort_by(|&a, &b| Page::newest_first(&site.pages[a], &site.pages[b]));
    pages.truncate(ENTRIES);
    let updated = pages
        .iter()
        .filter_map(|&id| {
            let f = &site.pages[id].src.front;
            f.updated.or(f.date)
        })
        .max()
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let entries = pages
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
        .with("feed_title", Value::Str(title.into()))
        .with("feed_url", Value::Str(feed_url.into()))
        .with("alternate_url", Value::Str(alternate.into()))
        .with("home_url", Value::data(&site.config.base_url))
        .with("updated", Value::data(&updated))
        .with("entries", Value::List(entries))
}

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
        let dated: Vec<PageId> = (0..site.pages.len())
            .filter(|&id| site.pages[id].src.front.date.is_some())
            .collect();
        let home = site.config.base_url.clone();
        let feed = site.config.absolute(&site.urls().feed().url);
        feed_inputs(cx, dated, site.config.title.clone(), feed, home)
    }
}
