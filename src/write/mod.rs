//! Stage 4, write: put the outputs on disk without ever leaving a half-written site.
//!
//! Everything is written into a work folder beside the output folder, which is then swapped
//! in with one atomic exchange (see [`folder`]). A failed or killed build therefore leaves the
//! previous output exactly as it was, and readers of the folder (a server) see either the old
//! or the new site, never a mix. What may be replaced, and by whom, is [`folder`]'s business.

pub mod folder;

use crate::diagnostics::Diagnostic;
use crate::output::{Output, OutputData};
use folder::io_error;
pub use folder::{MARKER, OutputFolder, WorkFolder, Writer, work_prefix_len};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Makes `path` absolute and resolves `.`, `..` and symbolic links in the folders above it.
/// The last component is kept as named, even when it is a symbolic link: the output folder
/// decides what to do with a link (see [`folder::resolve`]).
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let Some(name) = normal.file_name().map(|n| n.to_os_string()) else {
        return Ok(normal);
    };
    // Canonicalize the longest existing prefix of the parent, then add the rest back.
    let mut existing = normal.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut rest = vec![name];
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Writes `outputs` as the new contents of `folder`, atomically.
pub fn write(folder: &OutputFolder, outputs: &[Output]) -> Result<(), Diagnostic> {
    let work = folder.stage()?;
    write_files(&work.site, outputs, &folder.path, &HashSet::new())?;
    folder.publish(&work)?;
    // Dropping the work folder removes the previous site it now holds.
    drop(work);
    Ok(())
}

/// Writes a complete new output folder from `files`, hard-linking from the current output
/// folder every file not in `changed`, swaps it in, and returns the work folder that now
/// holds the previous output (when there was one), for [`swap_updated`] to reuse.
pub fn swap_new(
    folder: &OutputFolder,
    files: &[(&str, &[u8])],
    changed: &HashSet<&str>,
) -> Result<Option<WorkFolder>, Diagnostic> {
    let work = folder.stage()?;
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|(p, _)| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    create_folders(&work.site, folders)?;
    files.par_iter().try_for_each(|(rel, bytes)| {
        let path = work.site.join(rel);
        if !changed.contains(rel) && std::fs::hard_link(folder.path.join(rel), &path).is_ok() {
            return Ok(());
        }
        std::fs::write(&path, bytes).map_err(|e| io_error("cannot write", &path, &e))
    })?;
    Ok(folder.publish(&work)?.then_some(work))
}

/// Brings `spare`, a work folder holding a complete earlier version of the output folder
/// (see [`swap_new`]), up to date by writing `writes` and removing `removes`, then swaps it
/// in: afterwards `spare` holds the previous output. A rebuild thus writes only what changed
/// since the spare's version, and readers still see one whole site or the other. Files are
/// replaced, never written through, since the two folders share the files hard-linked
/// between them.
pub fn swap_updated(
    folder: &OutputFolder,
    spare: &WorkFolder,
    writes: &[(&str, &[u8])],
    removes: &[&str],
) -> Result<(), Diagnostic> {
    let site = &spare.site;
    if !site.join(MARKER).is_file() || !folder.path.join(MARKER).is_file() {
        return Err(Diagnostic::error(format!(
            "{} is not an earlier output folder",
            site.display()
        )));
    }
    for rel in removes {
        let path = site.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                // Folders left empty go too, as a full build would not make them.
                let mut parent = path.parent();
                while let Some(f) = parent.filter(|f| f != site) {
                    if std::fs::remove_dir(f).is_err() {
                        break;
                    }
                    parent = f.parent();
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("cannot remove", &path, &e)),
        }
    }
    writes.par_iter().try_for_each(|(rel, bytes)| {
        let path = site.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error("cannot create the folder", parent, &e))?;
        }
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(io_error("cannot replace", &path, &e));
            }
            _ => {}
        }
        std::fs::write(&path, bytes).map_err(|e| io_error("cannot write", &path, &e))
    })?;
    folder.publish(spare).map(|_| ())
}

fn create_folders<'a>(
    dir: &Path,
    folders: impl IntoIterator<Item = &'a str>,
) -> Result<(), Diagnostic> {
    for rel in folders {
        let path = dir.join(rel);
        std::fs::create_dir_all(&path)
            .map_err(|e| io_error("cannot create the folder", &path, &e))?;
    }
    Ok(())
}

