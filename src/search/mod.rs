//! The search index, written at build time and searched in the browser with no server.
//!
//! Like Pagefind, the index is split so that a query fetches only what it needs: a small
//! manifest, the term shards holding its words, a compact table of facets, and the records of
//! the results it shows; never the whole index. Files (all under `output/search/`):
//!
//! * `manifest.bin` — gzip JSON: shard keys (so a word or a prefix maps to its shard), the
//!   stopwords, facet names, the scoring parameters;
//! * `shard-<n>.bin` — gzip: the postings of one range of terms (document, then the weighted
//!   term frequency outside the title, shifted left by two, with a bit each for the title and
//!   the tags having the term), which the browser scores with BM25F plus title and tag boosts;
//! * `pos-<n>.bin` — the token positions of 16 shards, used by phrase queries and to rank
//!   words close together first, each shard's a gzip stream after a header of offsets, so
//!   one shard's positions are one Range request;
//! * `facets.bin` — gzip, column by column: kind, year, series, topics and length of every
//!   document;
//! * `docs-<n>.bin` — the records of 512 documents, each in two parts after a header of
//!   offsets, so one part is one Range request: a head (JSON: title, URL, kind, date,
//!   summary, headings, where data and code blocks are, the first 1,200 characters of the
//!   text), fetched for every result shown, and a tail (the rest of the text), fetched only
//!   when the head has no match in running text. Neither is compressed: compressing the
//!   text of every page was a third of the index's cost;
//! * `cards-<n>.bin` — gzip JSON, 256 documents' title, URL, kind, date and summary: what
//!   results show where the host ignores Range requests;
//! * `words.bin` — gzip, the 5,000 most common words as written (folded), for "Did you mean"
//!   when a query finds nothing.
//!
//! Documents are numbered newest first.
//!
//! `serve` and `watch` keep a [`SearchCache`]: each document is analysed once per version of
//! its page, shards are cut where their terms say (not at fixed sizes), and a shard, positions
//! file or records file whose content is unchanged is not compressed again, so an edit costs
//! the inversion (a counting sort) and the files it really changes.
//!
//! Integers are unsigned LEB128 varints unless stated; strings are a varint length and UTF-8.

pub mod doc;
mod files;
pub mod shards;
pub mod tokens;

use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::render::Bodies;
use crate::resolve::Site;
use doc::DocIndex;
use files::{Index, Records, cards, facets, manifest, positions, records, words};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::Arc;
use tokens::StemCache;

/// BM25 parameters, sent to the browser, which scores. `B` is lower than the usual 0.75, so a
/// long page that uses a word more is not outranked by a short one that uses it once: on the
/// relevance set (tests/relevance), 0.5 scored 0.966 against 0.957 for 0.75 (0.35: 0.966).
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// What a title match adds to a term's score, in units of the term's IDF: as much as the
/// most a body can give (K1 + 1), so a page titled with the query's words comes first.
const TITLE_BOOST: f32 = K1 + 1.0;
/// What a match in the page's tags (topics, authors, district, region) adds, likewise.
const TAG_BOOST: f32 = 1.0;
/// Documents per `cards-<n>.bin` file.
const CARDS_PER_FILE: usize = 256;
/// The most words `words.bin` offers as suggestions.
const SUGGESTED_WORDS: usize = 5_000;
/// Documents per `docs-<n>.bin` file.
pub const DOCS_PER_CHUNK: usize = 512;
/// Shards per positions file.
const POSITIONS_PER_FILE: usize = 16;
/// Document lengths are stored as a byte: the logarithm of the length to this base.
const LENGTH_BASE: f64 = 1.05;

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
    /// BM25: the parameters, the average body length, and the base of the stored lengths.
    k1: f32,
    b: f32,
    /// Added to a term's score, times its IDF, where the title (or the tags) have the term.
    title_boost: f32,
    tag_boost: f32,
    /// Where each field's positions start: title, subtitle, tags, summary, body.
    field_starts: [u32; 5],
    /// Bits of a posting's value below its weighted frequency.
    flag_bits: u32,
    cards_per_file: usize,
    avg_len: f32,
    length_base: f64,
    stopwords: &'static [&'static str],
    /// (name in URLs, label) of each kind.
    kinds: Vec<(&'static str, &'static str)>,
    topics: Vec<&'a str>,
    series: Vec<String>,
    /// Years in `facets.bin` are offsets from this one.
    first_year: i16,
}

