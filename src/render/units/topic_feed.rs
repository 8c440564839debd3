//! A feed per topic (`/topics/<slug>/atom.xml`): the topic's 20 newest publications.

use super::Unit;
use super::feed::feed_inputs;
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::Site;

/// A feed for each topic with entries for one (not a topic of drafts alone).
pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.topics.len())
        .filter(|&i| site.topics[i].feed)
        .map(|i| Box::new(TopicFeed(i)) as Box<dyn Unit>)
        .collect()
}

struct TopicFeed(usize);

impl Unit for TopicFeed {
    fn path(&self, cx: &Shared) -> String {
        cx.site
            .urls()
            .topic_feed(&cx.site.topics[self.0].slug)
            .output
    }

    fn owner(&self, cx: &Shared) -> String {
        format!("the feed of topic `{}`", cx.site.topics[self.0].name)
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let topic = &site.topics[self.0];
        let feed = site
            .config
            .absolute(&site.urls().topic_feed(&topic.slug).url);
        let title = format!("{}: {}", site.config.title, topic.name);
        let alternate = site.config.absolute(&topic.url);
        feed_inputs(cx, topic.pages.clone(), title, feed, alternate)
    }
}
