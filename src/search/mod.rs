//! The search index, written at build time and searched in the browser with no server.
//!
//! Like Pagefind, the index is split so that a query fetches only what it needs: a small
//! manifest, the term shards holding its words, a compact table of facets, and the records of
//! the results it shows; never the whole index. Files (all under `output/search/`):
//!
//! * `manifest.bin` — gzip JSON: shard keys (so a word or a prefix maps to its shard), the
//!   stopwords, facet names;
//! * `shard-<n>.bin` — gzip: the postings of one range of terms (document, quantized BM25F
//!   impact);
//! * `pos-<n>.bin` — the token positions of 16 shards, used only by phrase queries, each shard's
//!   a gzip stream after a header of offsets, so a phrase fetches one section with a Range
//!   request;
//! * `facets.bin` — gzip, column by column: kind, year, series and topics of every document;
//! * `docs-<n>.bin` — the records of 512 documents, each in two parts: a head (title, URL,
//!   kind, date, summary, headings, the start of the text) and a tail (the rest of the text),
//!   each gzip-compressed, after a header of offsets, so one part is one Range request.
//!
//! Documents are numbered newest first.
//!
//! Integers are unsigned LEB128 varints unless stated; strings are a varint length and UTF-8.

pub mod text;
pub mod tokens;

use crate::front_matter::smarten;
use crate::render::{Bodies, Deps, Output, OutputData};
use crate::resolve::Site;
use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;
use text::PageText;
use tokens::StemCache;

/// Field weights: a match in the title outranks one in a heading, which outranks the body.
const TITLE: f32 = 10.0;
const SUBTITLE: f32 = 5.0;
const HEADING: f32 = 4.0;
const SUMMARY: f32 = 3.0;
const BODY: f32 = 1.0;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Positions between fields, so a phrase never spans two of them.
const FIELD_GAP: u32 = 16;
/// Documents per `docs-<n>.bin` file.
pub const DOCS_PER_CHUNK: usize = 512;
/// The uncompressed size of a shard's postings: about 20 KB once compressed.
const SHARD_RAW: usize = 32 * 1024;
const MAX_SHARDS: usize = 320;

/// A posting while the index is built: document, weighted term frequency, positions.
type Posting<'a> = (u32, f32, &'a [u32]);

/// Terms are split into this many partitions by hash, so inversion runs on every core.
const PARTITIONS: usize = 64;

/// One document's terms, grouped by partition.
struct DocTerms {
    /// (term, weighted frequency, range of its positions in `positions`).
    terms: Vec<(Arc<str>, f32, std::ops::Range<u32>)>,
    positions: Vec<u32>,
    /// Where each partition's terms start in `terms` (PARTITIONS + 1 offsets).
    partitions: Vec<u32>,
    body_len: u32,
    text: PageText,
}

impl DocTerms {
    fn positions_of(&self, range: &std::ops::Range<u32>) -> &[u32] {
        &self.positions[range.start as usize..range.end as usize]
    }
}

fn partition(term: &str) -> usize {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, term.as_bytes());
    (std::hash::Hasher::finish(&hasher) % PARTITIONS as u64) as usize
}

/// A position that is not one: a heading's extra weight, whose position is in the body.
const NO_POSITION: u32 = u32::MAX;