/// What earlier builds of the index computed. A fresh cache computes everything; `serve` and
/// `watch` keep one between builds.
#[derive(Default)]
pub struct SearchCache {
    /// For a one-off build: keep nothing for a next build, and free what is done with early.
    pub one_off: bool,
    interner: Arc<tokens::Interner>,
    /// One word cache per thread of the pool, by thread index, kept warm between builds.
    stems: Vec<std::sync::Mutex<StemCache>>,
    /// Every term's text, by id (as far as the interner had given ids at the last build).
    names: Vec<Arc<str>>,
    /// Term ids in term order.
    sorted: Vec<u32>,
    /// Each page's document, by path under `content/`.
    docs: FxHashMap<String, Arc<DocIndex>>,
    /// Finished files by a hash of their content, from the last build.
    files: FxHashMap<u128, Arc<Vec<u8>>>,
    /// The last build's documents: their paths and themselves, by number.
    order: Vec<String>,
    by_number: Vec<Arc<DocIndex>>,
    /// Every term's postings and positions, by term id.
    terms: Vec<Option<shards::TermData>>,
    /// The last build's shards, by a hash of their terms.
    shards: FxHashMap<u64, ShardFiles>,
    /// The last index: what it was made from, and its files.
    last: Option<(u64, Vec<Output>)>,
}

