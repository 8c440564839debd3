//! The output folder never costs a user a file: symbolic links are written through and kept,
//! special files and read-only folders are refused, only centerview's own work folders are
//! ever removed (recognised by a locked mark, never by name), a full disk is reported, and
//! two writers never mix their sites.

mod common;

use common::{Site, brief, files_under, names_in};
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn site_with_a_page() -> Site {
    let site = Site::new();
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "First.\n");
    site
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Entries beside an output folder that centerview would make: work folders and the lock.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = names_in(dir)
        .into_iter()
        .filter(|n| n.contains(".tmp-") || n.ends_with(".lock"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_symlinked_output_is_written_into_its_target_and_the_link_kept() {
    let site = site_with_a_page();
    let deploy = tempfile::tempdir().unwrap();
    let target = deploy.path().join("site");
    std::fs::create_dir(&target).unwrap();
    std::os::unix::fs::symlink(&target, site.path("output")).unwrap();

    site.build().assert_ok();
    let link = std::fs::symlink_metadata(site.path("output")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert_eq!(std::fs::read_link(site.path("output")).unwrap(), target);
    let first = files_under(&target);
    assert!(
        String::from_utf8_lossy(&first["briefs/a/index.html"]).contains("First."),
        "the site is in the link's target"
    );

    // A failed build leaves the target as it was.
    site.page("briefs/a.md", "titel: Broken\ndate: 2017-01-01", "x\n");
    site.build().assert_error("unknown field `titel`");
    assert_eq!(files_under(&target), first);

    // The next good build replaces the target's contents, and nothing is left beside it.
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Second.\n");
    site.build().assert_ok();
    assert!(
        String::from_utf8_lossy(&files_under(&target)["briefs/a/index.html"]).contains("Second.")
    );
    assert!(
        std::fs::symlink_metadata(site.path("output"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(leftovers(deploy.path()), Vec::<String>::new());
    assert_eq!(leftovers(site.root()), Vec::<String>::new());

    // The same through --output.
    let other = site.path("public");
    std::os::unix::fs::symlink(&target, &other).unwrap();
    site.run(&["build", "--output", "public"]).assert_ok();
    assert!(
        std::fs::symlink_metadata(&other)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(target.join("briefs/a/index.html").is_file());
}

#[test]
fn a_symlink_to_a_folder_that_is_not_ours_or_is_missing_is_refused() {
    let site = site_with_a_page();
    let deploy = tempfile::tempdir().unwrap();
    let target = deploy.path().join("www");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&target, site.path("output")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("did not make"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(target.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(names_in(&target), vec!["notes.txt".to_string()]);

    std::fs::remove_file(site.path("output")).unwrap();
    std::os::unix::fs::symlink(deploy.path().join("missing"), site.path("output")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("which does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(site.path("output"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A link into the site's sources is refused like the sources themselves.
    std::fs::remove_file(site.path("output")).unwrap();
    std::os::unix::fs::symlink(site.path("content"), site.path("output")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("content"), "{}", run.stderr);
    assert!(site.path("content/briefs/a.md").is_file());
}

#[test]
fn special_files_are_refused_and_left_alone() {
    let site = site_with_a_page();
    let fifo = site.path("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let socket_path = site.path("sock");
    let _socket = std::os::unix::net::UnixListener::bind(&socket_path).unwrap();
    let mut cases = vec![("pipe", "a FIFO"), ("sock", "a socket")];
    if running_as_root() {
        // A device node like /dev/null (1, 3), made here so that nothing real is at stake.
        let null = site.path("null");
        let c = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
        if made == 0 {
            cases.push(("null", "a character device"));
        }
    }
    for (name, what) in cases {
        let run = site.run(&["build", "--output", name]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(what), "{name}: {}", run.stderr);
        let kind = std::fs::symlink_metadata(site.path(name))
            .unwrap()
            .file_type();
        assert!(
            kind.is_fifo() || kind.is_socket() || kind.is_char_device(),
            "{name} is still there"
        );
    }
    // /dev/null itself, which a build run as root could otherwise rename.
    let run = site.run(&["build", "--output", "/dev/null"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// The text of a work folder's mark, as centerview writes it (see src/write/folder.rs).
fn work_mark(output: &str, dir: &str) -> String {
    format!(
        "centerview work folder {dir} for the output folder {output}\nIt holds a site being written, or the previous site being removed. centerview removes it;\nif no centerview is running, it is safe to delete.\n"
    )
}

#[test]
fn only_our_own_unlocked_work_folders_are_removed() {
    let site = site_with_a_page();
    site.build().assert_ok();
    let make = |name: &str, mark: Option<String>| {
        let dir = site.path(name);
        std::fs::create_dir_all(dir.join("site")).unwrap();
        std::fs::write(dir.join("site/index.html"), "a user's file").unwrap();
        if let Some(mark) = mark {
            std::fs::write(dir.join(".centerview-work"), mark).unwrap();
        }
        dir
    };
    // Look-alikes: a user's backup, an old-style name, a copy of a work folder under another
    // name, a mark that is not exactly ours, and a copy of the output itself.
    let backup = make(".output.old-backup", None);
    let old_style = make(".output.tmp-12345-678", None);
    let copied = make(
        ".output.tmp-copy",
        Some(work_mark("output", ".output.tmp-0000000000000001")),
    );
    let edited = make(
        ".output.tmp-00000000000000ab",
        Some(work_mark("output", ".output.tmp-00000000000000ab") + "my notes\n"),
    );
    common::copy_dir(&site.path("output"), &site.path(".output.tmp-output-copy"));
    // A real work folder of a killed build: removed.
    let stale = make(
        ".output.tmp-00000000000000cd",
        Some(work_mark("output", ".output.tmp-00000000000000cd")),
    );
    // A real work folder of a build still running (its mark locked by another process, as a
    // build in another container would hold it): kept.
    let running = make(
        ".output.tmp-00000000000000ef",
        Some(work_mark("output", ".output.tmp-00000000000000ef")),
    );
    let held = std::fs::File::open(running.join(".centerview-work")).unwrap();
    held.lock().unwrap();

    site.build().assert_ok();
    for kept in [&backup, &old_style, &copied, &edited, &running] {
        assert_eq!(
            std::fs::read_to_string(kept.join("site/index.html")).unwrap(),
            "a user's file",
            "{} is kept",
            kept.display()
        );
    }
    assert!(site.path(".output.tmp-output-copy/.centerview").is_file());
    assert!(!stale.exists(), "a killed build's work folder is removed");

    // Once its writer is gone, the running build's folder is stale too.
    drop(held);
    site.build().assert_ok();
    assert!(!running.exists());
}

#[test]
fn read_only_outputs_are_reported_and_left_as_they_were() {
    let site = site_with_a_page();
    site.build().assert_ok();
    let before = site.output_files();
    let set_mode = |rel: &str, mode: u32| {
        std::fs::set_permissions(site.path(rel), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Changed.\n");
    for rel in ["output", "output/briefs"] {
        set_mode(rel, 0o555);
        let run = site.build();
        assert_eq!(run.code, 2, "{rel}: {}", run.stderr);
        assert!(run.stderr.contains("read-only"), "{}", run.stderr);
        assert!(run.stderr.contains("chmod"), "{}", run.stderr);
        set_mode(rel, 0o755);
        assert_eq!(site.output_files(), before, "{rel}");
        assert_eq!(leftovers(site.root()), Vec::<String>::new());
    }
    site.build().assert_ok();
    assert_ne!(site.output_files(), before);
}

/// A small file system of its own (tmpfs), which only root may mount.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_reported_with_a_hint_and_the_output_kept() {
    if !running_as_root() {
        eprintln!("skipped: mounting a small file system needs root");
        return;
    }
    let site = site_with_a_page();
    let dir = tempfile::tempdir().unwrap();
    let Some(_disk) = SmallDisk::mount(&dir.path().join("disk"), "1200k") else {
        eprintln!("skipped: this machine does not let root mount a tmpfs");
        return;
    };
    let output = dir.path().join("disk/out");
    let out = output.to_str().unwrap();
    site.run(&["build", "--output", out]).assert_ok();
    let before = files_under(&output);
    // A page too large for the space left (the old site and the new one coexist until the
    // swap).
    let big = "District leaders described their work with teacher leaders. ".repeat(20000);
    site.page("briefs/big.md", &brief("Big", "2017-01-02"), &big);
    let run = site.run(&["build", "--output", out]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the disk (or your quota) is full"),
        "{}",
        run.stderr
    );
    assert_eq!(files_under(&output), before);
    assert_eq!(leftovers(&dir.path().join("disk")), Vec::<String>::new());
}

/// Starts `centerview watch` on `site`, and waits for its first build.
fn start_watch(site: &Site) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["watch", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    wait_line(&lines, "built:");
    (child, lines)
}

fn wait_line(lines: &std::sync::mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}

#[test]
fn a_watch_stopped_by_sigterm_or_sighup_cleans_up_as_on_ctrl_c() {
    for (signal, code) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGINT, 130),
    ] {
        let site = site_with_a_page();
        let (mut watch, lines) = start_watch(&site);
        // A save, so that watch holds a spare folder.
        site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Saved.\n");
        wait_line(&lines, "briefs/a.md changed:");
        let output = site.output_files();
        assert_eq!(
            leftovers(site.root()).len(),
            2,
            "a spare folder and the lock while watch runs: {:?}",
            leftovers(site.root())
        );
        // SAFETY: sends a signal to the child we started.
        assert_eq!(unsafe { libc::kill(watch.id() as i32, signal) }, 0);
        let status = watch.wait().unwrap();
        assert_eq!(status.code(), Some(code), "signal {signal}");
        assert_eq!(
            leftovers(site.root()),
            Vec::<String>::new(),
            "signal {signal}"
        );
        assert_eq!(site.output_files(), output, "signal {signal}");
    }
}

#[test]
fn a_build_while_watch_writes_the_same_output_stops_and_names_it() {
    let site = site_with_a_page();
    let (mut watch, _lines) = start_watch(&site);
    let before = site.output_files();
    site.page("briefs/b.md", &brief("Another", "2017-01-02"), "B.\n");
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("centerview watch (pid {}", watch.id())),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
    // Whatever watch wrote meanwhile, the output is one of its builds, never a mix with ours.
    let _ = watch.kill();
    let _ = watch.wait();
    let after = site.output_files();
    assert!(after == before || after.contains_key("briefs/b/index.html"));
}

#[test]
fn a_second_build_waits_for_the_first() {
    let site = site_with_a_page();
    site.build().assert_ok();
    // Hold the output's lock as a running build would.
    let lock_path = site.path(".output.lock");
    let mut lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    lock.write_all(b"centerview build (pid 1 on elsewhere, since 2026-12-01 10:00:00)\n")
        .unwrap();
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Second.\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(700) {
        assert!(child.try_wait().unwrap().is_none(), "the build waits");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(site.read("output/briefs/a/index.html").contains("First."));
    drop(lock);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("Waiting for centerview build (pid 1 on elsewhere"),
        "{stderr}"
    );
    assert!(site.read("output/briefs/a/index.html").contains("Second."));
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn concurrent_builds_publish_one_whole_site_each() {
    let dir = tempfile::tempdir().unwrap();
    centerview_corpus::generate(dir.path(), 150, 3).unwrap();
    let site = Site { dir };
    // Two builds of the same sources that differ in every page: their base URLs.
    let build = |base: &str| {
        Command::new(env!("CARGO_BIN_EXE_centerview"))
            .args(["build", "--quiet", "--base-url", base, "--root"])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..4 {
        let mut a = build("https://a.example/");
        let mut b = build("https://b.example/");
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        let files = site.output_files();
        let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]).into_owned();
        let which = if sitemap.contains("https://a.example/") {
            "a"
        } else {
            "b"
        };
        let other = if which == "a" {
            "https://b.example/"
        } else {
            "https://a.example/"
        };
        for (path, bytes) in &files {
            assert!(
                !String::from_utf8_lossy(bytes).contains(other),
                "round {round}: {path} is from the other build than the sitemap"
            );
        }
        seen.insert(which);
        assert_eq!(leftovers(site.root()), Vec::<String>::new());
    }
    eprintln!("last writers seen: {seen:?}");
}

#[test]
fn a_build_killed_while_writing_through_a_symlink_leaves_the_target_whole() {
    let dir = tempfile::tempdir().unwrap();
    centerview_corpus::generate(dir.path(), 150, 5).unwrap();
    let site = Site { dir };
    let deploy = tempfile::tempdir().unwrap();
    let target = deploy.path().join("www");
    std::fs::create_dir(&target).unwrap();
    std::os::unix::fs::symlink(&target, site.path("output")).unwrap();
    site.build().assert_ok();
    // Once first, so that its PDF editions are in the cache: the builds killed below take as
    // long as the one timed.
    site.run(&["build", "--base-url", "https://new.example/"])
        .assert_ok();
    let started = Instant::now();
    site.run(&["build", "--base-url", "https://new.example/"])
        .assert_ok();
    let whole = started.elapsed();
    site.build().assert_ok();
    let old = files_under(&target);
    let mut rng = fastrand::Rng::with_seed(5);
    let mut kills = 0;
    for _ in 0..40 {
        if kills == 12 {
            break;
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
            .args([
                "build",
                "--quiet",
                "--base-url",
                "https://new.example/",
                "--root",
            ])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(rng.f64()));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let now = files_under(&target);
        let sitemap = String::from_utf8_lossy(&now["sitemap.xml"]).into_owned();
        if sitemap.contains("https://new.example/") {
            // A build finished: the next ones start from its site.
            site.build().assert_ok();
        } else {
            assert_eq!(now, old, "a killed build changed the target");
        }
        assert!(
            std::fs::symlink_metadata(site.path("output"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    assert!(kills >= 6, "only {kills} builds were killed");
    site.build().assert_ok();
    assert_eq!(leftovers(deploy.path()), Vec::<String>::new());
    assert_eq!(files_under(&target), old);
}
