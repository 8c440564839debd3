//! `centerview serve` and `centerview watch`: rebuild on every save, and (for `serve`) show the
//! result in the browser at once.
//!
//! Both keep one [`Session`] and feed it the files that changed, so a rebuild redoes only what
//! the change affects. File events come from notify through a debouncer, so an editor's save
//! (a temporary file, a rename, a burst of events) is one rebuild. A build that fails is
//! reported and the loop goes on: `serve` keeps serving the last good site and shows the
//! errors over it in the browser until a save fixes them.
//!
//! `serve` keeps the site in memory and serves it on 127.0.0.1 with axum: content types,
//! `index.html` for folders, the site's 404 page, HTTP Range requests (search uses them), no
//! way out of the site. Pages get a small script (only when served, never in the build) that
//! listens for server-sent events: reload the page, reload only the stylesheets, show or clear
//! the errors.

use crate::build::{Options, Session};
use crate::diagnostics::Diagnostic;
use crate::output::{Output, OutputData};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How long the debouncer waits for a burst of file events to end.
const DEBOUNCE: Duration = Duration::from_millis(20);
const LIVE_JS: &str = include_str!("live.js");

/// What the browser is told.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// These outputs changed (paths under the output folder); a page reloads when it is one
    /// of them, or when an asset or script changed.
    Reload(Arc<Vec<String>>),
    /// Only stylesheets changed.
    Css,
    /// The build failed: the diagnostics, as text.
    Errors(String),
    /// The build is good again.
    Ok,
}

/// The site as served: the last good build, and the current errors, if any.
pub struct Live {
    files: RwLock<Arc<Snapshot>>,
    errors: RwLock<Option<String>>,
    events: broadcast::Sender<LiveEvent>,
}

impl Live {
    pub fn new() -> Arc<Live> {
        Arc::new(Live {
            files: RwLock::new(Arc::new(Snapshot::default())),
            errors: RwLock::new(None),
            events: broadcast::channel(64).0,
        })
    }

    /// Serves a new build (or part of one); tells open pages what to do about the outputs
    /// that changed, and clears the errors if there were any.
    pub fn publish(&self, snapshot: Arc<Snapshot>, changed: &[String]) {
        *self.files.write().expect("files lock") = snapshot;
        if self.errors.write().expect("errors lock").take().is_some() {
            let _ = self.events.send(LiveEvent::Ok);
        }
        if changed.is_empty() {
            return;
        }
        let event = if changed.iter().all(|p| p.ends_with(".css")) {
            LiveEvent::Css
        } else {
            LiveEvent::Reload(Arc::new(changed.to_vec()))
        };
        let _ = self.events.send(event);
    }

