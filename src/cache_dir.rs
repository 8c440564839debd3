//! `.centerview-cache/` in the site's folder: what centerview keeps between runs (today the
//! links `check --external` found working). Every reader and writer of that folder goes through
//! [`read`] and [`write`], which keep it centerview's alone:
//!
//! - nothing is read or written through a symbolic link: not the folder, not its
//!   `.gitignore`, not a cache file. Each is opened relative to the folder's own descriptor with
//!   `O_NOFOLLOW`, so a link put there (a dangling one included) is refused, never followed out
//!   of the site, and reported by name;
//! - a file is written whole to a new temporary file beside it (`O_CREAT | O_EXCL`) and renamed
//!   over the old one, so a run stopped half-way leaves the old file or the new one, and the
//!   rename replaces whatever stands at the name instead of writing into it;
//! - the folder holds a `.gitignore` of `*`, so git never commits it with the site.

use rustix::fs::{AtFlags, FileType, Mode, OFlags, openat, renameat, statat, unlinkat};
use rustix::io::Errno;
use std::fmt;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

/// The folder, in the site's folder, of what centerview keeps between runs.
pub const FOLDER: &str = ".centerview-cache";
const GITIGNORE: &str = ".gitignore";
const GITIGNORE_TEXT: &str = "# centerview's cache: nothing here needs keeping\n*\n";

/// Why the cache could not be read or written.
#[derive(Debug)]
pub enum Error {
    /// Something centerview did not make stands where its cache goes: `what` it is.
    NotOurs {
        path: PathBuf,
        what: &'static str,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotOurs { path, what } => write!(f, "`{}` is {what}", path.display()),
            Error::Io { path, error } => write!(f, "`{}`: {error}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// What the editor can do about it.
    pub fn help(&self) -> String {
        match self {
            Error::NotOurs { path, .. } => format!(
                "remove `{}`: centerview makes `{FOLDER}` and everything in it itself",
                path.display()
            ),
            Error::Io { .. } => "check that the site's folder can be written".into(),
        }
    }
}

/// The contents of the cache file `name` in the site at `root`; `None` when there is none.
pub fn read(root: &Path, name: &str) -> Result<Option<Vec<u8>>, Error> {
    let Some(folder) = open_folder(root, false)? else {
        return Ok(None);
    };
    let path = Path::new(FOLDER).join(name);
    // Non-blocking, so that a FIFO put in the file's place cannot hold the run.
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = match openat(&folder, name, flags, Mode::empty()) {
        Ok(file) => file,
        Err(Errno::NOENT) => return Ok(None),
        Err(e) => return Err(refusal(&folder, name, &path, e)),
    };
    let stat = rustix::fs::fstat(&file).map_err(|e| io_error(&path, e))?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err(not_ours(path, describe(stat.st_mode)));
    }
    let mut bytes = Vec::new();
    (std::fs::File::from(file).read_to_end(&mut bytes)).map_err(|error| Error::Io {
        path: path.clone(),
        error,
    })?;
    Ok(Some(bytes))
}

/// Writes the cache file `name` in the site at `root` atomically, making the folder and its
/// `.gitignore` first if they are missing.
pub fn write(root: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    debug_assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
    let folder = open_folder(root, true)?.expect("made");
    ensure_gitignore(&folder)?;
    let path = Path::new(FOLDER).join(name);
    // Refused rather than replaced: a link here is someone's, and they should hear of it.
    match statat(&folder, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) if FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile => {}
        Ok(stat) => return Err(not_ours(path, describe(stat.st_mode))),
        Err(Errno::NOENT) => {}
        Err(e) => return Err(io_error(&path, e)),
    }
    let temporary = format!(
        ".{name}.tmp-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    );
    let written = create_new(&folder, &temporary, bytes)
        .and_then(|()| renameat(&folder, &temporary, &folder, name).map_err(io::Error::from));
    written.map_err(|error| {
        let _ = unlinkat(&folder, &temporary, AtFlags::empty());
        Error::Io { path, error }
    })
}

/// The regular files of the cache whose names start with `prefix`: name and size. A
/// link or anything else in their place is left out (and never read).
pub fn list(root: &Path, prefix: &str) -> Result<Vec<(String, u64)>, Error> {
    matching(root, prefix, |folder, name, _| {
        let stat = statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        let regular = FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile;
        regular.then(|| (name.to_string(), stat.st_size as u64))
    })
}

/// The names of the regular files of the cache that start with `prefix`, as the folder's
/// listing gives their types (no `stat` of each of thousands of entries; linking one
/// checks it again).
pub fn names(root: &Path, prefix: &str) -> Result<Vec<String>, Error> {
    matching(root, prefix, |folder, name, file_type| {
        let regular = match file_type {
            FileType::Unknown => statat(folder, name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile),
            file_type => file_type == FileType::RegularFile,
        };
        regular.then(|| name.to_string())
    })
}

/// What `keep` makes of each entry of the cache whose name (UTF-8) starts with `prefix`,
/// given the folder, the name and the type the listing says; nothing when there is no cache.
fn matching<T>(
    root: &Path,
    prefix: &str,
    mut keep: impl FnMut(&OwnedFd, &str, FileType) -> Option<T>,
) -> Result<Vec<T>, Error> {
    let Some(folder) = open_folder(root, false)? else {
        return Ok(Vec::new());
    };
    let path = Path::new(FOLDER);
    let dir = rustix::fs::Dir::read_from(&folder).map_err(|e| io_error(path, e))?;
    let mut kept = Vec::new();
    for entry in dir {
        let entry = entry.map_err(|e| io_error(path, e))?;
        let Ok(name) = entry.file_name().to_str() else {
            continue;
        };
        if name.starts_with(prefix) {
            kept.extend(keep(&folder, name, entry.file_type()));
        }
    }
    Ok(kept)
}

/// The cache folder, opened once for the many files one build links from it (opening it
/// again for each of 10,000 sharing cards was a tenth of their cost).
pub struct Folder {
    root: PathBuf,
    folder: OwnedFd,
}

impl Folder {
    /// The cache of the site at `root`, when files are to be linked from it (`wanted`);
    /// `None` when they are not, or it has none.
    pub fn open_if(wanted: bool, root: &Path) -> Result<Option<Folder>, Error> {
        if !wanted {
            return Ok(None);
        }
        Ok(open_folder(root, false)?.map(|folder| Folder {
            root: root.to_path_buf(),
            folder,
        }))
    }