impl SearchCache {
    /// Brings the term order up to date with terms the interner has given ids since.
    fn sort_new_terms(&mut self) {
        let new_names = self.interner.names_from(self.names.len());
        if new_names.is_empty() {
            return;
        }
        let first = self.names.len() as u32;
        self.names.extend(new_names);
        let mut new_ids: Vec<u32> = (first..self.names.len() as u32).collect();
        let names = &self.names;
        new_ids.par_sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        // Merge the new terms into the sorted ones.
        let old = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(old.len() + new_ids.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new_ids.len() {
            let take_old = j == new_ids.len()
                || (i < old.len() && names[old[i] as usize] <= names[new_ids[j] as usize]);
            if take_old {
                merged.push(old[i]);
                i += 1;
            } else {
                merged.push(new_ids[j]);
                j += 1;
            }
        }
        self.sorted = merged;
    }
}

/// What the index is made from: when this is unchanged, so is the index.
fn index_fingerprint(site: &Site, bodies: &Bodies) -> u64 {
    let mut f = crate::fingerprint::Fingerprint::default();
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

/// Builds the search index of every page, reusing what `cache` holds. Bodies given owned
/// are freed as soon as the pages are analysed. The stages: analyse each page into a
/// document, invert the documents' terms into postings, cut the postings into shards, write
/// the facets and the records, then the manifest that ties them together.
pub fn build(
    site: &Site,
    bodies: std::borrow::Cow<'_, Bodies>,
    cache: &mut SearchCache,
    sink: Option<&crate::render::Sink>,
) -> Result<Vec<Output>, Diagnostic> {
    let whole = index_fingerprint(site, &bodies);
    if let Some((last, files)) = &cache.last
        && *last == whole
    {
        return Ok(files.clone());
    }
    let mut profile = Profile::new();
    let Analysed {
        order,
        docs,
        written,
    } = analyse(site, bodies, cache, sink)?;
    profile.mark("analyze");
    let (docs, dirty) = postings(cache, site, &order, docs);
    profile.mark("invert");
    let made = Made::new(std::mem::take(&mut cache.files));
    let (shard_files, keys) = shards(cache, dirty.as_ref(), &made);
    profile.shards(shard_files.len(), &made);
    let (facets_key, facets) = facets(site, &order, &docs, &made);
    profile.mark("facets");
    let chunks = written.unwrap_or_else(|| records(&docs, &made));
    let position_files = positions(&shard_files, &made);
    profile.mark("records");
    let cards = cards(&docs, &made);
    profile.mark("cards");
    let words = words(&suggested_words(cache), &made);
    profile.mark("words");
    let index = Index {
        facets: (facets_key, facets),
        shards: &shard_files,
        positions: &position_files,
        records: &chunks,
        cards: &cards,
        words,
    };
    let manifest = manifest(site, &docs, keys, &index, &made);
    let outputs = index.outputs(manifest);
    cache.files = made.finish();
    cache.shards = shard_files.into_iter().collect();
    cache.last = Some((whole, outputs.clone()));
    profile.mark("files");
    Ok(outputs)
}

/// The words a query with no results may have meant: every word the pages use, as written
/// (folded), most common first (by its term's document count, then alphabetically), at most
/// [`SUGGESTED_WORDS`]. Words of fewer than three letters and numbers are left out. Only the
/// most common forms are folded (the word caches hold over 100,000).
fn suggested_words(cache: &SearchCache) -> Vec<String> {
    let locked: Vec<_> = (cache.stems.iter())
        .map(|s| s.lock().expect("word cache lock"))
        .collect();
    let df = |id: u32| {
        (cache.terms.get(id as usize))
            .and_then(|t| t.as_ref())
            .map_or(0, |t| t.df())
    };
    let mut candidates: Vec<(u32, tokens::Form)> = (locked.iter())
        .flat_map(|stems| stems.forms())
        .map(|(id, form)| (df(id), form))
        .filter(|&(df, _)| df > 0)
        .collect();
    candidates.sort_unstable_by_key(|c| std::cmp::Reverse(c.0));
    let mut words: FxHashMap<String, u32> = FxHashMap::default();
    let mut last_df = 0;
    for (df, form) in candidates {
        // Past the limit, only words as common as the last one taken: which of them are kept
        // is then decided by their text, not by the order of the caches.
        if words.len() >= SUGGESTED_WORDS && df < last_df {
            break;
        }
        let word = form.folded();
        if word.chars().count() >= 3 && !word.chars().any(|c| c.is_ascii_digit()) {
            words.insert(word, df);
            last_df = df;
        }
    }
    let mut words: Vec<(String, u32)> = words.into_iter().collect();
    words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.truncate(SUGGESTED_WORDS);
    words.into_iter().map(|(word, _)| word).collect()
}

/// Prints how long each stage took, and the memory in use (and the most so far), with
/// `CENTERVIEW_PROFILE` set.
struct Profile {
    on: bool,
    lap: std::time::Instant,
}

impl Profile {
    fn new() -> Profile {
        Profile {
            on: crate::console::profiling(),
            lap: std::time::Instant::now(),
        }
    }

    fn mark(&mut self, what: &str) {
        if self.on {
            crate::console::profile_step(&format!("search: {what}"), self.lap.elapsed());
        }
        self.lap = std::time::Instant::now();
    }

    fn shards(&mut self, count: usize, made: &Made) {
        if self.on {
            eprintln!(
                "  search: {count} shards, {} files compressed",
                made.count.load(std::sync::atomic::Ordering::Relaxed)
            );
        }
        self.mark("shards");
    }
}

/// Analyses every page into a document (or takes it from the cache), numbered newest
/// first, so browsing with no query is document order and equal scores fall back to the
/// newer document. Returns the pages in document order, the documents, and with a `sink`
/// the records files, handed to it as their documents were analysed.
fn analyse(
    site: &Site,
    bodies: std::borrow::Cow<'_, Bodies>,
    cache: &mut SearchCache,
    sink: Option<&crate::render::Sink>,
) -> Result<Analysed, Diagnostic> {
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by(|&a, &b| crate::resolve::Page::newest_first(&site.pages[a], &site.pages[b]));
    let threads = rayon::current_num_threads() + 1;
    while cache.stems.len() < threads {
        let stems = StemCache::new(cache.interner.clone());
        cache.stems.push(std::sync::Mutex::new(stems));
    }
    // The bodies in document order; where they are owned, each is freed (its text moved into
    // its document) as soon as it is analysed.
    let ordered: Vec<(usize, Arc<crate::markdown::Rendered>)> = (order.iter())
        .map(|&id| (id, bodies.pages[id].clone()))
        .collect();
    drop(bodies);
    let (stems, cached) = (&cache.stems, &cache.docs);
    let one = |(id, body): (usize, Arc<crate::markdown::Rendered>)| {
        let fingerprint = doc::doc_fingerprint(site, &body, id);
        match cached.get(&site.pages[id].src.rel) {
            Some(d) if d.fingerprint == fingerprint => d.clone(),
            _ => {
                // Each thread has its own cache (the last one is for callers from outside
                // the pool), so the lock is never contended.
                let thread = rayon::current_thread_index().unwrap_or(threads - 1);
                let mut stems = stems[thread].lock().expect("word cache lock");
                Arc::new(doc::analyze(site, body, id, fingerprint, &mut stems))
            }
        }
    };
    // One records file's documents at a time, so that file can be written at once.
    let chunks: Vec<(Vec<Arc<DocIndex>>, Option<Records>)> = (ordered.into_par_iter())
        .chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let mut docs: Vec<Arc<DocIndex>> = chunk.into_iter().map(one).collect();
            let written = sink.map(|sink| files::write_records(i, &mut docs, sink));
            Ok((docs, written.transpose()?))
        })
        .collect::<Result<_, Diagnostic>>()?;
    let mut docs = Vec::with_capacity(order.len());
    let mut written = Vec::with_capacity(chunks.len());
    for (chunk, records) in chunks {
        docs.extend(chunk);
        written.extend(records);
    }
    let written = sink.map(|_| written);
    cache.docs = order
        .iter()
        .zip(&docs)
        .map(|(&id, d)| (site.pages[id].src.rel.clone(), d.clone()))
        .collect();
    Ok(Analysed {
        order,
        docs,
        written,
    })
}

