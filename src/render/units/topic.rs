//! One topic's page (`/topics/<slug>/`): its publications, newest first.

use super::Unit;
use crate::render::cards::LinkCtx;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.topics.len())
        .map(|i| Box::new(TopicUnit(i)) as Box<dyn Unit>)
        .collect()
}

struct TopicUnit(usize);

impl Unit for TopicUnit {
    fn path(&self, cx: &Shared) -> String {
        cx.site.topics[self.0].output.clone()
    }

    fn owner(&self, cx: &Shared) -> String {
        format!("the page of topic `{}`", cx.site.topics[self.0].name)
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let topic = &cx.site.topics[self.0];
        let link = LinkCtx {
            name: topic.name.clone(),
            url: topic.url.clone(),
        };
        Inputs::html_page(
            cx,
            "topic.html",
            &format!("Topic: {}", topic.name),
            "",
            &topic.url,
        )
        .with("topic", Value::data(&link))
        .with("pages", Value::Cards(topic.pages.clone()))
    }
}
