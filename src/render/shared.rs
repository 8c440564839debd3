//! What every output of a build shares: the site and data contexts every template gets, the
//! pages' cards, which pages feature each case study and use each table, and a fingerprint
//! of all that.

use super::Bodies;
use super::cards::{Card, LinkCtx, card_fingerprint, page_ref};
use crate::data::DataTable;
use crate::fingerprint::{Fingerprint, hash_bytes};
use crate::kind::Kind;
use crate::resolve::{Page, PageId, Site};
use crate::theme::Theme;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// What every output of one build shares (see the module's documentation).
pub struct Shared<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub bodies: &'a Bodies,
    /// The site as every template sees it (`site.title`, `site.nav`…).
    pub site_ctx: tera::Value,
    /// Every data table, for templates (`data["supports-used"].rows`).
    pub data_ctx: tera::Value,
    /// For each case study, the pages that show it, newest first.
    pub featured_in: BTreeMap<PageId, Vec<PageId>>,
    /// For each data table, the pages that use it, newest first.
    pub table_users: BTreeMap<String, Vec<PageId>>,
    /// Each page's related publications (see [`super::related`]), by page id.
    pub related: Vec<Vec<PageId>>,
    /// Each page's card as templates see it, made when a rendered output first needs it
    /// (an incremental build renders few outputs, and most cards are never looked at).
    cards: Vec<Arc<OnceLock<tera::Value>>>,
    /// A hash of each page's card, made when first needed.
    card_fps: Vec<Arc<OnceLock<u64>>>,
    /// Whether outputs' fingerprints are wanted: not when every file is handed to the
    /// output folder as it is rendered and kept for no next build (a one-off build), nor for
    /// a preview. Without them [`Shared::card_fp`] is 0 and no card is hashed.
    pub fingerprints: bool,
    /// Each page's short card (the theme's `card` component at level 3, without summary) as
    /// HTML, rendered once a build: a page is shown among others' related publications up
    /// to three times as often as there are pages. `None`: the component failed (the
    /// template that shows it reports why).
    short_cards: Vec<OnceLock<Option<Arc<str>>>>,
    /// A fingerprint of what every output shares: settings, navigation, data, theme.
    pub site_fp: u64,
    /// The template of each kind's pages: its own (`brief.html`) when the theme has one,
    /// else `page.html`.
    page_templates: BTreeMap<Kind, String>,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    nav: Vec<LinkCtx>,
    /// Plain pages (about, contact...), for the footer.
    pages: Vec<LinkCtx>,
    css: String,
    topics_url: String,
    series_url: String,
    data_url: String,
    feed_url: String,
    search_url: String,
    /// The script that marks the section being read in a page's contents.
    toc_script: String,
    /// The default sharing image.
    image: Option<super::cards::ImageCtx>,
    /// The fonts every page preloads.
    fonts: Vec<String>,
    /// What the institutional footer says.
    footer: FooterCtx<'a>,
}

/// The footer: who publishes the site, its parent organisation, how to reach it, the
/// licence, and the years of its publications (for the copyright line).
#[derive(Serialize)]
struct FooterCtx<'a> {
    publisher: &'a str,
    organization: Option<&'a crate::config::Organization>,
    contact: Option<&'a crate::config::Contact>,
    license: Option<&'a str>,
    license_url: Option<&'a str>,
    /// `2017–2019`, or one year.
    years: Option<String>,
}

fn footer_ctx(site: &Site) -> FooterCtx<'_> {
    let c = &site.config;
    let years = site
        .pages
        .iter()
        .filter_map(|p| p.src.front.date.map(|d| d.year()));
    let (first, last) = years.fold((None, None), |(lo, hi): (Option<i16>, Option<i16>), y| {
        (
            Some(lo.map_or(y, |l| l.min(y))),
            Some(hi.map_or(y, |h| h.max(y))),
        )
    });
    FooterCtx {
        publisher: &c.publisher,
        organization: c.organization.as_ref(),
        contact: c.contact.as_ref(),
        license: c.license.as_deref(),
        license_url: c.license_url.as_deref(),
        years: match (first, last) {
            (Some(a), Some(b)) if a != b => Some(format!("{a}\u{2013}{b}")),
            (Some(a), _) => Some(a.to_string()),
            _ => None,
        },
    }
}

