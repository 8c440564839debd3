//! Stage 2, resolve: turn loaded files into a site with URLs and structure.
//!
//! This stage owns [`Site`]: every page's kind, slug and URL; the sections, topics and series;
//! and the lookup from a content path to its page, which the render stage uses to rewrite
//! links. It reports what only the whole site can show: two pages with one URL, two parts of a
//! series with one number.

use crate::config::Config;
use crate::content::{Asset, Content, Intro, SourcePage};
use crate::data::DataTable;
use crate::diagnostics::{Diagnostic, Source};
use crate::front_matter::{slugify, smarten};
use crate::kind::Kind;
use crate::urls::Urls;

mod authors;
mod checks;
pub mod links;
mod related;
use crate::yaml::{Step, Target};
use crate::yaml_doc::YamlDoc;
pub use authors::{Author, near as names_near};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::path::PathBuf;

pub type PageId = usize;

#[derive(Debug)]
pub struct Page {
    pub src: std::sync::Arc<SourcePage>,
    pub kind: Kind,
    pub slug: String,
    /// Root-relative URL, starting with the base path (`/briefs/partnership/`).
    pub url: String,
    /// The file written under the output folder (`briefs/partnership/index.html`).
    pub output: String,
    /// Indexes into [`Site::topics`], in the page's order.
    pub topics: Vec<usize>,
    /// Index into [`Site::series`] and this page's part number.
    pub series: Option<(usize, u32)>,
    /// The related publications its front matter names (`related`), in its order; `None`
    /// when it names none, and they are chosen (see `render::related`).
    pub related: Option<Vec<PageId>>,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.src.front.title
    }

    /// The order of every list of pages (listings, topics, series, the feed, "Featured in",
    /// the search index): newest first; ties fall back to the title, then the path, so the
    /// order is the same on every build.
    pub fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
        b.src
            .front
            .date
            .cmp(&a.src.front.date)
            .then_with(|| a.title().cmp(b.title()))
            .then_with(|| a.src.rel.cmp(&b.src.rel))
    }

    /// Whether the page is an entry of the feeds: dated, and not a draft (which a `--drafts`
    /// build shows for review, not to subscribers).
    pub fn in_feeds(&self) -> bool {
        let front = &self.src.front;
        front.date.is_some() && !front.draft
    }

    /// The key that names the page in its front matter: `title`, or a profile's `name`.
    pub fn title_key(&self) -> &'static str {
        match self.src.profile {
            Some(_) => "name",
            None => "title",
        }
    }

    /// The span of a front matter key (or its value) in the page's file, for diagnostics.
    pub fn front_span(&self, key: &str, target: Target) -> Range<usize> {
        self.front_span_at(&[Step::Key(key.to_string())], target)
    }

    /// The span of the front matter node at `path` in the page's file, for diagnostics.
    pub fn front_span_at(&self, path: &[Step], target: Target) -> Range<usize> {
        YamlDoc::new(&self.src.source, self.src.split.yaml.clone()).span(path, target)
    }

    pub fn source(&self) -> &Source {
        &self.src.source
    }
}

#[derive(Debug)]
pub struct Section {
    pub kind: Kind,
    pub url: String,
    pub output: String,
    pub intro: Option<Intro>,
    /// Newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub struct Topic {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub output: String,
    /// Newest first.
    pub pages: Vec<PageId>,
    /// Whether it has a feed: some of its pages are entries of feeds (a topic of drafts
    /// alone, in a `--drafts` build, has none).
    pub feed: bool,
}

