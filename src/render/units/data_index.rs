//! The list of data tables (`/data/`): each with its source, CSV link and the pages using it.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::{Shared, table_ctx};
use crate::resolve::Site;

pub fn units(_: &Site) -> Vec<Box<dyn Unit>> {
    vec![Box::new(DataIndex)]
}

struct DataIndex;

impl Unit for DataIndex {
    fn path(&self, cx: &Shared) -> String {
        cx.site.urls().data_index().output
    }

    fn owner(&self, _: &Shared) -> String {
        "the list of data tables".into()
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let urls = site.urls();
        let tables = site
            .tables
            .values()
            .map(|t| {
                let users = cx.table_users.get(&t.id).cloned().unwrap_or_default();
                Value::Map(vec![
                    ("table", Value::data(&table_ctx(t, urls.csv(&t.id).url))),
                    ("used_by", Value::Cards(users)),
                ])
            })
            .collect();
        let mut inputs = Inputs::html_page(
            cx,
            "data.html",
            "Data",
            "The data behind every CenterView figure, to download as CSV",
            &urls.data_index().url,
        )
        .with("tables", Value::List(tables));
        for table in site.tables.values() {
            inputs.file(&table.file);
        }
        inputs
    }
}
