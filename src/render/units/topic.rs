//! One topic's page (`/topics/<slug>/`): its publications, newest first.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::{self, pages_of, pagination, slice};
use crate::render::shared::Shared;
use crate::resolve::Site;
use serde::Serialize;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let page_size = site.config.page_size;
    site.topics
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            let total = pages_of(t.pages.len(), page_size);
            (1..=total).map(move |n| Box::new(TopicUnit(i, n, total)) as Box<dyn Unit>)
        })
        .collect()
}

/// Page `n` of `total` of a topic's page.
struct TopicUnit(usize, usize, usize);

/// A topic as its page shows it.
#[derive(Serialize)]
struct TopicCtx {
    name: String,
    url: String,
    /// How many publications the topic has, on every page.
    count: usize,
    /// None for a topic of drafts alone, which has no feed.
    feed_url: Option<String>,
}

impl Unit for TopicUnit {
    fn path(&self, cx: &Shared) -> String {
        let urls = cx.site.urls();
        urls.listing_page(&urls.topic(&cx.site.topics[self.0].slug), self.1)
            .output
    }

    fn owner(&self, cx: &Shared) -> String {
        let name = &cx.site.topics[self.0].name;
        match self.1 {
            1 => format!("the page of topic `{name}`"),
            n => format!("page {n} of the page of topic `{name}`"),
        }
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, number, total) = (cx.site, self.1, self.2);
        let topic = &site.topics[self.0];
        let urls = site.urls();
        let first = urls.topic(&topic.slug);
        let context = TopicCtx {
            name: topic.name.clone(),
            url: topic.url.clone(),
            count: topic.pages.len(),
            feed_url: topic.feed.then(|| urls.topic_feed(&topic.slug).url),
        };
        let title = pagination::title(&format!("Topic: {}", topic.name), number, total);
        let url = urls.listing_page(&first, number).url;
        let shown = slice(&topic.pages, number, site.config.page_size);
        let trail = crate::render::breadcrumbs::trail(
            site,
            ("Topics", &urls.topics().url),
            (&topic.name, &topic.url),
        );
        Inputs::html_page(cx, "topic.html", &title, "", &url)
            .with("topic", Value::data(&context))
            .with("breadcrumbs", Value::data(&trail))
            .with("pages", Value::Cards(shown.to_vec()))
            .with(
                "pagination",
                Value::data_or_none(pagination(urls, &first, number, total).as_ref()),
            )
    }
}
