//! The list of series (`/series/`), each with its parts.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::{self, pages_of, pagination, slice};
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let total = pages_of(site.series.len(), site.config.page_size);
    (1..=total)
        .map(|n| Box::new(SeriesList(n, total)) as Box<dyn Unit>)
        .collect()
}

/// Page `n` of `total` of the list of series.
struct SeriesList(usize, usize);

/// Series with their parts' cards, as templates list them.
pub fn series_list<'a>(series: &[crate::resolve::Series]) -> Value<'a> {
    Value::List(
        series
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
        let urls = cx.site.urls();
        urls.listing_page(&urls.series_list(), self.0).output
    }

    fn owner(&self, _: &Shared) -> String {
        match self.0 {
            1 => "the list of series".into(),
            n => format!("page {n} of the list of series"),
        }
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, number, total) = (cx.site, self.0, self.1);
        let urls = site.urls();
        let first = urls.series_list();
        let url = urls.listing_page(&first, number).url;
        let title = pagination::title("Series", number, total);
        let shown = slice(&site.series, number, site.config.page_size);
        Inputs::html_page(
            cx,
            "series_list.html",
            &title,
            "Publications that appear in parts",
            &url,
        )
        .with("series", series_list(shown))
        .with(
            "pagination",
            Value::data_or_none(pagination(urls, &first, number, total).as_ref()),
        )
    }
}
