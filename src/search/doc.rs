//! One document of the index: its terms with their weights and positions, and its record
//! (what a result shows), computed once per version of the page and kept by `serve` and
//! `watch` between builds. Nothing here depends on the other documents or on the document's
//! number, so an edit to one page analyses that page alone.

use super::tokens::{self, StemCache};
use super::{gzip, varint};
use crate::markdown::text::PageText;
use crate::render::Bodies;
use crate::resolve::Site;
use serde::Serialize;

/// Field weights: a match in a heading outranks one in the body. Whole numbers, so a term's
/// weighted frequency is a small integer the browser scores. The title is not a weight but a
/// flag beside the frequency (see [`DocIndex::terms`]): BM25 saturates a frequency, so a
/// title match folded into it would barely outrank a body that repeats the word; the browser
/// adds a separate boost for it instead.
pub const SUBTITLE: u32 = 5;
pub const HEADING: u32 = 4;
pub const SUMMARY: u32 = 3;
pub const BODY: u32 = 1;

/// Where each field's positions start (title, subtitle, summary, body), at least
/// [`FIELD_GAP`] after the previous field ends, so a phrase never spans two fields and an
/// edited title does not move the positions of the body.
const FIELD_STARTS: [u32; 4] = [0, 256, 512, 1024];
const FIELD_GAP: u32 = 16;

/// A position that is not one: a heading's extra weight, whose position is in the body.
const NO_POSITION: u32 = u32::MAX;

/// The characters of text kept in a record's head.
const RECORD_HEAD: usize = 1500;

#[derive(Debug)]
pub struct DocIndex {
    /// What the document was made from: equal fingerprints, equal documents.
    pub fingerprint: u64,
    /// (term id, posting value, end of the term's positions in `positions`), in term id
    /// order; a term's positions start where the previous term's end. The posting value is
    /// the weighted frequency outside the title, times two, plus one if the title has the
    /// term.
    pub terms: Vec<(u32, u32, u32)>,
    /// Each term's positions as the index stores them: a count, then the deltas.
    pub positions: Vec<u8>,
    /// Tokens in the body, for BM25's length normalisation.
    pub body_len: u32,
    /// The record, gzip-compressed in two parts: the head (title, URL, kind, date, summary,
    /// headings, the start of the text) and the tail (the rest of the text).
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
}

impl DocIndex {
    /// The positions of the `k`th term, encoded.
    pub fn positions_of(&self, k: usize) -> &[u8] {
        let start = if k == 0 {
            0
        } else {
            self.terms[k - 1].2 as usize
        };
        &self.positions[start..self.terms[k].2 as usize]
    }
}

/// Everything a document's entry is made from.
pub fn doc_fingerprint(site: &Site, bodies: &Bodies, id: usize) -> u64 {
    let page = &site.pages[id];
    let mut f = crate::fingerprint::Fingerprint::default();
    f.str(&page.url)
        .str(page.kind.name())
        .u64(page.source().hash)
        .u64(bodies.pages[id].html_hash);
    f.finish()
}