    /// Shows a failed build's errors over the last good pages.
    pub fn fail(&self, diagnostics: &[Diagnostic]) {
        let text: String = diagnostics
            .iter()
            .filter(|d| d.severity != crate::diagnostics::Severity::Warning)
            .map(|d| d.render(false))
            .collect();
        *self.errors.write().expect("errors lock") = Some(text.clone());
        let _ = self.events.send(LiveEvent::Errors(text));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }
}

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
    fn diff<'a>(&'a self, other: &'a Snapshot) -> (Vec<(&'a str, &'a [u8])>, Vec<&'a str>) {
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

    /// The bytes of one output.
    pub fn get(&self, path: &str) -> Option<&bytes::Bytes> {
        self.files.get(path).map(|(_, bytes)| bytes)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

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
struct SiteWatcher {
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
}

impl SiteWatcher {
    fn new(root: &Path, output: &Path) -> notify::Result<SiteWatcher> {
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
    fn next_changes(&mut self) -> Option<Changes> {
        loop {
            let first = self.rx.recv().ok()?;
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
                return Some(Changes { paths, everything });
            }
            paths.retain(|path| {
                let now = content_state(path);
                let same = now.is_some() && self.contents.get(path) == Some(&now);
                self.contents.insert(path.clone(), now);
                !same
            });
            if !paths.is_empty() {
                return Some(Changes { paths, everything });
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

/// One rebuild's line in the terminal.
fn describe(paths: &HashSet<PathBuf>, root: &Path) -> String {
    let mut names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    match names.len() {
        0 => "rebuilt".into(),
        1 => format!("{} changed", names[0]),
        n => format!("{} and {} more changed", names[0], n - 1),
    }
}

/// "1 page", "2 pages".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// Where rebuilds go: the server's memory, or the output folder.
trait Target {
    /// Makes `next` what readers see, in place of `previous`; `changed` lists the outputs
    /// that differ.
    fn show(
        &mut self,
        previous: &Arc<Snapshot>,
        next: &Arc<Snapshot>,
        changed: &[String],
    ) -> Result<(), Diagnostic>;

    /// A build failed: readers keep the last good site.
    fn fail(&mut self, diagnostics: &[Diagnostic]);
}

/// `serve`'s target: the site in memory, and the open pages.
struct Server(Arc<Live>);

impl Target for Server {
    fn show(
        &mut self,
        _: &Arc<Snapshot>,
        next: &Arc<Snapshot>,
        changed: &[String],
    ) -> Result<(), Diagnostic> {
        self.0.publish(next.clone(), changed);
        Ok(())
    }

    fn fail(&mut self, diagnostics: &[Diagnostic]) {
        self.0.fail(diagnostics);
    }
}

/// `watch`'s target: the output folder, swapped in whole as `build` does. The previous
/// version is kept beside it as a spare, brought up to date and swapped in by the next
/// rebuild, so each rebuild writes only the files that changed.
struct Folder {
    output: crate::write::OutputFolder,
    /// The work folder holding the spare site, and the snapshot it holds.
    spare: Option<(crate::write::WorkFolder, Arc<Snapshot>)>,
    /// Whether the output folder holds a snapshot of this session yet.
    started: bool,
}

impl Target for Folder {
    fn show(
        &mut self,
        previous: &Arc<Snapshot>,
        next: &Arc<Snapshot>,
        changed: &[String],
    ) -> Result<(), Diagnostic> {
        if self.started && changed.is_empty() {
            return Ok(());
        }
        if let Some((spare, held)) = self.spare.take() {
            let (writes, removes) = held.diff(next);
            if crate::write::swap_updated(&self.output, &spare, &writes, &removes).is_ok() {
                self.spare = Some((spare, previous.clone()));
                return Ok(());
            }
            // Dropping the spare removes it; a whole new folder is written below.
        }
        let changed: HashSet<&str> = if self.started {
            changed.iter().map(String::as_str).collect()
        } else {
            next.files.keys().map(String::as_str).collect()
        };
        let files: Vec<(&str, &[u8])> = next
            .files
            .iter()
            .map(|(p, (_, b))| (p.as_str(), &b[..]))
            .collect();
        let old = crate::write::swap_new(&self.output, &files, &changed)?;
        // What was there before this session is not known: it cannot be a spare.
        if self.started {
            self.spare = old.map(|work| (work, previous.clone()));
        }
        self.started = true;
        Ok(())
    }

    fn fail(&mut self, _: &[Diagnostic]) {}
}

/// `centerview watch`: rebuild into the output folder (atomically) after every change.
pub fn watch(options: Options, quiet: bool, color: bool) -> i32 {
    let mut session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f.diagnostics, color, f.exit_code()),
    };
    if !quiet {
        eprintln!(
            "Watching {} for changes (Ctrl-C to stop)",
            session.root.display()
        );
    }
    // Ctrl-C, SIGTERM and SIGHUP end the loop: the output stays as it is, the spare goes.
    if let Err(e) = crate::write::folder::clean_up_on_signals() {
        eprintln!("warning: a stopped watch will leave a spare output folder behind ({e})");
    }
    let Some(output) = session.folder.take() else {
        unreachable!("watch writes an output folder");
    };
    let mut folder = Folder {
        output,
        spare: None,
        started: false,
    };
    let output = session.output.display().to_string();
    rebuild_loop(session, &mut folder, quiet, color, &mut |built, took| {
        format!(
            "[{}] built: {} in {output}, written in {:.0} ms",
            clock(),
            count(built.outputs.len(), "file", "files"),
            took.as_secs_f64() * 1000.0
        )
    })
}

fn report_failure(diagnostics: &[Diagnostic], color: bool, code: i32) -> i32 {
    for d in diagnostics {
        eprint!("{}", d.render(color));
    }
    code
}

/// `centerview serve`: build, serve on 127.0.0.1:`port`, rebuild on change, reload pages.
pub fn serve(mut options: Options, port: u16, open: bool, quiet: bool, color: bool) -> i32 {
    options.write = false;
    options.base_url = Some(format!("http://127.0.0.1:{port}/"));
    let session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f.diagnostics, color, f.exit_code()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let live = Live::new();
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", port))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{port}: {e}\n  help: another program may be using the port; choose another with --port"
            );
            return 2;
        }
    };
    runtime.spawn(serve_on(listener, live.clone(), IDLE_TIMEOUT));
    let url = format!("http://127.0.0.1:{port}/");
    let root = session.root.display().to_string();
    let mut opened = !open;
    rebuild_loop(session, &mut Server(live), quiet, color, &mut |_, _| {
        if !opened {
            open_browser(&url);
            opened = true;
        }
        format!("Serving {root} at {url} (Ctrl-C to stop)")
    })
}

/// Builds, then rebuilds after every change, forever: the loop `serve` and `watch` share.
/// A rebuild shows its results in three steps: the edited page alone when the save can only
/// have changed that page (see [`Session::preview`]), then every page, then the search
/// index, which takes longest. A build that fails is reported and the loop goes on.
fn rebuild_loop(
    mut session: Session,
    target: &mut dyn Target,
    quiet: bool,
    color: bool,
    first_line: &mut dyn FnMut(&crate::build::Built, Duration) -> String,
) -> i32 {
    let mut watcher = match SiteWatcher::new(&session.root, &session.output) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot watch {}: {e}", session.root.display());
            return 2;
        }
    };
    // What readers see, and the last good build (they differ while a preview is shown).
    let mut current = Arc::new(Snapshot::default());
    let mut good = current.clone();
    // `None` for the first build, and for changes that may reach every source.
    let mut changed: Option<HashSet<PathBuf>> = None;
    let mut described: Option<HashSet<PathBuf>> = None;
    loop {
        let started = Instant::now();
        let mut updated: HashSet<String> = HashSet::new();
        let mut show = |outputs: &[Output],
                        keep: &dyn Fn(&str) -> bool,
                        current: &mut Arc<Snapshot>,
                        target: &mut dyn Target|
         -> Result<(), Diagnostic> {
            let (next, paths) = current.next(outputs, keep);
            let next = Arc::new(next);
            target.show(current, &next, &paths)?;
            *current = next;
            updated.extend(paths);
            Ok(())
        };
        let preview = changed.as_ref().and_then(|c| session.preview(c));
        let mut shown = None;
        if let Some(page) = &preview
            && show(std::slice::from_ref(page), &|_| true, &mut current, target).is_ok()
        {
            shown = Some(started.elapsed());
        }
        let result = session.build_pages(changed.as_ref()).map(|mut built| {
            // The first build is shown whole: a site without its search index yet is not
            // one to show.
            let shown_pages = match described {
                None => Ok(started.elapsed()),
                Some(_) => show(
                    &built.outputs,
                    &|p| p.starts_with("search/"),
                    &mut current,
                    target,
                )
                .map(|()| started.elapsed()),
            };
            session.finish_search(&mut built);
            let all = shown_pages.and_then(|pages| {
                show(&built.outputs, &|_| false, &mut current, target).map(|()| pages)
            });
            (built, all)
        });
        match result {
            Ok((built, Ok(pages_done))) => {
                good = current.clone();
                for w in &built.warnings {
                    eprint!("{}", w.render(color));
                }
                if quiet {
                } else if let Some(c) = &described {
                    eprintln!(
                        "[{}] {}: {} rendered, {} changed in {:.0} ms ({})",
                        clock(),
                        describe(c, &session.root),
                        count(built.rendered.bodies, "page", "pages"),
                        count(updated.len(), "file", "files"),
                        started.elapsed().as_secs_f64() * 1000.0,
                        match shown {
                            Some(t) => format!(
                                "the page after {:.0} ms, every page after {:.0} ms",
                                t.as_secs_f64() * 1000.0,
                                pages_done.as_secs_f64() * 1000.0
                            ),
                            None => format!(
                                "every page after {:.0} ms",
                                pages_done.as_secs_f64() * 1000.0
                            ),
                        }
                    );
                } else {
                    eprintln!("{}", first_line(&built, started.elapsed()));
                }
            }
            Ok((_, Err(write_error))) => {
                eprint!("{}", write_error.render(color));
                if described.is_none() {
                    return 2;
                }
            }
            Err(failure) => {
                // A preview is taken back: readers get the last good build.
                if preview.is_some() && !Arc::ptr_eq(&current, &good) {
                    let (writes, removes) = current.diff(&good);
                    let back: Vec<String> = writes
                        .iter()
                        .map(|(p, _)| p.to_string())
                        .chain(removes.iter().map(|p| p.to_string()))
                        .collect();
                    if target.show(&current, &good, &back).is_ok() {
                        current = good.clone();
                    }
                }
                for d in &failure.diagnostics {
                    eprint!("{}", d.render(color));
                }
                if described.is_none() && failure.exit_code() == 2 {
                    return 2;
                }
                eprintln!(
                    "[{}] {}; {}. Waiting for the next save.",
                    clock(),
                    count(failure.errors(), "error", "errors"),
                    if session.options.write {
                        format!("{} is unchanged", session.output.display())
                    } else {
                        "still serving the last good build".to_string()
                    }
                );
                target.fail(&failure.diagnostics);
            }
        }
        match watcher.next_changes() {
            Some(c) => {
                changed = (!c.everything).then(|| c.paths.clone());
                described = Some(c.paths);
            }
            None => return 0,
        }
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// How long a connection may stay open without sending a request before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the site on `listener` (HTTP/1.1) until the process ends. A connection that sends
/// no request for `idle` is closed, so idle clients cannot hold connections open forever;
/// open responses (the reload channel) are not cut.
pub async fn serve_on(listener: tokio::net::TcpListener, live: Arc<Live>, idle: Duration) {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let app = router(live, port);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, for instance: try again shortly.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(idle)
                .keep_alive(true);
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = http.serve_connection(io, service).await;
        });
    }
}

