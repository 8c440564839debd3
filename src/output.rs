//! What a build produces: output files, their bytes, and what each was made from.
//!
//! Every stage that makes files (rendering, static files, the search index) returns
//! [`Output`]s; the write stage writes them, and `serve` and `watch` compare them between
//! builds. The dependency record ([`Deps`]) says which sources and templates each was made
//! from.

use std::collections::BTreeSet;
use std::sync::Arc;

/// The file that marks a folder as centerview's output: no output may take its path.
pub const MARKER: &str = ".centerview";

/// In [`Deps::files`]: the output depends on every page (the search index does).
pub const EVERY_PAGE: &str = "content/**/*.md";

/// What an output file was made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
    /// Source files, as shown to editors (`content/briefs/x.md`, `site.yaml`), or
    /// [`EVERY_PAGE`].
    pub files: BTreeSet<String>,
    /// Theme templates by name (`page.html`).
    pub templates: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub enum OutputData {
    /// Shared, so an incremental rebuild can keep an unchanged output without copying it.
    Bytes(Arc<Vec<u8>>),
    Static(&'static [u8]),
    Copy(std::path::PathBuf),
    /// Already written to the output folder being made (see [`crate::write::Staging`]).
    Written,
}

#[derive(Debug, Clone)]
pub struct Output {
    /// Path under the output folder (`briefs/x/index.html`).
    pub path: String,
    pub data: OutputData,
    /// Shared: a rebuild keeps an unchanged output's record without copying it.
    pub deps: Arc<Deps>,
}

/// Every output path has one owner: a copied file (an asset or a theme's static file:
/// `copied` gives its path and source) that lands where a rendered file (`rendered`: its path
/// and what makes it) or another copied file is written would silently replace it, or be
/// replaced, so it is an error naming both. Rendered pages among themselves are checked when
/// their URLs are resolved.
pub fn check_one_owner(
    rendered: impl Iterator<Item = (String, String)>,
    copied: &[(String, String)],
    diagnostics: &mut Vec<crate::diagnostics::Diagnostic>,
) {
    let mut owners: std::collections::HashMap<String, String> = rendered.collect();
    owners.insert(
        MARKER.to_string(),
        "centerview's mark of the output folder".into(),
    );
    for (path, source) in copied {
        match owners.get(path) {
            Some(owner) => diagnostics.push(
                crate::diagnostics::Diagnostic::error(format!(
                    "{source} would be written to {path} in the site, where {owner} is written"
                ))
                .in_file(source.clone())
                .help("rename or move one of the two: each file of the site has one source"),
            ),
            None => {
                owners.insert(path.clone(), source.clone());
            }
        }
    }
}
