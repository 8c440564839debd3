//! Stage 1, load: read `site.yaml` and every file under `content/`.
//!
//! This stage owns the raw inputs. It classifies each file (page, intro, asset, data table),
//! reads the text ones in parallel, and validates front matter. It knows nothing about URLs or
//! other pages: that is the resolve stage's job.

use crate::diagnostics::{Diagnostic, Source};
use crate::front_matter::{self, FrontMatter, Split};
use crate::kind::Kind;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A markdown page as read from disk.
#[derive(Debug, Clone)]
pub struct SourcePage {
    pub source: Source,
    /// The path under `content/`, with `/` separators (`briefs/partnership.md`).
    pub rel: String,
    /// The first folder under `content/` (`briefs`), or `None` for a file directly in it.
    pub folder: Option<String>,
    pub front: FrontMatter,
    pub split: Split,
    /// A person's profile, for a file in `content/authors/` (its `front` then holds only
    /// the person's name, as its title).
    pub profile: Option<Arc<crate::profile::Profile>>,
}

/// An `_index.md`: the intro text of the home page (`content/_index.md`) or of a section.
#[derive(Debug, Clone)]
pub struct Intro {
    pub source: Source,
    pub rel: String,
    /// `None` for the home page, else the section folder.
    pub folder: Option<String>,
    pub title: Option<String>,
    pub split: Split,
}

/// A file under `content/assets/`, copied unchanged to `output/assets/`.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: PathBuf,
    /// The path under `content/` (`assets/fig.png`).
    pub rel: String,
}

#[derive(Debug, Default)]
pub struct Content {
    /// Shared with the load cache, so a rebuild copies no page it did not read again.
    pub pages: Vec<Arc<SourcePage>>,
    pub intros: Vec<Intro>,
    pub assets: Vec<Asset>,
    /// `content/data/*.yaml`, read but interpreted by the data stage.
    pub data: Vec<Source>,
    /// Drafts left out of this build (paths under `content/`), so links to them can be
    /// reported as such.
    pub skipped_drafts: Vec<String>,
    /// Pages whose front matter could not be read (paths under `content/`): what they are
    /// (a series' part, say) is unknown until it is fixed.
    pub unreadable: Vec<String>,
}

#[derive(Clone)]
enum Entry {
    Page {
        path: PathBuf,
        rel: String,
        folder: Option<String>,
    },
    Intro {
        path: PathBuf,
        rel: String,
        folder: Option<String>,
    },
    Data {
        path: PathBuf,
        rel: String,
    },
}

/// Reads every content file under `root/content`. Problems are pushed to `diagnostics`; the
/// returned content holds everything that could be read.
pub fn load(root: &Path, drafts: bool, diagnostics: &mut Vec<Diagnostic>) -> Content {
    load_cached(root, drafts, &mut LoadCache::default(), None, diagnostics)
}

/// What earlier loads read, so a rebuild re-reads only the files that changed.
#[derive(Default)]
pub struct LoadCache {
    files: std::collections::HashMap<PathBuf, (Option<Loaded>, Vec<Diagnostic>)>,
    /// The last scan of the folder.
    scan: Option<Scan>,
}

/// What a scan of `content/` found: the files to read, the assets, and the problems.
#[derive(Clone)]
struct Scan {
    entries: Vec<Entry>,
    assets: Vec<Asset>,
    diagnostics: Vec<Diagnostic>,
}

/// Like [`load`], but reusing what `cache` holds for every file not in `changed` (all files
/// are read when `changed` is `None`). The folder is scanned again unless every changed path
/// is a page, intro or data file the last scan found and that is still a file: a created,
/// deleted or renamed file, an asset, or a folder always means a new scan.
pub fn load_cached(
    root: &Path,
    drafts: bool,
    cache: &mut LoadCache,
    changed: Option<&std::collections::HashSet<PathBuf>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Content {
    let content_dir = root.join("content");
    let mut content = Content::default();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(format!(
                "there is no content folder at {}",
                content_dir.display()
            ))
            .help("create content/ with your pages, or pass --root to point at the site"),
        );
        return content;
    }

    let content_prefix = content_dir.clone();
    let structure_unchanged = changed.is_some_and(|c| {
        c.iter()
            .filter(|p| p.starts_with(&content_prefix))
            .all(|p| cache.files.contains_key(p) && p.is_file())
    });
    let scan = match (&cache.scan, structure_unchanged) {
        (Some(scan), true) => scan.clone(),
        _ => scan(root, &content_dir),
    };
    cache.scan = Some(scan.clone());
    let Scan {
        entries,
        assets,
        diagnostics: scan_diagnostics,
    } = scan;
    content.assets = assets;
    diagnostics.extend(scan_diagnostics);

    // Reading and front-matter parsing are independent per file: do them on all cores, for
    // the files the cache cannot answer for.
    let is_fresh =
        |path: &Path| changed.is_some_and(|c| !c.contains(path)) && cache.files.contains_key(path);
    let loaded: Vec<(PathBuf, Option<Loaded>, Vec<Diagnostic>, bool)> = entries
        .into_par_iter()
        .map(|entry| {
            let path = entry.path().to_path_buf();
            if is_fresh(&path) {
                let (loaded, diags) = &cache.files[&path];
                return (path, loaded.clone(), diags.clone(), false);
            }
            let mut diags = Vec::new();
            let loaded = load_entry(entry, drafts, &mut diags);
            (path, loaded, diags, true)
        })
        .collect();
    let mut files = std::collections::HashMap::with_capacity(loaded.len());
    for (path, loaded, diags, read) in loaded {
        if read {
            files.insert(path.clone(), (loaded.clone(), diags.clone()));
        } else if let Some(entry) = cache.files.remove(&path) {
            files.insert(path, entry);
        }
        diagnostics.extend(diags);
        match loaded {
            Some(Loaded::Page(p)) => {
                if p.front.unreadable {
                    content.unreadable.push(p.rel.clone());
                }
                content.pages.push(p)
            }
            Some(Loaded::Unreadable(rel)) => content.unreadable.push(rel),
            Some(Loaded::Intro(i)) => content.intros.push(i),
            Some(Loaded::Data(d)) => content.data.push(d),
            Some(Loaded::SkippedDraft(rel)) => content.skipped_drafts.push(rel),
            None => {}
        }
    }
    // Files no longer there drop out of the cache.
    cache.files = files;
    content
}