/// Whether a request's `Host` names the server: `127.0.0.1` or `localhost`, with the port it
/// listens on or none. A page on another site can point its own name at 127.0.0.1 (DNS
/// rebinding) and have the browser read the preview as its own: its requests name it, and are
/// refused.
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) => (name, Some(p)),
        None => (host, None),
    };
    let name_ok = name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost");
    name_ok && given_port.is_none_or(|p| p.parse() == Ok(port))
}

async fn check_host(
    State(port): State<u16>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host_allowed(host, port) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("centerview serve answers only to http://127.0.0.1:{port}/ and http://localhost:{port}/, not to a request for {host:?}.\n"),
    )
        .into_response()
}

/// The HTTP routes: the live-reload channel and script, and the site; requests for another
/// host than the server on `port` are refused (see [`host_allowed`]).
pub fn router(live: Arc<Live>, port: u16) -> axum::Router {
    axum::Router::new()
        .route("/__centerview/events", axum::routing::get(events))
        .route(
            "/__centerview/live.js",
            axum::routing::get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    LIVE_JS,
                )
            }),
        )
        .fallback(site_file)
        .with_state(live)
        .layer(axum::middleware::from_fn_with_state(port, check_host))
}

async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio_stream::StreamExt;
    let current = live.errors.read().expect("errors lock").clone();
    let first =
        tokio_stream::iter(current.map(|text| Ok(Event::default().event("errors").data(text))));
    let updates =
        tokio_stream::wrappers::BroadcastStream::new(live.subscribe()).filter_map(|event| {
            let event = event.ok()?;
            Some(Ok(match event {
                LiveEvent::Reload(paths) => {
                    Event::default().event("reload").data(reload_data(&paths))
                }
                LiveEvent::Css => Event::default().event("css").data("css"),
                LiveEvent::Errors(text) => Event::default().event("errors").data(text),
                LiveEvent::Ok => Event::default().event("ok").data("ok"),
            }))
        });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

