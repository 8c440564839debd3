//! Inversion and sharding: from documents' terms to term shards.
//!
//! A full inversion is a counting sort by term rank (the term's place in sorted order), on
//! every core, so it costs a few passes over the postings and no hashing. When the documents
//! and their numbers are those of the last build, only the terms of the documents that
//! changed are patched instead. Shard boundaries are content-defined: a shard ends at a term
//! chosen by the term's own hash once the shard is big enough, so an edit that changes a few
//! terms changes the shards holding them and leaves the others byte for byte the same (and
//! `serve` compresses only those again).

use super::doc::DocIndex;
use super::varint;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

/// A term's postings (document count, then per document: number delta, weighted frequency)
/// and positions (per document: count, then deltas), encoded as shards hold them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TermData {
    pub postings: Vec<u8>,
    pub positions: Vec<u8>,
}

impl TermData {
    /// How many documents have the term.
    pub fn df(&self) -> u32 {
        read_varint(&self.postings).0 as u32
    }
}

/// One block of documents, its postings grouped by term.
struct Block {
    /// First document of the block.
    first_doc: u32,
    /// Where each term's postings start in `postings` (terms + 1 offsets).
    offsets: Vec<u32>,
    /// (document within the block, weighted frequency).
    postings: Vec<(u32, u32)>,
    /// Where each term's positions start in `positions` (terms + 1 offsets).
    position_offsets: Vec<u32>,
    positions: Vec<u8>,
}

/// The inversion is done for this many ranges of term ids in turn, so that the documents'
/// postings, copied grouped by term, are in memory a fraction at a time (at 10,000 pages the
/// whole copy was 48 MB, the build's peak).
const INVERT_PARTS: usize = 4;

/// Every term's postings and positions, by term id, for ids below `term_count`.
pub fn invert(docs: &[Arc<DocIndex>], term_count: usize) -> Vec<Option<TermData>> {
    let per_block = docs
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let counts: Vec<Counts> = (docs.par_chunks(per_block))
        .map(|chunk| Counts::of(chunk, term_count))
        .collect();
    let mut by_id: Vec<Option<TermData>> = Vec::with_capacity(term_count);
    for ids in parts(&counts, term_count) {
        let blocks: Vec<Block> = (docs.par_chunks(per_block).zip(&counts).enumerate())
            .map(|(b, (chunk, counts))| transpose(chunk, counts, ids.clone(), b * per_block))
            .collect();
        let encoded: Vec<Option<TermData>> = (0..ids.len())
            .into_par_iter()
            .map(|local| encode(&blocks, local))
            .collect();
        by_id.extend(encoded);
    }
    by_id
}

/// How many postings, and bytes of positions, each term has in one block of documents.
struct Counts {
    postings: Vec<u32>,
    positions: Vec<u32>,
}

impl Counts {
    fn of(docs: &[Arc<DocIndex>], term_count: usize) -> Counts {
        let mut counts = Counts {
            postings: vec![0; term_count],
            positions: vec![0; term_count],
        };
        for d in docs {
            let mut start = 0;
            for &(id, _, end) in &d.terms {
                counts.postings[id as usize] += 1;
                counts.positions[id as usize] += end - start;
                start = end;
            }
        }
        counts
    }
}

/// Ranges of term ids with about the same number of postings and positions each (ids are
/// given in arrival order, so the common words are mostly the first ids).
fn parts(counts: &[Counts], term_count: usize) -> Vec<std::ops::Range<u32>> {
    let weight = |id: usize| -> u64 {
        (counts.iter())
            .map(|c| c.postings[id] as u64 * 8 + c.positions[id] as u64)
            .sum()
    };
    let total: u64 = (0..term_count).map(weight).sum();
    let per_part = total.div_ceil(INVERT_PARTS as u64).max(1);
    let mut parts = Vec::with_capacity(INVERT_PARTS);
    let (mut start, mut acc) = (0, 0);
    for id in 0..term_count {
        acc += weight(id);
        if acc >= per_part {
            parts.push(start as u32..id as u32 + 1);
            (start, acc) = (id + 1, 0);
        }
    }
    if start < term_count || parts.is_empty() {
        parts.push(start as u32..term_count as u32);
    }
    parts
}

