//! Every browser a test starts is ended with the test, whether it passes, fails or panics:
//! ChromeDriver, Chromium and Chromium's helpers (its crash handlers start sessions of their
//! own, and outlived a browser whose process group was killed). `bash .ci/run` also fails
//! when any process of the test run is left once `cargo test` is done.

mod common;

use common::browser::{self, Browser};
use std::panic::AssertUnwindSafe;
use std::process::Command;

/// Starts a browser, shows a page, and hands back its processes and folder.
async fn browser_in_use() -> (Browser, Vec<u32>) {
    let b = Browser::start().await;
    b.client
        .goto("data:text/html,<title>t</title><p>Open.")
        .await
        .unwrap();
    let processes = b.processes();
    // ChromeDriver, Chromium, and at least Chromium's renderer.
    assert!(processes.len() >= 3, "{processes:?}");
    assert!(processes.iter().all(|&p| browser::is_running(p)));
    (b, processes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_dropped_by_a_panic_leaves_no_process() {
    if browser::skipped() {
        return;
    }
    let (b, processes) = browser_in_use().await;
    let folder = b.folder().to_path_buf();
    let panicked = std::panic::catch_unwind(AssertUnwindSafe(move || {
        let _held = b;
        panic!("a test failing with its browser open");
    }));
    assert!(panicked.is_err());
    let running: Vec<u32> = (processes.into_iter())
        .filter(|&p| browser::is_running(p))
        .collect();
    assert_eq!(running, Vec::<u32>::new(), "still running after the drop");
    assert_eq!(browser::processes_naming(&folder), Vec::<u32>::new());
    assert!(!folder.exists(), "{} is left", folder.display());
}

/// Run by [`a_failing_browser_test_leaves_no_process`] in a process of its own: it prints its
/// browser's processes and folder, then fails.
#[tokio::test]
#[ignore = "fails on purpose; a_failing_browser_test_leaves_no_process runs it in a process of its own"]
async fn fails_with_its_browser_open() {
    let (b, processes) = browser_in_use().await;
    println!("processes: {processes:?}");
    println!("folder: {}", b.folder().display());
    panic!("on purpose, with the browser open");
}

#[test]
fn a_failing_browser_test_leaves_no_process() {
    if browser::skipped() {
        return;
    }
    let run = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "fails_with_its_browser_open",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && stderr.contains("on purpose, with the browser open"),
        "the test did not fail as it should:\n{stdout}\n{stderr}"
    );
    let line = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key:?} in\n{stdout}\n{stderr}"))
            .to_string()
    };
    let processes: Vec<u32> = serde_json::from_str(&line("processes: ")).unwrap();
    let running: Vec<u32> = (processes.into_iter())
        .filter(|&p| browser::is_running(p))
        .collect();
    assert_eq!(running, Vec::<u32>::new(), "still running after the test");
    let folder = std::path::PathBuf::from(line("folder: "));
    assert_eq!(browser::processes_naming(&folder), Vec::<u32>::new());
}
