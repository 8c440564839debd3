//! Each publication's citation as files for reference managers, beside its page:
//! `cite.bib` (BibTeX) and `cite.ris` (RIS).

use super::Unit;
use crate::render::citation::{bibtex, is_publication, ris};
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use crate::urls::Address;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let mut units: Vec<Box<dyn Unit>> = Vec::new();
    for (id, page) in site.pages.iter().enumerate() {
        if is_publication(page.kind) {
            units.push(Box::new(Cite(id, Format::Bib)));
            units.push(Box::new(Cite(id, Format::Ris)));
        }
    }
    units
}

#[derive(Clone, Copy)]
enum Format {
    Bib,
    Ris,
}

/// A publication's citation in one format.
struct Cite(PageId, Format);

impl Cite {
    fn extension(&self) -> &'static str {
        match self.1 {
            Format::Bib => "bib",
            Format::Ris => "ris",
        }
    }
}

impl Unit for Cite {
    fn path(&self, cx: &Shared) -> String {
        let page = &cx.site.pages[self.0];
        let address = Address {
            url: page.url.clone(),
            output: page.output.clone(),
        };
        cx.site.urls().citation(&address, self.extension()).output
    }

    fn owner(&self, cx: &Shared) -> String {
        let display = &cx.site.pages[self.0].source().display;
        let format = match self.1 {
            Format::Bib => "BibTeX",
            Format::Ris => "RIS",
        };
        format!("the {format} citation of {display}")
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        // Everything a citation says is on the page's card, or in the settings.
        let hash = cx.card_fp(self.0);
        let make = match self.1 {
            Format::Bib => {
                |cx: &Shared, id: usize| bibtex(cx.site, &cx.site.pages[id]).into_bytes()
            }
            Format::Ris => |cx: &Shared, id: usize| {
                ris(cx.site, &cx.site.pages[id], &cx.summary(id)).into_bytes()
            },
        };
        let mut inputs = Inputs::lazy(make, self.0, hash);
        inputs.file(&cx.site.pages[self.0].source().display);
        inputs
    }
}
