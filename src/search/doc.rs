//! One document of the index: its terms with their weights and positions, and its record
//! (what a result shows), computed once per version of the page and kept by `serve` and
//! `watch` between builds. Nothing here depends on the other documents or on the document's
//! number, so an edit to one page analyses that page alone.

use super::tokens::{self, StemCache};
use super::varint;
use crate::markdown::Rendered;
use crate::markdown::text::{BlockKind, PageText};
use crate::resolve::Site;
use serde::Serialize;
use std::sync::Arc;

/// Field weights: a match in a heading outranks one in the body. Whole numbers, so a term's
/// weighted frequency is a small integer the browser scores. The title and the tags (topics,
/// authors, district, region) are not only weights but flags beside the frequency (see
/// [`DocIndex::terms`]): BM25 saturates a frequency, so a title match folded into it would
/// barely outrank a body that repeats the word; the browser adds a separate boost for each.
pub const SUBTITLE: u32 = 5;
pub const HEADING: u32 = 4;
pub const TAGS: u32 = 3;
pub const SUMMARY: u32 = 3;
pub const BODY: u32 = 1;

/// Where each field's positions start (title, subtitle, tags, summary, body), at least
/// [`FIELD_GAP`] after the previous field ends, so a phrase never spans two fields and an
/// edited title does not move the positions of the body. The browser reads positions below
/// the subtitle's start as the title's.
pub const FIELD_STARTS: [u32; 5] = [0, 256, 512, 1024, 2048];
const FIELD_GAP: u32 = 16;

/// Flags in a posting's value, below the weighted frequency.
pub const IN_TITLE: u32 = 1;
pub const IN_TAGS: u32 = 2;
pub const FLAG_BITS: u32 = 2;

/// A position that is not one: a heading's extra weight, whose position is in the body.
const NO_POSITION: u32 = u32::MAX;

/// The characters of text kept in a record's head.
const RECORD_HEAD: usize = 1200;

#[derive(Debug)]
pub struct DocIndex {
    /// What the document was made from: equal fingerprints, equal documents.
    pub fingerprint: u64,
    /// (term id, posting value, end of the term's positions in `positions`), in term id
    /// order; a term's positions start where the previous term's end. The posting value is
    /// the weighted frequency outside the title, shifted left by [`FLAG_BITS`], with
    /// [`IN_TITLE`] and [`IN_TAGS`] set where those fields have the term.
    pub terms: Vec<(u32, u32, u32)>,
    /// Each term's positions as the index stores them: a count, then the deltas.
    pub positions: Vec<u8>,
    /// Tokens in the body, for BM25's length normalisation.
    pub body_len: u32,
    /// The record, in two parts read with one Range request each, neither compressed: the
    /// head (title, URL, kind, date, summary, headings, the kinds of blocks, the start of the
    /// text) as JSON, and the tail: the page's text from `cut` on.
    /// The text is the rendered body's, moved here rather than copied where this document
    /// holds the body's last reference.
    pub head: Vec<u8>,
    pub text: String,
    pub cut: usize,
    /// What a result shows where the host cannot answer Range requests: title, URL, kind,
    /// date and summary, as a JSON array.
    pub card: Box<str>,
}

