//! The list of topics (`/topics/`), with how many publications each has.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;
use serde::Serialize;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(Topics)]
}

struct Topics;

#[derive(Serialize)]
pub struct TopicCtx<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
}

/// Every topic, as templates list them.
pub fn topic_list(site: &Site) -> Vec<TopicCtx<'_>> {
    site.topics
        .iter()
        .map(|t| TopicCtx {
            name: &t.name,
            url: &t.url,
            count: t.pages.len(),
        })
        .collect()
}

impl Unit for Topics {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().topics().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the list of topics".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let url = site.urls().topics().url;
        let mut inputs = Inputs::html_page(
            cx,
            "topics.html",
            "Topics",
            "Every topic CenterView publications cover",
            &url,
        )
        .with("topics", Value::data(&topic_list(site)));
        for page in site.pages.iter().filter(|p| !p.topics.is_empty()) {
            inputs.file(&page.source().display);
        }
        inputs
    }
}
