//! Which content each original image has, without reading it again: its fingerprint, kept
//! by what the file system says of the file (device, inode, size, modification and change
//! times). Writing a file changes its change time, which no program can set back, so a file
//! whose five numbers are unchanged has the bytes it had when it was hashed, provided it
//! was not being written at the time: file times tick coarsely (a few milliseconds), so, as
//! git does for its index, a file changed within [`SETTLING`] of its hashing is not kept in
//! the index and is hashed again next time. The index is
//! kept in `.centerview-cache/images.index` (one line an image) between runs and in memory
//! in a session; a warm build then reads no original, where hashing them all cost more than
//! the rest of its images' work (1,000 photographs, 819 MB).

use std::collections::HashMap;
use std::fmt::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The cache entry the index is kept in.
pub const ENTRY: &str = "images.index";

/// How long after its last change a file's stamp is trusted to stand for its bytes.
pub const SETTLING: std::time::Duration = std::time::Duration::from_secs(2);

/// What the file system says of a file: equal stamps, equal bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp([i64; 7]);

impl Stamp {
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        let m = std::fs::metadata(path)?;
        Ok(Stamp([
            m.dev() as i64,
            m.ino() as i64,
            m.size() as i64,
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
        ]))
    }

    /// Whether the file last changed at least [`SETTLING`] before `now` (so a write in the
    /// same tick of the clock as its hashing cannot go unseen).
    pub fn settled(&self, now: std::time::SystemTime) -> bool {
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs(self.0[5].max(0) as u64)
            + std::time::Duration::from_nanos(self.0[6].max(0) as u64);
        changed + SETTLING <= now
    }
}

/// Each image's stamp and fingerprint, by its path under `content/`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stamps(HashMap<String, (Stamp, u128)>);

impl Stamps {
    /// The fingerprint `rel` had when its file had `stamp`.
    pub fn fingerprint(&self, rel: &str, stamp: Stamp) -> Option<u128> {
        self.0
            .get(rel)
            .and_then(|&(known, fingerprint)| (known == stamp).then_some(fingerprint))
    }

    pub fn insert(&mut self, rel: String, stamp: Stamp, fingerprint: u128) {
        self.0.insert(rel, (stamp, fingerprint));
    }

    /// The index as it is kept: `<fingerprint> <seven numbers> <path>` a line, sorted.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<(&String, &(Stamp, u128))> = self.0.iter().collect();
        lines.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = String::new();
        for (rel, (stamp, fingerprint)) in lines {
            let _ = write!(text, "{fingerprint:032x}");
            for number in stamp.0 {
                let _ = write!(text, " {number}");
            }
            let _ = writeln!(text, " {rel}");
        }
        text
    }

    /// The index read back; a line that does not parse is left out (its image is hashed).
    pub fn from_text(text: &str) -> Stamps {
        let mut stamps = Stamps::default();
        for line in text.lines() {
            let mut fields = line.splitn(9, ' ');
            let Some(Ok(fingerprint)) = fields.next().map(|f| u128::from_str_radix(f, 16)) else {
                continue;
            };
            let mut numbers = [0i64; 7];
            let parsed = numbers.iter_mut().all(|n| {
                fields
                    .next()
                    .and_then(|f| f.parse().ok())
                    .map(|v| *n = v)
                    .is_some()
            });
            if let (true, Some(rel)) = (parsed, fields.next()) {
                stamps.insert(rel.to_string(), Stamp(numbers), fingerprint);
            }
        }
        stamps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_reads_back_what_it_wrote() {
        let mut stamps = Stamps::default();
        stamps.insert(
            "assets/a b.jpg".into(),
            Stamp([1, 2, 3, -4, 5, 6, 7]),
            0xabc,
        );
        stamps.insert("assets/x.png".into(), Stamp([0; 7]), u128::MAX);
        let text = stamps.to_text();
        assert_eq!(Stamps::from_text(&text), stamps);
        let damaged = format!("zz 1 2\n{text}12 1 2 3\n");
        assert_eq!(Stamps::from_text(&damaged), stamps);
    }

    #[test]
    fn a_file_just_written_is_not_settled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jpg");
        std::fs::write(&path, b"one").unwrap();
        let stamp = Stamp::of(&path).unwrap();
        assert_eq!(Stamp::of(&path).unwrap(), stamp);
        let now = std::time::SystemTime::now();
        assert!(!stamp.settled(now));
        assert!(stamp.settled(now + SETTLING + std::time::Duration::from_millis(10)));
    }
}
