//! The search page (`/search/`); the index it queries is the search stage's.

use super::Unit;
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(SearchPage)]
}

struct SearchPage;

impl Unit for SearchPage {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().search().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the search page".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let url = cx.site.urls().search().url;
        Inputs::html_page(
            cx,
            "search.html",
            "Search",
            "Search every CenterView publication",
            &url,
        )
    }
}