/// A reload event's data: the changed outputs, or `{"all":true}` when there are very many.
fn reload_data(paths: &[String]) -> String {
    if paths.len() > 1000 {
        return r#"{"all":true}"#.into();
    }
    serde_json::json!({ "paths": paths }).to_string()
}

async fn site_file(State(live): State<Arc<Live>>, request: axum::extract::Request) -> Response {
    let raw = request.uri().path();
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    // Nothing outside the site: no `..`, no backslashes, no NULs.
    if path.split('/').any(|segment| segment == "..") || path.contains('\\') || path.contains('\0')
    {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    }
    let files = live.files.read().expect("files lock").clone();
    if files.files.is_empty() {
        return first_build_page(&live);
    }
    let rel = path.trim_start_matches('/');
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if files.contains(rel) {
        rel.to_string()
    } else if files.contains(&format!("{rel}/index.html")) {
        let location = format!("/{rel}/");
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    } else {
        rel.to_string()
    };
    let (status, key) = if files.contains(&key) {
        (StatusCode::OK, key)
    } else {
        (StatusCode::NOT_FOUND, "404.html".to_string())
    };
    let Some(body) = files.get(&key) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    respond(status, &key, body.clone(), request.headers())
}

/// What is served before the first good build: "building" (the page refreshes itself), or
/// the first build's errors. The live script reloads the page when the site is there.
fn first_build_page(live: &Live) -> Response {
    let errors = live.errors.read().expect("errors lock").clone();
    let (refresh, message) = match &errors {
        None => (
            "<meta http-equiv=\"refresh\" content=\"1\">",
            "<p>centerview is building the site. This page shows it as soon as it is ready.</p>"
                .to_string(),
        ),
        Some(text) => (
            "",
            format!(
                "<p>The site has errors, so there is nothing to show yet. Fix them and save: this page shows the site as soon as it builds.</p><pre>{}</pre>",
                text.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            ),
        ),
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"centerview-waiting\" content=\"\">{refresh}<title>centerview</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem\"><main><h1>centerview</h1>{message}</main><script src=\"/__centerview/live.js\"></script></body></html>"
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::RETRY_AFTER, "1"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// A file's response: its content type, the live-reload script in HTML, and Range support.
fn respond(status: StatusCode, key: &str, body: bytes::Bytes, headers: &HeaderMap) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let is_text = mime.type_() == "text"
        || key.ends_with(".js")
        || key.ends_with(".json")
        || key.ends_with(".xml")
        || key.ends_with(".svg");
    let content_type = if is_text && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let body = if mime.essence_str() == "text/html" {
        let html = String::from_utf8_lossy(&body);
        let script = "<script src=\"/__centerview/live.js\"></script>";
        bytes::Bytes::from(match html.rfind("</body>") {
            Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
            None => format!("{html}{script}"),
        })
    } else {
        body
    };
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| status == StatusCode::OK)
        .map_or(RangeAnswer::Whole, |range| byte_range(range, body.len()));
    let mut response = match range {
        RangeAnswer::Part(start, end) => {
            let mut r = Response::new(Body::from(body.slice(start..end)));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{}/{}", end - 1, body.len()))
                    .expect("a header value"),
            );
            r
        }
        RangeAnswer::Unsatisfiable => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{}", body.len())).expect("a header value"),
            );
            return r;
        }
        RangeAnswer::Whole => {
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = status;
            r
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).expect("a header value"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// What a `Range` header gets (RFC 9110 §14.2).
#[derive(Debug, PartialEq)]
enum RangeAnswer {
    /// The whole body, status 200: no header, or one that cannot be parsed or asks for
    /// several ranges (which a server may ignore, and this one does).
    Whole,
    /// One range, status 206: start and end (exclusive); an end past the body is clamped.
    Part(usize, usize),
    /// Status 416: the range starts past the end of the body.
    Unsatisfiable,
}

/// What a `Range` header asks of a body of `len` bytes.
fn byte_range(header: &str, len: usize) -> RangeAnswer {
    use http_range_header::RangeUnsatisfiableError;
    let Ok(parsed) = http_range_header::parse_range_header(header) else {
        return RangeAnswer::Whole;
    };
    match parsed.validate(len as u64) {
        Ok(ranges) => match ranges.as_slice() {
            [one] => RangeAnswer::Part(*one.start() as usize, *one.end() as usize + 1),
            _ => RangeAnswer::Whole,
        },
        Err(RangeUnsatisfiableError::Unsatisfiable) => RangeAnswer::Unsatisfiable,
        Err(_) => RangeAnswer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        use RangeAnswer::*;
        assert_eq!(byte_range("bytes=0-9", 100), Part(0, 10));
        assert_eq!(byte_range("bytes=90-", 100), Part(90, 100));
        assert_eq!(byte_range("bytes=-10", 100), Part(90, 100));
        assert_eq!(byte_range("bytes=-1000", 100), Part(0, 100));
        // An end past the body is clamped.
        assert_eq!(byte_range("bytes=95-200", 100), Part(95, 100));
        assert_eq!(
            byte_range("bytes=95-99999999999999999999", 100),
            Part(95, 100)
        );
        // A start past the end cannot be satisfied.
        assert_eq!(byte_range("bytes=100-", 100), Unsatisfiable);
        assert_eq!(byte_range("bytes=150-200", 100), Unsatisfiable);
        // Invalid or unsupported headers are ignored: the whole body.
        for ignored in [
            "bytes=0-1,4-5",
            "bytes=9-0",
            "bytes=abc",
            "items=0-9",
            "bytes=",
            "bytes=--5",
            "bytes=0-9 ",
            "bytes = 0-9",
        ] {
            assert_eq!(byte_range(ignored, 100), Whole, "{ignored}");
        }
    }

    #[test]
    fn only_requests_for_the_loopback_host_are_answered() {
        for host in ["127.0.0.1", "127.0.0.1:3030", "localhost:3030", "LOCALHOST"] {
            assert!(host_allowed(host, 3030), "{host}");
        }
        for host in [
            "",
            "evil.example:3030",
            "127.0.0.1:80",
            "127.0.0.1.evil.example:3030",
            "localhost.evil.example",
            "192.168.1.5:3030",
            "127.0.0.1:3030:3030",
        ] {
            assert!(!host_allowed(host, 3030), "{host}");
        }
    }

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
