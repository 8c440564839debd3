//! Where a page is: the trail from the home page through its section (or the topics, the
//! series) to the page itself, shown above its title and given to search engines as a
//! schema.org `BreadcrumbList`.

use crate::resolve::{PageId, Site};
use serde::Serialize;

/// One step of the trail.
#[derive(Serialize)]
pub struct Crumb {
    pub name: String,
    /// Root-relative, like every link on the site.
    pub url: String,
}

/// A page's trail: what the page shows, and its JSON-LD.
#[derive(Serialize)]
pub struct Breadcrumbs {
    pub crumbs: Vec<Crumb>,
    /// The `BreadcrumbList` block, safe to put in a `<script>` element.
    pub json_ld: String,
}

/// The trail Home › `parent` › the page `(name, url)`.
pub fn trail(site: &Site, parent: (&str, &str), page: (&str, &str)) -> Breadcrumbs {
    let crumbs = vec![
        crumb("Home", site.config.base_path()),
        crumb(parent.0, parent.1),
        crumb(page.0, page.1),
    ];
    let json_ld = json_ld(site, &crumbs);
    Breadcrumbs { crumbs, json_ld }
}

/// The trail of a publication in a section (Home › Briefs › its title); plain pages, which
/// are in no section, have none.
pub fn of_page(site: &Site, id: PageId) -> Option<Breadcrumbs> {
    let page = &site.pages[id];
    let section = site.section(page.kind)?;
    let parent = (page.kind.nav_title(), section.url.as_str());
    Some(trail(site, parent, (page.title(), &page.url)))
}

fn crumb(name: &str, url: &str) -> Crumb {
    Crumb {
        name: name.to_string(),
        url: url.to_string(),
    }
}

/// schema.org's `BreadcrumbList`, its items numbered from 1 with absolute URLs.
fn json_ld(site: &Site, crumbs: &[Crumb]) -> String {
    // Written from structs rather than `json!` maps: one string, no map per item, on every
    // page of the site.
    #[derive(Serialize)]
    struct List<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Item<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        position: usize,
        name: &'a str,
        item: String,
    }
    let items = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| Item {
            kind: "ListItem",
            position: i + 1,
            name: &c.name,
            item: site.config.absolute(&c.url),
        })
        .collect();
    let list = List {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items,
    };
    let json = serde_json::to_string(&list).expect("plain data serializes");
    crate::render::citation::script_safe(&json)
}