    /// Puts the cache file `name` at `dest` (a path that does not exist yet) as a second
    /// name of the same file, which costs no copy; where the two cannot share a file
    /// (another file system), a copy. Only a regular file is ever linked: never a link put
    /// in the cache.
    pub fn link_to(&self, name: &str, dest: &Path) -> Result<(), Error> {
        let (folder, root) = (&self.folder, &self.root);
        let path = Path::new(FOLDER).join(name);
        let stat =
            statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).map_err(|e| io_error(&path, e))?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return Err(not_ours(path, describe(stat.st_mode)));
        }
        match rustix::fs::linkat(folder, name, rustix::fs::CWD, dest, AtFlags::empty()) {
            Ok(()) => Ok(()),
            Err(Errno::XDEV | Errno::PERM | Errno::MLINK | Errno::NOSYS) => {
                let bytes = read(root, name)?.ok_or_else(|| io_error(&path, Errno::NOENT))?;
                std::fs::write(dest, bytes).map_err(|error| Error::Io {
                    path: dest.to_path_buf(),
                    error,
                })
            }
            Err(e) => Err(io_error(dest, e)),
        }
    }
}

/// The cache folder, opened without following a link; made first when `create` is set.
/// `None` when it does not exist and is not to be made.
fn open_folder(root: &Path, create: bool) -> Result<Option<OwnedFd>, Error> {
    let folder_path = Path::new(FOLDER);
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let site =
        openat(rustix::fs::CWD, root, flags, Mode::empty()).map_err(|e| io_error(root, e))?;
    if create {
        match rustix::fs::mkdirat(&site, FOLDER, Mode::from_raw_mode(0o777)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(io_error(folder_path, e)),
        }
    }
    match openat(&site, FOLDER, flags | OFlags::NOFOLLOW, Mode::empty()) {
        Ok(folder) => Ok(Some(folder)),
        Err(Errno::NOENT) if !create => Ok(None),
        Err(e) => Err(refusal(&site, FOLDER, folder_path, e)),
    }
}

/// Writes the folder's `.gitignore` unless it has one (a file: a link is refused).
fn ensure_gitignore(folder: &OwnedFd) -> Result<(), Error> {
    let path = Path::new(FOLDER).join(GITIGNORE);
    match create_new(folder, GITIGNORE, GITIGNORE_TEXT.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let stat = statat(folder, GITIGNORE, AtFlags::SYMLINK_NOFOLLOW)
                .map_err(|e| io_error(&path, e))?;
            match FileType::from_raw_mode(stat.st_mode) {
                FileType::RegularFile => Ok(()),
                _ => Err(not_ours(path, describe(stat.st_mode))),
            }
        }
        Err(error) => Err(Error::Io { path, error }),
    }
}

/// Makes the file `name` in `folder`, which must not exist in any form (not even as a
/// dangling link: `O_EXCL` follows none), and writes `bytes` to disk.
fn create_new(folder: &OwnedFd, name: &str, bytes: &[u8]) -> io::Result<()> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let file = openat(folder, name, flags, Mode::from_raw_mode(0o666))?;
    let mut file = std::fs::File::from(file);
    file.write_all(bytes)?;
    file.sync_all()
}