#[derive(Debug)]
pub struct Series {
    pub title: String,
    pub slug: String,
    pub url: String,
    pub output: String,
    /// In part order.
    pub parts: Vec<PageId>,
    /// The number of parts the series has: the highest part number published.
    pub total: u32,
}

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Sorted by name.
    pub topics: Vec<Topic>,
    /// Newest first (by the latest part's date).
    pub series: Vec<Series>,
    pub home_intro: Option<Intro>,
    pub assets: Vec<Asset>,
    /// Data tables by id.
    pub tables: BTreeMap<String, DataTable>,
    /// The ids of every data file, valid or not.
    pub data_files: BTreeSet<String>,
    by_rel: rustc_hash::FxHashMap<String, PageId>,
    asset_rels: HashSet<String>,
    skipped_drafts: HashSet<String>,
    /// Pages held back until their date, by path under `content/`.
    scheduled: rustc_hash::FxHashMap<String, Page>,
    /// Every page's old addresses, which redirect to it.
    pub aliases: Vec<Alias>,
    /// The people with a profile, by family name.
    pub authors: Vec<Author>,
    /// Indexes into `authors`, by the name publications write.
    author_by_name: rustc_hash::FxHashMap<String, usize>,
}

/// An old address of a page, which redirects to it.
#[derive(Debug)]
pub struct Alias {
    /// As the front matter writes it (`/briefs/old-name/`).
    pub written: String,
    pub url: String,
    /// The redirect page's file under the output folder.
    pub output: String,
    pub page: PageId,
    /// Its place in the page's `aliases`.
    pub index: usize,
}

/// Every page's aliases, in page order.
fn aliases(urls: Urls, pages: &[Page]) -> Vec<Alias> {
    let mut out = Vec::new();
    for (id, page) in pages.iter().enumerate() {
        for entry in &page.src.front.aliases {
            let address = urls.alias(&entry.path);
            out.push(Alias {
                written: entry.written.clone(),
                url: address.url,
                output: address.output,
                page: id,
                index: entry.index,
            });
        }
    }
    out
}

/// What a content path (`briefs/x.md`, `assets/fig.png`) refers to.
pub enum LinkTarget<'a> {
    Page(PageId),
    /// An `_index.md`: the home page or a section's listing, by URL.
    Listing(String),
    Asset(&'a str),
    Draft,
    /// A page dated after today, held back until then.
    Scheduled(Date),
    Missing,
}

/// Which pages a build publishes by their date: those dated today or earlier, or every one
/// with `future` (`--future`).
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub today: Date,
    pub future: bool,
}

impl Schedule {
    /// The date a page is held back until, if it is.
    fn holds_back(&self, page: &SourcePage) -> Option<Date> {
        page.front
            .date
            .filter(|date| !self.future && *date > self.today)
    }
}

impl Site {
    pub fn base_path(&self) -> &str {
        self.config.base_path()
    }

    /// The site's addresses (see [`crate::urls`]).
    pub fn urls(&self) -> Urls<'_> {
        Urls::new(self.base_path())
    }

    /// What a normalised path under `content/` is.
    pub fn lookup(&self, rel: &str) -> LinkTarget<'_> {
        if let Some(&id) = self.by_rel.get(rel) {
            LinkTarget::Page(id)
        } else if rel == "_index.md" {
            LinkTarget::Listing(self.home_url().to_string())
        } else if let Some(section) = rel.strip_suffix("/_index.md").and_then(|folder| {
            self.sections
                .iter()
                .find(|s| s.kind.section() == Some(folder))
        }) {
            LinkTarget::Listing(section.url.clone())
        } else if let Some(asset) = self.asset_rels.get(rel) {
            LinkTarget::Asset(asset)
        } else if self.skipped_drafts.contains(rel) {
            LinkTarget::Draft
        } else if let Some(date) = self.scheduled.get(rel).and_then(|p| p.src.front.date) {
            LinkTarget::Scheduled(date)
        } else {
            LinkTarget::Missing
        }
    }

    /// Every page path under `content/`, for did-you-mean suggestions.
    pub fn page_paths(&self) -> impl Iterator<Item = &str> {
        self.by_rel.keys().map(String::as_str)
    }

    /// The page at this path under `content/`.
    pub fn page_id(&self, rel: &str) -> Option<PageId> {
        self.by_rel.get(rel).copied()
    }

    /// How many pages are held back until their date, and the first of those dates.
    pub fn held_back(&self) -> (usize, Option<Date>) {
        let next = self
            .scheduled
            .values()
            .filter_map(|p| p.src.front.date)
            .min();
        (self.scheduled.len(), next)
    }

    /// The date the case study with this slug is held back until, if it is.
    pub fn scheduled_case_study(&self, slug: &str) -> Option<Date> {
        self.scheduled
            .values()
            .find(|p| p.kind == Kind::CaseStudy && p.slug == slug)
            .and_then(|p| p.src.front.date)
    }

    /// The case study with this slug.
    pub fn case_study(&self, slug: &str) -> Option<PageId> {
        self.pages
            .iter()
            .position(|p| p.kind == Kind::CaseStudy && p.slug == slug)
    }

    pub fn section(&self, kind: Kind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// The URL of the home page.
    pub fn home_url(&self) -> &str {
        self.base_path()
    }

    /// The person with a profile of this name, as a publication's `authors` writes it.
    pub fn author_named(&self, name: &str) -> Option<&Author> {
        self.author_by_name.get(name).map(|&i| &self.authors[i])
    }

    /// The index in `authors` of the profile that is page `id`.
    pub fn author_of_page(&self, id: PageId) -> Option<usize> {
        let name = &self.pages[id].src.profile.as_ref()?.name;
        self.author_by_name
            .get(name)
            .copied()
            .filter(|&i| self.authors[i].page == id)
    }

    /// The series a page belongs to, with its position.
    pub fn series_of(&self, id: PageId) -> Option<(&Series, u32)> {
        self.pages[id]
            .series
            .map(|(s, part)| (&self.series[s], part))
    }
}

