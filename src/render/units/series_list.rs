//! The list of series (`/series/`), each with its parts.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(SeriesList)]
}

struct SeriesList;

/// Every series with its parts' cards, as templates list them.
pub fn series_list<'a>(site: &Site) -> Value<'a> {
    Value::List(
        site.series
            .iter()
            .map(|s| {
                Value::Map(vec![
                    ("title", Value::data(&s.title)),
                    ("url", Value::data(&s.url)),
                    ("total", Value::data(&s.total)),
                    ("pages", Value::Cards(s.parts.clone())),
                ])
            })
            .collect(),
    )
}

impl Unit for SeriesList {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().series_list().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the list of series".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let url = cx.site.urls().series_list().url;
        Inputs::html_page(
            cx,
            "series_list.html",
            "Series",
            "Publications that appear in parts",
            &url,
        )
        .with("series", series_list(cx.site))
    }
}