/// The pages analysed: their order, their documents, and the records files already written.
struct Analysed {
    order: Vec<usize>,
    docs: Vec<Arc<DocIndex>>,
    written: Option<Vec<Records>>,
}

/// Every term's postings and positions: patched where only some documents changed and
/// every document kept its number, else inverted whole. Returns the documents (a one-off
/// build strips what only a next build would need) and, when patched, the terms changed.
fn postings(
    cache: &mut SearchCache,
    site: &Site,
    order: &[usize],
    mut docs: Vec<Arc<DocIndex>>,
) -> (Vec<Arc<DocIndex>>, Option<shards::Dirty>) {
    cache.sort_new_terms();
    let rels: Vec<&str> = order
        .iter()
        .map(|&id| site.pages[id].src.rel.as_str())
        .collect();
    let same_numbers = !cache.by_number.is_empty()
        && cache.order.len() == rels.len()
        && cache.order.iter().zip(&rels).all(|(a, b)| a == b);
    let dirty = if same_numbers {
        let changed: Vec<(u32, &Arc<DocIndex>, &Arc<DocIndex>)> = cache
            .by_number
            .iter()
            .zip(&docs)
            .enumerate()
            .filter(|(_, (old, new))| !Arc::ptr_eq(old, new))
            .map(|(i, (old, new))| (i as u32, old, new))
            .collect();
        cache.terms.resize(cache.names.len(), None);
        Some(shards::patch(&mut cache.terms, &changed))
    } else {
        cache.terms = shards::invert(&docs, cache.names.len());
        None
    };
    cache.order = rels.iter().map(|r| r.to_string()).collect();
    if cache.one_off {
        // Nothing will analyse these documents again: keep only what the records need.
        cache.docs = Default::default();
        for doc in &mut docs {
            if let Some(doc) = Arc::get_mut(doc) {
                doc.terms = Vec::new();
                doc.positions = Vec::new();
            }
        }
    } else {
        cache.by_number = docs.clone();
    }
    (docs, dirty)
}

/// The finished files of this build, by a hash of their content: the last build's when
/// unchanged, so an unchanged file is not compressed again.
struct Made {
    previous: FxHashMap<u128, File>,
    files: std::sync::Mutex<FxHashMap<u128, File>>,
    /// How many files were made (not reused).
    count: std::sync::atomic::AtomicUsize,
}

impl Made {
    fn new(previous: FxHashMap<u128, File>) -> Made {
        Made {
            previous,
            files: Default::default(),
            count: Default::default(),
        }
    }

    /// The file with `key`: the last build's, or made now.
    fn reuse(&self, key: u128, make: &dyn Fn() -> Vec<u8>) -> File {
        let file = self.previous.get(&key).cloned().unwrap_or_else(|| {
            self.count
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Arc::new(make())
        });
        self.keep(key, &file);
        file
    }

    /// Keeps a file made by an earlier build for the next one.
    fn keep(&self, key: u128, file: &File) {
        self.files
            .lock()
            .expect("files lock")
            .insert(key, file.clone());
    }

    fn finish(self) -> FxHashMap<u128, File> {
        self.files.into_inner().expect("files lock")
    }
}

