//! Each data table's CSV download (`/data/<id>.csv`, RFC 4180).

use super::Unit;
use crate::render::inputs::Inputs;
use crate::render::shared::Shared;
use crate::resolve::Site;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    site.tables
        .keys()
        .map(|id| Box::new(Csv(id.clone())) as Box<dyn Unit>)
        .collect()
}

struct Csv(String);

impl Unit for Csv {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().csv(&self.0).output
    }

    fn owner(&self, _: &Shared) -> String {
        format!("the CSV of data table `{}`", self.0)
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        Inputs::csv(&cx.site.tables[&self.0])
    }
}