/// Builds the site structure from loaded content, reporting site-wide problems.
pub fn resolve(
    root: PathBuf,
    config: Config,
    content: Content,
    tables: BTreeMap<String, DataTable>,
    schedule: Schedule,
    diagnostics: &mut Vec<Diagnostic>,
) -> Site {
    let urls = Urls::new(config.base_path());
    let (later, now): (Vec<_>, Vec<_>) = content
        .pages
        .into_iter()
        .partition(|src| schedule.holds_back(src).is_some());
    let mut pages: Vec<Page> = now.into_iter().map(|src| page_from(src, urls)).collect();
    let scheduled = later
        .into_iter()
        .map(|src| (src.rel.clone(), page_from(src, urls)))
        .collect();

    let (sections, home_intro) = sections(urls, &pages, content.intros, diagnostics);
    let topics = topics(urls, &mut pages, diagnostics);
    let unreadable = !content.unreadable.is_empty();
    let series = series(urls, &mut pages, unreadable, diagnostics);
    let page_size = config.page_size;
    let (authors, author_by_name) = authors::authors(&pages, diagnostics);
    authors::check_names(&pages, &authors, &author_by_name, diagnostics);
    let listings = checks::Listings {
        sections: &sections,
        topics: &topics,
        series: &series,
        authors: &authors,
    };
    let generated = checks::generated_addresses(urls, &listings, &pages, page_size);
    checks::check_urls(&generated, &pages, diagnostics);
    let aliases = checks::check_aliases(aliases(urls, &pages), &pages, &generated, diagnostics);
    checks::check_name_lengths(&pages, &topics, &series, &aliases, diagnostics);

    let by_rel = pages
        .iter()
        .enumerate()
        .map(|(id, p)| (p.src.rel.clone(), id))
        .collect();
    let asset_rels = content.assets.iter().map(|a| a.rel.clone()).collect();
    checks::check_files(&pages, &asset_rels, diagnostics);
    let mut site = Site {
        root,
        config,
        pages,
        sections,
        topics,
        series,
        home_intro,
        assets: content.assets,
        tables,
        data_files: content
            .data
            .iter()
            .map(|s| {
                let name = s.display.rsplit('/').next().unwrap_or_default();
                name.trim_end_matches(".yaml")
                    .trim_end_matches(".yml")
                    .to_string()
            })
            .collect(),
        by_rel,
        asset_rels,
        skipped_drafts: content.skipped_drafts.into_iter().collect(),
        scheduled,
        aliases,
        authors,
        author_by_name,
    };
    related::chosen_by_editors(&mut site, diagnostics);
    site
}