/// The fonts every page needs first (the Latin ranges of the body and heading faces):
/// preloaded, so that text is drawn in them from the start.
const PRELOADED_FONTS: [&str; 2] = [
    "fonts/source-serif-4-latin-wght-normal.woff2",
    "fonts/source-sans-3-latin-wght-normal.woff2",
];

/// What every body and output depends on: the settings and the theme.
pub fn settings_fingerprint(site: &Site, theme: &Theme) -> u64 {
    let mut f = Fingerprint::default();
    let c = &site.config;
    f.str(&c.title)
        .str(&c.description)
        .str(&c.base_url)
        .str(&c.theme)
        .str(&c.language)
        .str(&c.publisher)
        .u64(c.page_size as u64)
        .str(c.image.as_deref().unwrap_or("\u{0}"))
        .str(c.image_alt.as_deref().unwrap_or("\u{0}"))
        .u64(c.max_page_mb.to_bits())
        .str(&format!(
            "{:?}{:?}{:?}{:?}",
            c.organization, c.contact, c.license, c.license_url
        ))
        .u64(theme.generation);
    f.finish()
}

impl<'a> Shared<'a> {
    /// `cards` are the pages' cards when known; otherwise each is made when first needed.
    /// `only`: the one page that will be rendered (a preview), when not all of them.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        bodies: &'a Bodies,
        cards: Option<Vec<Card>>,
        only: Option<PageId>,
    ) -> Shared<'a> {
        let site_ctx = site_ctx(site);
        let (card_fps, cards) = match cards {
            Some(cards) => cards.into_iter().map(|c| (c.fingerprint, c.value)).unzip(),
            None => (0..site.pages.len()).map(|_| Default::default()).unzip(),
        };
        let (featured_in, table_users) = users(site, bodies);
        let profiles: Vec<&crate::terms::Profile> = bodies.pages.iter().map(|b| &b.terms).collect();
        let related = super::related::related_lists(site, &profiles, &featured_in, only);
        let urls = site.urls();
        let data_ctx: BTreeMap<&str, TableCtx> = site
            .tables
            .iter()
            .map(|(id, t)| (id.as_str(), table_ctx(t, urls.csv(id).url)))
            .collect();
        let mut site_fp = Fingerprint::default();
        site_fp
            .u64(hash_bytes(
                &serde_json::to_vec(&site_ctx).expect("site serializes"),
            ))
            .u64(hash_bytes(
                &serde_json::to_vec(&data_ctx).expect("data serializes"),
            ))
            .u64(settings_fingerprint(site, theme));
        let page_templates = Kind::ALL
            .iter()
            .map(|&kind| {
                let own = format!("{}.html", kind.name());
                let name = if theme.has_template(&own) {
                    own
                } else {
                    "page.html".to_string()
                };
                (kind, name)
            })
            .collect();
        Shared {
            page_templates,
            site,
            theme,
            bodies,
            site_ctx: tera::Value::from_serializable(&site_ctx),
            data_ctx: tera::Value::from_serializable(&data_ctx),
            featured_in,
            table_users,
            related,
            cards,
            card_fps,
            fingerprints: true,
            short_cards: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            site_fp: site_fp.finish(),
        }
    }

    /// The template of a page of this kind.
    pub fn page_template(&self, kind: Kind) -> &str {
        self.page_templates
            .get(&kind)
            .map(String::as_str)
            .unwrap_or("page.html")
    }

    /// A page's summary: its front matter's, or else cut from its summary box or first
    /// paragraph (part of its card, so covered by [`Shared::card_fp`]).
    pub fn summary(&self, id: PageId) -> String {
        crate::summary::summary(
            self.site.pages[id].src.front.summary.as_deref(),
            self.bodies.pages[id].summary_text.as_deref(),
        )
    }

    /// A hash of a page's card.
    pub fn card_fp(&self, id: PageId) -> u64 {
        if !self.fingerprints {
            return 0;
        }
        *self.card_fps[id].get_or_init(|| card_fingerprint(self.site, self.bodies, id))
    }

    /// A page's short card as HTML (see `short_cards`).
    pub fn short_card(&self, id: PageId) -> Option<Arc<str>> {
        self.short_cards[id]
            .get_or_init(|| {
                let mut context = tera::Context::new();
                context.insert_value("page", self.card(id));
                context.insert("level", &3);
                context.insert("show_summary", &false);
                self.theme
                    .render_component("card", &context)
                    .ok()
                    .map(Arc::from)
            })
            .clone()
    }

    /// A page's card, as templates see it.
    pub fn card(&self, id: PageId) -> tera::Value {
        self.cards[id]
            .get_or_init(|| tera::Value::from_serializable(&page_ref(self.site, self.bodies, id)))
            .clone()
    }
}

