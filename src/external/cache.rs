//! The links found working in the last day, in `.centerview-cache/external-links.json` in
//! the site's folder, so that checking again after a small change asks no server twice.
//!
//! Only working links are kept: a broken one is asked about again next time, as it may have
//! been fixed (or its server may be back). The file is written whole to a temporary file and
//! renamed over the old one, so a check stopped half-way leaves the old cache or the new one.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder, in the site's folder, of what centerview keeps between runs.
pub const FOLDER: &str = ".centerview-cache";
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
    /// The cache's entries checked within the last day before `now`. A missing or unreadable
    /// file is an empty cache: all it costs is asking the servers again.
    pub fn load(root: &Path, now: i64) -> Cache {
        let Ok(text) = std::fs::read_to_string(path(root)) else {
            return Cache::default();
        };
        let mut cache: Cache = serde_json::from_str(&text).unwrap_or_default();
        cache
            .links
            .retain(|_, e| e.checked <= now && now - e.checked < FRESH_FOR_SECONDS);
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

    /// Writes the cache atomically, with a `.gitignore` in its folder so that it is never
    /// committed with the site.
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        let folder = root.join(FOLDER);
        std::fs::create_dir_all(&folder)?;
        let ignore = folder.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(
                &ignore,
                "# centerview's cache: nothing here needs keeping\n*\n",
            )?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let temporary = folder.join(format!(".{FILE}.tmp-{}", std::process::id()));
        let written = std::fs::File::create(&temporary).and_then(|mut file| {
            file.write_all(&json)?;
            file.sync_all()
        });
        match written.and_then(|()| std::fs::rename(&temporary, path(root))) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&temporary);
                Err(e)
            }
        }
    }
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
}
