//! The file watcher: notify through a debouncer, so an editor's save (a temporary file, a
//! rename, a burst of events) is one batch of changes; the output folder, editors' temporary
//! files and repeated events that change nothing are left out.

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long the debouncer waits for a burst of file events to end.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// File events worth a rebuild: not the output, not editors' temporary files, not reads.
fn relevant(path: &Path, root: &Path, output: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    !temporary
        && (rel.starts_with("content")
            || rel.starts_with("themes")
            || rel == Path::new("site.yaml"))
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// The folders a site's sources live in, watched recursively; `site.yaml` is seen through a
/// non-recursive watch of the root, which keeps the output folder (and anything else in the
/// root) out of the watch.
const SOURCE_FOLDERS: [&str; 2] = ["content", "themes"];

/// Watches a site's sources and hands over each debounced batch of relevant changed paths.
pub struct SiteWatcher {
    debouncer: Debouncer,
    root: PathBuf,
    rx: mpsc::Receiver<Batch>,
    /// The source folders watched, by the identity (device, inode) of the folder watched: a
    /// folder replaced as a whole is a new one to watch.
    watched: HashMap<&'static str, (u64, u64)>,
    /// What each path held when it was last reported (see [`content_state`]).
    contents: HashMap<PathBuf, Option<Option<u128>>>,
}

/// One debounced batch of file events.
struct Batch {
    paths: Vec<PathBuf>,
    /// The events cannot be trusted to be complete (the kernel's queue overflowed, or the
    /// watcher failed): read everything again.
    rescan: bool,
}

/// What changed since the last build.
pub struct Changes {
    /// The changed paths, as events named them.
    pub paths: HashSet<PathBuf>,
    /// Whether the changes may reach beyond `paths` (a folder replaced, renamed or moved in
    /// as a whole, a branch checked out, events lost): every source is then read again.
    pub everything: bool,
    /// Whether a scheduled page's day has come.
    pub due: bool,
}

impl SiteWatcher {
    pub fn new(root: &Path, output: &Path) -> notify::Result<SiteWatcher> {
        let (tx, rx) = mpsc::channel();
        let (root_c, output_c) = (root.to_path_buf(), output.to_path_buf());
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let batch = match result {
                Ok(events) => Batch {
                    rescan: events.iter().any(|e| e.need_rescan()),
                    paths: events
                        .iter()
                        .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                        .flat_map(|e| e.paths.iter().cloned())
                        .filter(|p| relevant(p, &root_c, &output_c))
                        .collect(),
                },
                Err(_) => Batch {
                    paths: Vec::new(),
                    rescan: true,
                },
            };
            if batch.rescan || !batch.paths.is_empty() {
                let _ = tx.send(batch);
            }
        })?;
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let mut watcher = SiteWatcher {
            debouncer,
            root: root.to_path_buf(),
            rx,
            watched: HashMap::new(),
            contents: HashMap::new(),
        };
        watcher.watch_folders();
        Ok(watcher)
    }

    /// Watches each source folder that appeared, or was replaced, since the last look (a site
    /// often gains `themes/` when a maintainer first overrides the theme; `content/` is
    /// replaced whole by `rm -rf content && mv other content`). Returns whether any was:
    /// what is in it now was never reported file by file.
    fn watch_folders(&mut self) -> bool {
        use std::os::unix::fs::MetadataExt;
        let mut replaced = false;
        for folder in SOURCE_FOLDERS {
            let path = self.root.join(folder);
            let identity = std::fs::metadata(&path)
                .ok()
                .filter(|m| m.is_dir())
                .map(|m| (m.dev(), m.ino()));
            if identity == self.watched.get(folder).copied() {
                continue;
            }
            replaced = true;
            if self.watched.remove(folder).is_some() {
                let _ = self.debouncer.unwatch(&path);
            }
            if let Some(identity) = identity {
                match self.debouncer.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(folder, identity);
                    }
                    Err(e) => eprintln!("cannot watch {}: {e}", path.display()),
                }
            }
        }
        replaced
    }

    /// Waits for the next changes, gathering every batch that is already waiting. Paths whose
    /// content is what it was when last reported are left out, and a batch with nothing
    /// left is no change at all: a save can trail events after the debounce (an editor's
    /// last write, a close), and touching a file changes nothing. A folder among the paths
    /// means its files may have changed without events of their own (it was moved in or
    /// replaced), so everything is read again.
    ///
    /// At `due` (the start of a scheduled page's day), it returns with no changed path and
    /// [`Changes::due`] set, so that the page is published without a save.
    pub fn next_changes(&mut self, due: Option<std::time::Instant>) -> Option<Changes> {
        loop {
            let first = match due {
                Some(due) => {
                    let left = due.saturating_duration_since(std::time::Instant::now());
                    match self.rx.recv_timeout(left) {
                        Ok(batch) => batch,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            return Some(Changes {
                                paths: HashSet::new(),
                                everything: false,
                                due: true,
                            });
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                    }
                }
                None => self.rx.recv().ok()?,
            };
            let mut everything = first.rescan;
            let mut paths: HashSet<PathBuf> = first.paths.into_iter().collect();
            while let Ok(more) = self.rx.try_recv() {
                everything |= more.rescan;
                paths.extend(more.paths);
            }
            everything |= self.watch_folders();
            everything |= paths.iter().any(|p| p.is_dir());
            if everything {
                self.contents.clear();
                return Some(Changes {
                    paths,
                    everything,
                    due: false,
                });
            }
            paths.retain(|path| {
                let now = content_state(path);
                let same = now.is_some() && self.contents.get(path) == Some(&now);
                self.contents.insert(path.clone(), now);
                !same
            });
            if !paths.is_empty() {
                return Some(Changes {
                    paths,
                    everything,
                    due: false,
                });
            }
        }
    }
}

/// What a changed path holds now, to tell a real change from a repeated event: `Some(None)`
/// when it is gone, `Some(Some(hash))` for a file, `None` (always a change) for a folder or
/// a file that cannot be read.
fn content_state(path: &Path) -> Option<Option<u128>> {
    match std::fs::read(path) {
        Ok(bytes) => Some(Some(xxhash_rust::xxh3::xxh3_128(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_files() {
        let root = Path::new("/site");
        let output = Path::new("/site/output");
        assert!(relevant(
            Path::new("/site/content/briefs/x.md"),
            root,
            output
        ));
        assert!(relevant(Path::new("/site/site.yaml"), root, output));
        assert!(relevant(
            Path::new("/site/themes/centerview/static/css/a.css"),
            root,
            output
        ));
        assert!(!relevant(
            Path::new("/site/output/index.html"),
            root,
            output
        ));
        assert!(!relevant(
            Path::new("/site/content/briefs/.x.md.swp"),
            root,
            output
        ));
        assert!(!relevant(
            Path::new("/site/content/briefs/x.md~"),
            root,
            output
        ));
        assert!(!relevant(Path::new("/site/README.md"), root, output));
    }
}
