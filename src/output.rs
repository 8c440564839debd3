//! What a build produces: output files, their bytes, and what each was made from.
//!
//! Every stage that makes files (rendering, static files, the search index) returns
//! [`Output`]s; the write stage writes them, and `serve` and `watch` compare them between
//! builds. The dependency record ([`Deps`]) says which sources and templates each was made
//! from.

use crate::diagnostics::Diagnostic;
use std::collections::{BTreeSet, HashMap};
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

impl Deps {
    /// The record of a file no next build compares (one handed to the output folder as it
    /// was made): one shared empty record, rather than one for each of tens of thousands of
    /// files.
    pub fn none() -> Arc<Deps> {
        static NONE: std::sync::OnceLock<Arc<Deps>> = std::sync::OnceLock::new();
        NONE.get_or_init(Default::default).clone()
    }
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

/// The rendered files, as the one-owner check sees them (see [`check_one_owner`]).
pub struct RenderedPaths<'a> {
    /// Each file's path under the output folder.
    pub paths: &'a [String],
    /// What file `i` is, in a message about its path ("the feed").
    pub owner: &'a dyn Fn(usize) -> String,
    /// An error about file `i`'s path saying `what` of it ("is the feed"), placed where an
    /// editor chose that path (an alias's line, a page's front matter); `None` when the
    /// build chose it.
    pub chosen: &'a dyn Fn(usize, &str) -> Option<Diagnostic>,
    /// Whether file `i` is a page: pages' addresses are checked against each other and the
    /// generated listings when they are resolved, with messages of their own.
    pub is_page: &'a dyn Fn(usize) -> bool,
}

/// Every output path has one owner. A rendered file (a page, listing, citation, CSV, an
/// alias's redirect), a copied file (an asset or a theme's static file: `copied` gives its
/// path and source), the search index (every file of `search/` but its page) and the
/// output folder's mark each take their paths; a second file on one of them would silently
/// replace the first, and a file where another needs a folder (`cite.bib/x/index.html`)
/// could not be written at all. Either is an error, placed at an alias, else at the copied
/// file, else at the page.
pub fn check_one_owner(
    rendered: &RenderedPaths,
    claims: &Claims,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let copied = &claims.copied;
    let mut owners: HashMap<&str, Owner> =
        HashMap::with_capacity(rendered.paths.len() + copied.len() + 1);
    owners.insert(MARKER, Owner::Marker);
    let claimed = rendered
        .paths
        .iter()
        .enumerate()
        .map(|(i, path)| (path.as_str(), Owner::Rendered(i)))
        .chain(
            copied
                .iter()
                .map(|(path, src)| (path.as_str(), Owner::Copied(src))),
        )
        .chain(
            claims
                .made
                .iter()
                .map(|(path, what)| (path.as_str(), Owner::Made(what))),
        );
    let mut conflicts = Vec::new();
    for (path, owner) in claimed {
        if let Some(&taken) = owners.get(path) {
            conflicts.push(Conflict {
                path,
                owner,
                other: taken,
                folder: None,
            });
            continue;
        }
        owners.insert(path, owner);
        if crate::urls::Urls::is_search_index(path) {
            conflicts.push(Conflict {
                path,
                owner,
                other: Owner::SearchIndex,
                folder: None,
            });
        }
    }
    // A path whose folder is another file: one lookup per folder of each path.
    for (&path, &owner) in &owners {
        for (end, _) in path.match_indices('/') {
            let folder = &path[..end];
            let other = match owners.get(folder) {
                Some(&other) => other,
                None if crate::urls::Urls::is_search_index(folder) => Owner::SearchIndex,
                None => continue,
            };
            conflicts.push(Conflict {
                path,
                owner,
                other,
                folder: Some(folder),
            });
        }
    }
    // A file where a folder is needed is one mistake however many files are in the folder
    // (a page and its citations): it is reported once, beside a page if there is one.
    let is_page = |owner: &Owner| matches!(*owner, Owner::Rendered(i) if (rendered.is_page)(i));
    conflicts.sort_by_key(|c| {
        (
            c.folder.unwrap_or(c.path),
            c.folder.is_some(),
            !is_page(&c.owner),
            c.path,
        )
    });
    conflicts.dedup_by(|b, a| a.folder.is_some() && a.folder == b.folder);
    diagnostics.extend(conflicts.iter().filter_map(|c| c.diagnostic(rendered)));
    check_lengths(rendered, claims, diagnostics);
}

/// What the rendered files' paths must fit beside: the files copied into the site (assets and
/// theme static files: each path with its source as shown to editors), and where the site is
/// written.
pub struct Claims {
    pub copied: Vec<(String, String)>,
    /// Files the build makes outside the templates (the PDF editions): path and what it is.
    pub made: Vec<(String, String)>,
    /// The length in bytes of the folder every file is first written under, with the `/`
    /// after it (see `write::work_prefix_len`).
    pub prefix_len: usize,
}

/// The longest path, in bytes, the system takes to create a file, without the zero that ends
/// it.
pub const PATH_MAX: usize = libc::PATH_MAX as usize - 1;