fn analyze(site: &Site, bodies: &Bodies, id: usize, stems: &mut StemCache) -> DocTerms {
    let page = &site.pages[id];
    let front = &page.src.front;
    let text = text::extract(&bodies.pages[id].html);
    // Every occurrence, flat: (term id, position, weight); grouped by sorting, not hashing.
    let mut occurrences: Vec<(u32, u32, f32)> = Vec::with_capacity(2048);
    let mut position = 0;
    let summary = crate::render::summary(
        front.summary.as_deref(),
        bodies.pages[id].first_paragraph.as_deref(),
    );
    for (field, weight) in [
        (front.title.as_str(), TITLE),
        (front.subtitle.as_deref().unwrap_or(""), SUBTITLE),
        (summary.as_str(), SUMMARY),
    ] {
        position = tokens::terms(field, position, stems, |t, p| {
            occurrences.push((t, p, weight))
        }) + FIELD_GAP;
    }
    let body_start = position;
    position = tokens::terms(&text.text, position, stems, |t, p| {
        occurrences.push((t, p, BODY))
    });
    // Headings count again, with their own weight (their positions are in the body).
    for heading in &text.headings {
        tokens::terms(&heading.text, 0, stems, |t, _| {
            occurrences.push((t, NO_POSITION, HEADING - BODY))
        });
    }
    occurrences.sort_unstable_by_key(|&(t, p, _)| (t, p));

    let mut grouped: Vec<(usize, Arc<str>, f32, std::ops::Range<u32>)> = Vec::with_capacity(512);
    let mut positions: Vec<u32> = Vec::with_capacity(occurrences.len());
    let mut i = 0;
    while i < occurrences.len() {
        let term = occurrences[i].0;
        let start = positions.len() as u32;
        let mut weight = 0.0;
        while i < occurrences.len() && occurrences[i].0 == term {
            weight += occurrences[i].2;
            if occurrences[i].1 != NO_POSITION {
                positions.push(occurrences[i].1);
            }
            i += 1;
        }
        let stem = stems.stem_of(term).clone();
        grouped.push((
            partition(&stem),
            stem,
            weight,
            start..positions.len() as u32,
        ));
    }
    // By partition only: the order of terms within one does not matter, and comparing
    // strings here would cost more than the rest of the grouping.
    grouped.sort_by_key(|g| g.0);
    let mut partitions = vec![0u32; PARTITIONS + 1];
    for (p, ..) in &grouped {
        partitions[p + 1] += 1;
    }
    for i in 0..PARTITIONS {
        partitions[i + 1] += partitions[i];
    }
    DocTerms {
        terms: grouped.into_iter().map(|(_, t, w, r)| (t, w, r)).collect(),
        positions,
        partitions,
        body_len: position - body_start,
        text,
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    /// Changes whenever the index does; files are fetched with `?v=<version>`.
    version: String,
    docs: usize,
    docs_per_chunk: usize,
    /// The smallest key of each shard: a term belongs to the last shard whose key is not
    /// greater than it.
    shards: Vec<String>,
    /// Shards per `pos-<n>.bin` file.
    positions_per_file: usize,
    /// The impact a byte of 255 stands for.
    max_impact: f32,
    stopwords: &'static [&'static str],
    /// (name in URLs, label) of each kind.
    kinds: Vec<(&'static str, &'static str)>,
    topics: Vec<&'a str>,
    series: Vec<String>,
    /// Years in `facets.bin` are offsets from this one.
    first_year: i16,
}

/// What the index is made from: when this is unchanged, so is the index.
pub fn fingerprint(site: &Site, bodies: &Bodies) -> u64 {
    let mut f = crate::render::Fingerprint::default();
    for (page, body) in site.pages.iter().zip(&bodies.pages) {
        f.str(&page.url).u64(page.source().hash).u64(body.html_hash);
    }
    for topic in &site.topics {
        f.str(&topic.name);
    }
    for series in &site.series {
        f.str(&series.title);
    }
    f.finish()
}

/// Shards per positions file.
const POSITIONS_PER_FILE: usize = 16;

