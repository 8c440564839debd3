//! Real headless Chromium for tests of pages that run JavaScript, driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`), and a static server on 127.0.0.1 with HTTP
//! Range support (tower-http's ServeDir), as a static host would serve the site, and one
//! without it. A [`Browser`] ends all its processes when it is dropped, so a test that
//! fails or panics leaves none running (tests/browsers.rs).

#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "browser tests need Chromium and ChromeDriver: on Debian or Ubuntu run \
`sudo apt-get install chromium chromium-driver` (bash .ci/run does this). To skip these tests \
deliberately, set CENTERVIEW_SKIP_BROWSER_TESTS=1.";

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Whether browser tests were deliberately switched off. Without the switch, a missing
/// browser is a failure that says how to install it, never a silent pass.
pub fn skipped() -> bool {
    if std::env::var_os("CENTERVIEW_SKIP_BROWSER_TESTS").is_some() {
        eprintln!("SKIPPED: browser test (CENTERVIEW_SKIP_BROWSER_TESTS is set)");
        return true;
    }
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A headless Chromium driven over WebDriver. Dropping it ends every process it started, and
/// waits until they are gone: when a test passes, fails or panics.
pub struct Browser {
    pub client: Client,
    processes: Processes,
}

impl Browser {
    pub async fn start() -> Browser {
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
            .unwrap_or_else(|| panic!("Chromium was not found: {INSTALL}"));
        let chromedriver = find_program(&["chromedriver"])
            .unwrap_or_else(|| panic!("ChromeDriver was not found: {INSTALL}"));
        let port = free_port();
        // From here on a panic (ChromeDriver not listening, no session) ends what started.
        let processes = Processes::start(&chromedriver, port);
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", processes.dir.path().join("profile").display()),
                ]
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session: {e}. {INSTALL}"));
        Browser { client, processes }
    }

    /// Runs `script` (a function body that returns a value) until it returns something
    /// truthy, or fails after `seconds`.
    pub async fn wait_for(&self, script: &str, seconds: u64) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            // A script run while the page navigates (a reload, a new query) can fail: that
            // is not an answer yet.
            let value = match self.client.execute(script, vec![]).await {
                Ok(value) => value,
                Err(e) => {
                    assert!(Instant::now() < deadline, "{script} failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let truthy = !matches!(
                &value,
                serde_json::Value::Null | serde_json::Value::Bool(false)
            ) && value != serde_json::json!("")
                && value != serde_json::json!(0);
            if truthy {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the session, then (on drop) every process.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// The process ids of ChromeDriver and of every Chromium process of this browser.
    pub fn processes(&self) -> Vec<u32> {
        let mut pids = vec![self.processes.driver.id()];
        pids.extend(processes_naming(self.processes.dir.path()));
        pids
    }

    /// The folder whose path marks this browser's Chromium processes.
    pub fn folder(&self) -> &Path {
        self.processes.dir.path()
    }
}

/// ChromeDriver and the folder of the browser it starts, which marks the browser's processes:
/// each Chromium process names it on its command line (`--user-data-dir`), and so does
/// Chromium's crash handler (its `--database` is under `XDG_CONFIG_HOME`). The crash handlers
/// start sessions of their own, so ending ChromeDriver's process group missed them; the
/// folder finds them all. ChromeDriver stays in the test's process group, so that Ctrl-C
/// ends it and its browser with the tests.
struct Processes {
    driver: Child,
    dir: tempfile::TempDir,
}

impl Processes {
    fn start(chromedriver: &Path, port: u16) -> Processes {
        let dir = tempfile::Builder::new()
            .prefix("centerview-browser-")
            .tempdir()
            .expect("a folder for the browser");
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            // Chromium keeps its settings and crash reports here, not in ~/.config.
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chromedriver: {e}. {INSTALL}"));
        Processes { driver, dir }
    }
}

impl Drop for Processes {
    /// Kills ChromeDriver and every process that names the folder, until none is left (one
    /// may start another meanwhile), for at most 10 seconds; a drop must not panic.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        // A killed process loses its command line before it has finished exiting: the
        // ones killed are waited for by number until they are gone.
        let mut killed = std::collections::BTreeSet::new();
        loop {
            killed.retain(|&pid| is_running(pid));
            let naming = processes_naming(self.dir.path());
            if (naming.is_empty() && killed.is_empty()) || Instant::now() > deadline {
                break;
            }
            for pid in naming {
                // SAFETY: kill(2) only sends a signal.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                killed.insert(pid);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The running processes whose command line names `dir` (an exited process that is not yet
/// reaped has no command line left).
pub fn processes_naming(dir: &Path) -> Vec<u32> {
    use std::os::unix::ffi::OsStrExt;
    let needle = dir.as_os_str().as_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|line| line.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// Whether process `pid` is running (not gone, and not exited awaiting its parent).
pub fn is_running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (name) state ...`: the name may hold spaces and parentheses.
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    !matches!(state, None | Some('Z' | 'X'))
}

/// Serves `dir` on 127.0.0.1 (on the current Tokio runtime); returns the base URL.
pub async fn serve(dir: &Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let service = tower_http::services::ServeDir::new(dir).append_index_html_on_directories(true);
    let app = axum::Router::new().fallback_service(service);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// The requests a [`serve_without_ranges`] server has answered, by path.
pub type Requests = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// Serves `dir` on 127.0.0.1 as some plain static hosts do: every request is answered with the
/// whole file (200), whatever its `Range` header says. Records each path asked for.
pub async fn serve_without_ranges(dir: &Path) -> (String, Requests) {
    use axum::http::{StatusCode, Uri, header};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (root, requests) = (dir.to_path_buf(), Requests::default());
    let seen = requests.clone();
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let (root, seen) = (root.clone(), seen.clone());
        async move {
            seen.lock().unwrap().push(uri.path().to_string());
            let mut path = root.join(uri.path().trim_start_matches('/'));
            if path.is_dir() {
                path = path.join("index.html");
            }
            let kind = match path.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                _ => "application/octet-stream",
            };
            match std::fs::read(&path) {
                Ok(bytes) => (StatusCode::OK, [(header::CONTENT_TYPE, kind)], bytes),
                Err(_) => (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, kind)],
                    Vec::new(),
                ),
            }
        }
    });
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), requests)
}
