//! Helpers for integration tests: a site in a temporary folder, built with the real binary.

#![allow(dead_code)]

pub mod browser;
pub mod pdf;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Site {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the run failed with content errors and printed `needle`.
    #[track_caller]
    pub fn assert_error(&self, needle: &str) {
        assert_eq!(self.code, 1, "expected exit status 1\n{}", self.stderr);
        assert!(
            self.stderr.contains(needle),
            "expected {needle:?} in:\n{}",
            self.stderr
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.code, 0, "build failed:\n{}", self.stderr);
    }
}

pub const SITE_YAML: &str =
    "title: CenterView\ndescription: Test site\nbase_url: https://example.org/\n";

impl Site {
    /// An empty site with a valid site.yaml and content/ folder.
    pub fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("site.yaml", SITE_YAML);
        std::fs::create_dir_all(site.path("content")).unwrap();
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Site {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// A page with front matter `front` (without the `---` lines) and `body`.
    pub fn page(&self, rel: &str, front: &str, body: &str) -> &Site {
        self.write(
            &format!("content/{rel}"),
            &format!("---\n{front}\n---\n{body}"),
        )
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_centerview"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run centerview");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Every file under `output/`, with its bytes.
    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.path("output"))
    }
}

pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// The `<main>` element of an HTML page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

/// The text of an HTML fragment as a reader gets it: tags left out, runs of white space one
/// space, no space at either end.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every element of `html` that starts with `open` (`<h1`, `<p class="apa">`), from its
/// start to the end of its `close` tag, in order.
pub fn elements<'h>(html: &'h str, open: &str, close: &str) -> Vec<&'h str> {
    html.match_indices(open)
        .map(|(start, _)| {
            let end = html[start..].find(close).expect("the element's end") + close.len();
            &html[start..start + end]
        })
        .collect()
}

/// A minimal valid brief.
pub fn brief(title: &str, date: &str) -> String {
    format!("title: {title}\ndate: {date}")
}

/// The names of the entries of a folder.
pub fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Temporary output folders (`.output.*`) left in a site's folder.
pub fn temporary_folders(root: &Path) -> Vec<String> {
    names_in(root)
        .into_iter()
        .filter(|n| n.starts_with(".output."))
        .collect()
}

/// Copies the repository's example site (content/ and site.yaml) into `to`.
pub fn example_site(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(repo.join("site.yaml"), to.join("site.yaml")).unwrap();
    copy_dir(&repo.join("content"), &to.join("content"));
}

/// Builds the site at `root` into `out` with the real binary, quietly, and asserts it built.
pub fn build_into(root: &Path, out: &Path) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "the build of {} failed", root.display());
}

/// Copies the folder `from`, and everything in it, to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