/// The sections, each with its intro and its pages newest first; and the home page's intro.
fn sections(
    urls: Urls,
    pages: &[Page],
    intros: Vec<Intro>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Section>, Option<Intro>) {
    let mut sections: Vec<Section> = Kind::SECTIONS
        .iter()
        .map(|&kind| {
            let address = urls.section(kind);
            Section {
                kind,
                url: address.url,
                output: address.output,
                intro: None,
                pages: Vec::new(),
            }
        })
        .collect();
    let mut home_intro = None;
    for intro in intros {
        match intro.folder.as_deref() {
            None => home_intro = Some(intro),
            Some(folder) => match sections
                .iter_mut()
                .find(|s| s.kind.section() == Some(folder))
            {
                Some(section) => section.intro = Some(intro),
                None => diagnostics.push(
                    Diagnostic::warning(format!(
                        "{} is ignored: only the home page and the sections ({}) have an intro",
                        intro.source.display,
                        Kind::SECTIONS
                            .map(|k| k.section().unwrap_or_default())
                            .join(", ")
                    ))
                    .in_file(intro.source.display.clone()),
                ),
            },
        }
    }
    for (id, page) in pages.iter().enumerate() {
        if let Some(section) = sections.iter_mut().find(|s| s.kind == page.kind) {
            section.pages.push(id);
        }
    }
    for section in &mut sections {
        section
            .pages
            .sort_by(|a, b| Page::newest_first(&pages[*a], &pages[*b]));
    }

    (sections, home_intro)
}

/// The topics, sorted by name, each with its pages newest first; pages name them freely, and
/// spellings that slug the same are one topic. Each page learns its topics' indexes.
fn topics(urls: Urls, pages: &mut [Page], diagnostics: &mut Vec<Diagnostic>) -> Vec<Topic> {
    let mut topic_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut topics: Vec<Topic> = Vec::new();
    #[allow(clippy::needless_range_loop)] // `pages[id]` is mutated inside the loop.
    for id in 0..pages.len() {
        let names = pages[id].src.front.topics.clone();
        let mut seen = HashSet::new();
        for name in names {
            let slug = slugify(&name);
            if !seen.insert(slug.clone()) {
                continue;
            }
            let index = *topic_index.entry(slug.clone()).or_insert_with(|| {
                let address = urls.topic(&slug);
                topics.push(Topic {
                    url: address.url,
                    output: address.output,
                    name: name.clone(),
                    slug: slug.clone(),
                    pages: Vec::new(),
                    feed: false,
                });
                topics.len() - 1
            });
            if topics[index].name != name {
                let page = &pages[id];
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "topic `{name}` is spelled `{}` elsewhere; both are listed as `{}`",
                        topics[index].name, topics[index].name
                    ))
                    .at(page.source(), page.front_span("topics", Target::Key))
                    .help("spell each topic the same way on every page"),
                );
            }
            topics[index].pages.push(id);
            pages[id].topics.push(index);
        }
    }
    // Sort topics by name, remapping the pages' indexes.
    let mut order: Vec<usize> = (0..topics.len()).collect();
    order.sort_by(|&a, &b| {
        topics[a]
            .name
            .to_lowercase()
            .cmp(&topics[b].name.to_lowercase())
            .then_with(|| topics[a].slug.cmp(&topics[b].slug))
    });
    let mut new_index = vec![0; topics.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted_topics: Vec<Option<Topic>> = topics.into_iter().map(Some).collect();
    let mut topics: Vec<Topic> = order
        .iter()
        .map(|&i| sorted_topics[i].take().unwrap())
        .collect();
    for page in pages.iter_mut() {
        for t in &mut page.topics {
            *t = new_index[*t];
        }
    }
    for topic in &mut topics {
        topic
            .pages
            .sort_by(|a, b| Page::newest_first(&pages[*a], &pages[*b]));
        topic.feed = topic.pages.iter().any(|&id| pages[id].in_feeds());
    }

    topics
}

