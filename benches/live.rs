//! Live rebuilds at scale: `cargo bench --bench live [-- <pages>]` (default 10,000 pages).
//!
//! Generates a corpus (deterministic, seed 42) on a RAM disk where there is one, then runs the
//! real binary the way a maintainer does and times, from the moment a file is saved:
//!
//! * `serve`: until the server announces the edited page (its reload event names the page's
//!   file), and until it announces the search index, after a body edit and after a title
//!   change; and a full rebuild (an edit to `site.yaml`) until the rebuild's line is printed,
//!   against `centerview build` of the same site;
//! * `watch`: until the edited page's file in `output/` holds the edit, and until the search
//!   manifest in `output/` has changed.
//!
//! Each figure is the median of several saves; saves alternate so that each really changes
//! the page.

mod common;

use common::{corpus, median, ms, scratch, sizes};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const RUNS: usize = 9;
const BIN: &str = env!("CARGO_BIN_EXE_centerview");

/// Saves the way editors do: a temporary file, renamed over the page.
fn save(path: &Path, text: &str) -> Instant {
    let temp = path.with_extension("md.tmp~");
    std::fs::write(&temp, text).unwrap();
    let saved = Instant::now();
    std::fs::rename(&temp, path).unwrap();
    saved
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The lines a child prints on stderr, as they come.
fn lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_line(rx: &mpsc::Receiver<String>, needle: &str, timeout: Duration) -> Instant {
    let deadline = Instant::now() + timeout;
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no line with {needle:?}"));
        if line.contains(needle) {
            return Instant::now();
        }
    }
}

/// Server-sent events from `serve`: (when it arrived, event, data).
fn events(port: u16) -> mpsc::Receiver<(Instant, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /__centerview/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut pending = String::new();
        let mut buffer = [0u8; 65536];
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let n = match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let now = Instant::now();
            pending.push_str(&String::from_utf8_lossy(&buffer[..n]));
            while let Some(end) = pending.find('\n') {
                let line: String = pending.drain(..=end).collect();
                let line = line.trim_end_matches(['\r', '\n']);
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = d.to_string();
                } else if line.is_empty()
                    && !event.is_empty()
                    && tx
                        .send((now, std::mem::take(&mut event), std::mem::take(&mut data)))
                        .is_err()
                {
                    return;
                }
            }
        }
    });
    rx
}

/// Waits for reload events naming each of `paths` (one event may name several); returns
/// when each arrived.
fn wait_events(rx: &mpsc::Receiver<(Instant, String, String)>, paths: &[&str]) -> Vec<Instant> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut arrived: Vec<Option<Instant>> = vec![None; paths.len()];
    while arrived.iter().any(Option::is_none) {
        let (at, event, data) = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no reload naming each of {paths:?}"));
        if event == "errors" {
            panic!("the build failed: {data}");
        }
        if event != "reload" {
            continue;
        }
        for (k, path) in paths.iter().enumerate() {
            if arrived[k].is_none()
                && (data.contains(&format!("\"{path}\"")) || data.contains("\"all\":true"))
            {
                arrived[k] = Some(at);
            }
        }
    }
    arrived.into_iter().flatten().collect()
}

fn drain<T>(rx: &mpsc::Receiver<T>) {
    std::thread::sleep(Duration::from_millis(300));
    while rx.try_recv().is_ok() {}
}

/// The edits timed: each run's text of the page, different every time.
fn body_edit(original: &str, run: usize) -> String {
    // At the start of the first paragraph of the body.
    let body = original[3..].find("\n---\n").expect("front matter") + 8;
    let at = body
        + original[body..]
            .match_indices("\n\n")
            .find(|(i, _)| original[body + i + 2..].starts_with(|c: char| c.is_ascii_uppercase()))
            .expect("a paragraph")
            .0
        + 2;
    format!(
        "{}Edit number {run} of this paragraph. {}",
        &original[..at],
        &original[at..]
    )
}