/// Cuts the terms into shards where they say (see [`shards::split`]) and encodes each, or
/// takes it from the last build when it has the same terms, none changed. Returns each
/// shard's files, by a hash of its terms, and the shards' keys for the manifest.
fn shards(
    cache: &SearchCache,
    dirty: Option<&shards::Dirty>,
    made: &Made,
) -> (Vec<(u64, ShardFiles)>, Vec<String>) {
    let (names, terms) = (&cache.names, &cache.terms);
    let present: Vec<u32> = cache
        .sorted
        .iter()
        .copied()
        .filter(|&id| terms[id as usize].is_some())
        .collect();
    let cuts = shards::split(&present, terms, names);
    let files = cuts
        .par_iter()
        .map(|cut| {
            let members = &present[cut.clone()];
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            for id in members {
                hasher.update(&id.to_le_bytes());
            }
            let members_key = hasher.digest();
            let clean = |changed: Option<&FxHashSet<u32>>| {
                changed.is_some_and(|c| !members.iter().any(|id| c.contains(id)))
            };
            let old = cache.shards.get(&members_key).filter(|_| {
                clean(dirty.map(|d| &d.postings)) && clean(dirty.map(|d| &d.positions))
            });
            if let Some(old) = old {
                made.keep(old.postings.0, &old.postings.1);
                made.keep(old.positions.0, &old.positions.1);
                return (members_key, old.clone());
            }
            let (postings, positions) = shards::encode_shard(members, terms, names);
            // Postings are fetched by every query, positions only by phrases and proximity:
            // both at libdeflate's fastest level. On varint postings level 1 is as small as
            // level 2 (10,000 pages: 5.28 against 5.29 MB) and ~10% faster; level 6 was
            // 1.3% smaller and ~2% of the whole build slower.
            let postings_key = key(b"shard", &postings);
            let positions_key = key(b"positions", &positions);
            let shard = ShardFiles {
                postings: (
                    postings_key,
                    made.reuse(postings_key, &|| gzip(&postings, 1)),
                ),
                positions: (
                    positions_key,
                    made.reuse(positions_key, &|| gzip(&positions, 1)),
                ),
            };
            (members_key, shard)
        })
        .collect();
    (files, shard_keys(&cuts, &present, names))
}

/// Shard keys: the shortest prefix of a shard's first term that sorts after the previous
/// shard's last term.
fn shard_keys(cuts: &[std::ops::Range<usize>], present: &[u32], names: &[Arc<str>]) -> Vec<String> {
    cuts.iter()
        .map(|cut| {
            let first: &str = &names[present[cut.start] as usize];
            let Some(before) = cut.start.checked_sub(1) else {
                return String::new();
            };
            let previous: &str = &names[present[before] as usize];
            let mut end = 0;
            for (i, _) in first
                .char_indices()
                .skip(1)
                .chain(std::iter::once((first.len(), ' ')))
            {
                end = i;
                if first[..end] > *previous {
                    break;
                }
            }
            first[..end].to_string()
        })
        .collect()
}

/// A finished file of the index, shared with the cache.
type File = Arc<Vec<u8>>;
/// A file and the key it is cached by.
type Keyed = (u128, File);

/// A shard's postings file and its positions section, compressed.
#[derive(Clone)]
struct ShardFiles {
    postings: Keyed,
    positions: Keyed,
}

/// A 128-bit hash of a file's content, tagged with what it is.
fn key(tag: &[u8], bytes: &[u8]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(tag);
    hasher.update(bytes);
    hasher.digest128()
}

/// Blobs behind a header: u32 count, then count + 1 u32 offsets from the file's start (all
/// little-endian), so one blob is one Range request.
fn with_offsets<'a>(blobs: impl Iterator<Item = &'a [u8]> + Clone) -> Vec<u8> {
    let count = blobs.clone().count();
    let header_len = 4 + 4 * (count + 1);
    let mut out = Vec::with_capacity(header_len + blobs.clone().map(<[u8]>::len).sum::<usize>());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    let mut offset = header_len as u32;
    for blob in blobs.clone() {
        out.extend_from_slice(&offset.to_le_bytes());
        offset += blob.len() as u32;
    }
    out.extend_from_slice(&offset.to_le_bytes());
    for blob in blobs {
        out.extend_from_slice(blob);
    }
    out
}

pub(crate) fn varint(out: &mut Vec<u8>, mut value: u64) {
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

/// Gzip-compresses `bytes` with libdeflate, which compresses a whole buffer at once faster
/// than a streaming zlib, to the same format.
pub(crate) fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    thread_local! {
        static COMPRESSORS: std::cell::RefCell<FxHashMap<u32, libdeflater::Compressor>> =
            Default::default();
    }
    COMPRESSORS.with(|compressors| {
        let mut compressors = compressors.borrow_mut();
        let compressor = compressors.entry(level).or_insert_with(|| {
            libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(level as i32).expect("a valid level"),
            )
        });
        let mut out = vec![0; compressor.gzip_compress_bound(bytes.len())];
        let len = compressor
            .gzip_compress(bytes, &mut out)
            .expect("the bound is enough");
        out.truncate(len);
        out
    })
}

pub(crate) fn floor_boundary(text: &str, mut index: usize) -> usize {
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
