//! The list of people with a profile (`/authors/`), by family name, each with their role,
//! affiliation and how many publications they wrote.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    match site.authors.is_empty() {
        true => Vec::new(),
        false => vec![Box::new(Authors)],
    }
}

struct Authors;

impl Unit for Authors {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().authors().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the list of authors".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let url = site.urls().authors().url;
        let description = format!(
            "The people who write {}'s publications",
            site.config.publisher
        );
        // Each profile's card holds its person's role, affiliation and count.
        let people = site.authors.iter().map(|a| a.page).collect();
        Inputs::html_page(cx, "authors.html", "Authors", &description, &url)
            .with("people", Value::Cards(people))
    }
}
