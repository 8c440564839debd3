//! The search index, written at build time and searched in the browser with no server.
//!
//! Like Pagefind, the index is split so that a query fetches only what it needs: a small
//! manifest, the term shards holding its words, a compact table of facets, and the records of
//! the results it shows; never the whole index. Files (all under `output/search/`):
//!
//! * `index.json` — the manifest: shard boundaries (the first term of each shard, so a word or
//!   a prefix maps to its shard), the stopwords, facet names, and sizes;
//! * `shard-<n>.bin` — for the terms of one range: postings (document, quantized BM25F impact)
//!   then, separately, the token positions used only by phrase queries; the two sections are
//!   gzip streams, and the manifest gives the first one's length so a query can fetch only it
//!   with an HTTP Range request;
//! * `facets.bin` — per document: kind, date, series, topics (gzip);
//! * `docs-<n>.bin` — the records of 256 documents (title, URL, kind, date, summary, body text,
//!   headings), each gzip-compressed on its own, after a header of offsets, so one record is
//!   one Range request.
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
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
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
pub const DOCS_PER_CHUNK: usize = 256;
/// The compressed size a shard aims for.
const SHARD_TARGET: usize = 24 * 1024;
const MAX_SHARDS: usize = 240;

/// A posting while the index is built: document, weighted term frequency, positions.
type Posting<'a> = (u32, f32, &'a [u32]);

/// One document's terms: stem → (weighted frequency, positions).
struct DocTerms {
    terms: Vec<(String, f32, Vec<u32>)>,
    body_len: u32,
    text: PageText,
}

fn analyze(site: &Site, bodies: &Bodies, id: usize, stems: &mut StemCache) -> DocTerms {
    let page = &site.pages[id];
    let front = &page.src.front;
    let text = text::extract(&bodies.pages[id].html);
    let mut map: HashMap<String, (f32, Vec<u32>)> = HashMap::new();
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
            add(&mut map, t, weight, Some(p))
        }) + FIELD_GAP;
    }
    let body_start = position;
    position = tokens::terms(&text.text, position, stems, |t, p| {
        add(&mut map, t, BODY, Some(p))
    });
    // Headings count again, with their own weight (their positions are in the body).
    for heading in &text.headings {
        tokens::terms(&heading.text, 0, stems, |t, _| {
            add(&mut map, t, HEADING - BODY, None)
        });
    }
    let mut terms: Vec<(String, f32, Vec<u32>)> =
        map.into_iter().map(|(t, (w, p))| (t, w, p)).collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    DocTerms {
        terms,
        body_len: position - body_start,
        text,
    }
}

fn add(map: &mut HashMap<String, (f32, Vec<u32>)>, term: &str, weight: f32, position: Option<u32>) {
    let entry = match map.get_mut(term) {
        Some(entry) => entry,
        None => map.entry(term.to_string()).or_default(),
    };
    entry.0 += weight;
    entry.1.extend(position);
}

#[derive(Serialize)]
struct Manifest<'a> {
    /// Changes whenever the index does; files are fetched with `?v=<version>`.
    version: String,
    docs: usize,
    docs_per_chunk: usize,
    /// The first term of each shard.
    shards: Vec<String>,
    /// The byte length of each shard's postings section.
    postings: Vec<usize>,
    /// The byte length of each shard file.
    sizes: Vec<usize>,
    /// The impact a byte of 255 stands for.
    max_impact: f32,
    stopwords: &'static [&'static str],
    kinds: Vec<(&'static str, &'static str)>,
    topics: Vec<&'a str>,
    series: Vec<String>,
}

