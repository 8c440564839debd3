//! The rebuild loop `serve` and `watch` share.

use super::snapshot::Snapshot;
use super::target::Target;
use super::watcher::Changes;
use super::watcher::SiteWatcher;
use crate::build::{Built, Failure, Session};
use crate::console::Console;
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds, then rebuilds after every change, forever: the loop `serve` and `watch` share.
/// A rebuild shows its results in three steps: the edited page alone when the save can only
/// have changed that page (see [`Session::preview`]), then every page, then the search
/// index, which takes longest. A build that fails is reported and the loop goes on.
/// `first_line` says what the first good build printed; `first_failed`, what follows the
/// count of errors when the first build fails.
pub fn rebuild_loop(
    session: Session,
    target: &mut dyn Target,
    console: Console,
    first_line: &mut dyn FnMut(&Built, Duration) -> String,
    first_failed: String,
) -> i32 {
    let mut watcher = match SiteWatcher::new(&session.root, &session.output) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot watch {}: {e}", session.root.display());
            return 2;
        }
    };
    let empty = Arc::new(Snapshot::default());
    let mut rebuilder = Rebuilder {
        session,
        target,
        console,
        first_failed,
        current: empty.clone(),
        good: empty,
        updated: HashSet::new(),
        next_due: None,
    };
    let mut changes: Option<Changes> = None;
    loop {
        if let Some(code) = rebuilder.rebuild(changes.as_ref(), first_line) {
            return code;
        }
        // A page held back until its day is published then, without a save.
        let due = rebuilder
            .next_due
            .map(|date| Instant::now() + crate::clock::until(date));
        match watcher.next_changes(due) {
            Some(c) => changes = Some(c),
            None => return 0,
        }
    }
}

/// The loop's state between rebuilds.
struct Rebuilder<'t> {
    session: Session,
    target: &'t mut dyn Target,
    console: Console,
    first_failed: String,
    /// What readers see, and the last good build (they differ while a preview is shown).
    current: Arc<Snapshot>,
    good: Arc<Snapshot>,
    /// The outputs this rebuild changed so far.
    updated: HashSet<String>,
    /// The day the first page held back is due, as of the last good build.
    next_due: Option<jiff::civil::Date>,
}

/// A build's outputs and when its pages were all shown, or why they could not be.
type Shown = (Built, Result<Duration, Diagnostic>);

