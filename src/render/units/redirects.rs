//! `/_redirects`: every alias as `old new 301`, for hosts that read it (Netlify, Cloudflare
//! Pages), so that old addresses answer with a real redirect there.

use super::Unit;
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(Redirects)]
}

struct Redirects;

impl Unit for Redirects {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().redirects().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the list of redirects".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let mut lines: Vec<String> = site
            .aliases
            .iter()
            .map(|a| format!("{} {} 301\n", a.url, site.pages[a.page].url))
            .collect();
        lines.sort();
        let mut inputs = Inputs::text(lines.concat());
        for alias in &site.aliases {
            inputs.file(&site.pages[alias.page].source().display);
        }
        inputs
    }
}
