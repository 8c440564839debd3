//! The page servers show for an unknown address (`/404.html`).

use super::Unit;
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(NotFound)]
}

struct NotFound;

impl Unit for NotFound {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().not_found().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the not-found page".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let url = cx.site.urls().not_found().url;
        Inputs::html_page(cx, "404.html", "Page not found", "", &url)
    }
}