/// The series, newest first by their latest part, each with its parts in order; two parts
/// with one number are an error. Each page learns its series and part. A missing part is
/// not reported while a page's front matter is `unreadable`: it may be that page, whose
/// error is reported (the next build checks again).
fn series(
    urls: Urls,
    pages: &mut [Page],
    unreadable: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Series> {
    let mut series_by_slug: BTreeMap<String, (String, Vec<(u32, PageId)>)> = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        let (Some(title), Some(part)) = (&page.src.front.series, page.src.front.part) else {
            continue;
        };
        let slug = slugify(title);
        let entry = series_by_slug
            .entry(slug)
            .or_insert_with(|| (title.clone(), Vec::new()));
        if &entry.0 != title {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "series `{title}` is spelled `{}` in another part",
                    entry.0
                ))
                .at(page.source(), page.front_span("series", Target::Value))
                .help("spell the series title the same way in every part"),
            );
        }
        entry.1.push((part, id));
    }
    let mut series: Vec<Series> = Vec::new();
    for (slug, (title, mut parts)) in series_by_slug {
        parts.sort_by_key(|&(part, id)| (part, pages[id].src.rel.clone()));
        for pair in parts.windows(2) {
            let ((part_a, a), (part_b, b)) = (pair[0], pair[1]);
            if part_a == part_b {
                let page = &pages[b];
                diagnostics.push(
                    Diagnostic::error(format!(
                        "series `{title}` already has a part {part_b}: {}",
                        pages[a].source().display
                    ))
                    .at(page.source(), page.front_span("part", Target::Value))
                    .label("this part number is taken")
                    .help("give each part of a series its own number"),
                );
            }
        }
        let total = parts.last().map(|p| p.0).unwrap_or(0);
        let numbers: HashSet<u32> = parts.iter().map(|p| p.0).collect();
        let missing: Vec<String> = (1..=total)
            .filter(|n| !numbers.contains(n))
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() && !unreadable {
            let (_, last) = *parts.last().expect("a series has parts");
            let page = &pages[last];
            diagnostics.push(
                Diagnostic::warning(format!(
                    "series `{title}` has no part {} (it may be a draft)",
                    missing.join(", ")
                ))
                .at(page.source(), page.front_span("part", Target::Value)),
            );
        }
        let index = series.len();
        for &(part, id) in &parts {
            pages[id].series = Some((index, part));
        }
        let address = urls.series(&slug);
        series.push(Series {
            url: address.url,
            output: address.output,
            // As it is shown (curly quotes, dashes), like page titles.
            title: smarten(&title),
            slug,
            parts: parts.into_iter().map(|(_, id)| id).collect(),
            total,
        });
    }
    // Newest first by latest part, keeping page → series indexes valid.
    let latest = |s: &Series| {
        s.parts
            .iter()
            .filter_map(|&id| pages[id].src.front.date)
            .max()
    };
    let mut order: Vec<usize> = (0..series.len()).collect();
    order.sort_by(|&a, &b| {
        latest(&series[b])
            .cmp(&latest(&series[a]))
            .then_with(|| series[a].title.cmp(&series[b].title))
    });
    let mut new_index = vec![0; series.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut taken: Vec<Option<Series>> = series.into_iter().map(Some).collect();
    let series: Vec<Series> = order.iter().map(|&i| taken[i].take().unwrap()).collect();
    for page in pages.iter_mut() {
        if let Some((s, part)) = page.series {
            page.series = Some((new_index[s], part));
        }
    }

    series
}

fn page_from(src: std::sync::Arc<SourcePage>, urls: Urls) -> Page {
    let default_kind = Kind::of_folder(src.folder.as_deref());
    let kind = src.front.kind.unwrap_or(default_kind);
    let stem = src
        .rel
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".md");
    let is_index = stem == "index" && src.front.slug.is_none();
    let slug = src.front.slug.clone().unwrap_or_else(|| slugify(stem));
    let address = urls.page(kind, src.folder.as_deref(), &slug, is_index);
    Page {
        url: address.url,
        output: address.output,
        src,
        kind,
        slug,
        topics: Vec::new(),
        series: None,
        related: None,
    }
}
