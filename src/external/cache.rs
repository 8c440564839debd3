//! The links found working in the last day, in `.centerview-cache/external-links.json` in
//! the site's folder, so that checking again after a small change asks no server twice.
//!
//! Only working links are kept: a broken one is asked about again next time, as it may have
//! been fixed (or its server may be back). An entry dated before 1970 or after now is not
//! believed. The file is read and written through [`crate::cache_dir`]: never through a
//! symbolic link, and written whole (a check stopped half-way leaves the old cache or the new
//! one).

use crate::cache_dir::{self, FOLDER};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file, in [`FOLDER`], of links checked lately.
pub const FILE: &str = "external-links.json";
/// How long a working link is taken as working without asking again.
pub const FRESH_FOR_SECONDS: i64 = 24 * 60 * 60;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// Working links by URL as written.
    links: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// When it was checked, in seconds since 1970 (UTC).
    pub checked: i64,
    /// Where its permanent redirects lead, if it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<String>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(FOLDER).join(FILE)
}

impl Cache {
    /// The cache's entries checked within the last day before `now`. A missing, unreadable or
    /// refused file is an empty cache: all it costs is asking the servers again (and saving
    /// says what is wrong).
    pub fn load(root: &Path, now: i64) -> Cache {
        let Ok(Some(bytes)) = cache_dir::read(root, FILE) else {
            return Cache::default();
        };
        let mut cache: Cache = serde_json::from_slice(&bytes).unwrap_or_default();
        cache.links.retain(|_, e| is_fresh(e.checked, now));
        cache
    }

    pub fn get(&self, url: &str) -> Option<&Entry> {
        self.links.get(url)
    }

    pub fn insert(&mut self, url: String, entry: Entry) {
        self.links.insert(url, entry);
    }

    pub fn remove(&mut self, url: &str) {
        self.links.remove(url);
    }

    /// Writes the cache atomically into the cache folder (which keeps it out of git).
    pub fn save(&self, root: &Path) -> Result<(), cache_dir::Error> {
        let json = serde_json::to_vec_pretty(self).expect("a map of strings and numbers");
        cache_dir::write(root, FILE, &json)
    }
}

/// Whether a link checked at `checked` is taken as working at `now`: checked within the last
/// day, and not at an impossible time (before 1970, or later than now).
fn is_fresh(checked: i64, now: i64) -> bool {
    (0..=now).contains(&checked) && now - checked < FRESH_FOR_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_day_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::default();
        let now = 1_800_000_000;
        let entry = |checked| Entry {
            checked,
            moved: None,
        };
        cache.insert("https://a.org/".into(), entry(now - 60));
        cache.insert("https://old.org/".into(), entry(now - FRESH_FOR_SECONDS));
        cache.insert("https://later.org/".into(), entry(now + 60));
        cache.save(dir.path()).unwrap();
        let loaded = Cache::load(dir.path(), now);
        assert!(loaded.get("https://a.org/").is_some());
        assert!(loaded.get("https://old.org/").is_none());
        assert!(loaded.get("https://later.org/").is_none());
        assert!(dir.path().join(FOLDER).join(".gitignore").is_file());
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        assert!(Cache::load(dir.path(), now).links.is_empty());
    }

    #[test]
    fn impossible_dates_are_stale() {
        let now = 3600;
        assert!(is_fresh(now, now));
        assert!(is_fresh(0, now));
        for checked in [now + 1, i64::MAX, -1, -now, i64::MIN] {
            assert!(!is_fresh(checked, now), "{checked}");
        }
        // A clock set before 1970 believes nothing.
        assert!(!is_fresh(-10, -5));
        assert!(!is_fresh(i64::MIN, i64::MIN));
    }
}
