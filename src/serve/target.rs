//! Where rebuilds go: `serve`'s memory (and its open pages), or `watch`'s output folder with
//! its spare copy.

use super::live::Live;
use super::snapshot::Snapshot;
use crate::diagnostics::Diagnostic;
use std::collections::HashSet;
use std::sync::Arc;

/// Where rebuilds go: the server's memory, or the output folder.
pub trait Target {
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
pub struct Server(pub Arc<Live>);

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
pub struct Folder {
    pub output: crate::write::OutputFolder,
    /// The work folder holding the spare site, and the snapshot it holds.
    pub spare: Option<(crate::write::WorkFolder, Arc<Snapshot>)>,
    /// Whether the output folder holds a snapshot of this session yet.
    pub started: bool,
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
            next.entries().map(|(path, _)| path).collect()
        };
        let files: Vec<(&str, &[u8])> = next.entries().collect();
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