impl DocIndex {
    /// The record's tail: the text after its head.
    pub fn tail(&self) -> &[u8] {
        &self.text.as_bytes()[self.cut..]
    }

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
pub fn doc_fingerprint(site: &Site, body: &Rendered, id: usize) -> u64 {
    let page = &site.pages[id];
    let mut f = crate::fingerprint::Fingerprint::default();
    f.str(&page.url)
        .str(page.kind.name())
        .u64(page.source().hash)
        .u64(body.html_hash);
    f.finish()
}

/// Analyses page `id`: its terms, and its record.
pub fn analyze(
    site: &Site,
    body: Arc<Rendered>,
    id: usize,
    fingerprint: u64,
    stems: &mut StemCache,
) -> DocIndex {
    let page = &site.pages[id];
    let front = &page.src.front;
    let text = &body.text;
    let summary = crate::summary::summary(front.summary.as_deref(), body.summary_text.as_deref());

    // Every occurrence, flat: (term id, position, weight); grouped by sorting, not hashing.
    let mut occurrences: Vec<(u32, u32, u32)> = Vec::with_capacity(2048);
    let tags = tags(site, page);
    let fields: [(&[&str], u32); 5] = [
        (&[front.title.as_str()], 0),
        (&[front.subtitle.as_deref().unwrap_or("")], SUBTITLE),
        (&tags, TAGS),
        (&[summary.as_str()], SUMMARY),
        (&[text.text.as_str()], BODY),
    ];
    let (mut position, mut body_len) = (0, 0);
    // Positions below these are the title's, then the tags'.
    let (mut title_end, mut tags_range) = (0, 0..0);
    for (k, (parts, weight)) in fields.into_iter().enumerate() {
        let start = match k {
            0 => 0,
            _ => FIELD_STARTS[k].max(position + FIELD_GAP),
        };
        position = start;
        for (i, part) in parts.iter().enumerate() {
            // Tags are apart from each other, so a phrase never runs from one to the next.
            let at = if i == 0 {
                position
            } else {
                position + FIELD_GAP
            };
            position = tokens::terms(part, at, stems, |t, p| occurrences.push((t, p, weight)));
        }
        match k {
            0 => title_end = position,
            2 => tags_range = start..position,
            4 => body_len = position - start,
            _ => {}
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
        let (mut weight, mut flags) = (0, 0);
        group.clear();
        while i < occurrences.len() && occurrences[i].0 == term {
            let (_, p, w) = occurrences[i];
            weight += w;
            if p < title_end {
                flags |= IN_TITLE;
            } else if tags_range.contains(&p) {
                flags |= IN_TAGS;
            }
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
        terms.push((term, (weight << FLAG_BITS) | flags, positions.len() as u32));
    }

    // Kept for the whole build (and between builds, in serve): no spare capacity.
    terms.shrink_to_fit();
    positions.shrink_to_fit();
    let (head, cut, card) = record(site, id, text, &summary);
    let text = match Arc::try_unwrap(body) {
        Ok(body) => body.text.text,
        Err(shared) => shared.text.text.clone(),
    };
    DocIndex {
        fingerprint,
        terms,
        positions,
        body_len,
        head,
        text,
        cut,
        card,
    }
}

/// What a page is tagged with: its topics, authors, district and region.
fn tags<'a>(site: &'a Site, page: &'a crate::resolve::Page) -> Vec<&'a str> {
    let front = &page.src.front;
    let topics = page.topics.iter().map(|&t| site.topics[t].name.as_str());
    let authors = front.authors.iter().map(String::as_str);
    let places = front
        .district
        .iter()
        .chain(&front.region)
        .map(String::as_str);
    topics.chain(authors).chain(places).collect()
}

/// A document's record, as the browser reads it.
#[derive(Serialize)]
struct Record<'a> {
    /// Title.
    t: &'a str,
    /// URL.
    u: &'a str,
    /// Kind label.
    k: &'static str,
    /// Date, as displayed.
    d: Option<String>,
    /// Summary.
    s: &'a str,
    /// The start of the body text.
    x: &'a str,
    /// Whether the text goes on, in the record's tail.
    more: bool,
    /// Headings: (offset in the text, id).
    h: Vec<(usize, &'a str)>,
    /// The blocks that are not running text: (start, end, `d` for data or `c` for code),
    /// so that an excerpt can prefer sentences to table cells and code.
    b: Vec<(usize, usize, char)>,
}

/// The record's head and where its tail starts in the text (most matches show in the head,
/// so most results fetch only that), and the card. Offsets are in UTF-16 code units, as JavaScript strings count them.
fn record(site: &Site, id: usize, text: &PageText, summary: &str) -> (Vec<u8>, usize, Box<str>) {
    let page = &site.pages[id];
    let front = &page.src.front;
    let cut = head_end(&text.text);
    let offsets = Utf16Offsets::new(&text.text);
    let record = Record {
        t: &front.title,
        u: &page.url,
        k: page.kind.label(),
        d: front.date.map(|d| d.strftime("%B %-d, %Y").to_string()),
        s: summary,
        x: &text.text[..cut],
        more: cut < text.text.len(),
        h: (text.headings.iter())
            .map(|h| (offsets.at(h.offset), h.id.as_str()))
            .collect(),
        b: other_blocks(text, &offsets),
    };
    // Neither part is compressed. A tail is the page's text as it is: compressing every
    // page's text was a third of the index's cost. A head is small, and libdeflate's set-up
    // for each call (it clears its tables) made compressing 10,000 of them cost more than
    // the JSON itself (~300 ms of CPU): ten heads are ~20 KB as they are.
    let head = serde_json::to_vec(&record).expect("a record serializes");
    let card = serde_json::to_string(&(record.t, record.u, record.k, &record.d, record.s))
        .expect("a card serializes");
    (head, cut, card.into())
}

/// The data and code blocks of a page's text, with UTF-16 offsets; neighbouring blocks of
/// one kind (a table's cells) as one.
fn other_blocks(text: &PageText, offsets: &Utf16Offsets) -> Vec<(usize, usize, char)> {
    let ends = (text.blocks.iter().skip(1).map(|b| b.start)).chain([text.text.len()]);
    let mut merged: Vec<(usize, usize, char)> = Vec::new();
    for (block, end) in text.blocks.iter().zip(ends) {
        let kind = match block.kind {
            BlockKind::Data => 'd',
            BlockKind::Code => 'c',
            BlockKind::Prose | BlockKind::Heading => continue,
        };
        match merged.last_mut() {
            Some(last) if last.1 == block.start && last.2 == kind => last.1 = end,
            _ => merged.push((block.start, end, kind)),
        }
    }
    (merged.into_iter())
        .map(|(start, end, kind)| (offsets.at(start), offsets.at(end), kind))
        .collect()
}

/// Byte offsets of a text as UTF-16 offsets, in one pass for ASCII text.
struct Utf16Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// The last offset asked for, in bytes and in UTF-16 units: offsets are asked for in
    /// order, so each is counted on from the last, and the text is read once, not once each.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> Utf16Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Utf16Offsets {
            text,
            ascii: text.is_ascii(),
            last: Default::default(),
        }
    }

    fn at(&self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        let (mut from, mut units) = self.last.get();
        if byte < from {
            (from, units) = (0, 0);
        }
        units += self.text[from..byte].encode_utf16().count();
        self.last.set((byte, units));
        units
    }
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
