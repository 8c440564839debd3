//! The site as `serve` serves it: the last good build's files, the current errors, and the
//! events that tell open pages what to do.

use super::snapshot::Snapshot;
use crate::diagnostics::Diagnostic;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

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

    /// The current errors, as text, if the last build failed.
    pub fn errors(&self) -> Option<String> {
        self.errors.read().expect("errors lock").clone()
    }

    /// The files being served.
    pub fn files(&self) -> Arc<Snapshot> {
        self.files.read().expect("files lock").clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }
}
