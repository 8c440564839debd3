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
/// `copied` gives its path and source) that lands where a rendered file (`rendered`: the
/// paths, with `owner` telling what makes the file at an index) or another copied file is
/// written would silently replace it, or be replaced, so it is an error naming both.
/// Rendered pages among themselves are checked when their URLs are resolved.
pub fn check_one_owner(
    rendered: &[String],
    owner: &dyn Fn(usize) -> String,
    copied: &[(String, String)],
    diagnostics: &mut Vec<crate::diagnostics::Diagnostic>,
) {
    let mut owners: std::collections::HashMap<&str, Owner> = rendered
        .iter()
        .enumerate()
        .map(|(i, path)| (path.as_str(), Owner::Rendered(i)))
        .collect();
    owners.insert(MARKER, Owner::Marker);
    for (path, source) in copied {
        let Some(taken) = owners.get(path.as_str()) else {
            owners.insert(path, Owner::Copied(source));
            continue;
        };
        let owner = match taken {
            Owner::Rendered(i) => owner(*i),
            Owner::Copied(other) => other.to_string(),
            Owner::Marker => "centerview's mark of the output folder".into(),
        };
        diagnostics.push(
            crate::diagnostics::Diagnostic::error(format!(
                "{source} would be written to {path} in the site, where {owner} is written"
            ))
            .in_file(source.clone())
            .help("rename or move one of the two: each file of the site has one source"),
        );
    }
}

/// Who writes a path (see [`check_one_owner`]).
enum Owner<'a> {
    Rendered(usize),
    Copied(&'a str),
    Marker,
}