/// Builds the search index of every page.
pub fn build(site: &Site, bodies: &Bodies) -> Vec<Output> {
    let profile = std::env::var_os("CENTERVIEW_PROFILE").is_some();
    let mut lap = std::time::Instant::now();
    let mut mark = |what: &str| {
        if profile {
            eprintln!(
                "  search: {what:<10} {:>8.1} ms",
                lap.elapsed().as_secs_f64() * 1000.0
            );
        }
        lap = std::time::Instant::now();
    };

    // Documents are numbered newest first, so browsing with no query is document order, and
    // equal scores fall back to the newer document.
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.src
            .front
            .date
            .cmp(&pa.src.front.date)
            .then_with(|| pa.src.rel.cmp(&pb.src.rel))
    });
    let n = order.len();
    let docs: Vec<DocTerms> = order
        .par_iter()
        .map_init(StemCache::default, |stems, &id| {
            analyze(site, bodies, id, stems)
        })
        .collect();
    mark("analyze");

    // Invert: term → postings, documents ascending; each partition on its own core.
    let partitions: Vec<Vec<(&str, Vec<Posting>)>> = (0..PARTITIONS)
        .into_par_iter()
        .map(|p| {
            let mut inverted: FxHashMap<&str, Vec<Posting>> = FxHashMap::default();
            for (doc, d) in docs.iter().enumerate() {
                let range = d.partitions[p] as usize..d.partitions[p + 1] as usize;
                for (term, weight, positions) in &d.terms[range] {
                    inverted.entry(term.as_ref()).or_default().push((
                        doc as u32,
                        *weight,
                        d.positions_of(positions),
                    ));
                }
            }
            inverted.into_iter().collect()
        })
        .collect();
    let mut terms: Vec<(&str, Vec<Posting>)> = partitions.into_iter().flatten().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    mark("invert");

    // BM25F impacts, then quantized to a byte against the largest.
    let avg_len =
        (docs.iter().map(|d| d.body_len as f64).sum::<f64>() / n.max(1) as f64).max(1.0) as f32;
    let impact = |df: usize, wtf: f32, len: u32| {
        let idf = (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        let norm = 1.0 - B + B * (len as f32 / avg_len);
        idf * wtf * (K1 + 1.0) / (wtf + K1 * norm)
    };
    let max_impact = terms
        .par_iter()
        .map(|(_, postings)| {
            postings
                .iter()
                .map(|&(doc, wtf, _)| impact(postings.len(), wtf, docs[doc as usize].body_len))
                .fold(0.0f32, f32::max)
        })
        .reduce(|| 0.0, f32::max)
        .max(f32::MIN_POSITIVE);

    // Each term's postings (document delta, impact) and positions, serialized.
    let encoded: Vec<(Vec<u8>, Vec<u8>)> = terms
        .par_iter()
        .map(|(_, postings)| {
            let mut p = Vec::with_capacity(postings.len() * 3);
            let mut q = Vec::new();
            varint(&mut p, postings.len() as u64);
            let mut last = 0u32;
            for &(doc, wtf, positions) in postings {
                varint(&mut p, (doc - last) as u64);
                last = doc;
                let value =
                    impact(postings.len(), wtf, docs[doc as usize].body_len) / max_impact * 255.0;
                p.push(value.round().clamp(1.0, 255.0) as u8);
                varint(&mut q, positions.len() as u64);
                let mut previous = 0u32;
                for &position in positions {
                    varint(&mut q, (position - previous) as u64);
                    previous = position;
                }
            }
            (p, q)
        })
        .collect();
    mark("encode");

    // Shards of about SHARD_RAW bytes of postings (about SHARD_TARGET compressed).
    let total: usize = encoded
        .iter()
        .zip(&terms)
        .map(|((p, _), (t, _))| p.len() + t.len() + 2)
        .sum();
    let shard_count = total.div_ceil(SHARD_RAW).clamp(1, MAX_SHARDS);
    let per_shard = total.div_ceil(shard_count);
    let mut starts: Vec<usize> = vec![0];
    let mut size = 0;
    for (i, (p, _)) in encoded.iter().enumerate() {
        if size >= per_shard {
            starts.push(i);
            size = 0;
        }
        size += p.len() + terms[i].0.len() + 2;
    }
    let ranges: Vec<std::ops::Range<usize>> = starts
        .iter()
        .enumerate()
        .map(|(i, &start)| start..starts.get(i + 1).copied().unwrap_or(terms.len()))
        .collect();
    let shards: Vec<(Vec<u8>, Vec<u8>)> = ranges
        .par_iter()
        .map(|range| {
            let mut postings = Vec::new();
            let mut positions = Vec::new();
            varint(&mut postings, range.len() as u64);
            let mut previous: &str = "";
            for i in range.clone() {
                let term = terms[i].0;
                let shared = floor_boundary(
                    term,
                    previous
                        .bytes()
                        .zip(term.bytes())
                        .take_while(|(a, b)| a == b)
                        .count(),
                );
                varint(&mut postings, shared as u64);
                let suffix = &term.as_bytes()[shared..];
                varint(&mut postings, suffix.len() as u64);
                postings.extend_from_slice(suffix);
                postings.extend_from_slice(&encoded[i].0);
                positions.extend_from_slice(&encoded[i].1);
                previous = term;
            }
            // Postings are fetched by every query: compress them well. Positions only by
            // phrase queries: compress them fast.
            (gzip(&postings, 6), gzip(&positions, 1))
        })
        .collect();
    // Shard keys: the shortest prefix of a shard's first term that sorts after the previous
    // shard's last term.
    let keys: Vec<String> = ranges
        .iter()
        .map(|range| {
            let first = terms.get(range.start).map(|t| t.0).unwrap_or("");
            let Some(previous) = range.start.checked_sub(1).map(|i| terms[i].0) else {
                return String::new();
            };
            let mut end = 0;
            for (i, _) in first
                .char_indices()
                .skip(1)
                .chain(std::iter::once((first.len(), ' ')))
            {
                end = i;
                if &first[..end] > previous {
                    break;
                }
            }
            first[..end].to_string()
        })
        .collect();
    mark("shards");

    // Facets, column by column (kinds, years, series, topic counts, topic ids): columns of
    // similar values compress far better than rows.
    let kinds: Vec<crate::front_matter::Kind> = crate::front_matter::Kind::ALL.to_vec();
    let first_year = site
        .pages
        .iter()
        .filter_map(|p| p.src.front.date.map(|d| d.year()))
        .min()
        .unwrap_or(2000);
    let mut facets = Vec::with_capacity(n * 5);
    varint(&mut facets, n as u64);
    let pages: Vec<&crate::resolve::Page> = order.iter().map(|&id| &site.pages[id]).collect();
    facets.extend(
        pages
            .iter()
            .map(|p| kinds.iter().position(|k| *k == p.kind).unwrap_or(0) as u8),
    );
    // 0 for no date, else 1 + years since the first.
    facets.extend(pages.iter().map(|p| {
        p.src
            .front
            .date
            .map(|d| (d.year() - first_year + 1).clamp(1, 255) as u8)
            .unwrap_or(0)
    }));
    for p in &pages {
        varint(
            &mut facets,
            p.series.map(|(s, _)| s as u64 + 1).unwrap_or(0),
        );
    }
    facets.extend(pages.iter().map(|p| p.topics.len().min(255) as u8));
    for p in &pages {
        for &t in p.topics.iter().take(255) {
            varint(&mut facets, t as u64);
        }
    }
    let facets = gzip(&facets, 9);
    mark("facets");

    // Document records: each document's head (title, URL, kind, date, summary, headings, and
    // the first RECORD_HEAD characters of its text) and tail (the rest of the text), compressed
    // one by one. Most matches show in the head, so most results fetch only that.
    let records: Vec<Vec<u8>> = order
        .par_iter()
        .enumerate()
        .flat_map_iter(|(doc, &id)| {
            let page = &site.pages[id];
            let front = &page.src.front;
            let text = &docs[doc].text;
            let cut = head_end(&text.text);
            let record = Record {
                t: smarten(&front.title),
                u: &page.url,
                k: page.kind.label(),
                d: front.date.map(|d| d.strftime("%B %-d, %Y").to_string()),
                s: crate::render::summary(
                    front.summary.as_deref().map(smarten).as_deref(),
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
            // Level 3: most of level 6's saving at half its cost, over the site's whole text.
            let head = gzip(
                &serde_json::to_vec(&record).expect("a record serializes"),
                3,
            );
            // Tails are fetched less often than heads: compress them fast.
            let tail = gzip(&text.text.as_bytes()[cut..], 1);
            [head, tail]
        })
        .collect();
    let chunks: Vec<Vec<u8>> = records
        .chunks(2 * DOCS_PER_CHUNK)
        .map(with_offsets)
        .collect();
    let position_files: Vec<Vec<u8>> = shards
        .chunks(POSITIONS_PER_FILE)
        .map(|group| {
            with_offsets(
                &group
                    .iter()
                    .map(|(_, positions)| positions.clone())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    mark("records");

    // A version that changes with the index, for cache busting.
    let mut hash = rustc_hash::FxHasher::default();
    for (postings, positions) in &shards {
        std::hash::Hasher::write(&mut hash, postings);
        std::hash::Hasher::write(&mut hash, positions);
    }
    std::hash::Hasher::write(&mut hash, &facets);
    for chunk in &chunks {
        std::hash::Hasher::write(&mut hash, chunk);
    }
    let version = std::hash::Hasher::finish(&hash);
    let manifest = Manifest {
        version: format!("{version:016x}"),
        docs: n,
        docs_per_chunk: DOCS_PER_CHUNK,
        shards: keys,
        positions_per_file: POSITIONS_PER_FILE,
        max_impact,
        stopwords: tokens::STOPWORDS,
        kinds: kinds.iter().map(|k| (k.name(), k.label())).collect(),
        topics: site.topics.iter().map(|t| t.name.as_str()).collect(),
        series: site.series.iter().map(|s| smarten(&s.title)).collect(),
        first_year,
    };

    // The index depends on every page: said once, not by naming thousands of files in each of
    // hundreds of outputs.
    let deps = Deps {
        files: [
            crate::render::EVERY_PAGE.to_string(),
            "site.yaml".to_string(),
        ]
        .into(),
        templates: Default::default(),
    };
    let file = |path: String, bytes: Vec<u8>| Output {
        path,
        data: OutputData::Bytes(Arc::new(bytes)),
        deps: deps.clone(),
    };
    let mut outputs = Vec::with_capacity(shards.len() + chunks.len() + position_files.len() + 2);
    outputs.push(file(
        "search/manifest.bin".into(),
        gzip(
            &serde_json::to_vec(&manifest).expect("the manifest serializes"),
            9,
        ),
    ));
    outputs.push(file("search/facets.bin".into(), facets));
    for (i, (postings, _)) in shards.into_iter().enumerate() {
        outputs.push(file(format!("search/shard-{i}.bin"), postings));
    }
    for (i, positions) in position_files.into_iter().enumerate() {
        outputs.push(file(format!("search/pos-{i}.bin"), positions));
    }
    for (i, chunk) in chunks.into_iter().enumerate() {
        outputs.push(file(format!("search/docs-{i}.bin"), chunk));
    }
    outputs
}

/// Blobs behind a header: u32 count, then count + 1 u32 offsets from the file's start (all
/// little-endian), so one blob is one Range request.
fn with_offsets(blobs: &[Vec<u8>]) -> Vec<u8> {
    let header_len = 4 + 4 * (blobs.len() + 1);
    let mut out = Vec::with_capacity(header_len + blobs.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&(blobs.len() as u32).to_le_bytes());
    let mut offset = header_len as u32;
    for blob in blobs {
        out.extend_from_slice(&offset.to_le_bytes());
        offset += blob.len() as u32;
    }
    out.extend_from_slice(&offset.to_le_bytes());
    for blob in blobs {
        out.extend_from_slice(blob);
    }
    out
}

/// The characters of text kept in a record's head.
const RECORD_HEAD: usize = 1500;

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

fn varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::new(level),
    );
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 16384] {
            varint(&mut out, v);
        }
        assert_eq!(out, [0, 1, 127, 0x80, 1, 0xac, 2, 0x80, 0x80, 1]);
    }
}
