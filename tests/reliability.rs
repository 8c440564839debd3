//! Bad input and interrupted builds never lose work: malformed files are reported with the
//! previous output left exactly as it was, links out of the site are refused, and a build
//! killed at any moment leaves the old site or the new one, never a mix.

mod common;

use common::{Site, brief, files_under};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// A site that built, with one page.
fn built_site() -> Site {
    let site = Site::new();
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Text.\n");
    site.build().assert_ok();
    site
}

struct Case {
    name: &'static str,
    /// Breaks the site; returns false when the case cannot be made here.
    make: fn(&Site) -> bool,
    code: i32,
    expect: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "a page that is a symbolic link to a file outside the site",
        make: |site| {
            std::os::unix::fs::symlink("/etc/hostname", site.path("content/briefs/out.md")).is_ok()
        },
        code: 1,
        expect: "content/briefs/out.md: error: content/briefs/out.md is a symbolic link",
    },
    Case {
        name: "a folder that links to itself (a symbolic link loop)",
        make: |site| {
            std::os::unix::fs::symlink(site.path("content"), site.path("content/briefs/loop"))
                .is_ok()
        },
        code: 1,
        expect: "content/briefs/loop: error: content/briefs/loop is a symbolic link",
    },
    Case {
        name: "a theme file that links outside the site",
        make: |site| {
            let dir = site.path("themes/centerview/static/css");
            std::fs::create_dir_all(&dir).unwrap();
            std::os::unix::fs::symlink("/etc/hostname", dir.join("centerview.css")).is_ok()
        },
        code: 1,
        expect: "themes/centerview/static/css/centerview.css: error: themes/centerview/static/css/centerview.css is a symbolic link",
    },
    Case {
        name: "a 50 MB page",
        make: |site| {
            let mut text = format!("---\n{}\n---\n", brief("Huge", "2017-01-01"));
            let paragraph =
                "District leaders described their work with teacher leaders. ".repeat(20);
            while text.len() < 50 * 1024 * 1024 {
                text.push_str(&paragraph);
                text.push_str("\n\n");
            }
            site.write("content/briefs/huge.md", &text);
            true
        },
        code: 1,
        expect: "content/briefs/huge.md: error: content/briefs/huge.md is 50.0 MB; a page or data table may be at most 10 MB",
    },
    Case {
        name: "an unreadable page",
        make: |site| {
            use std::os::unix::fs::PermissionsExt;
            let path = site.path("content/briefs/locked.md");
            std::fs::write(
                &path,
                format!("---\n{}\n---\nx\n", brief("Locked", "2017-01-01")),
            )
            .unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
            // Root reads any file: as root, the build runs as `nobody` (see `build_as_user`).
            std::fs::read(&path).is_err() || running_as_root()
        },
        code: 2,
        expect: "content/briefs/locked.md",
    },
    Case {
        name: "a page slug that climbs out of its folder",
        make: |site| {
            site.page(
                "briefs/climb.md",
                &format!("{}\nslug: ../../etc", brief("Climb", "2017-01-01")),
                "x\n",
            );
            true
        },
        code: 1,
        expect: "content/briefs/climb.md:4:7: error:",
    },
    Case {
        name: "an image with an absolute path",
        make: |site| {
            site.page(
                "briefs/abs.md",
                &brief("Absolute", "2017-01-01"),
                "![A chart](/etc/passwd)\n",
            );
            true
        },
        code: 1,
        expect: "content/briefs/abs.md:5:12: error: the image `/etc/passwd` is not a file of this site",
    },
    Case {
        name: "a link that climbs out of content/",
        make: |site| {
            site.page(
                "briefs/up.md",
                &brief("Up", "2017-01-01"),
                "[the config](../../site.yaml)\n",
            );
            true
        },
        code: 1,
        expect: "content/briefs/up.md:5:14: error: the link `../../site.yaml` points outside content/",
    },
];

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Builds as the unprivileged `nobody`, for whom a mode-000 file is unreadable: the site is
/// made writable for it first (the locked file stays locked).
fn build_as_nobody(site: &Site) -> common::Run {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    for entry in walkdir::WalkDir::new(site.root()).into_iter().flatten() {
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        let open = if entry.file_type().is_dir() {
            0o777
        } else if mode == 0 {
            0
        } else {
            0o666
        };
        if !entry.path_is_symlink() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(open)).unwrap();
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--root"])
        .arg(site.root())
        .uid(65534)
        .gid(65534)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    common::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn malformed_and_hostile_input_is_reported_and_the_output_left_alone() {
    let mut failures = Vec::new();
    let mut tried = 0;
    for case in CASES {
        let site = built_site();
        let before = site.output_files();
        if !(case.make)(&site) {
            eprintln!("skipped here: {}", case.name);
            continue;
        }
        tried += 1;
        let run = if running_as_root() && case.name == "an unreadable page" {
            build_as_nobody(&site)
        } else {
            site.build()
        };
        let mut problems = Vec::new();
        if run.code != case.code {
            problems.push(format!("exit status {} instead of {}", run.code, case.code));
        }
        if !run.stderr.contains(case.expect) {
            problems.push(format!("missing {:?}", case.expect));
        }
        if site.output_files() != before {
            problems.push("output/ changed".into());
        }
        // Nothing was written anywhere but the output folder.
        let outside: Vec<String> = common::names_in(site.root())
            .into_iter()
            // `.centerview-cache` is the build's own (its PDF editions), made by the first build.
            .filter(|n| {
                ![
                    "content",
                    "themes",
                    "output",
                    "site.yaml",
                    ".centerview-cache",
                ]
                .contains(&n.as_str())
            })
            .collect();
        if !outside.is_empty() {
            problems.push(format!("files beside the site: {outside:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n{}",
                case.name,
                problems.join("; "),
                run.stderr
            ));
        }
    }
    assert_eq!(tried, CASES.len(), "every case could be made");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn deeply_nested_quotes_and_lists_build() {
    let site = Site::new();
    let quotes = format!("{}deep quote\n", "> ".repeat(5_000));
    let lists: String = (0..300)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    let markers: String = (1..300).map(|i| format!("{}x\n", "- ".repeat(i))).collect();
    site.page(
        "briefs/deep.md",
        &brief("Deep", "2017-01-01"),
        &format!("{quotes}\n{lists}\n{markers}"),
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/deep/index.html");
    assert!(html.contains("deep quote"));
    assert!(html.matches("<blockquote>").count() >= 5_000);
    // Shallower, so that it is typeset: its PDF edition is made, nesting flattened.
    let quotes = format!("{}deep quote\n", "> ".repeat(1_500));
    let lists: String = (0..200)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    site.page(
        "briefs/deep.md",
        &brief("Deep", "2017-01-01"),
        &format!("{quotes}\n{lists}"),
    );
    let run = site.build();
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(site.exists("output/briefs/deep/deep.pdf"));
}

/// The contents of a complete build of `site` as it is now, made in a separate folder.
fn reference(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    files_under(&out)
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    // A site large enough that a build takes a while: 300 generated pages.
    let dir = tempfile::tempdir().unwrap();
    centerview_corpus::generate(dir.path(), 300, 7).unwrap();
    let site = Site { dir };
    let root = site.root().to_path_buf();
    let mut briefs: Vec<_> = std::fs::read_dir(root.join("content/briefs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    briefs.sort();
    let page = briefs[0].clone();
    let original = std::fs::read_to_string(&page).unwrap();
    let edited = format!("{original}\nA sentence that only the new site has.\n");
    let old = reference(&site);
    std::fs::write(&page, &edited).unwrap();
    let new = reference(&site);
    assert_ne!(old, new);

    // How long a whole build takes here, to kill builds anywhere within it.
    let started = std::time::Instant::now();
    site.build().assert_ok();
    let whole = started.elapsed();
    let mut rng = fastrand::Rng::with_seed(11);
    let (mut kills, mut finished) = (0, 0);
    // Until 24 builds were killed: a kill planned after the end finds the build finished, and
    // how many do varies with the machine's load.
    let mut run = 0;
    while kills < 24 && run < 80 {
        run += 1;
        // Alternate the sources, so each build would change the site.
        let text = if run % 2 == 0 { &original } else { &edited };
        std::fs::write(&page, text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
            .args(["build", "--quiet", "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = whole.mul_f64(rng.f64() * 1.1);
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap(); // SIGKILL
                kills += 1;
            }
        }
        child.wait().unwrap();
        let now = site.output_files();
        assert!(
            now == old || now == new,
            "run {run}: after a kill at {delay:?} the output is neither the old nor the new site"
        );
    }
    eprintln!("{kills} builds killed, {finished} finished, every output whole");
    assert!(
        kills >= 24,
        "only {kills} builds were killed ({finished} finished)"
    );
    // The next build cleans up whatever the killed ones left.
    site.build().assert_ok();
    assert_eq!(common::temporary_folders(&root), Vec::<String>::new());
    assert_eq!(
        site.output_files(),
        new_or_old(&page, &original, &old, &new)
    );
}

/// The site the current sources make.
fn new_or_old(
    page: &Path,
    original: &str,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> BTreeMap<String, Vec<u8>> {
    if std::fs::read_to_string(page).unwrap() == original {
        old.clone()
    } else {
        new.clone()
    }
}
