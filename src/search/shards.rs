//! Inversion and sharding: from documents' terms to term shards.
//!
//! Inversion is a counting sort by term rank (the term's place in sorted order), on every
//! core, so it costs a few passes over the postings and no hashing. Shard boundaries are
//! content-defined: a shard ends at a term chosen by the term's own hash once the shard is
//! big enough, so an edit that changes a few terms' postings changes the shards holding them
//! and leaves the others byte for byte the same (and `serve` compresses only those again).

use super::doc::DocIndex;
use super::varint;
use rayon::prelude::*;
use std::sync::Arc;

/// A range of terms (by rank) with their encoded postings and positions.
pub struct Part {
    /// (rank, end of its postings in `postings`, end of its positions in `positions`), for
    /// every term of the range that some document holds.
    pub terms: Vec<(u32, u32, u32)>,
    pub postings: Vec<u8>,
    pub positions: Vec<u8>,
}

impl Part {
    fn postings_of(&self, k: usize) -> &[u8] {
        let start = if k == 0 {
            0
        } else {
            self.terms[k - 1].1 as usize
        };
        &self.postings[start..self.terms[k].1 as usize]
    }

    fn positions_of(&self, k: usize) -> &[u8] {
        let start = if k == 0 {
            0
        } else {
            self.terms[k - 1].2 as usize
        };
        &self.positions[start..self.terms[k].2 as usize]
    }
}

/// One block of documents, its postings grouped by term rank.
struct Block {
    /// First document of the block.
    first_doc: u32,
    /// Where each rank's postings start in `postings` (ranks + 1 offsets).
    offsets: Vec<u32>,
    /// (document within the block, weighted frequency).
    postings: Vec<(u32, u32)>,
    /// Where each rank's positions start in `positions` (ranks + 1 offsets).
    position_offsets: Vec<u32>,
    positions: Vec<u8>,
}

/// Every term's postings (document delta, weighted frequency) and positions, encoded, in term
/// order. `rank` gives each term id's place in term order; `terms` is how many there are.
pub fn invert(docs: &[Arc<DocIndex>], rank: &[u32], terms: usize) -> Vec<Part> {
    // Documents in one block per core; each block is counting-sorted by rank on its own,
    // reading its documents in order and copying what encoding needs, so that encoding reads
    // memory in order too.
    let per_block = docs
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let blocks: Vec<Block> = docs
        .par_chunks(per_block)
        .enumerate()
        .map(|(b, chunk)| {
            let mut offsets = vec![0u32; terms + 1];
            let mut position_offsets = vec![0u32; terms + 1];
            for d in chunk {
                for (k, &(id, ..)) in d.terms.iter().enumerate() {
                    let r = rank[id as usize] as usize;
                    offsets[r + 1] += 1;
                    position_offsets[r + 1] += d.positions_of(k).len() as u32;
                }
            }
            for r in 0..terms {
                offsets[r + 1] += offsets[r];
                position_offsets[r + 1] += position_offsets[r];
            }
            let mut fill = offsets.clone();
            let mut position_fill = position_offsets.clone();
            let mut postings = vec![(0u32, 0u32); offsets[terms] as usize];
            let mut positions = vec![0u8; position_offsets[terms] as usize];
            for (i, d) in chunk.iter().enumerate() {
                for (k, &(id, wtf, _)) in d.terms.iter().enumerate() {
                    let r = rank[id as usize] as usize;
                    postings[fill[r] as usize] = (i as u32, wtf);
                    fill[r] += 1;
                    let bytes = d.positions_of(k);
                    let at = position_fill[r] as usize;
                    positions[at..at + bytes.len()].copy_from_slice(bytes);
                    position_fill[r] += bytes.len() as u32;
                }
            }
            Block {
                first_doc: (b * per_block) as u32,
                offsets,
                postings,
                position_offsets,
                positions,
            }
        })
        .collect();

    // Encode range by range of ranks; blocks are in document order, so each term's postings
    // come out in document order.
    const PARTS: usize = 64;
    let per_part = terms.div_ceil(PARTS).max(1);
    (0..terms.div_ceil(per_part))
        .into_par_iter()
        .map(|p| {
            let range = p * per_part..((p + 1) * per_part).min(terms);
            let mut part = Part {
                terms: Vec::new(),
                postings: Vec::new(),
                positions: Vec::new(),
            };
            for r in range {
                let df: u32 = blocks.iter().map(|b| b.offsets[r + 1] - b.offsets[r]).sum();
                if df == 0 {
                    continue;
                }
                varint(&mut part.postings, df as u64);
                let mut last = 0u32;
                for block in &blocks {
                    let postings =
                        &block.postings[block.offsets[r] as usize..block.offsets[r + 1] as usize];
                    for &(i, wtf) in postings {
                        let doc = block.first_doc + i;
                        varint(&mut part.postings, (doc - last) as u64);
                        last = doc;
                        varint(&mut part.postings, wtf as u64);
                    }
                    part.positions.extend_from_slice(
                        &block.positions[block.position_offsets[r] as usize
                            ..block.position_offsets[r + 1] as usize],
                    );
                }
                part.terms.push((
                    r as u32,
                    part.postings.len() as u32,
                    part.positions.len() as u32,
                ));
            }
            part
        })
        .collect()
}