/// One block's postings and positions for the terms `ids`, grouped by term: a counting sort
/// with the counts already made, reading only each document's terms in `ids` (a document's
/// terms are in id order) and copying what encoding needs, so that encoding reads memory in
/// order too.
fn transpose(
    chunk: &[Arc<DocIndex>],
    counts: &Counts,
    ids: std::ops::Range<u32>,
    first_doc: usize,
) -> Block {
    let range = ids.start as usize..ids.end as usize;
    let prefix = |counts: &[u32]| {
        let mut offsets = Vec::with_capacity(range.len() + 1);
        let mut at = 0u32;
        offsets.push(0);
        for &c in &counts[range.clone()] {
            at += c;
            offsets.push(at);
        }
        offsets
    };
    let offsets = prefix(&counts.postings);
    let position_offsets = prefix(&counts.positions);
    let mut fill = offsets.clone();
    let mut position_fill = position_offsets.clone();
    let mut postings = vec![(0u32, 0u32); offsets[range.len()] as usize];
    let mut positions = vec![0u8; position_offsets[range.len()] as usize];
    for (i, d) in chunk.iter().enumerate() {
        let from = d.terms.partition_point(|t| t.0 < ids.start);
        let to = from + d.terms[from..].partition_point(|t| t.0 < ids.end);
        for k in from..to {
            let (id, wtf, _) = d.terms[k];
            let local = (id - ids.start) as usize;
            postings[fill[local] as usize] = (i as u32, wtf);
            fill[local] += 1;
            let bytes = d.positions_of(k);
            let at = position_fill[local] as usize;
            positions[at..at + bytes.len()].copy_from_slice(bytes);
            position_fill[local] += bytes.len() as u32;
        }
    }
    Block {
        first_doc: first_doc as u32,
        offsets,
        postings,
        position_offsets,
        positions,
    }
}

/// One term's postings and positions, from the blocks where it is the `r`th of their terms;
/// blocks are in document order, so postings come out in that order.
fn encode(blocks: &[Block], r: usize) -> Option<TermData> {
    let df: u32 = blocks.iter().map(|b| b.offsets[r + 1] - b.offsets[r]).sum();
    if df == 0 {
        return None;
    }
    let positions_len: u32 = blocks
        .iter()
        .map(|b| b.position_offsets[r + 1] - b.position_offsets[r])
        .sum();
    let mut data = TermData::default();
    data.postings.reserve_exact(df as usize * 3 + 5);
    data.positions.reserve_exact(positions_len as usize);
    varint(&mut data.postings, df as u64);
    let mut last = 0u32;
    for block in blocks {
        let postings = &block.postings[block.offsets[r] as usize..block.offsets[r + 1] as usize];
        for &(i, wtf) in postings {
            let doc = block.first_doc + i;
            varint(&mut data.postings, (doc - last) as u64);
            last = doc;
            varint(&mut data.postings, wtf as u64);
        }
        data.positions.extend_from_slice(
            &block.positions
                [block.position_offsets[r] as usize..block.position_offsets[r + 1] as usize],
        );
    }
    data.postings.shrink_to_fit();
    Some(data)
}

/// One document's new entry for a term: (number, weighted frequency and positions, or
/// nothing when the document no longer has the term).
type Edit<'a> = (u32, Option<(u32, &'a [u8])>);

/// What a patch changed: terms whose postings changed, and terms whose positions did.
#[derive(Default)]
pub struct Dirty {
    pub postings: FxHashSet<u32>,
    pub positions: FxHashSet<u32>,
}

