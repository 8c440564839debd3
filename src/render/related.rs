//! Related publications: the up to [`SHOWN`] publications each one ends with.
//!
//! An editor's `related` (resolved by [`crate::resolve`]) is shown as it is. Otherwise they
//! are chosen, from every publication of the build that is not a draft, the page itself or
//! another part of its series (the series box lists those), by adding up:
//!
//! - **topics** they share, each counting more the fewer pages have it; a topic of another
//!   part of a page's series counts for the page at [`SERIES_TOPIC`] of its weight (a series
//!   is about all its parts' topics);
//! - **case studies** shown: a case study and a page that shows it, and two pages showing
//!   one case study, count [`CASE_STUDY`] each time;
//! - **text**: each page's [`KEYWORDS`] most distinctive terms (a term counts more the more
//!   often the page has it and the fewer pages have it among their most frequent terms,
//!   `tf-idf`), compared as vectors (cosine), times [`TEXT`].
//!
//! The best [`SHOWN`] are kept; ties go to the newer page, then to the URL first in order.
//! Each page's candidates are found through inverted lists (topic → pages, newest first and
//! at most [`TOPIC_FANOUT`] of them; keyword → pages), never by comparing every pair.

use crate::resolve::{Page, PageId, Site};
use crate::terms::Profile;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// How many related publications a page shows.
pub const SHOWN: usize = crate::front_matter::MOST_RELATED;

/// What a topic of another part of a page's series counts for, beside its own topics'.
const SERIES_TOPIC: f32 = 0.5;
/// What a case study in common (or shown by the other) adds.
const CASE_STUDY: f32 = 2.0;
/// What a perfect likeness of text adds (the cosine of the two pages' keywords, times this).
const TEXT: f32 = 3.0;
/// How many distinctive terms a page is compared by.
const KEYWORDS: usize = 12;
/// How many of a topic's publications, newest first, are candidates through it: all of
/// them on a site of a few hundred, while a topic of thousands (on a site of ten thousand)
/// costs no more than this. Pages that share text or case studies are candidates however
/// old.
const TOPIC_FANOUT: usize = 200;
/// The least score a related publication has: a shared topic has at least `ln 2`, while
/// a few common words in passing stay below it.
const LEAST: f32 = 0.2;

/// Each page's related publications, by page id: its editor's, or chosen (publications
/// only); empty when there are none. With `only` (the preview of one page), the others'
/// are left empty: choosing them for every page would be wasted on one.
pub fn related_lists(
    site: &Site,
    profiles: &[&Profile],
    featured_in: &BTreeMap<PageId, Vec<PageId>>,
    only: Option<PageId>,
) -> Vec<Vec<PageId>> {
    let evidence = Evidence::new(site, profiles, featured_in);
    (0..site.pages.len())
        .into_par_iter()
        .map_init(
            || Scores::new(site.pages.len()),
            |scores, id| match &site.pages[id].related {
                _ if only.is_some_and(|only| only != id) => Vec::new(),
                Some(chosen) => chosen.clone(),
                None if site.pages[id].kind.is_publication() => evidence.choose(site, id, scores),
                None => Vec::new(),
            },
        )
        .collect()
}

/// What relates pages, as inverted lists.
struct Evidence {
    /// Whether each page may be shown as another's related publication.
    candidate: Vec<bool>,
    /// Each page's topics, with what each counts for it (its own 1, its series' others
    /// [`SERIES_TOPIC`]).
    topics: Vec<Vec<(usize, f32)>>,
    /// Each topic's candidates, with what it counts for each, and its rarity (`idf`).
    topic_pages: Vec<(Vec<(PageId, f32)>, f32)>,
    /// Each page's keywords, weighted, of unit length.
    keywords: Vec<Vec<(u32, f32)>>,
    /// Each keyword's candidates, with its weight in each.
    keyword_pages: FxHashMap<u32, Vec<(PageId, f32)>>,
    /// Each page's links through case studies, once per link.
    cases: Vec<Vec<PageId>>,
}

impl Evidence {
    fn new(
        site: &Site,
        profiles: &[&Profile],
        featured_in: &BTreeMap<PageId, Vec<PageId>>,
    ) -> Evidence {
        let candidate: Vec<bool> = site
            .pages
            .iter()
            .map(|p| p.kind.is_publication() && !p.src.front.draft)
            .collect();
        let topics = page_topics(site);
        let mut topic_pages: Vec<(Vec<(PageId, f32)>, f32)> =
            vec![(Vec::new(), 0.0); site.topics.len()];
        for (id, weights) in topics.iter().enumerate().filter(|(id, _)| candidate[*id]) {
            for &(t, w) in weights {
                topic_pages[t].0.push((id, w));
            }
        }
        let publications = candidate.iter().filter(|c| **c).count() as f32;
        for (pages, idf) in &mut topic_pages {
            let own = pages.iter().filter(|(_, w)| *w == 1.0).count().max(1) as f32;
            *idf = (1.0 + publications / own).ln();
            pages.sort_by(|a, b| Page::newest_first(&site.pages[a.0], &site.pages[b.0]));
        }
        let keywords = keywords(site, profiles);
        let mut keyword_pages: FxHashMap<u32, Vec<(PageId, f32)>> = FxHashMap::default();
        for (id, words) in keywords.iter().enumerate().filter(|(id, _)| candidate[*id]) {
            for &(term, w) in words {
                keyword_pages.entry(term).or_default().push((id, w));
            }
        }
        Evidence {
            candidate,
            topics,
            topic_pages,
            keywords,
            keyword_pages,
            cases: case_links(site, featured_in),
        }
    }