/// The error for an entry that could not be opened: what it is, when it is not what
/// centerview makes there, or the error itself.
fn refusal(parent: &OwnedFd, name: &str, path: &Path, error: Errno) -> Error {
    match statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) if matches!(error, Errno::LOOP | Errno::NOTDIR | Errno::NXIO) => {
            not_ours(path.to_path_buf(), describe(stat.st_mode))
        }
        _ => io_error(path, error),
    }
}

fn describe(mode: rustix::fs::RawMode) -> &'static str {
    match FileType::from_raw_mode(mode) {
        FileType::Symlink => "a symbolic link, and centerview writes nothing through one",
        FileType::Directory => "a folder where centerview keeps a file",
        FileType::RegularFile => "a file where centerview keeps a folder",
        _ => "not a file (a device, pipe or socket)",
    }
}

fn not_ours(path: PathBuf, what: &'static str) -> Error {
    Error::NotOurs { path, what }
}

fn io_error(path: &Path, error: Errno) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        error: error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn writes_and_reads_back_with_a_gitignore() {
        let site = tempfile::tempdir().unwrap();
        assert!(read(site.path(), "a.json").unwrap().is_none());
        write(site.path(), "a.json", b"one").unwrap();
        write(site.path(), "a.json", b"two").unwrap();
        assert_eq!(read(site.path(), "a.json").unwrap().unwrap(), b"two");
        let folder = site.path().join(FOLDER);
        assert_eq!(
            std::fs::read_to_string(folder.join(GITIGNORE)).unwrap(),
            GITIGNORE_TEXT
        );
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".gitignore", "a.json"], "no temporary file left");
    }

    #[test]
    fn an_editors_gitignore_is_kept() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join(FOLDER)).unwrap();
        let ignore = site.path().join(FOLDER).join(GITIGNORE);
        std::fs::write(&ignore, "*\n!notes.txt\n").unwrap();
        write(site.path(), "a.json", b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(ignore).unwrap(), "*\n!notes.txt\n");
    }

    /// Writing is refused with a message naming `named`, and nothing appears `outside`.
    fn refused(site: &Path, outside: &Path, named: &str) {
        let error = write(site, "a.json", b"{}").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("`{named}` is a symbolic link, and centerview writes nothing through one")
        );
        assert!(error.help().starts_with(&format!("remove `{named}`")));
        assert!(std::fs::read_dir(outside).unwrap().next().is_none());
    }

    #[test]
    fn the_folder_as_a_link_is_refused() {
        let (site, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        symlink(outside.path(), site.path().join(FOLDER)).unwrap();
        refused(site.path(), outside.path(), FOLDER);
        assert!(matches!(
            read(site.path(), "a.json"),
            Err(Error::NotOurs { .. })
        ));
        // Dangling, it is not made through either.
        let gone = outside.path().join("gone");
        let site = tempfile::tempdir().unwrap();
        symlink(&gone, site.path().join(FOLDER)).unwrap();
        refused(site.path(), outside.path(), FOLDER);
        assert!(!gone.exists());
    }

    #[test]
    fn a_dangling_gitignore_link_is_refused() {
        let (site, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::create_dir(site.path().join(FOLDER)).unwrap();
        let ignore = site.path().join(FOLDER).join(GITIGNORE);
        symlink(outside.path().join("ignore"), &ignore).unwrap();
        refused(site.path(), outside.path(), ".centerview-cache/.gitignore");
        assert!(!site.path().join(FOLDER).join("a.json").exists());
    }

    #[test]
    fn a_cache_file_as_a_link_is_neither_read_nor_replaced() {
        let (site, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::create_dir(site.path().join(FOLDER)).unwrap();
        let target = outside.path().join("a.json");
        symlink(&target, site.path().join(FOLDER).join("a.json")).unwrap();
        refused(site.path(), outside.path(), ".centerview-cache/a.json");
        std::fs::write(&target, "theirs").unwrap();
        assert!(matches!(
            read(site.path(), "a.json"),
            Err(Error::NotOurs { .. })
        ));
        assert!(write(site.path(), "a.json", b"ours").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
    }

    #[test]
    fn a_file_in_the_folders_place_is_refused() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join(FOLDER), "notes").unwrap();
        let error = write(site.path(), "a.json", b"{}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`.centerview-cache` is a file where centerview keeps a folder"
        );
        assert_eq!(
            std::fs::read_to_string(site.path().join(FOLDER)).unwrap(),
            "notes"
        );
    }

    #[test]
    fn a_fifo_in_a_files_place_does_not_hold_the_run() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join(FOLDER)).unwrap();
        let fifo = site.path().join(FOLDER).join("a.json");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(matches!(
            read(site.path(), "a.json"),
            Err(Error::NotOurs { .. })
        ));
    }
}
