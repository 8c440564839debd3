//! A person's page (`/authors/<slug>/`): the profile (photo, role and affiliation, ORCID
//! record, email) and biography, then everything they wrote, newest first, paginated like a
//! section (`/authors/<slug>/page/2/`). Its first page is the profile's own page.

use super::Unit;
use crate::render::citation::script_safe;
use crate::render::inputs::{Inputs, Value};
use crate::render::pagination::{self, pages_of, pagination, slice};
use crate::render::shared::Shared;
use crate::resolve::{PageId, Site};
use serde::Serialize;

pub fn units(site: &Site) -> Vec<Box<dyn Unit>> {
    let page_size = site.config.page_size;
    (site.authors.iter())
        .flat_map(|a| {
            let total = pages_of(a.pages.len(), page_size);
            (1..=total).map(move |number| {
                Box::new(AuthorUnit {
                    page: a.page,
                    number,
                    total,
                }) as Box<dyn Unit>
            })
        })
        .collect()
}

/// The unit of a profile's own page, or `None` for a page that is not a profile.
pub fn profile_page(site: &Site, id: PageId) -> Option<Box<dyn Unit>> {
    let author = &site.authors[site.author_of_page(id)?];
    let total = pages_of(author.pages.len(), site.config.page_size);
    Some(Box::new(AuthorUnit {
        page: id,
        number: 1,
        total,
    }))
}

/// Page `number` of `total` of the person whose profile is `page`.
pub struct AuthorUnit {
    page: PageId,
    number: usize,
    total: usize,
}

impl AuthorUnit {
    fn author<'s>(&self, site: &'s Site) -> &'s crate::resolve::Author {
        let i = site.author_of_page(self.page).expect("a profile's page");
        &site.authors[i]
    }
}

/// The person as schema.org describes them, for search engines.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersonLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation: Option<Organization<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

fn person_ld(site: &Site, page: PageId) -> String {
    let profile = site.pages[page].src.profile.as_deref().expect("a profile");
    let urls = site.urls();
    let person = PersonLd {
        context: "https://schema.org",
        kind: "Person",
        name: &profile.name,
        url: site.config.absolute(&site.pages[page].url),
        same_as: profile.orcid_url(),
        job_title: profile.role.as_deref(),
        affiliation: (profile.affiliation.as_deref()).map(|name| Organization {
            kind: "Organization",
            name,
        }),
        image: (profile.photo.as_ref()).map(|p| {
            site.config
                .absolute(&urls.static_file(p.trim_start_matches('/')))
        }),
    };
    script_safe(&serde_json::to_string(&person).expect("JSON serializes"))
}

impl Unit for AuthorUnit {
    fn path(&self, cx: &Shared) -> String {
        let site = cx.site;
        let first = site.urls().author(&site.pages[self.page].slug);
        site.urls().listing_page(&first, self.number).output
    }

    fn owner(&self, cx: &Shared) -> String {
        let page = &cx.site.pages[self.page];
        match self.number {
            1 => format!("the profile {}", page.source().display),
            n => format!("page {n} of the profile {}", page.source().display),
        }
    }

    fn path_error(&self, cx: &Shared, what: &str) -> Option<crate::diagnostics::Diagnostic> {
        super::page::PageUnit(self.page).path_error(cx, what)
    }

    fn is_page(&self) -> bool {
        self.number == 1
    }

    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a> {
        let (site, id, number, total) = (cx.site, self.page, self.number, self.total);
        let author = self.author(site);
        let page = &site.pages[id];
        let urls = site.urls();
        let first = urls.author(&page.slug);
        let url = urls.listing_page(&first, number).url;
        let title = pagination::title(page.title(), number, total);
        let summary = cx.summary(id);
        let shown = slice(&author.pages, number, site.config.page_size);
        let body = &*cx.bodies.pages[id];
        let mut inputs = Inputs::html_page(cx, "author.html", &title, &summary, &url)
            .with("page", Value::Card(id))
            .with(
                "content",
                if number == 1 {
                    Value::Html(body)
                } else {
                    Value::Null
                },
            )
            .with("count", Value::Int(author.pages.len() as i64))
            .with("pages", Value::Cards(shown.to_vec()))
            .with("authors_url", Value::Str(urls.authors().url.into()))
            .with(
                "breadcrumbs",
                Value::data(&crate::render::breadcrumbs::trail(
                    site,
                    ("Authors", &urls.authors().url),
                    (page.title(), &first.url),
                )),
            )
            .with("json_ld", Value::Str(person_ld(site, id).into()))
            .with(
                "pagination",
                Value::data_or_none(pagination(urls, &first, number, total).as_ref()),
            );
        if number == 1 {
            inputs.more_deps = Some((super::page::deps, id));
        }
        inputs
    }
}