fn title_edit(original: &str, run: usize) -> String {
    original.replacen("title: \"", &format!("title: \"Revised {run} "), 1)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn main() {
    let pages = sizes(&[10_000])[0];
    let dir = scratch();
    let root = corpus(dir.path(), pages);
    let page: PathBuf = root.join("content/briefs/page-1.md");
    let page_output = "briefs/page-1/index.html";
    let original = std::fs::read_to_string(&page).unwrap();

    // `centerview build`, for comparison with a full rebuild in `serve`.
    let mut build_ms = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let status = Command::new(BIN)
            .args(["build", "--quiet", "--root"])
            .arg(&root)
            .status()
            .unwrap();
        assert!(status.success());
        build_ms.push(ms(started.elapsed()));
    }

    // `serve`: its first build is a full one; the last start is kept running.
    let mut start_ms = Vec::new();
    let (log, _server, port) = loop {
        let port = free_port();
        let started = Instant::now();
        let mut child = Command::new(BIN)
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = lines(&mut child);
        let running = Running(child);
        start_ms.push(ms(
            wait_line(&log, "Serving", Duration::from_secs(120)).duration_since(started)
        ));
        if start_ms.len() == 5 {
            break (log, running, port);
        }
    };
    let sse = events(port);
    drain(&sse);

    let serve = |edit: &dyn Fn(&str, usize) -> String, waits: &[&str]| {
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); waits.len()];
        for run in 0..RUNS {
            let saved = save(&page, &edit(&original, run));
            for (k, at) in wait_events(&sse, waits).into_iter().enumerate() {
                times[k].push(ms(at.duration_since(saved)));
            }
            drain(&sse);
            drain(&log);
        }
        times.into_iter().map(median).collect::<Vec<f64>>()
    };
    let body = serve(&body_edit, &[page_output, "search/manifest.bin"]);
    let title = serve(
        &title_edit,
        &[page_output, "briefs/index.html", "search/manifest.bin"],
    );
    save(&page, &original);
    drain(&sse);
    drain(&log);
    // A full rebuild: site.yaml's description is on every page.
    let config = root.join("site.yaml");
    let config_text = std::fs::read_to_string(&config).unwrap();
    let mut full_ms = Vec::new();
    for run in 0..5 {
        let text = config_text.replacen(
            "description: ",
            &format!("description: Revision {run}. "),
            1,
        );
        let temp = root.join("site.yaml.tmp~");
        std::fs::write(&temp, text).unwrap();
        let saved = Instant::now();
        std::fs::rename(&temp, &config).unwrap();
        let done = wait_line(&log, "site.yaml changed", Duration::from_secs(120));
        full_ms.push(ms(done.duration_since(saved)));
        drain(&sse);
    }
    std::fs::write(&config, &config_text).unwrap();
    drop(_server);

    // `watch`.
    let mut child = Command::new(BIN)
        .args(["watch", "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = lines(&mut child);
    let _watcher = Running(child);
    wait_line(&log, "written in", Duration::from_secs(120));
    let output = root.join("output");
    let manifest = output.join("search/manifest.bin");
    let watch = |edit: &dyn Fn(&str, usize) -> String, marker: &dyn Fn(usize) -> String| {
        let (mut page_ms, mut all_ms) = (Vec::new(), Vec::new());
        for run in 0..RUNS {
            let before = std::fs::read(&manifest).unwrap();
            let saved = save(&page, &edit(&original, run));
            let needle = marker(run);
            let mut page_done = None;
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                assert!(Instant::now() < deadline, "watch did not write the edit");
                if page_done.is_none()
                    && std::fs::read_to_string(output.join(page_output))
                        .is_ok_and(|html| html.contains(&needle))
                {
                    page_done = Some(Instant::now());
                }
                if let Some(page_done) = page_done
                    && std::fs::read(&manifest).is_ok_and(|now| now != before)
                {
                    page_ms.push(ms(page_done.duration_since(saved)));
                    all_ms.push(ms(Instant::now().duration_since(saved)));
                    break;
                }
                std::thread::sleep(Duration::from_micros(500));
            }
            drain(&log);
        }
        (median(page_ms), median(all_ms))
    };
    let watch_body = watch(&body_edit, &|run| format!("Edit number {run} of"));
    let watch_title = watch(&title_edit, &|run| format!("Revised {run} "));
    save(&page, &original);
    drop(_watcher);

    println!("corpus: {pages} pages; medians of {RUNS} saves (full rebuilds: of 5)");
    println!();
    println!("serve, from the save to the reload event naming:");
    println!(
        "  body edit:    the page {:>7.1} ms   the search index {:>7.1} ms",
        body[0], body[1]
    );
    println!(
        "  title change: the page {:>7.1} ms   its section list {:>7.1} ms   the search index {:>7.1} ms",
        title[0], title[1], title[2]
    );
    println!(
        "  full build: at start {:>7.1} ms, after a site.yaml edit {:>7.1} ms; centerview build: {:>7.1} ms",
        median(start_ms),
        median(full_ms),
        median(build_ms)
    );
    println!();
    println!("watch, from the save to the file in output/:");
    println!(
        "  body edit:    the page {:>7.1} ms   the search index {:>7.1} ms",
        watch_body.0, watch_body.1
    );
    println!(
        "  title change: the page {:>7.1} ms   the search index {:>7.1} ms",
        watch_title.0, watch_title.1
    );
}
