//! A redirect page at each old address a page keeps (`aliases`): it refreshes to the page,
//! names it as canonical, and links to it for readers whose browser does not follow.

use super::Unit;
use crate::render::inputs::{Inputs, Value};
use crate::render::shared::Shared;
use crate::resolve::Site;
use crate::yaml::{Step, Target};

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    (0..site.aliases.len())
        .map(|i| Box::new(Redirect(i)) as Box<dyn Unit>)
        .collect()
}

/// The redirect of alias `i` of the site.
struct Redirect(usize);

impl Unit for Redirect {
    fn path(&self, cx: &Shared) -> String {
        cx.site.aliases[self.0].output.clone()
    }

    fn owner(&self, cx: &Shared) -> String {
        let alias = &cx.site.aliases[self.0];
        let page = &cx.site.pages[alias.page];
        format!(
            "the redirect from {} to {}",
            alias.written,
            page.source().display
        )
    }

    fn path_error(&self, cx: &Shared, what: &str) -> Option<crate::diagnostics::Diagnostic> {
        let alias = &cx.site.aliases[self.0];
        let page = &cx.site.pages[alias.page];
        let path = [Step::Key("aliases".into()), Step::Index(alias.index)];
        let error =
            crate::diagnostics::Diagnostic::error(format!("the alias `{}` {what}", alias.written));
        Some(
            error
                .at(page.source(), page.front_span_at(&path, Target::Value))
                .label("this address is taken")
                .help("an alias is an old address that now redirects here: remove it, or give the old address it stands for"),
        )
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let site = cx.site;
        let alias = &site.aliases[self.0];
        let page = &site.pages[alias.page];
        let title = format!("Moved: {}", page.title());
        let description = format!("This page has moved to {}", site.config.absolute(&page.url));
        let mut inputs = Inputs::html_page(cx, "redirect.html", &title, &description, &alias.url)
            .with("target", Value::Card(alias.page));
        // The canonical address is the page's new one.
        inputs.set_canonical(site.config.absolute(&page.url));
        inputs
    }
}
