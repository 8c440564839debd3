//! The index's files beyond the shards: the facets, the records, the positions files, the
//! manifest that ties them together, and the list of outputs.

use super::doc::DocIndex;
use super::{
    B, CARDS_PER_FILE, DOCS_PER_CHUNK, File, K1, Keyed, LENGTH_BASE, Made, Manifest,
    POSITIONS_PER_FILE, ShardFiles, TAG_BOOST, TITLE_BOOST, gzip, key, tokens, varint,
    with_offsets,
};
use crate::diagnostics::Diagnostic;
use crate::output::{Deps, Output, OutputData};
use crate::render::Sink;
use crate::resolve::Site;
use rayon::prelude::*;
use std::sync::Arc;

/// The facets, column by column (kinds, years, series, topic counts, topic ids, lengths):
/// columns of similar values compress far better than rows.
pub fn facets(site: &Site, order: &[usize], docs: &[Arc<DocIndex>], made: &Made) -> Keyed {
    let kinds = crate::kind::Kind::ALL;
    let first_year = first_year(site);
    let mut facets = Vec::with_capacity(order.len() * 6);
    varint(&mut facets, order.len() as u64);
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
    facets.extend(docs.iter().map(|d| {
        ((d.body_len as f64 + 1.0).ln() / LENGTH_BASE.ln())
            .round()
            .clamp(0.0, 255.0) as u8
    }));
    let facets_key = key(b"facets", &facets);
    (facets_key, made.reuse(facets_key, &|| gzip(&facets, 9)))
}

/// Years in the facets are counted from the earliest publication's.
fn first_year(site: &Site) -> i16 {
    site.pages
        .iter()
        .filter_map(|p| p.src.front.date.map(|d| d.year()))
        .min()
        .unwrap_or(2000)
}

/// A records file, or only its key where it was handed to a sink.
pub type Records = (u128, Option<File>);

/// The key of a records file: what its documents were made from.
fn records_key(chunk: &[Arc<DocIndex>]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(b"records");
    for d in chunk {
        hasher.update(&d.fingerprint.to_le_bytes());
    }
    hasher.digest128()
}

/// The records of up to [`DOCS_PER_CHUNK`] documents: each document's head and tail, after a
/// header of offsets.
fn records_file(chunk: &[Arc<DocIndex>]) -> Vec<u8> {
    with_offsets(chunk.iter().flat_map(|d| [&d.head[..], d.tail()]))
}

/// Hands the `i`th records file to `sink` and frees its documents' texts: a one-off build
/// writes each file as soon as its documents are analysed, so the text of every page is
/// never in memory twice (nor, at the end, once).
pub fn write_records(
    i: usize,
    chunk: &mut [Arc<DocIndex>],
    sink: &Sink,
) -> Result<Records, Diagnostic> {
    sink(&records_path(i), &records_file(chunk))?;
    for doc in chunk.iter_mut() {
        if let Some(doc) = Arc::get_mut(doc) {
            (doc.head, doc.text) = Default::default();
        }
    }
    Ok((records_key(chunk), None))
}

/// The records files, [`DOCS_PER_CHUNK`] documents to a file (or the last build's, where
/// their documents are the same).
pub fn records(docs: &[Arc<DocIndex>], made: &Made) -> Vec<Records> {
    (docs.par_chunks(DOCS_PER_CHUNK))
        .map(|chunk| {
            let k = records_key(chunk);
            (k, Some(made.reuse(k, &|| records_file(chunk))))
        })
        .collect()
}

/// The positions files, [`POSITIONS_PER_FILE`] shards' positions to a file.
pub fn positions(shard_files: &[(u64, ShardFiles)], made: &Made) -> Vec<Keyed> {
    let position_files: Vec<Keyed> = shard_files
        .chunks(POSITIONS_PER_FILE)
        .map(|group| {
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            hasher.update(b"positions file");
            for (_, shard) in group {
                hasher.update(&shard.positions.0.to_le_bytes());
            }
            let k = hasher.digest128();
            let file = made.reuse(k, &|| {
                with_offsets(group.iter().map(|(_, shard)| shard.positions.1.as_slice()))
            });
            (k, file)
        })
        .collect();
    position_files
}

/// The path of the `i`th records file.
fn records_path(i: usize) -> String {
    format!("search/docs-{i}.bin")
}

/// The cards, [`CARDS_PER_FILE`] documents to a gzip JSON array each: what results show
/// where the host ignores Range requests and the records cannot be read a part at a time.
pub fn cards(docs: &[Arc<DocIndex>], made: &Made) -> Vec<Keyed> {
    docs.par_chunks(CARDS_PER_FILE)
        .map(|chunk| {
            let mut json = String::from("[");
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&d.card);
            }
            json.push(']');
            let k = key(b"cards", json.as_bytes());
            (k, made.reuse(k, &|| gzip(json.as_bytes(), 1)))
        })
        .collect()
}

