//! A publication's PDF edition data, from a page of a site loaded with the library: for the
//! PDF tests and the PDF bench (the build fills the same data from its own render).
#![allow(dead_code)]

use centerview::markdown::Rendered;
use centerview::pdf::{Paper, Publication};
use centerview::render::bodies::LoadedSite;
use std::path::{Path, PathBuf};

/// Everything a [`Publication`] borrows, owned.
pub struct PageData {
    pub rendered: Rendered,
    pub title: String,
    pub kind: &'static str,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub summary: String,
    pub topics: Vec<String>,
    pub series: Option<(String, u32, u32)>,
    pub district: Option<String>,
    pub region: Option<String>,
    pub url: String,
    pub doi: Option<String>,
    pub apa: String,
    pub root: PathBuf,
    pub base_path: String,
    pub rel: String,
}

/// The data of the page at `rel` (under `content/`).
pub fn page_data(site: &LoadedSite, rel: &str) -> PageData {
    let (rendered, _) = centerview::render::bodies::render_page_body(site, rel)
        .unwrap_or_else(|| panic!("no page {rel}"));
    let s = &site.site;
    let page = &s.pages[s.page_id(rel).unwrap()];
    let front = &page.src.front;
    let series = page.series.map(|(i, part)| {
        let series = &s.series[i];
        (series.title.clone(), part, series.parts.len() as u32)
    });
    let date = front.date.map(|d| d.strftime("%B %-d, %Y").to_string());
    let title = front.title.clone();
    let apa = format!(
        "{} ({}). {}. {}. {}",
        front.authors.join(", "),
        front
            .date
            .map_or("n.d.".to_string(), |d| d.year().to_string()),
        title,
        s.config.publisher,
        s.config.absolute(&page.url)
    );
    PageData {
        summary: front
            .summary
            .clone()
            .or_else(|| rendered.summary_text.clone())
            .unwrap_or_default(),
        rendered,
        kind: page.kind.label(),
        subtitle: front.subtitle.clone(),
        authors: front.authors.clone(),
        date,
        topics: page
            .topics
            .iter()
            .map(|t| s.topics[*t].name.clone())
            .collect(),
        series,
        district: front.district.clone(),
        region: front.region.clone(),
        url: s.config.absolute(&page.url),
        doi: front.doi.clone(),
        apa,
        root: s.root.clone(),
        base_path: s.config.base_path().to_string(),
        rel: rel.to_string(),
        title,
    }
}

/// The publication of a page's data, with the site's settings.
pub fn publication<'a>(
    site: &'a LoadedSite,
    d: &'a PageData,
    assets: &'a (dyn Fn(&str) -> Option<PathBuf> + Sync),
) -> Publication<'a> {
    let s = &site.site;
    let page = &s.pages[s.page_id(&d.rel).unwrap()];
    Publication {
        kind_label: d.kind,
        title: &d.title,
        short_title: &d.title,
        subtitle: d.subtitle.as_deref(),
        authors: &d.authors,
        date: d.date.as_deref(),
        updated: None,
        series: d.series.as_ref().map(|(t, p, o)| (t.as_str(), *p, *o)),
        district: d.district.as_deref(),
        region: d.region.as_deref(),
        summary: &d.summary,
        topics: &d.topics,
        language: &s.config.language,
        url: &d.url,
        doi: d.doi.as_deref(),
        apa: &d.apa,
        center: &s.config.publisher,
        site_title: &s.config.title,
        license: s.config.license.as_deref(),
        paper: Paper::Letter,
        body_html: &d.rendered.html,
        raw_html: &d.rendered.raw_html,
        assets,
        source: &page.src.source,
        edition: site.theme.pdf_edition(),
    }
}

/// The files of a site's images: `/assets/x.png` → `content/assets/x.png`.
pub fn assets_of(root: &Path, base_path: &str) -> impl Fn(&str) -> Option<PathBuf> + Sync + use<> {
    let content = root.join("content");
    let base = base_path.to_string();
    move |url: &str| {
        let rel = url.strip_prefix(base.as_str())?;
        let path = content.join(rel);
        (!rel.contains("..") && path.is_file()).then_some(path)
    }
}