/// The most shards an index is split into: the output stays a few hundred files at any size.
const MAX_SHARDS: usize = 300;

/// The smallest shard, in bytes of uncompressed postings: about 24 KB (some 15 KB once
/// compressed, so a one-word query stays small), and larger for a large site so that there
/// are at most [`MAX_SHARDS`]. It grows in steps of a fifth, so it changes only when the
/// index has grown that much, not with every edit.
fn shard_min(total: usize) -> usize {
    let mut min = 24 * 1024;
    while min * MAX_SHARDS < total {
        min = min * 6 / 5;
    }
    min
}

/// One shard: its terms, as (part, index in the part) from `first` to `last` inclusive.
pub struct Shard {
    pub first: (usize, usize),
    pub last: (usize, usize),
}

/// Splits the terms into shards. A shard ends before a term whose hash picks it, once the
/// shard holds at least the minimum, or before any term once it holds twice that.
pub fn split(parts: &[Part], names: &dyn Fn(u32) -> Arc<str>) -> Vec<Shard> {
    let size = |p: &Part, k: usize, name: &str| p.postings_of(k).len() + name.len() + 2;
    let total: usize = parts
        .iter()
        .map(|p| p.postings.len() + p.terms.len() * 10)
        .sum();
    let min = shard_min(total);
    let mut shards = Vec::new();
    let mut acc = 0usize;
    let mut first: Option<(usize, usize)> = None;
    let mut last = (0, 0);
    for (pi, part) in parts.iter().enumerate() {
        for k in 0..part.terms.len() {
            let name = names(part.terms[k].0);
            let picked = xxhash_rust::xxh3::xxh3_64(name.as_bytes()).is_multiple_of(32);
            if let Some(start) = first
                && acc >= min
                && (picked || acc >= 2 * min)
            {
                shards.push(Shard { first: start, last });
                first = None;
                acc = 0;
            }
            first.get_or_insert((pi, k));
            acc += size(part, k, &name);
            last = (pi, k);
        }
    }
    if let Some(start) = first {
        shards.push(Shard { first: start, last });
    }
    shards
}

/// The terms of a shard in order: (part, index in the part).
pub fn terms_of<'a>(
    parts: &'a [Part],
    shard: &Shard,
) -> impl Iterator<Item = (&'a Part, usize)> + 'a {
    let (first, last) = (shard.first, shard.last);
    (first.0..=last.0).flat_map(move |pi| {
        let part = &parts[pi];
        let from = if pi == first.0 { first.1 } else { 0 };
        let to = if pi == last.0 {
            last.1 + 1
        } else {
            part.terms.len()
        };
        (from..to).map(move |k| (part, k))
    })
}

/// A shard's uncompressed postings file and positions section.
pub fn encode_shard(
    parts: &[Part],
    shard: &Shard,
    names: &dyn Fn(u32) -> Arc<str>,
) -> (Vec<u8>, Vec<u8>) {
    let count = terms_of(parts, shard).count();
    let mut postings = Vec::new();
    let mut positions = Vec::new();
    varint(&mut postings, count as u64);
    let mut previous: Arc<str> = Arc::from("");
    for (part, k) in terms_of(parts, shard) {
        let term = names(part.terms[k].0);
        // Each term is stored as the length of the prefix it shares with the previous one
        // and the rest.
        let shared = super::floor_boundary(
            &term,
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
        postings.extend_from_slice(part.postings_of(k));
        positions.extend_from_slice(part.positions_of(k));
        previous = term;
    }
    (postings, positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_shard_grows_in_steps_with_the_index() {
        assert_eq!(shard_min(1000), 24 * 1024);
        assert_eq!(shard_min(24 * 1024 * 300), 24 * 1024);
        let big = shard_min(10_000_000);
        assert!(big * MAX_SHARDS >= 10_000_000 && big * 5 / 6 * MAX_SHARDS < 10_000_000);
        assert_eq!(shard_min(10_000_000), shard_min(10_000_000 + 50_000));
    }
}
