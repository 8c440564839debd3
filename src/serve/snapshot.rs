//! Snapshots of a build's outputs: what `serve` serves, and what the next build is compared
//! with to know which files really changed (for the reload events, and for `watch`, which
//! writes only those).

use crate::output::{Output, OutputData};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// An output's bytes, without copying what is already shared.
fn output_bytes(data: &OutputData) -> bytes::Bytes {
    struct Shared(Arc<Vec<u8>>);
    impl AsRef<[u8]> for Shared {
        fn as_ref(&self) -> &[u8] {
            &self.0
        }
    }
    match data {
        OutputData::Bytes(b) => bytes::Bytes::from_owner(Shared(b.clone())),
        OutputData::Static(b) => bytes::Bytes::from_static(b),
        OutputData::Copy(path) => std::fs::read(path)
            .map(bytes::Bytes::from)
            .unwrap_or_default(),
        OutputData::Written => unreachable!("serve and watch keep their outputs in memory"),
    }
}

/// What identifies an output's content between two builds without reading it: the same
/// value means the same bytes. For shared buffers it is the buffer (kept alive by the
/// snapshot, so its address cannot be reused); for copied files, their time and size.
fn identity(data: &OutputData) -> (usize, u64) {
    match data {
        OutputData::Bytes(b) => (Arc::as_ptr(b) as usize, b.len() as u64),
        OutputData::Static(b) => (b.as_ptr() as usize, b.len() as u64),
        OutputData::Copy(path) => {
            let meta = std::fs::metadata(path).ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as usize)
                .unwrap_or(0);
            (modified, meta.map(|m| m.len()).unwrap_or(0))
        }
        OutputData::Written => unreachable!("serve and watch keep their outputs in memory"),
    }
}

/// Every output of the last good build, with its bytes: what `serve` serves, and what the
/// next build is compared with to know which files changed.
#[derive(Default, Clone)]
pub struct Snapshot {
    files: HashMap<String, SnapshotFile>,
}

/// An output's identity and bytes.
type SnapshotFile = ((usize, u64), bytes::Bytes);

impl Snapshot {
    /// The snapshot with `outputs`, and the outputs that differ from this one (added,
    /// changed or removed). An output that was re-rendered to the same bytes has not
    /// changed, so open pages need not reload and `watch` need not rewrite it. Files of this
    /// snapshot missing from `outputs` are kept when `keep` says so (`outputs` is then part
    /// of a build), and removed otherwise.
    pub fn next(&self, outputs: &[Output], keep: impl Fn(&str) -> bool) -> (Snapshot, Vec<String>) {
        let compared: Vec<(String, SnapshotFile, bool)> = outputs
            .par_iter()
            .map(|o| {
                let id = identity(&o.data);
                match self.files.get(&o.path) {
                    Some((old_id, old)) if *old_id == id => {
                        (o.path.clone(), (id, old.clone()), false)
                    }
                    Some((_, old)) => {
                        let new = output_bytes(&o.data);
                        let changed = *old != new;
                        (o.path.clone(), (id, new), changed)
                    }
                    None => (o.path.clone(), (id, output_bytes(&o.data)), true),
                }
            })
            .collect();
        let mut changed: Vec<String> = compared
            .iter()
            .filter(|c| c.2)
            .map(|c| c.0.clone())
            .collect();
        let mut files: HashMap<String, SnapshotFile> = compared
            .into_iter()
            .map(|(path, file, _)| (path, file))
            .collect();
        for (path, file) in &self.files {
            if !files.contains_key(path) {
                if keep(path) {
                    files.insert(path.clone(), file.clone());
                } else {
                    changed.push(path.clone());
                }
            }
        }
        changed.sort();
        (Snapshot { files }, changed)
    }

    /// What turns `self` into `other`: the files to write, and those to remove.
    pub fn diff<'a>(&'a self, other: &'a Snapshot) -> (Vec<(&'a str, &'a [u8])>, Vec<&'a str>) {
        let writes = other
            .files
            .iter()
            .filter(|(path, (_, new))| {
                self.files.get(*path).is_none_or(|(_, old)| {
                    !(old.as_ptr() == new.as_ptr() && old.len() == new.len()) && old != new
                })
            })
            .map(|(path, (_, bytes))| (path.as_str(), &bytes[..]))
            .collect();
        let removes = self
            .files
            .keys()
            .filter(|p| !other.files.contains_key(*p))
            .map(String::as_str)
            .collect();
        (writes, removes)
    }

    /// Every output's path and bytes.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, (_, b))| (p.as_str(), &b[..]))
    }

    /// Whether there are no outputs (before the first good build).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The bytes of one output.
    pub fn get(&self, path: &str) -> Option<&bytes::Bytes> {
        self.files.get(path).map(|(_, bytes)| bytes)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}
