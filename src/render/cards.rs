//! Cards: what listings, topic and series pages, the feed and "Featured in" show of a page,
//! and the base of the page's own context. A card is made once per version of its page and
//! kept between builds; listings' fingerprints use the hash of each card they show.

use super::Bodies;
use crate::fingerprint::{Fingerprint, hash_bytes};
use crate::resolve::{PageId, Site};
use crate::summary::summary;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// A page's card as cached: a key of what it is made from, and a hash of the card itself and
/// the card as templates see it, each made when first needed (a one-off build hands its
/// files to the output folder without fingerprints, so it never hashes a card).
#[derive(Clone)]
pub struct Card {
    key: u64,
    pub fingerprint: Arc<OnceLock<u64>>,
    pub value: Arc<OnceLock<tera::Value>>,
}

/// Each page's card by page path under `content/`, from the last build.
pub type CardCache = rustc_hash::FxHashMap<String, Card>;

/// What a page's card is made from, cheap to hash: its file, URL and kind, its opening text
/// (a summary when it has none), its topics' and series' names and links, and the settings.
fn card_key(site: &Site, bodies: &Bodies, global: u64, id: PageId) -> u64 {
    let page = &site.pages[id];
    let mut f = Fingerprint::default();
    f.u64(global)
        .u64(page.source().hash)
        .str(&page.url)
        .str(page.kind.name())
        .str(bodies.pages[id].summary_text.as_deref().unwrap_or("\u{0}"));
    for &t in &page.topics {
        f.str(&site.topics[t].name).str(&site.topics[t].url);
    }
    // Its authors' profiles: one added, renamed or given an ORCID iD changes the byline.
    for name in &page.src.front.authors {
        let person = person(site, name);
        f.str(person.url.as_deref().unwrap_or("\u{0}"))
            .str(person.orcid.as_deref().unwrap_or("\u{0}"));
    }
    // A profile's card counts the person's publications.
    if let Some(i) = site.author_of_page(id) {
        f.u64(site.authors[i].pages.len() as u64);
    }
    if let Some((series, part)) = site.series_of(id) {
        f.str(&series.title)
            .str(&series.url)
            .u64(part as u64)
            .u64(series.total as u64);
    }
    f.finish()
}

/// Every page's card: from `cache` where its key is unchanged, else made now. `cache` is
/// left holding this build's cards.
pub fn cards(site: &Site, bodies: &Bodies, global: u64, cache: &mut CardCache) -> Vec<Card> {
    let cards: Vec<Card> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            let key = card_key(site, bodies, global, id);
            if let Some(card) = cache.get(&page.src.rel)
                && card.key == key
            {
                return card.clone();
            }
            Card {
                key,
                fingerprint: Default::default(),
                value: Default::default(),
            }
        })
        .collect();
    *cache = site
        .pages
        .iter()
        .zip(&cards)
        .map(|(p, c)| (p.src.rel.clone(), c.clone()))
        .collect();
    cards
}

/// A hash of a page's card itself, and of what its own page shows beside it
/// ([`PageExtras`]).
pub fn card_fingerprint(site: &Site, bodies: &Bodies, id: PageId) -> u64 {
    let mut json = serde_json::to_vec(&page_ref(site, bodies, id)).expect("a card serializes");
    serde_json::to_writer(&mut json, &PageExtras::of(site, id)).expect("plain data serializes");
    hash_bytes(&json)
}

/// What a page's own page shows of it beyond its card, made only when the page is rendered:
/// a site of 10,000 publications keeps every card in memory while it renders, and these
/// were a quarter of a card's size.
#[derive(Serialize)]
pub struct PageExtras {
    /// The authors, each linked to their profile if they have one.
    pub people: Vec<PersonRef>,
    /// The sharing image: the front matter's, else the generated card, else none.
    pub share_image: Option<ImageCtx>,
}

impl PageExtras {
    pub fn of(site: &Site, id: PageId) -> PageExtras {
        PageExtras {
            people: people(site, id),
            share_image: share_image(site, id),
        }
    }
}