impl Rebuilder<'_> {
    /// Rebuilds after `changes` (`None`: the first build). Returns an exit status when the
    /// loop must end.
    fn rebuild(
        &mut self,
        changes: Option<&Changes>,
        first_line: &mut dyn FnMut(&Built, Duration) -> String,
    ) -> Option<i32> {
        let started = Instant::now();
        self.updated.clear();
        // Changes that may reach every source are built as if everything changed.
        let changed = changes.filter(|c| !c.everything).map(|c| &c.paths);
        let preview = changed.and_then(|c| self.session.preview(c));
        let mut preview_shown = None;
        if let Some(page) = &preview
            && self.show(std::slice::from_ref(page), &|_| true).is_ok()
        {
            preview_shown = Some(started.elapsed());
        }
        match self.build(changed, changes.is_none(), started) {
            Ok((built, Ok(pages_shown))) => {
                self.good = self.current.clone();
                self.next_due = built.held_back.1;
                let times = (started, preview_shown, pages_shown);
                self.report(&built, changes, times, first_line);
                None
            }
            Ok((_, Err(write_error))) => {
                self.console.diagnostic(&write_error);
                self.console.summary(1, &[]);
                changes.is_none().then_some(2)
            }
            Err(failure) => self.failed(&failure, preview.is_some(), changes.is_none()),
        }
    }

    /// Makes `outputs` what readers see; the files of what they saw that are not among
    /// `outputs` are kept when `keep` says so (`outputs` is then part of a build).
    fn show(&mut self, outputs: &[Output], keep: &dyn Fn(&str) -> bool) -> Result<(), Diagnostic> {
        let (next, paths) = self.current.next(outputs, keep);
        let next = Arc::new(next);
        self.target.show(&self.current, &next, &paths)?;
        self.current = next;
        self.updated.extend(paths);
        Ok(())
    }

    /// Builds the pages and shows them, then the search index. The first build is shown
    /// whole: a site without its search index yet is not one to show.
    fn build(
        &mut self,
        changed: Option<&HashSet<PathBuf>>,
        first: bool,
        started: Instant,
    ) -> Result<Shown, Failure> {
        let mut built = self.session.build_pages(changed)?;
        let pages_shown = match first {
            true => Ok(started.elapsed()),
            false => self
                .show(&built.outputs, &|p| p.starts_with("search/"))
                .map(|()| started.elapsed()),
        };
        self.session.finish_search(&mut built)?;
        let mut all_shown =
            pages_shown.and_then(|pages| self.show(&built.outputs, &|_| false).map(|()| pages));
        // The PDF editions last: typesetting takes longest, and readers have the pages.
        if all_shown.is_ok() && built.rendered.editions.pending > 0 {
            self.session.finish_pdfs(&mut built)?;
            all_shown =
                all_shown.and_then(|pages| self.show(&built.outputs, &|_| false).map(|()| pages));
        }
        Ok((built, all_shown))
    }

    /// The terminal's line about a good build: what changed, what was rendered, and when
    /// the edited page and every page were shown.
    fn report(
        &self,
        built: &Built,
        changes: Option<&Changes>,
        (started, preview_shown, pages_shown): (Instant, Option<Duration>, Duration),
        first_line: &mut dyn FnMut(&Built, Duration) -> String,
    ) {
        self.console.diagnostics(&built.warnings);
        self.console.stages(&built.stages);
        self.console.summary(0, &built.warnings);
        if self.console.quiet {
            return;
        }
        let Some(changes) = changes else {
            eprintln!("{}", first_line(built, started.elapsed()));
            return;
        };
        let ms = |t: Duration| t.as_secs_f64() * 1000.0;
        let when = match preview_shown {
            Some(t) => format!(
                "the page after {:.0} ms, every page after {:.0} ms",
                ms(t),
                ms(pages_shown)
            ),
            None => format!("every page after {:.0} ms", ms(pages_shown)),
        };
        eprintln!(
            "[{}] {}: {} rendered, {} changed in {:.0} ms ({when})",
            clock(),
            describe(changes, &self.session.root),
            count(built.rendered.bodies, "page", "pages"),
            count(self.updated.len(), "file", "files"),
            ms(started.elapsed()),
        );
    }

    /// A failed build: a preview is taken back (readers get the last good build), the
    /// errors are printed and shown, and the loop goes on, unless the first build could not
    /// even start.
    fn failed(&mut self, failure: &Failure, previewed: bool, first: bool) -> Option<i32> {
        if previewed && !Arc::ptr_eq(&self.current, &self.good) {
            let (writes, removes) = self.current.diff(&self.good);
            let back: Vec<String> = writes
                .iter()
                .map(|(p, _)| p.to_string())
                .chain(removes.iter().map(|p| p.to_string()))
                .collect();
            if self.target.show(&self.current, &self.good, &back).is_ok() {
                self.current = self.good.clone();
            }
        }
        self.console.diagnostics(&failure.diagnostics);
        self.console.summary(failure.errors(), &failure.diagnostics);
        if first && failure.exit_code() == 2 {
            return Some(2);
        }
        let after = if first {
            self.first_failed.clone()
        } else if self.session.options.write {
            format!("{} is unchanged", self.session.output.display())
        } else {
            "still serving the last good build".to_string()
        };
        eprintln!(
            "[{}] {}; {after}. Waiting for the next save.",
            clock(),
            count(failure.errors(), "error", "errors"),
        );
        self.target.fail(&failure.diagnostics);
        None
    }
}

/// One rebuild's line in the terminal.
fn describe(changes: &Changes, root: &Path) -> String {
    if changes.due && changes.paths.is_empty() {
        return "a scheduled page's day has come".into();
    }
    let paths = &changes.paths;
    let mut names: Vec<String> = paths
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap_or(p).to_string_lossy();
            // Shown, never obeyed: a file name may hold control characters.
            crate::diagnostics::escape_controls(&name).into_owned()
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
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}