/// The site as every template sees it.
fn site_ctx(site: &Site) -> SiteCtx<'_> {
    let urls = site.urls();
    let mut nav: Vec<LinkCtx> = site
        .sections
        .iter()
        .filter(|s| !s.pages.is_empty())
        .map(|s| LinkCtx {
            name: s.kind.nav_title().to_string(),
            url: s.url.clone(),
        })
        .collect();
    if !site.topics.is_empty() {
        nav.push(LinkCtx {
            name: "Topics".into(),
            url: urls.topics().url,
        });
    }
    let mut pages: Vec<LinkCtx> = site
        .pages
        .iter()
        .filter(|p| p.kind == Kind::Page)
        .map(|p| LinkCtx {
            name: p.title().to_string(),
            url: p.url.clone(),
        })
        .collect();
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    SiteCtx {
        title: &site.config.title,
        description: &site.config.description,
        base_url: &site.config.base_url,
        base_path: site.base_path(),
        language: &site.config.language,
        nav,
        pages,
        css: urls.stylesheet(),
        topics_url: urls.topics().url,
        series_url: urls.series_list().url,
        data_url: urls.data_index().url,
        feed_url: urls.feed().url,
        search_url: urls.search().url,
        toc_script: urls.static_file("js/toc.js"),
        image: match (&site.config.image, &site.config.image_alt) {
            (Some(image), Some(alt)) => Some(super::cards::image_ctx(site, image, alt)),
            _ => None,
        },
        fonts: PRELOADED_FONTS
            .iter()
            .map(|f| urls.static_file(f))
            .collect(),
        footer: footer_ctx(site),
    }
}

/// For each case study, the pages that embed it; for each data table, the pages that show
/// it: newest first.
type Users = (BTreeMap<PageId, Vec<PageId>>, BTreeMap<String, Vec<PageId>>);

fn users(site: &Site, bodies: &Bodies) -> Users {
    let mut featured_in: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
    let mut table_users: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
    for (id, body) in bodies.pages.iter().enumerate() {
        for case in body
            .records
            .case_studies
            .iter()
            .filter_map(|rel| site.page_id(rel))
        {
            let hosts = featured_in.entry(case).or_default();
            if case != id && !hosts.contains(&id) {
                hosts.push(id);
            }
        }
        for table in &body.records.tables {
            table_users.entry(table.clone()).or_default().push(id);
        }
    }
    let newest_first =
        |a: &PageId, b: &PageId| Page::newest_first(&site.pages[*a], &site.pages[*b]);
    for hosts in featured_in.values_mut().chain(table_users.values_mut()) {
        hosts.sort_by(newest_first);
    }
    (featured_in, table_users)
}

/// A data table as templates see it.
#[derive(Serialize)]
pub struct TableCtx<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    n: Option<u64>,
    notes: Option<&'a str>,
    csv_url: String,
    columns: &'a [crate::data::Column],
    /// Each row as the cells read (`27`, `45%`).
    rows: Vec<Vec<String>>,
    chart: Option<&'static str>,
}

pub fn table_ctx(table: &DataTable, csv_url: String) -> TableCtx<'_> {
    TableCtx {
        id: &table.id,
        title: &table.title,
        source: table.source.as_deref(),
        n: table.n,
        notes: table.notes.as_deref(),
        csv_url,
        columns: &table.columns,
        rows: table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, c)| table.display(i, c))
                    .collect()
            })
            .collect(),
        chart: table.chart.as_ref().map(|c| match c.ty {
            crate::data::ChartType::Bar => "bar",
            crate::data::ChartType::Column => "column",
        }),
    }
}