/// Updates `terms` (from [`invert`] or an earlier patch) for documents that changed but kept
/// their numbers: `changed` holds (number, old version, new version).
pub fn patch(
    terms: &mut [Option<TermData>],
    changed: &[(u32, &Arc<DocIndex>, &Arc<DocIndex>)],
) -> Dirty {
    // Per term, what each changed document now has: (number, weighted frequency and
    // positions, or nothing).
    let mut edits: FxHashMap<u32, Vec<Edit>> = FxHashMap::default();
    for &(doc, old, new) in changed {
        for &(id, ..) in &old.terms {
            edits.entry(id).or_default().push((doc, None));
        }
        for (k, &(id, wtf, _)) in new.terms.iter().enumerate() {
            let entry = edits.entry(id).or_default();
            let edit = (doc, Some((wtf, new.positions_of(k))));
            match entry.iter_mut().find(|(d, _)| *d == doc) {
                Some(slot) => *slot = edit,
                None => entry.push(edit),
            }
        }
    }
    let patched: Vec<(u32, Option<TermData>)> = edits
        .into_par_iter()
        .map(|(id, mut edits)| {
            edits.sort_by_key(|(doc, _)| *doc);
            let old = terms[id as usize].as_ref();
            (id, apply(old, &edits))
        })
        .collect();
    let mut dirty = Dirty::default();
    for (id, data) in patched {
        let slot = &mut terms[id as usize];
        let (old_postings, old_positions) = slot
            .as_ref()
            .map(|d| (&d.postings[..], &d.positions[..]))
            .unwrap_or_default();
        let (new_postings, new_positions) = data
            .as_ref()
            .map(|d| (&d.postings[..], &d.positions[..]))
            .unwrap_or_default();
        if old_postings != new_postings || slot.is_some() != data.is_some() {
            dirty.postings.insert(id);
        }
        if old_positions != new_positions || slot.is_some() != data.is_some() {
            dirty.positions.insert(id);
        }
        *slot = data;
    }
    dirty
}

/// A term's data with some documents' entries replaced, added or removed.
fn apply(old: Option<&TermData>, edits: &[Edit]) -> Option<TermData> {
    // Decode: (number, weighted frequency, positions).
    let mut entries: Vec<(u32, u32, &[u8])> = Vec::new();
    if let Some(old) = old {
        let mut p = Reader(&old.postings);
        let mut q = &old.positions[..];
        let df = p.varint();
        let mut doc = 0u32;
        for _ in 0..df {
            doc += p.varint() as u32;
            let wtf = p.varint() as u32;
            let len = chunk_len(q);
            entries.push((doc, wtf, &q[..len]));
            q = &q[len..];
        }
    }
    for &(doc, edit) in edits {
        let at = entries.binary_search_by_key(&doc, |e| e.0);
        match (at, edit) {
            (Ok(i), Some((wtf, positions))) => entries[i] = (doc, wtf, positions),
            (Ok(i), None) => {
                entries.remove(i);
            }
            (Err(i), Some((wtf, positions))) => entries.insert(i, (doc, wtf, positions)),
            (Err(_), None) => {}
        }
    }
    if entries.is_empty() {
        return None;
    }
    let mut data = TermData::default();
    varint(&mut data.postings, entries.len() as u64);
    let mut last = 0;
    for (doc, wtf, positions) in entries {
        varint(&mut data.postings, (doc - last) as u64);
        varint(&mut data.postings, wtf as u64);
        last = doc;
        data.positions.extend_from_slice(positions);
    }
    Some(data)
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn varint(&mut self) -> u64 {
        let (value, len) = read_varint(self.0);
        self.0 = &self.0[len..];
        value
    }
}

fn read_varint(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        value |= ((b & 0x7f) as u64) << (7 * i);
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, bytes.len())
}

/// The length of one document's positions at the start of `bytes`: a count, then deltas.
fn chunk_len(bytes: &[u8]) -> usize {
    let (count, mut at) = read_varint(bytes);
    for _ in 0..count {
        at += read_varint(&bytes[at..]).1;
    }
    at
}

/// The most shards an index is split into: the output stays a few hundred files at any size.
const MAX_SHARDS: usize = 400;

/// The smallest shard, in bytes of uncompressed postings: 16 KB (postings are varints and
/// compress little, so a shard fetched is 15–30 KB, and a one-word query stays small, even
/// a prefix that reads two shards), and larger for a large site so that there
/// are at most [`MAX_SHARDS`]. It grows in steps of a fifth, so it changes only when the
/// index has grown that much, not with every edit.
const SHARD_MIN: usize = 16 * 1024;

