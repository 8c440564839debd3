//! One series' page (`/series/<slug>/`): its parts in order.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;
use serde::Serialize;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.series.len())
        .map(|i| Box::new(SeriesUnit(i)) as Box<dyn Unit>)
        .collect()
}

struct SeriesUnit(usize);

#[derive(Serialize)]
struct SeriesCtx<'a> {
    title: &'a str,
    url: &'a str,
    total: u32,
}

impl Unit for SeriesUnit {
    fn path(&self, cx: &Shared) -> String {
        cx.site.series[self.0].output.clone()
    }

    fn owner(&self, cx: &Shared) -> String {
        format!("the page of series `{}`", cx.site.series[self.0].title)
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let series = &cx.site.series[self.0];
        let context = SeriesCtx {
            title: &series.title,
            url: &series.url,
            total: series.total,
        };
        let site = cx.site;
        let trail = crate::render::breadcrumbs::trail(
            site,
            ("Series", &site.urls().series_list().url),
            (&series.title, &series.url),
        );
        Inputs::html_page(cx, "series.html", &series.title, "", &series.url)
            .with("series", Value::data(&context))
            .with("breadcrumbs", Value::data(&trail))
            .with("pages", Value::Cards(series.parts.clone()))
    }
}