/// Finds every file under `content/` and what it is.
fn scan(root: &Path, content_dir: &Path) -> Scan {
    let mut assets = Vec::new();
    let mut diagnostics = Vec::new();
    let mut entries = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                let display = display_path(root, &path);
                diagnostics.push(
                    Diagnostic::error(format!("cannot read {display}: {err}"))
                        .in_path(display, &path)
                        .help("check the file's permissions"),
                );
                continue;
            }
        };
        let path = entry.path();
        let rel = rel_path(content_dir, path);
        let display = format!("content/{rel}");
        if entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::error(format!(
                    "{display} is a symbolic link, which the build does not follow"
                ))
                .in_path(display, path)
                .help("copy the file into content/ instead of linking to it"),
            );
            continue;
        }
        // A data table's name is its id, which is checked (more strictly) with the table.
        let is_table = rel.starts_with("data/") && entry.file_type().is_file();
        if !is_table && let Some(d) = unsafe_name(&entry, &display) {
            diagnostics.push(d);
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let mut parts = rel.split('/');
        let first = parts.next().unwrap_or_default().to_string();
        let in_folder = rel.contains('/');
        let is_md = rel.ends_with(".md");
        let name = entry.file_name().to_string_lossy();

        if in_folder && first == "assets" {
            assets.push(Asset {
                path: path.to_path_buf(),
                rel,
            });
        } else if in_folder && first == "data" {
            if rel.ends_with(".yaml") || rel.ends_with(".yml") {
                entries.push(Entry::Data {
                    path: path.to_path_buf(),
                    rel,
                });
            } else {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "{display} is ignored: content/data/ holds only .yaml data tables"
                    ))
                    .in_path(display, path)
                    .help("move other files to content/assets/"),
                );
            }
        } else if is_md && name == "_index.md" {
            entries.push(Entry::Intro {
                path: path.to_path_buf(),
                folder: in_folder.then(|| first.clone()),
                rel,
            });
        } else if is_md {
            entries.push(Entry::Page {
                path: path.to_path_buf(),
                folder: in_folder.then_some(first),
                rel,
            });
        } else {
            diagnostics.push(
                Diagnostic::warning(format!("{display} is ignored: only .md pages are built from content/"))
                    .in_path(display, path)
                    .help("put images, PDFs and other files in content/assets/, where they are copied to the site"),
            );
        }
    }

    Scan {
        entries,
        assets,
        diagnostics,
    }
}

#[derive(Clone)]
pub enum Loaded {
    Page(Arc<SourcePage>),
    Intro(Intro),
    Data(Source),
    SkippedDraft(String),
    /// A page without front matter the build can find (see [`front_matter::split`]).
    Unreadable(String),
}

impl Entry {
    fn path(&self) -> &Path {
        match self {
            Entry::Page { path, .. } | Entry::Intro { path, .. } | Entry::Data { path, .. } => path,
        }
    }
}