/// Writes `outputs` (except those already [`OutputData::Written`]) into `dir`.
fn write_files(
    dir: &Path,
    outputs: &[Output],
    current: &Path,
    unchanged: &HashSet<&str>,
) -> Result<(), Diagnostic> {
    let folders: BTreeSet<&str> = outputs
        .iter()
        .filter(|o| !matches!(o.data, OutputData::Written))
        .filter_map(|o| o.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    create_folders(dir, folders)?;
    outputs.par_iter().try_for_each(|o| {
        let path = dir.join(&o.path);
        if unchanged.contains(o.path.as_str())
            && std::fs::hard_link(current.join(&o.path), &path).is_ok()
        {
            return Ok(());
        }
        let result = match &o.data {
            OutputData::Bytes(bytes) => std::fs::write(&path, bytes.as_slice()),
            OutputData::Static(bytes) => std::fs::write(&path, bytes),
            OutputData::Copy(from) => std::fs::copy(from, &path).map(|_| ()),
            OutputData::Written => Ok(()),
        };
        result.map_err(|e| io_error("cannot write", &path, &e))
    })
}

/// A new output folder being written while the build goes on: a one-off build writes each
/// page as soon as it is rendered, so it never holds the whole site in memory. Nothing is
/// visible until [`Staging::finish`] swaps the folder in; dropped unfinished (the build
/// failed), the work folder is removed and the output is as it was.
pub struct Staging {
    work: WorkFolder,
    /// Folders made so far, under the work folder's site.
    folders: std::sync::Mutex<HashSet<String>>,
}

impl Staging {
    pub fn new(folder: &OutputFolder) -> Result<Staging, Diagnostic> {
        Ok(Staging {
            work: folder.stage()?,
            folders: Default::default(),
        })
    }

    /// Writes one file (`rel` under the output folder), making its folder if need be.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.path_for(rel)?;
        std::fs::write(&path, bytes).map_err(|e| io_error("cannot write", &path, &e))
    }

    /// Where the file `rel` goes in the folder being made, its folder made if need be: for a
    /// file put there otherwise than by [`Staging::put`] (a PDF linked from the cache).
    pub fn path_for(&self, rel: &str) -> Result<std::path::PathBuf, Diagnostic> {
        let site = &self.work.site;
        if let Some((parent, _)) = rel.rsplit_once('/') {
            let new = !self.folders.lock().expect("folders lock").contains(parent);
            if new {
                let path = site.join(parent);
                std::fs::create_dir_all(&path)
                    .map_err(|e| io_error("cannot create the folder", &path, &e))?;
                self.folders
                    .lock()
                    .expect("folders lock")
                    .insert(parent.to_string());
            }
        }
        Ok(site.join(rel))
    }

    /// Writes the outputs not written yet, and swaps the folder in.
    pub fn finish(self, folder: &OutputFolder, outputs: &[Output]) -> Result<(), Diagnostic> {
        write_files(&self.work.site, outputs, &folder.path, &HashSet::new())?;
        folder.publish(&self.work)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Deps;

    fn out(path: &str, text: &str) -> Output {
        Output {
            path: path.into(),
            data: OutputData::Bytes(std::sync::Arc::new(text.as_bytes().to_vec())),
            deps: Deps::default().into(),
        }
    }

    /// `output` held for writing, for a site elsewhere.
    fn open(output: &Path) -> OutputFolder {
        let site = output.parent().unwrap().join("site");
        OutputFolder::open(&site, output, Writer::Build).unwrap()
    }

    #[test]
    fn writes_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let files = [out("index.html", "one"), out("a/b/index.html", "x")];
        write(&open(&output), &files).unwrap();
        assert_eq!(
            std::fs::read_to_string(output.join("a/b/index.html")).unwrap(),
            "x"
        );
        write(&open(&output), &[out("index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "two"
        );
        assert!(!output.join("a").exists(), "old files are gone");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("output")]);
    }

    #[test]
    fn a_spare_folder_is_updated_without_touching_the_live_one() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let folder = open(&output);
        write(
            &folder,
            &[out("a/index.html", "one"), out("b/index.html", "b")],
        )
        .unwrap();
        // Version 2 links b/ from version 1; version 1 becomes the spare.
        let files: [(&str, &[u8]); 2] = [("a/index.html", b"two"), ("b/index.html", b"b")];
        let spare = swap_new(&folder, &files, &["a/index.html"].into())
            .unwrap()
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(spare.site.join("a/index.html")).unwrap(),
            "one"
        );
        // Version 3 from the spare: b/ changes (a file shared by both folders), c/ is new,
        // a/ goes.
        swap_updated(
            &folder,
            &spare,
            &[("b/index.html", b"b3"), ("c/index.html", b"c")],
            &["a/index.html"],
        )
        .unwrap();
        let read = |dir: &Path, rel: &str| std::fs::read_to_string(dir.join(rel)).ok();
        assert_eq!(read(&output, "b/index.html").as_deref(), Some("b3"));
        assert_eq!(read(&output, "c/index.html").as_deref(), Some("c"));
        assert!(!output.join("a").exists(), "emptied folders go");
        // The spare now holds version 2, intact.
        assert_eq!(read(&spare.site, "a/index.html").as_deref(), Some("two"));
        assert_eq!(read(&spare.site, "b/index.html").as_deref(), Some("b"));
        assert!(!spare.site.join("c").exists());
    }
}