    /// The related publications of page `id`, best first.
    fn choose(&self, site: &Site, id: PageId, scores: &mut Scores) -> Vec<PageId> {
        for &(t, weight) in &self.topics[id] {
            let (pages, idf) = &self.topic_pages[t];
            for &(other, w) in pages.iter().take(TOPIC_FANOUT) {
                scores.add(other, idf * weight * w);
            }
        }
        for &(term, weight) in &self.keywords[id] {
            for &(other, w) in self.keyword_pages.get(&term).into_iter().flatten() {
                scores.add(other, TEXT * weight * w);
            }
        }
        for &other in &self.cases[id] {
            scores.add(other, CASE_STUDY);
        }
        let series = site.pages[id].series.map(|(s, _)| s);
        let allowed = |other: PageId| {
            other != id
                && self.candidate[other]
                && (series.is_none() || site.pages[other].series.map(|(s, _)| s) != series)
        };
        let mut best: Vec<(f32, PageId)> = Vec::with_capacity(SHOWN + 1);
        for (other, score) in scores.drain() {
            // Most candidates score below the third best so far: they are passed over first.
            let worst = match best.len() {
                SHOWN => best[SHOWN - 1].0,
                _ => LEAST,
            };
            if score < worst || !allowed(other) {
                continue;
            }
            let at = best.partition_point(|&(s, p)| before(site, (s, p), (score, other)));
            if at < SHOWN {
                best.insert(at, (score, other));
                best.truncate(SHOWN);
            }
        }
        best.into_iter().map(|(_, p)| p).collect()
    }
}

/// Whether `a` ranks before `b`: a higher score, then the newer page, then the URL first in
/// order.
fn before(site: &Site, a: (f32, PageId), b: (f32, PageId)) -> bool {
    let (pa, pb) = (&site.pages[a.1], &site.pages[b.1]);
    b.0.total_cmp(&a.0)
        .then_with(|| pb.src.front.date.cmp(&pa.src.front.date))
        .then_with(|| pa.url.cmp(&pb.url))
        .is_lt()
}

/// Each page's topics with their weights: its own, then its series' other parts' (see
/// [`SERIES_TOPIC`]).
fn page_topics(site: &Site) -> Vec<Vec<(usize, f32)>> {
    site.pages
        .iter()
        .map(|page| {
            let mut weights: Vec<(usize, f32)> = page.topics.iter().map(|&t| (t, 1.0)).collect();
            let parts = page
                .series
                .map_or(&[][..], |(s, _)| &site.series[s].parts[..]);
            for &part in parts {
                for &t in &site.pages[part].topics {
                    if !weights.iter().any(|(own, _)| *own == t) {
                        weights.push((t, SERIES_TOPIC));
                    }
                }
            }
            weights
        })
        .collect()
}

/// Each page's [`KEYWORDS`] most distinctive terms, weighted by `(1 + ln tf) · ln(N / df)`
/// (`df`: among the publications' profiles) and scaled to unit length. A term only one page
/// has relates it to none, so it is not a keyword.
fn keywords(site: &Site, profiles: &[&Profile]) -> Vec<Vec<(u32, f32)>> {
    let publications = || (0..site.pages.len()).filter(|&id| site.pages[id].kind.is_publication());
    let mut df: FxHashMap<u32, u32> = FxHashMap::default();
    for id in publications() {
        for term in profiles[id].0.iter() {
            *df.entry(term.id).or_default() += 1;
        }
    }
    let n = publications().count() as f32;
    let mut out = vec![Vec::new(); site.pages.len()];
    for id in publications() {
        let mut words: Vec<(u32, f32)> = profiles[id]
            .0
            .iter()
            .filter(|t| df[&t.id] >= 2)
            .map(|t| {
                let idf = (n / df[&t.id] as f32).ln();
                (t.id, (1.0 + (t.count as f32).ln()) * idf)
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        words.truncate(KEYWORDS);
        let length = words.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        words.iter_mut().for_each(|(_, w)| *w /= length);
        out[id] = words;
    }
    out
}

/// Each page's links through case studies: the case studies it shows, the pages that show
/// it (a case study), and the other pages that show a case study it shows.
fn case_links(site: &Site, featured_in: &BTreeMap<PageId, Vec<PageId>>) -> Vec<Vec<PageId>> {
    let mut links = vec![Vec::new(); site.pages.len()];
    for (&case, hosts) in featured_in {
        for (i, &host) in hosts.iter().enumerate() {
            links[host].push(case);
            links[case].push(host);
            for &other in &hosts[i + 1..] {
                links[host].push(other);
                links[other].push(host);
            }
        }
    }
    links
}

/// One page's candidates' scores: a score for every page, and the pages given one.
struct Scores {
    score: Vec<f32>,
    touched: Vec<PageId>,
}

impl Scores {
    fn new(pages: usize) -> Scores {
        Scores {
            score: vec![0.0; pages],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, page: PageId, score: f32) {
        if self.score[page] == 0.0 {
            self.touched.push(page);
        }
        self.score[page] += score;
    }

    /// Every page given a score, with it, in the order first given; all are reset.
    fn drain(&mut self) -> impl Iterator<Item = (PageId, f32)> + '_ {
        let score = &mut self.score;
        self.touched
            .drain(..)
            .map(move |p| (p, std::mem::take(&mut score[p])))
    }
}