fn load_entry(entry: Entry, drafts: bool, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    match entry {
        Entry::Data { path, rel } => {
            read_source(&path, &format!("content/{rel}"), diags).map(Loaded::Data)
        }
        Entry::Intro { path, rel, folder } => {
            let (source, split) = read_with_front_matter(&path, &rel, diags)?;
            let title = intro_title(&source, &split, diags);
            Some(Loaded::Intro(Intro {
                source,
                rel,
                folder,
                title,
                split,
            }))
        }
        Entry::Page { path, rel, folder } => {
            let Some((source, split)) = read_with_front_matter(&path, &rel, diags) else {
                return Some(Loaded::Unreadable(rel));
            };
            let default_kind = Kind::of_folder(folder.as_deref());
            let mut page_diags = Vec::new();
            let (front, profile) = match default_kind {
                Kind::Author => read_profile(&source, &split, &mut page_diags),
                _ => {
                    let front = front_matter::parse(&source, &split, default_kind, &mut page_diags);
                    (front, None)
                }
            };
            // A draft's problems do not fail a build that leaves it out.
            if front.draft && !drafts && !page_diags.iter().any(|d| d.message.contains("`draft`")) {
                return Some(Loaded::SkippedDraft(rel));
            }
            diags.extend(page_diags);
            Some(Loaded::Page(Arc::new(SourcePage {
                source,
                rel,
                folder,
                front,
                split,
                profile,
            })))
        }
    }
}

/// A profile's front matter, and the page's as the rest of the build reads it: the person's
/// name is its title.
fn read_profile(
    source: &Source,
    split: &Split,
    diags: &mut Vec<Diagnostic>,
) -> (FrontMatter, Option<Arc<crate::profile::Profile>>) {
    match crate::profile::parse(source, split, diags) {
        Some(profile) => {
            let front = FrontMatter {
                title: profile.name.clone(),
                kind: Some(Kind::Author),
                ..FrontMatter::default()
            };
            (front, Some(Arc::new(profile)))
        }
        None => {
            let front = FrontMatter {
                unreadable: true,
                kind: Some(Kind::Author),
                ..FrontMatter::default()
            };
            (front, None)
        }
    }
}

/// Reads a markdown file and finds its front matter.
fn read_with_front_matter(
    path: &Path,
    rel: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Source, Split)> {
    let source = read_source(path, &format!("content/{rel}"), diags)?;
    match front_matter::split(&source) {
        Ok(split) => Some((source, split)),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// `_index.md` front matter holds only a title.
fn intro_title(source: &Source, split: &Split, diags: &mut Vec<Diagnostic>) -> Option<String> {
    use crate::yaml::{Step, Value};
    let doc = crate::yaml_doc::YamlDoc::new(source, split.yaml.clone());
    let value = match doc.parse() {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let entries = match doc.root_map(&value, "front matter") {
        Ok(e) => e,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut title = None;
    for (key, value) in entries {
        let path = [Step::Key(key.clone())];
        if key == "title" {
            match doc.text(&path, value) {
                Ok(t) => title = Some(front_matter::smarten(&t)),
                Err(d) => diags.push(d),
            }
        } else {
            let _: &Value = value;
            diags.push(doc.unknown_key(&[], key, &["title"], "an _index.md front matter"));
        }
    }
    title
}

/// The largest page or data file read, in bytes. The Center's longest report is a few hundred
/// kilobytes; a file many times that is a mistake (a pasted export, a binary renamed to
/// .md), and reading it would only slow every build.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

pub fn read_source(path: &Path, display: &str, diags: &mut Vec<Diagnostic>) -> Option<Source> {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_FILE_BYTES
    {
        diags.push(
            Diagnostic::error(format!(
                "{display} is {:.1} MB; a page or data table may be at most {} MB",
                meta.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ))
            .in_path(display, path)
            .help("split it into several pages, or put large files in content/assets/"),
        );
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(Source::new(path.to_path_buf(), display.to_string(), &text)),
            Err(err) => {
                // Point at the first bad byte in a lossy copy, so the editor sees the line.
                let offset = err.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let source = Source::new(path.to_path_buf(), display.to_string(), &lossy);
                diags.push(
                    Diagnostic::error("the file is not UTF-8 text")
                        .at(&source, offset..offset)
                        .label("this byte is not valid UTF-8")
                        .help("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)"),
                );
                None
            }
        },
        Err(err) => {
            diags.push(Diagnostic::io("cannot read", path, &err).in_path(display, path));
            None
        }
    }
}

/// A file's or folder's name under `content/` becomes part of an address (a folder of plain
/// pages, an asset, a data table's CSV), so a character not safe in a URL path is an error
/// at that file, with a name to rename it to. Each name is checked once, where it is
/// (a folder, not every file in it).
fn unsafe_name(entry: &walkdir::DirEntry, display: &str) -> Option<Diagnostic> {
    if entry.depth() == 0 {
        return None;
    }
    let name = entry.file_name().to_string_lossy();
    let reason = name.chars().find_map(crate::urls::unsafe_in_address)?;
    let what = if entry.file_type().is_dir() {
        "folder"
    } else {
        "file"
    };
    let rename = crate::urls::safe_name(&name);
    Some(
        Diagnostic::error(format!("the name of the {what} {display} is not safe in a web address: it holds {reason}"))
            .in_path(display, entry.path())
            .help(format!("rename it `{rename}`: names under content/ become part of the site's addresses, so keep to letters a-z and A-Z, digits, `-`, `_` and `.`")),
    )
}

/// Hidden files and editors' temporary files are not content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path as shown to editors: relative to the site root.
pub fn display_path(root: &Path, path: &Path) -> String {
    rel_path(root, path)
}