/// `words.bin`: the words the index knows, as written (folded, not stemmed), most common
/// first, one to a line: what a query with no results is matched against for "Did you
/// mean". The order is the ranking.
pub fn words(words: &[String], made: &Made) -> Keyed {
    let text: String = words.iter().flat_map(|w| [w.as_str(), "\n"]).collect();
    let k = key(b"words", text.as_bytes());
    (k, made.reuse(k, &|| gzip(text.as_bytes(), 9)))
}

/// The index's files but the manifest.
pub struct Index<'a> {
    pub facets: Keyed,
    pub shards: &'a [(u64, ShardFiles)],
    pub positions: &'a [Keyed],
    pub records: &'a [Records],
    pub cards: &'a [Keyed],
    pub words: Keyed,
}

impl Index<'_> {
    /// A version that changes with the index, for cache busting: a hash of every file's key.
    fn version(&self) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (_, shard) in self.shards {
            hasher.update(&shard.postings.0.to_le_bytes());
        }
        let keys = (self.positions.iter().chain(self.cards).chain([&self.words])).map(|f| f.0);
        for k in keys.chain(self.records.iter().map(|r| r.0)) {
            hasher.update(&k.to_le_bytes());
        }
        hasher.update(&self.facets.0.to_le_bytes());
        format!("{:016x}", hasher.digest())
    }

    /// Every file of the index, the manifest first.
    pub fn outputs(&self, manifest: File) -> Vec<Output> {
        // The index depends on every page: said once, not by naming thousands of files in
        // each of hundreds of outputs.
        let deps = Arc::new(Deps {
            files: [
                crate::output::EVERY_PAGE.to_string(),
                "site.yaml".to_string(),
            ]
            .into(),
            templates: Default::default(),
        });
        let file = |path: String, bytes: &File| Output {
            path,
            data: OutputData::Bytes(bytes.clone()),
            deps: deps.clone(),
        };
        let mut outputs = vec![
            file("search/manifest.bin".into(), &manifest),
            file("search/facets.bin".into(), &self.facets.1),
        ];
        for (i, (_, shard)) in self.shards.iter().enumerate() {
            outputs.push(file(format!("search/shard-{i}.bin"), &shard.postings.1));
        }
        for (i, (_, positions)) in self.positions.iter().enumerate() {
            outputs.push(file(format!("search/pos-{i}.bin"), positions));
        }
        for (i, (_, chunk)) in self.records.iter().enumerate() {
            outputs.push(match chunk {
                Some(chunk) => file(records_path(i), chunk),
                None => Output {
                    path: records_path(i),
                    data: OutputData::Written,
                    deps: deps.clone(),
                },
            });
        }
        for (i, (_, cards)) in self.cards.iter().enumerate() {
            outputs.push(file(format!("search/cards-{i}.bin"), cards));
        }
        outputs.push(file("search/words.bin".into(), &self.words.1));
        outputs
    }
}

/// The manifest: the shards' keys, the parameters the browser scores with, the facets'
/// names, and the index's version.
pub fn manifest(
    site: &Site,
    docs: &[Arc<DocIndex>],
    keys: Vec<String>,
    index: &Index,
    made: &Made,
) -> File {
    let n = docs.len();
    let avg_len =
        (docs.iter().map(|d| d.body_len as f64).sum::<f64>() / n.max(1) as f64).max(1.0) as f32;
    let manifest = Manifest {
        version: index.version(),
        docs: n,
        docs_per_chunk: DOCS_PER_CHUNK,
        shards: keys,
        positions_per_file: POSITIONS_PER_FILE,
        k1: K1,
        b: B,
        title_boost: TITLE_BOOST,
        tag_boost: TAG_BOOST,
        field_starts: super::doc::FIELD_STARTS,
        flag_bits: super::doc::FLAG_BITS,
        cards_per_file: CARDS_PER_FILE,
        avg_len,
        length_base: LENGTH_BASE,
        stopwords: tokens::STOPWORDS,
        kinds: crate::kind::Kind::ALL
            .iter()
            .map(|k| (k.name(), k.label()))
            .collect(),
        topics: site.topics.iter().map(|t| t.name.as_str()).collect(),
        series: site.series.iter().map(|s| s.title.clone()).collect(),
        first_year: first_year(site),
    };
    let manifest = serde_json::to_vec(&manifest).expect("the manifest serializes");
    made.reuse(key(b"manifest", &manifest), &|| gzip(&manifest, 9))
}