/// A page's sharing image: its front matter's, else its generated card, else none.
pub fn share_image(site: &Site, id: PageId) -> Option<ImageCtx> {
    let page = &site.pages[id];
    let front = &page.src.front;
    (front.image.as_ref())
        .map(|i| image_ctx(site, i, front.image_alt.as_deref().unwrap_or_default()))
        .or_else(|| super::share_cards::card_image(site, page))
}

/// A page's authors, each as [`person`] finds them.
pub fn people(site: &Site, id: PageId) -> Vec<PersonRef> {
    let authors = &site.pages[id].src.front.authors;
    authors.iter().map(|n| person(site, n)).collect()
}

#[derive(Serialize, Clone)]
pub struct DateCtx {
    /// 2017-05-01
    iso: String,
    /// May 1, 2017
    display: String,
    year: i16,
    /// 2017-05-01T00:00:00Z, for feeds.
    rfc3339: String,
}

/// A date as pages show it: "May 1, 2017".
pub fn display_date(date: Date) -> String {
    date.strftime("%B %-d, %Y").to_string()
}

fn date_ctx(date: Date) -> DateCtx {
    DateCtx {
        iso: date.to_string(),
        display: display_date(date),
        year: date.year(),
        rfc3339: format!("{date}T00:00:00Z"),
    }
}

/// A named link, as templates see it.
#[derive(Serialize, Clone)]
pub struct LinkCtx {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
struct SeriesRef {
    title: String,
    url: String,
    part: u32,
    total: u32,
}

/// What listings show of a page; also the base of the page's own context.
#[derive(Serialize, Clone)]
pub struct PageRef<'a> {
    pub title: String,
    subtitle: Option<String>,
    url: &'a str,
    permalink: String,
    kind: &'static str,
    kind_label: &'static str,
    date: Option<DateCtx>,
    updated: Option<DateCtx>,
    pub summary: String,
    authors: &'a [String],
    /// "By A, B and C", or none.
    byline: Option<String>,
    /// The same as HTML, each author with a profile linked to it: written here once a
    /// build rather than by a component in every card that shows it. (The authors one by
    /// one are the page's own `people`, not a card's: see [`PageExtras`].)
    byline_html: Option<String>,
    /// What a profile says of its person (a profile's card only).
    profile: Option<ProfileCtx<'a>>,
    topics: Vec<LinkCtx>,
    series: Option<SeriesRef>,
    district: Option<&'a str>,
    region: Option<&'a str>,
    draft: bool,
    extra: Option<&'a crate::yaml::Value>,
    /// The PDF edition's URL.
    pdf: Option<String>,
    doi: Option<&'a str>,
    /// The front matter's sharing image, with an absolute URL (the generated card is the
    /// page's own `share_image`: see [`PageExtras`]).
    image: Option<ImageCtx>,
    /// Whether it is a publication (cited, with structured data), not a plain page.
    publication: bool,
}

/// An author as a byline shows them: linked to their profile (`url`) when they have one,
/// with the ORCID record that profile names.
#[derive(Serialize, Clone)]
pub struct PersonRef {
    pub name: String,
    pub url: Option<String>,
    /// `https://orcid.org/…`
    pub orcid: Option<String>,
}

/// The author named `name` in a publication's `authors`.
pub fn person(site: &Site, name: &str) -> PersonRef {
    let author = site.author_named(name);
    PersonRef {
        name: name.to_string(),
        url: author.map(|a| site.pages[a.page].url.clone()),
        orcid: author.and_then(|a| a.profile.orcid_url()),
    }
}

/// A profile as its page and the list of people show it.
#[derive(Serialize, Clone)]
struct ProfileCtx<'a> {
    name: &'a str,
    role: Option<&'a str>,
    affiliation: Option<&'a str>,
    photo: Option<ImageCtx>,
    /// The photo's root-relative address, for the page's `<img>`.
    photo_src: Option<String>,
    orcid: Option<&'a str>,
    orcid_url: Option<String>,
    email: Option<&'a str>,
    /// How many publications the person wrote.
    count: usize,
}