/// Analyses page `id`: its terms, and its record.
pub fn analyze(
    site: &Site,
    bodies: &Bodies,
    id: usize,
    fingerprint: u64,
    stems: &mut StemCache,
) -> DocIndex {
    let page = &site.pages[id];
    let front = &page.src.front;
    let text = &bodies.pages[id].text;
    let summary = crate::summary::summary(
        front.summary.as_deref(),
        bodies.pages[id].first_paragraph.as_deref(),
    );

    // Every occurrence, flat: (term id, position, weight); grouped by sorting, not hashing.
    let mut occurrences: Vec<(u32, u32, u32)> = Vec::with_capacity(2048);
    let mut position = 0;
    let fields = [
        (front.title.as_str(), 0),
        (front.subtitle.as_deref().unwrap_or(""), SUBTITLE),
        (summary.as_str(), SUMMARY),
        (text.text.as_str(), BODY),
    ];
    let mut body_len = 0;
    // Positions below this are the title's.
    let mut title_end = 0;
    for (k, (field, weight)) in fields.into_iter().enumerate() {
        let start = if k == 0 {
            0
        } else {
            FIELD_STARTS[k].max(position + FIELD_GAP)
        };
        position = tokens::terms(field, start, stems, |t, p| occurrences.push((t, p, weight)));
        if k == 0 {
            title_end = position;
        }
        if weight == BODY {
            body_len = position - start;
        }
    }
    // Headings count again, with their own weight (their positions are in the body).
    for heading in &text.headings {
        tokens::terms(&heading.text, 0, stems, |t, _| {
            occurrences.push((t, NO_POSITION, HEADING - BODY))
        });
    }
    occurrences.sort_unstable_by_key(|&(t, p, _)| (t, p));

    let mut terms = Vec::with_capacity(512);
    let mut positions = Vec::with_capacity(occurrences.len() * 2);
    let mut group: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < occurrences.len() {
        let term = occurrences[i].0;
        let (mut weight, mut in_title) = (0, false);
        group.clear();
        while i < occurrences.len() && occurrences[i].0 == term {
            let (_, p, w) = occurrences[i];
            weight += w;
            in_title |= p < title_end;
            if p != NO_POSITION {
                group.push(p);
            }
            i += 1;
        }
        varint(&mut positions, group.len() as u64);
        let mut previous = 0;
        for &p in &group {
            varint(&mut positions, (p - previous) as u64);
            previous = p;
        }
        terms.push((
            term,
            weight * 2 + u32::from(in_title),
            positions.len() as u32,
        ));
    }

    // Kept for the whole build (and between builds, in serve): no spare capacity.
    terms.shrink_to_fit();
    positions.shrink_to_fit();
    let (head, tail) = record(site, bodies, id, text);
    DocIndex {
        fingerprint,
        terms,
        positions,
        body_len,
        head,
        tail,
    }
}

/// A document's record, as the browser reads it.
#[derive(Serialize)]
struct Record<'a> {
    /// Title.
    t: String,
    /// URL.
    u: &'a str,
    /// Kind label.
    k: &'static str,
    /// Date, as displayed.
    d: Option<String>,
    /// Summary.
    s: String,
    /// The start of the body text.
    x: &'a str,
    /// Whether the text goes on, in the record's tail.
    more: bool,
    /// Headings: (offset in `x`, id).
    h: Vec<(usize, &'a str)>,
}

/// The record's head and tail, compressed one by one: most matches show in the head, so most
/// results fetch only that.
fn record(site: &Site, bodies: &Bodies, id: usize, text: &PageText) -> (Vec<u8>, Vec<u8>) {
    let page = &site.pages[id];
    let front = &page.src.front;
    let cut = head_end(&text.text);
    let record = Record {
        t: front.title.clone(),
        u: &page.url,
        k: page.kind.label(),
        d: front.date.map(|d| d.strftime("%B %-d, %Y").to_string()),
        s: crate::summary::summary(
            front.summary.as_deref(),
            bodies.pages[id].first_paragraph.as_deref(),
        ),
        x: &text.text[..cut],
        more: cut < text.text.len(),
        // Offsets in UTF-16 code units, as JavaScript strings count them.
        h: text
            .headings
            .iter()
            .map(|h| (utf16_len(&text.text[..h.offset]), h.id.as_str()))
            .collect(),
    };
    // Level 1: on heads of ~2 KB it compresses as well as level 3 (records +0.1%) at
    // a fraction of the cost, over the site's whole text.
    let head = gzip(
        &serde_json::to_vec(&record).expect("a record serializes"),
        1,
    );
    // Tails are fetched less often than heads: compress them fast.
    let tail = gzip(&text.text.as_bytes()[cut..], 1);
    (head, tail)
}

/// Where a record's head ends: at a space or line break after RECORD_HEAD characters.
fn head_end(text: &str) -> usize {
    let Some((at, _)) = text.char_indices().nth(RECORD_HEAD) else {
        return text.len();
    };
    text[at..]
        .find([' ', '\n'])
        .map(|i| at + i)
        .unwrap_or(text.len())
}

fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}