fn shard_min(total: usize) -> usize {
    let mut min = SHARD_MIN;
    while min * MAX_SHARDS < total {
        min = min * 6 / 5;
    }
    min
}

/// Splits the terms present, in term order, into shards (ranges of `present`). A shard ends
/// before a term whose hash picks it, once the shard holds at least the minimum, or before
/// any term once it holds twice that.
pub fn split(
    present: &[u32],
    terms: &[Option<TermData>],
    names: &[Arc<str>],
) -> Vec<std::ops::Range<usize>> {
    let size = |id: u32| {
        terms[id as usize].as_ref().map_or(0, |d| d.postings.len()) + names[id as usize].len() + 2
    };
    let total: usize = present.iter().map(|&id| size(id)).sum();
    let min = shard_min(total);
    let mut shards = Vec::new();
    let mut start = 0;
    let mut acc = 0usize;
    for (i, &id) in present.iter().enumerate() {
        let name = &names[id as usize];
        let picked = xxhash_rust::xxh3::xxh3_64(name.as_bytes()).is_multiple_of(32);
        if i > start && acc >= min && (picked || acc >= 2 * min) {
            shards.push(start..i);
            start = i;
            acc = 0;
        }
        acc += size(id);
    }
    if start < present.len() {
        shards.push(start..present.len());
    }
    shards
}

/// A shard's uncompressed postings file and positions section, from its terms in order.
pub fn encode_shard(
    members: &[u32],
    terms: &[Option<TermData>],
    names: &[Arc<str>],
) -> (Vec<u8>, Vec<u8>) {
    let mut postings = Vec::new();
    let mut positions = Vec::new();
    varint(&mut postings, members.len() as u64);
    let mut previous: &str = "";
    for &id in members {
        let term: &str = &names[id as usize];
        let data = terms[id as usize].as_ref().expect("a present term");
        // Each term is stored as the length of the prefix it shares with the previous one
        // and the rest.
        let shared = super::floor_boundary(
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
        postings.extend_from_slice(&data.postings);
        positions.extend_from_slice(&data.positions);
        previous = term;
    }
    (postings, positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_shard_grows_in_steps_with_the_index() {
        assert_eq!(shard_min(1000), SHARD_MIN);
        assert_eq!(shard_min(SHARD_MIN * MAX_SHARDS), SHARD_MIN);
        let big = shard_min(10_000_000);
        assert!(big * MAX_SHARDS >= 10_000_000 && big * 5 / 6 * MAX_SHARDS < 10_000_000);
        assert_eq!(shard_min(10_000_000), shard_min(10_000_000 + 50_000));
    }

    fn doc(terms: &[(u32, u32, &[u32])]) -> Arc<DocIndex> {
        let mut positions = Vec::new();
        let mut list = Vec::new();
        for &(id, wtf, ps) in terms {
            varint(&mut positions, ps.len() as u64);
            let mut last = 0;
            for &p in ps {
                varint(&mut positions, (p - last) as u64);
                last = p;
            }
            list.push((id, wtf, positions.len() as u32));
        }
        Arc::new(DocIndex {
            fingerprint: 0,
            terms: list,
            positions,
            body_len: 10,
            head: Vec::new(),
            text: String::new(),
            cut: 0,
            card: "[]".into(),
        })
    }

    #[test]
    fn a_patch_gives_what_a_full_inversion_gives() {
        let before = vec![
            doc(&[(0, 1, &[1]), (1, 2, &[2, 300])]),
            doc(&[(1, 1, &[5]), (2, 10, &[0])]),
            doc(&[(0, 3, &[7, 8, 9])]),
        ];
        let mut terms = invert(&before, 4);
        // Document 1 loses term 2, gains term 3 and changes term 1; document 2 is unchanged.
        let after = vec![
            before[0].clone(),
            doc(&[(1, 4, &[5, 6]), (3, 1, &[200])]),
            before[2].clone(),
        ];
        let dirty = patch(&mut terms, &[(1, &before[1], &after[1])]);
        assert!(terms == invert(&after, 4));
        assert_eq!(dirty.postings, [1, 2, 3].into_iter().collect());
        assert!(!dirty.postings.contains(&0));
    }
}