fn profile_ctx(site: &Site, id: PageId) -> Option<ProfileCtx<'_>> {
    let profile = site.pages[id].src.profile.as_deref()?;
    let count = (site.author_of_page(id)).map_or(0, |i| site.authors[i].pages.len());
    Some(ProfileCtx {
        name: &profile.name,
        role: profile.role.as_deref(),
        affiliation: profile.affiliation.as_deref(),
        photo: (profile.photo.as_ref())
            .map(|p| image_ctx(site, p, profile.photo_alt.as_deref().unwrap_or_default())),
        photo_src: (profile.photo.as_ref())
            .map(|p| site.urls().static_file(p.trim_start_matches('/'))),
        orcid: profile.orcid.as_deref(),
        orcid_url: profile.orcid_url(),
        email: profile.email.as_deref(),
        count,
    })
}

/// An image as sharing tags name it.
#[derive(Serialize, Clone)]
pub struct ImageCtx {
    pub url: String,
    pub alt: String,
    /// Its size in pixels, where the build knows it (a generated sharing card).
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// The sharing image at `path` (a site-absolute path under `content/assets/`), described by
/// `alt`, with its absolute URL.
pub fn image_ctx(site: &Site, path: &str, alt: &str) -> ImageCtx {
    let url = site.urls().static_file(path.trim_start_matches('/'));
    ImageCtx {
        url: site.config.absolute(&url),
        alt: alt.to_string(),
        width: None,
        height: None,
    }
}

/// A page's card.
pub fn page_ref<'s>(site: &'s Site, bodies: &Bodies, id: PageId) -> PageRef<'s> {
    let page = &site.pages[id];
    let front = &page.src.front;
    let people = people(site, id);
    PageRef {
        title: front.title.clone(),
        subtitle: front.subtitle.clone(),
        url: &page.url,
        permalink: site.config.absolute(&page.url),
        kind: page.kind.name(),
        kind_label: page.kind.label(),
        date: front.date.map(date_ctx),
        updated: front.updated.map(date_ctx),
        summary: summary(
            front.summary.as_deref(),
            bodies.pages[id].summary_text.as_deref(),
        ),
        authors: &front.authors,
        byline: byline(&front.authors),
        byline_html: byline_html(&people),
        profile: profile_ctx(site, id),
        topics: page
            .topics
            .iter()
            .map(|&t| LinkCtx {
                name: site.topics[t].name.clone(),
                url: site.topics[t].url.clone(),
            })
            .collect(),
        series: site.series_of(id).map(|(s, part)| SeriesRef {
            title: s.title.clone(),
            url: s.url.clone(),
            part,
            total: s.total,
        }),
        district: front.district.as_deref(),
        region: front.region.as_deref(),
        draft: front.draft,
        extra: front.extra.as_ref(),
        pdf: front
            .pdf
            .as_ref()
            .map(|p| site.urls().static_file(p.trim_start_matches('/'))),
        doi: front.doi.as_deref(),
        image: front
            .image
            .as_ref()
            .map(|i| image_ctx(site, i, front.image_alt.as_deref().unwrap_or_default())),
        publication: crate::render::citation::is_publication(page.kind),
    }
}

/// "By <a href=…>A</a>, B and C": the names escaped, a profile's linked.
fn byline_html(people: &[PersonRef]) -> Option<String> {
    if people.is_empty() {
        return None;
    }
    let mut html = String::from("By ");
    for (i, person) in people.iter().enumerate() {
        if i > 0 {
            html.push_str(if i + 1 == people.len() { " and " } else { ", " });
        }
        match &person.url {
            Some(url) => {
                html.push_str("<a href=\"");
                let _ = pulldown_cmark_escape::escape_html(&mut html, url);
                html.push_str("\">");
                let _ = pulldown_cmark_escape::escape_html(&mut html, &person.name);
                html.push_str("</a>");
            }
            None => {
                let _ = pulldown_cmark_escape::escape_html(&mut html, &person.name);
            }
        }
    }
    Some(html)
}

fn byline(authors: &[String]) -> Option<String> {
    match authors {
        [] => None,
        [one] => Some(format!("By {one}")),
        [rest @ .., last] => Some(format!("By {} and {last}", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines() {
        assert_eq!(byline(&[]), None);
        assert_eq!(byline(&["A".into()]).unwrap(), "By A");
        assert_eq!(
            byline(&["A".into(), "B".into(), "C".into()]).unwrap(),
            "By A, B and C"
        );
    }
}