/// No path is longer than the system lets a file's path be, once the folder the site is
/// written under is put before it: such a file could not be written.
fn check_lengths(rendered: &RenderedPaths, claims: &Claims, diagnostics: &mut Vec<Diagnostic>) {
    let too_long = |path: &str| claims.prefix_len + path.len() > PATH_MAX;
    let what = |path: &str| {
        format!(
            "would be written to a path of {} bytes in the site, {} with the folder the site is written in: more than the {PATH_MAX} bytes a path may have",
            path.len(),
            claims.prefix_len + path.len()
        )
    };
    let help = "use shorter names for the folders in content/, or build into a folder with a shorter path (--output)";
    for (i, path) in rendered.paths.iter().enumerate() {
        if too_long(path) {
            let d = (rendered.chosen)(i, &what(path)).unwrap_or_else(|| {
                Diagnostic::error(format!("{} {}", (rendered.owner)(i), what(path)))
            });
            diagnostics.push(d.help(help));
        }
    }
    for (path, source) in &claims.copied {
        if too_long(path) {
            diagnostics.push(
                Diagnostic::error(format!("this file {}", what(path)))
                    .in_file(source.clone())
                    .help(help),
            );
        }
    }
}

/// Who writes a path (see [`check_one_owner`]).
#[derive(Clone, Copy)]
enum Owner<'a> {
    Rendered(usize),
    Copied(&'a str),
    /// A file the build makes outside the templates: what it is ("the PDF edition of …").
    Made(&'a str),
    Marker,
    SearchIndex,
}

impl Owner<'_> {
    fn describe(&self, rendered: &RenderedPaths) -> String {
        match *self {
            Owner::Rendered(i) => (rendered.owner)(i),
            Owner::Copied(source) | Owner::Made(source) => source.to_string(),
            Owner::Marker => "centerview's mark of the output folder".into(),
            Owner::SearchIndex => "the search index".into(),
        }
    }
}

/// Two owners of one path (`folder: None`), or a file (`other`) where `owner` needs a
/// folder.
struct Conflict<'a> {
    path: &'a str,
    owner: Owner<'a>,
    other: Owner<'a>,
    folder: Option<&'a str>,
}

impl Conflict<'_> {
    /// The error: at an alias, else at a copied file, else at a page; `None` for two pages,
    /// or a page and a listing, which resolving has reported.
    fn diagnostic(&self, rendered: &RenderedPaths) -> Option<Diagnostic> {
        let what = |other: &Owner| match (self.folder, other) {
            (None, Owner::Copied(source)) => format!("is where {source} is copied"),
            (None, other) => format!("is {}", other.describe(rendered)),
            (Some(folder), other) => format!(
                "needs `{folder}` to be a folder, where {} is written",
                other.describe(rendered)
            ),
        };
        let chosen = |owner: &Owner, other: &Owner| match *owner {
            Owner::Rendered(i) => (rendered.chosen)(i, &what(other)),
            _ => None,
        };
        let is_page = |owner: &Owner| matches!(*owner, Owner::Rendered(i) if (rendered.is_page)(i));
        let rendered_only = matches!(
            (self.owner, self.other),
            (Owner::Rendered(_), Owner::Rendered(_))
        );
        if self.folder.is_none() && rendered_only && (is_page(&self.owner) || is_page(&self.other))
        {
            return None;
        }
        let by_alias = |owner: &Owner, other: &Owner| {
            (!is_page(owner)).then(|| chosen(owner, other)).flatten()
        };
        by_alias(&self.owner, &self.other)
            .or_else(|| by_alias(&self.other, &self.owner))
            .or_else(|| self.copied_diagnostic(rendered))
            .or_else(|| chosen(&self.owner, &self.other))
            .or_else(|| chosen(&self.other, &self.owner))
            .or_else(|| self.made_diagnostic(rendered))
    }

    /// Two files the build makes outside the templates on one path (two images' resized
    /// copies: `x.png` and `x.jpg` both make `x-480.webp`).
    fn made_diagnostic(&self, rendered: &RenderedPaths) -> Option<Diagnostic> {
        let (Owner::Made(one), Owner::Made(other)) = (self.owner, self.other) else {
            return None;
        };
        let message = match self.folder {
            None => format!(
                "{one} and {other} would both be written to {} in the site",
                self.path
            ),
            Some(folder) => format!(
                "{one} and {} cannot both be written: one needs `{folder}` in the site to be a folder, the other is that file",
                Owner::Made(other).describe(rendered)
            ),
        };
        Some(Diagnostic::error(message).help(
            "rename one of the two images (`x.png` and `x.jpg` both have copies named `x-480.webp`)",
        ))
    }

    /// The error at a copied file's source, when neither owner is an editor's choice.
    fn copied_diagnostic(&self, rendered: &RenderedPaths) -> Option<Diagnostic> {
        let (source, other) = match (self.owner, self.other) {
            (Owner::Copied(source), other) | (other, Owner::Copied(source)) => (source, other),
            _ => return None,
        };
        let message = match self.folder {
            None => format!(
                "{source} would be written to {} in the site, where {} is written",
                self.path,
                other.describe(rendered)
            ),
            Some(folder) => format!(
                "{source} and {} cannot both be written: one needs `{folder}` in the site to be a folder, the other is that file",
                other.describe(rendered)
            ),
        };
        Some(
            Diagnostic::error(message)
                .in_file(source.to_string())
                .help("rename or move one of the two: each file of the site has one source"),
        )
    }
}