/// Builds the search index of every page.
pub fn build(site: &Site, bodies: &Bodies) -> Vec<Output> {
    let n = site.pages.len();
    let docs: Vec<DocTerms> = (0..n)
        .into_par_iter()
        .map_init(StemCache::default, |stems, id| {
            analyze(site, bodies, id, stems)
        })
        .collect();

    // Invert: term → postings, in term order, documents ascending.
    let mut inverted: HashMap<&str, Vec<Posting>> = HashMap::new();
    for (doc, d) in docs.iter().enumerate() {
        for (term, weight, positions) in &d.terms {
            inverted.entry(term.as_str()).or_default().push((
                doc as u32,
                *weight,
                positions.as_slice(),
            ));
        }
    }
    let mut terms: Vec<(&str, Vec<Posting>)> = inverted.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));

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

    // Serialize each term's postings and positions.
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

    // Cut shards of about the target size (estimating compression at 2:1).
    let total: usize = encoded.iter().map(|(p, _)| p.len()).sum::<usize>() / 2;
    let shard_count = (total / SHARD_TARGET).clamp(1, MAX_SHARDS);
    let per_shard = total * 2 / shard_count + 1;
    let mut boundaries: Vec<usize> = vec![0];
    let mut size = 0;
    for (i, (p, _)) in encoded.iter().enumerate() {
        if size >= per_shard && boundaries.len() < shard_count {
            boundaries.push(i);
            size = 0;
        }
        size += p.len() + terms[i].0.len() + 2;
    }
    let ranges: Vec<std::ops::Range<usize>> = boundaries
        .iter()
        .enumerate()
        .map(|(i, &start)| start..boundaries.get(i + 1).copied().unwrap_or(terms.len()))
        .collect();
    let shards: Vec<(Vec<u8>, usize)> = ranges
        .par_iter()
        .map(|range| {
            let mut postings = Vec::new();
            let mut positions = Vec::new();
            varint(&mut postings, range.len() as u64);
            let mut previous: &str = "";
            for i in range.clone() {
                let term = terms[i].0;
                let shared = previous
                    .bytes()
                    .zip(term.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let shared = floor_boundary(term, shared);
                varint(&mut postings, shared as u64);
                let suffix = &term.as_bytes()[shared..];
                varint(&mut postings, suffix.len() as u64);
                postings.extend_from_slice(suffix);
                postings.extend_from_slice(&encoded[i].0);
                positions.extend_from_slice(&encoded[i].1);
                previous = term;
            }
            let mut file = gzip(&postings);
            let postings_len = file.len();
            file.extend_from_slice(&gzip(&positions));
            (file, postings_len)
        })
        .collect();

    // Facets: kind, date, series, topics per document.
    let kinds: Vec<crate::front_matter::Kind> = crate::front_matter::Kind::ALL.to_vec();
    let mut facets = Vec::with_capacity(n * 6);
    varint(&mut facets, n as u64);
    for page in &site.pages {
        facets.push(kinds.iter().position(|k| *k == page.kind).unwrap_or(0) as u8);
        let days = page
            .src
            .front
            .date
            .map(|d| {
                d.since(jiff::civil::date(1970, 1, 1))
                    .map(|s| s.get_days())
                    .unwrap_or(0)
                    + 1
            })
            .unwrap_or(0);
        varint(&mut facets, days.max(0) as u64);
        varint(
            &mut facets,
            page.series.map(|(s, _)| s as u64 + 1).unwrap_or(0),
        );
        varint(&mut facets, page.topics.len() as u64);
        for &t in &page.topics {
            varint(&mut facets, t as u64);
        }
    }
    let facets = gzip(&facets);

    // Document records, compressed one by one, grouped in chunks.
    let records: Vec<Vec<u8>> = (0..n)
        .into_par_iter()
        .map(|id| {
            let page = &site.pages[id];
            let front = &page.src.front;
            let record = Record {
                t: smarten(&front.title),
                u: &page.url,
                k: page.kind.label(),
                d: front.date.map(|d| d.strftime("%B %-d, %Y").to_string()),
                s: crate::render::summary(
                    front.summary.as_deref().map(smarten).as_deref(),
                    bodies.pages[id].first_paragraph.as_deref(),
                ),
                x: &docs[id].text.text,
                // Offsets in UTF-16 code units, as JavaScript strings count them.
                h: docs[id]
                    .text
                    .headings
                    .iter()
                    .map(|h| {
                        (
                            docs[id].text.text[..h.offset].encode_utf16().count(),
                            h.id.as_str(),
                        )
                    })
                    .collect(),
            };
            gzip(&serde_json::to_vec(&record).expect("a record serializes"))
        })
        .collect();
    let chunks: Vec<Vec<u8>> = records
        .chunks(DOCS_PER_CHUNK)
        .map(|chunk| {
            let header_len = 4 + 4 * (chunk.len() + 1);
            let mut out =
                Vec::with_capacity(header_len + chunk.iter().map(Vec::len).sum::<usize>());
            out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
            let mut offset = header_len as u32;
            for record in chunk {
                out.extend_from_slice(&offset.to_le_bytes());
                offset += record.len() as u32;
            }
            out.extend_from_slice(&offset.to_le_bytes());
            for record in chunk {
                out.extend_from_slice(record);
            }
            out
        })
        .collect();

    // A version that changes with the index, for cache busting.
    let mut hash = Fnv::default();
    for (file, _) in &shards {
        hash.write(file);
    }
    hash.write(&facets);
    for chunk in &chunks {
        hash.write(chunk);
    }
    let manifest = Manifest {
        version: format!("{:016x}", hash.0),
        docs: n,
        docs_per_chunk: DOCS_PER_CHUNK,
        shards: boundaries
            .iter()
            .map(|&i| terms.get(i).map(|t| t.0.to_string()).unwrap_or_default())
            .collect(),
        postings: shards.iter().map(|(_, p)| *p).collect(),
        sizes: shards.iter().map(|(f, _)| f.len()).collect(),
        max_impact,
        stopwords: tokens::STOPWORDS,
        kinds: kinds.iter().map(|k| (k.name(), k.label())).collect(),
        topics: site.topics.iter().map(|t| t.name.as_str()).collect(),
        series: site.series.iter().map(|s| smarten(&s.title)).collect(),
    };

    let deps = Deps {
        files: site
            .pages
            .iter()
            .map(|p| p.source().display.clone())
            .collect(),
        templates: Default::default(),
    };
    let mut outputs = Vec::with_capacity(shards.len() + chunks.len() + 2);
    outputs.push(Output {
        path: "search/index.json".into(),
        data: OutputData::Bytes(serde_json::to_vec(&manifest).expect("the manifest serializes")),
        deps: deps.clone(),
    });
    outputs.push(Output {
        path: "search/facets.bin".into(),
        data: OutputData::Bytes(facets),
        deps: deps.clone(),
    });
    for (i, (file, _)) in shards.into_iter().enumerate() {
        outputs.push(Output {
            path: format!("search/shard-{i}.bin"),
            data: OutputData::Bytes(file),
            deps: deps.clone(),
        });
    }
    for (i, chunk) in chunks.into_iter().enumerate() {
        outputs.push(Output {
            path: format!("search/docs-{i}.bin"),
            data: OutputData::Bytes(chunk),
            deps: deps.clone(),
        });
    }
    outputs
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
    /// Body text.
    x: &'a str,
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

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::new(6),
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

/// FNV-1a, for a version string that changes with the index's bytes.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf29ce484222325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }
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
