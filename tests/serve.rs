//! `serve` and `watch`: the HTTP server (content types, folders, 404, no escape from the site,
//! Range), the reload channel, and the whole loop with the real binary, in real Chromium.

mod common;

use centerview::build::{Options, Session};
use centerview::serve::{Live, Snapshot, serve_on};
use common::browser::{self, Browser};
use common::{Site, brief};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 request, so nothing normalizes the path on the way.
fn get(port: u16, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), response[split + 4..].to_vec())
}

fn example_site() -> Site {
    let site = Site::new();
    site.page(
        "briefs/a.md",
        &brief("A brief", "2017-01-01"),
        "Text with a chart.\n",
    )
    .write(
        "content/assets/fig.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_site_and_nothing_else() {
    let site = example_site();
    let (_session, _live, _snapshot, port) = serve_in_process(&site).await;

    let checks = tokio::task::spawn_blocking(move || {
        let (status, head, body) = get(port, "/", "");
        assert_eq!(status, 200);
        assert!(
            head.contains("content-type: text/html; charset=utf-8"),
            "{head}"
        );
        assert!(
            String::from_utf8_lossy(&body)
                .contains("<script src=\"/__centerview/live.js\"></script></body>")
        );
        for (path, kind) in [
            ("/css/centerview.css", "text/css"),
            ("/assets/fig.svg", "image/svg+xml"),
            ("/js/search.js", "javascript"),
            ("/atom.xml", "xml"),
            ("/search/facets.bin", "application/octet-stream"),
        ] {
            let (status, head, _) = get(port, path, "");
            assert_eq!(status, 200, "{path}");
            assert!(
                head.lines()
                    .any(|l| l.starts_with("content-type: ") && l.contains(kind)),
                "{path}: {head}"
            );
        }
        // A folder without its slash is redirected; a folder serves its index.html.
        let (status, head, _) = get(port, "/briefs", "");
        assert_eq!(status, 301);
        assert!(head.contains("location: /briefs/"));
        assert_eq!(get(port, "/briefs/a/", "").0, 200);
        // Unknown paths get the site's 404 page, with status 404.
        let (status, _, body) = get(port, "/no/such/page/", "");
        assert_eq!(status, 404);
        assert!(String::from_utf8_lossy(&body).contains("Page not found"));
        // Nothing outside the site, however the path is spelled.
        for path in [
            "/../site.yaml",
            "/briefs/../../content/briefs/a.md",
            "/%2e%2e/site.yaml",
            "/..%2fsite.yaml",
        ] {
            assert_eq!(get(port, path, "").0, 400, "{path}");
        }
        // Range requests, as search makes them.
        let (status, head, body) = get(port, "/css/centerview.css", "Range: bytes=0-9\r\n");
        assert_eq!(status, 206);
        assert_eq!(body.len(), 10);
        assert!(head.contains("content-range: bytes 0-9/"), "{head}");
    });
    checks.await.unwrap();
}

/// A raw HTTP/1.1 request with the given `Host`, answered with its status.
fn status_for_host(port: u16, host: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    String::from_utf8_lossy(&response)
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_other_hosts_follows_rfc_9110_ranges_and_closes_idle_connections() {
    let site = example_site();
    let (_session, _live, snapshot, port) = serve_in_process(&site).await;
    let css_len = snapshot.get("css/centerview.css").unwrap().len();
    let checks = tokio::task::spawn_blocking(move || {
        // DNS rebinding: another site's name pointed at 127.0.0.1.
        for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
            assert_eq!(status_for_host(port, &host), 200, "{host}");
        }
        for host in [
            format!("evil.example:{port}"),
            format!("127.0.0.1.nip.io:{port}"),
            "attacker.test".to_string(),
        ] {
            assert_eq!(status_for_host(port, &host), 403, "{host}");
        }
        // Ranges: an invalid or unsupported header is ignored (200, the whole file); an end
        // past the file is clamped; a start past it cannot be satisfied.
        for ignored in ["bytes=9-0", "bytes=0-1,5-6", "lines=0-9", "bytes=x-y"] {
            let (status, _, body) = get(
                port,
                "/css/centerview.css",
                &format!("Range: {ignored}\r\n"),
            );
            assert_eq!((status, body.len()), (200, css_len), "{ignored}");
        }
        let (status, head, body) = get(port, "/css/centerview.css", "Range: bytes=10-99999999\r\n");
        assert_eq!((status, body.len()), (206, css_len - 10));
        assert!(
            head.contains(&format!(
                "content-range: bytes 10-{}/{css_len}",
                css_len - 1
            )),
            "{head}"
        );
        let (status, head, _) = get(
            port,
            "/css/centerview.css",
            &format!("Range: bytes={css_len}-\r\n"),
        );
        assert_eq!(status, 416);
        assert!(
            head.contains(&format!("content-range: bytes */{css_len}")),
            "{head}"
        );

        // A connection that sends nothing is closed once it has been idle too long.
        let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
        idle.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let started = Instant::now();
        let mut buffer = [0u8; 512];
        let read = idle.read(&mut buffer);
        assert!(
            read.is_ok() && started.elapsed() < Duration::from_secs(10),
            "the idle connection was closed: {read:?} after {:?}",
            started.elapsed()
        );
        // So is one left open after a request.
        let mut kept = TcpStream::connect(("127.0.0.1", port)).unwrap();
        kept.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(kept, "GET /atom.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let started = Instant::now();
        let mut all = Vec::new();
        let read = kept.read_to_end(&mut all);
        assert!(read.is_ok(), "{read:?}");
        assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
        assert!(started.elapsed() < Duration::from_secs(10));
    });
    checks.await.unwrap();
}

#[test]
fn a_snapshot_tells_which_outputs_really_changed() {
    let site = example_site();
    let mut options = Options::new(site.root());
    options.write = false;
    let mut session = Session::new(&options).unwrap();
    let (snapshot, all) =
        Snapshot::default().next(&session.build(None).unwrap().outputs, |_| false);
    assert!(
        all.contains(&"assets/fig.svg".to_string()) && all.contains(&"index.html".to_string()),
        "{all:?}"
    );

    // Saved again without a change: nothing changed, though the asset's time did.
    std::thread::sleep(Duration::from_millis(20));
    site.write(
        "content/assets/fig.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let changed = [site.path("content/assets/fig.svg")].into_iter().collect();
    let (snapshot, outputs) =
        snapshot.next(&session.build(Some(&changed)).unwrap().outputs, |_| false);
    assert!(outputs.is_empty(), "{outputs:?}");

    // A copied file's new content is seen, though the output names the same source file.
    site.write(
        "content/assets/fig.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\"/>",
    );
    let (snapshot, outputs) =
        snapshot.next(&session.build(Some(&changed)).unwrap().outputs, |_| false);
    assert_eq!(outputs, ["assets/fig.svg"]);

    // A page that is rendered again to the same bytes has not changed; a removed one has.
    let page = [site.path("content/briefs/a.md")].into_iter().collect();
    let (snapshot, outputs) =
        snapshot.next(&session.build(Some(&page)).unwrap().outputs, |_| false);
    assert!(outputs.is_empty(), "{outputs:?}");
    std::fs::remove_file(site.path("content/briefs/a.md")).unwrap();
    let (_, outputs) = snapshot.next(&session.build(Some(&page)).unwrap().outputs, |_| false);
    assert!(
        outputs.contains(&"briefs/a/index.html".to_string()),
        "{outputs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reload_channel_announces_rebuilds_and_errors() {
    let site = example_site();
    let (mut session, live, snapshot, port) = serve_in_process(&site).await;

    let reader = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET /__centerview/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut seen = String::new();
        let mut buffer = [0u8; 4096];
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline
            && !(seen.contains("event: reload")
                && seen.contains("event: errors")
                && seen.contains("event: css"))
        {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            }
        }
        seen
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    site.page(
        "briefs/a.md",
        &brief("A brief", "2017-01-01"),
        "Edited text.\n",
    );
    let changed = [site.path("content/briefs/a.md")].into_iter().collect();
    let built = session.build(Some(&changed)).unwrap();
    let (snapshot, outputs) = snapshot.next(&built.outputs, |_| false);
    // The page, and the lists, feed and index that quote its opening text; not the rest.
    assert!(
        outputs.contains(&"briefs/a/index.html".to_string())
            && !outputs.contains(&"assets/fig.svg".to_string()),
        "{outputs:?}"
    );
    let snapshot = std::sync::Arc::new(snapshot);
    live.publish(snapshot.clone(), &outputs);
    site.page("briefs/a.md", "titel: Broken\ndate: 2017-01-01", "Text.\n");
    let failure = session.build(Some(&changed)).err().unwrap();
    live.fail(&failure.diagnostics);
    live.publish(snapshot.clone(), &["css/centerview.css".to_string()]);
    let seen = reader.await.unwrap();
    assert!(seen.contains("text/event-stream"), "{seen}");
    let reload = seen.find("event: reload").expect("a reload");
    // The reload names what changed, so only the pages showing it reload.
    assert!(
        seen[reload..].starts_with("event: reload\ndata: {\"paths\":[")
            && seen[reload..].contains("\"briefs/a/index.html\""),
        "{seen}"
    );
    let errors = seen.find("event: errors").expect("the errors");
    assert!(seen[errors..].contains("unknown field `titel`"), "{seen}");
    let clears = seen[errors..].find("event: ok").expect("the errors clear");
    let css = seen.find("event: css").expect("a stylesheet-only update");
    assert!(reload < errors && errors < errors + clears && errors < css);
}

/// How long the servers in these tests keep a connection that sends nothing.
const IDLE: Duration = Duration::from_millis(500);

/// Builds `site` in a session and serves it in process on a free port, as `serve` does.
async fn serve_in_process(
    site: &Site,
) -> (Session, std::sync::Arc<Live>, std::sync::Arc<Snapshot>, u16) {
    let mut options = Options::new(site.root());
    options.write = false;
    let mut session = Session::new(&options).unwrap();
    let built = session.build(None).unwrap();
    let live = Live::new();
    let (snapshot, _) = Snapshot::default().next(&built.outputs, |_| false);
    let snapshot = std::sync::Arc::new(snapshot);
    live.publish(snapshot.clone(), &[]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server_live = live.clone();
    tokio::spawn(serve_on(listener, server_live, IDLE));
    (session, live, snapshot, port)
}

/// Starts `centerview serve` on the site at `root` and waits until it accepts connections.
fn start_serve(root: &Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    wait_until("the server", 30, || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    (running, port)
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until(what: &str, seconds: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A first build that fails leaves serve running: every address shows the errors (503) until
/// a save fixes them, and then the site.
#[test]
fn serve_shows_the_first_builds_errors_until_they_are_fixed() {
    let site = example_site();
    site.page("briefs/a.md", "titel: A brief\ndate: 2017-01-01", "Text.\n");
    let (_running, port) = start_serve(site.root());
    let mut shown = String::new();
    wait_until("the errors", 20, || {
        let (status, head, body) = get(port, "/briefs/a/", "");
        shown = String::from_utf8_lossy(&body).into_owned();
        status == 503 && head.contains("retry-after: 1") && shown.contains("unknown field `titel`")
    });
    assert!(shown.contains("content/briefs/a.md:2:1"), "{shown}");
    assert!(
        shown.contains("/__centerview/live.js"),
        "the page reloads itself when fixed"
    );
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Fixed.\n");
    wait_until("the site", 20, || {
        let (status, _, body) = get(port, "/briefs/a/", "");
        status == 200 && String::from_utf8_lossy(&body).contains("Fixed.")
    });
}

/// Starts `centerview watch` on a site; returns it and the lines it prints, as they come.
fn start_watch(site: &Site) -> (Running, std::sync::mpsc::Receiver<String>) {
    start_printing(site.root(), &["watch"])
}

/// Starts `centerview <args> --root <site>`; returns it and the lines it prints on stderr,
/// as they come.
fn start_printing(root: &Path, args: &[&str]) -> (Running, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(args)
        .arg("--root")
        .arg(root)
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
    (Running(child), lines)
}

/// Waits for a line that contains `needle` (a rebuild's last line: everything is written).
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
fn watch_rebuilds_on_save_and_keeps_the_output_when_a_save_breaks_the_build() {
    let site = example_site();
    let (_running, lines) = start_watch(&site);
    let page = site.path("output/briefs/a/index.html");
    wait_line(&lines, "built:");
    site.page(
        "briefs/a.md",
        &brief("A brief", "2017-01-01"),
        "A saved edit.\n",
    );
    wait_line(&lines, "briefs/a.md changed:");
    assert!(
        site.read("output/briefs/a/index.html")
            .contains("A saved edit.")
    );
    let before = site.output_files();
    site.page(
        "briefs/a.md",
        "titel: Broken\ndate: 2017-01-01",
        "Broken.\n",
    );
    wait_line(&lines, "Waiting for the next save");
    assert_eq!(
        site.output_files(),
        before,
        "a failed build leaves the output alone"
    );
    site.page(
        "briefs/a.md",
        &brief("A brief", "2017-01-01"),
        "Fixed again.\n",
    );
    wait_line(&lines, "briefs/a.md changed:");
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("Fixed again.")
    );
    // A new page appears, and a deleted one disappears, everywhere.
    site.page(
        "briefs/new.md",
        &brief("A new brief", "2020-01-01"),
        "New.\n",
    );
    wait_line(&lines, "briefs/new.md changed:");
    assert!(site.path("output/briefs/new/index.html").exists());
    assert!(
        site.read("output/briefs/index.html")
            .contains("A new brief")
    );
    std::fs::remove_file(site.path("content/briefs/new.md")).unwrap();
    wait_line(&lines, "briefs/new.md changed:");
    assert!(!site.path("output/briefs/new/index.html").exists());
    assert!(
        !site
            .read("output/briefs/index.html")
            .contains("A new brief")
    );
    assert!(
        !site.path("output/briefs/new").exists(),
        "no empty folder is left"
    );

    // After all that, the output is what a clean build writes. Watch keeps one spare folder
    // beside it while it runs, and removes it when stopped with Ctrl-C.
    let hidden = || {
        std::fs::read_dir(site.root())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".output.tmp-"))
            .count()
    };
    assert_eq!(hidden(), 1, "watch keeps one spare folder");
    let mut running = _running;
    // SAFETY: sends SIGINT (what Ctrl-C sends) to the child we started.
    assert_eq!(
        unsafe { libc::kill(running.0.id() as i32, libc::SIGINT) },
        0
    );
    let status = running.0.wait().unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C ends watch");
    assert_eq!(hidden(), 0, "Ctrl-C removes the spare folder");
    let watched = site.output_files();
    let clean = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(clean.path().join("out"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(watched, common::files_under(&clean.path().join("out")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reloads_open_pages_and_shows_errors_in_the_browser() {
    if browser::skipped() {
        return;
    }
    let site = example_site();
    let (_running, port) = start_serve(site.root());
    let b = Browser::start().await;
    let url = format!("http://127.0.0.1:{port}/briefs/a/");
    b.client.goto(&url).await.unwrap();
    // Mark this page load, and wait for the live channel to be connected.
    b.client
        .execute("window.__loaded = 'first'", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    edit(
        &site.path("content/briefs/a.md"),
        &format!(
            "---\n{}\n---\nA saved edit shows up.\n",
            brief("A brief", "2017-01-01")
        ),
    );
    b.wait_for("return window.__loaded !== 'first' && document.body.textContent.includes('A saved edit shows up.')", 15).await;

    // A broken save: the errors appear over the last good page, which stays.
    b.client
        .execute("window.__loaded = 'second'", vec![])
        .await
        .unwrap();
    edit(
        &site.path("content/briefs/a.md"),
        "---\ntitel: A brief\ndate: 2017-01-01\n---\nBroken.\n",
    );
    let overlay = b
        .wait_for(
            "const o = document.getElementById('centerview-errors'); return o && o.textContent",
            15,
        )
        .await;
    assert!(
        overlay.as_str().unwrap().contains("unknown field `titel`"),
        "{overlay}"
    );
    assert_eq!(
        b.client
            .execute("return window.__loaded", vec![])
            .await
            .unwrap(),
        serde_json::json!("second"),
        "the page stays"
    );
    assert!(
        b.client
            .execute(
                "return document.body.textContent.includes('A saved edit shows up.')",
                vec![]
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap()
    );

    // The fix clears the errors and shows the fixed page.
    edit(
        &site.path("content/briefs/a.md"),
        &format!("---\n{}\n---\nFixed.\n", brief("A brief", "2017-01-01")),
    );
    b.wait_for("return !document.getElementById('centerview-errors') && document.body.textContent.includes('Fixed.')", 15).await;

    // A stylesheet-only change updates the styles without reloading the page.
    b.client
        .execute("window.__loaded = 'third'", vec![])
        .await
        .unwrap();
    let css =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/centerview/static/css/centerview.css");
    let mut text = std::fs::read_to_string(css).unwrap();
    text.push_str("\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
    site.write("themes/centerview/static/css/centerview.css", &text);
    b.wait_for(
        "return getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
        15,
    )
    .await;
    assert_eq!(
        b.client
            .execute("return window.__loaded", vec![])
            .await
            .unwrap(),
        serde_json::json!("third"),
        "no full reload for CSS"
    );
    b.close().await;
}

/// How an editor saves: a name, and the steps.
type Save<'a> = (&'a str, &'a dyn Fn(&str));

/// Editors save in several steps (swap files, a backup rename, a temporary file renamed over
/// the page, several writes in a row): each save is one rebuild, with the final text.
#[test]
fn an_editor_save_in_several_steps_is_one_rebuild() {
    let site = example_site();
    let (_running, lines) = start_watch(&site);
    let next_line = |seconds: u64| lines.recv_timeout(Duration::from_secs(seconds)).ok();
    while !next_line(20).expect("the first build").contains("built:") {}
    let page = site.path("content/briefs/a.md");
    let text = |n: usize| {
        format!(
            "---\n{}\n---\nSave number {n}.\n",
            brief("A brief", "2017-01-01")
        )
    };
    let saves: [Save; 3] = [
        ("vim: swap file, backup rename, new file", &|t| {
            let swap = site.path("content/briefs/.a.md.swp");
            let probe = site.path("content/briefs/4913");
            let backup = site.path("content/briefs/a.md~");
            // A few milliseconds apart, as an editor takes them.
            let pause = || std::thread::sleep(Duration::from_millis(3));
            std::fs::write(&swap, "swap").unwrap();
            std::fs::write(&probe, "").unwrap();
            std::fs::remove_file(&probe).unwrap();
            pause();
            std::fs::rename(&page, &backup).unwrap();
            pause();
            std::fs::write(&page, t).unwrap();
            pause();
            std::fs::remove_file(&backup).unwrap();
            std::fs::remove_file(&swap).unwrap();
        }),
        ("a temporary file renamed over the page", &|t| {
            edit(&page, t)
        }),
        ("three writes in a row", &|t| {
            for part in ["", &t[..t.len() / 2], t] {
                std::fs::write(&page, part).unwrap();
            }
        }),
    ];
    for (n, (how, save)) in saves.iter().enumerate() {
        save(&text(n));
        let line = next_line(20).unwrap_or_else(|| panic!("{how}: no rebuild"));
        assert!(
            line.contains("content/briefs/a.md changed: 1 page rendered"),
            "{how}: {line}"
        );
        assert_eq!(next_line(1), None, "{how}: one rebuild, not several");
        assert!(
            site.read("output/briefs/a/index.html")
                .contains(&format!("Save number {n}.")),
            "{how}"
        );
    }
}

/// The Center's example site, served with a brief open in Chromium: an edit to the brief shows
/// up, a broken save shows its errors over the page, and the fix clears them. Set
/// `CENTERVIEW_SCREENSHOTS=<folder>` to keep a screenshot of each step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_the_example_site_shows_an_edit_then_errors_then_the_fix() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::example_site(&root);
    // The lines serve prints tell when a rebuild is whole: its PDF editions, typeset after
    // the pages are shown, reload the page once more.
    let (_running, lines) = start_printing(&root, &["serve", "--port", "0"]);
    let (_, serving) = until_serving(&lines);
    let port: u16 = url_in(&serving)
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let b = Browser::start().await;
    let screenshot = async |name: &str| {
        if let Some(folder) = std::env::var_os("CENTERVIEW_SCREENSHOTS") {
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(Path::new(&folder).join(name), png).unwrap();
        }
    };
    b.client
        .goto(&format!("http://127.0.0.1:{port}/briefs/partnership/"))
        .await
        .unwrap();
    b.wait_for("return document.title.includes('district capacity')", 15)
        .await;
    b.client
        .execute("window.__loaded = 'first'", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // An edit to the body: the page reloads with it.
    let brief = root.join("content/briefs/partnership.md");
    let original = std::fs::read_to_string(&brief).unwrap();
    let edited = original.replacen(
        "California gave its districts",
        "EDITED: California gave its districts",
        1,
    );
    assert_ne!(edited, original);
    edit(&brief, &edited);
    wait_line(&lines, "partnership.md changed:");
    let served = served_download_link(port);
    b.wait_for(
        &format!(
            "return window.__loaded !== 'first' && document.querySelector('main').textContent.includes('EDITED: California') && document.querySelector('a[download]').textContent === {served:?}"
        ),
        15,
    )
    .await;
    screenshot("1-edited.png").await;

    // A bad date: the overlay names the file, the line and the problem, over the page.
    // The build's last reload (pages, then search, then PDF editions are shown in turn) may
    // still be on its way to the browser: the page is marked once a mark stays on it.
    for _ in 0..20 {
        b.client
            .execute("window.__loaded = 'second'", vec![])
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mark = b.client.execute("return window.__loaded", vec![]).await;
        if mark.is_ok_and(|m| m == serde_json::json!("second")) {
            break;
        }
    }
    edit(
        &brief,
        &edited.replacen("date: 2016-12-06", "date: 2016-13-06", 1),
    );
    let overlay = b
        .wait_for(
            "const o = document.getElementById('centerview-errors'); return o && o.textContent",
            15,
        )
        .await;
    let overlay = overlay.as_str().unwrap();
    assert!(
        overlay.contains("content/briefs/partnership.md:4:"),
        "{overlay}"
    );
    assert!(overlay.contains("2016-13-06"), "{overlay}");
    assert_eq!(
        b.client
            .execute("return window.__loaded", vec![])
            .await
            .unwrap(),
        serde_json::json!("second"),
        "the last good page stays"
    );
    screenshot("2-errors.png").await;

    // The fix: the overlay goes, and the page is the fixed one.
    edit(&brief, &original);
    b.wait_for(
        "return !document.getElementById('centerview-errors') && !document.querySelector('main').textContent.includes('EDITED')",
        15,
    )
    .await;
    screenshot("3-fixed.png").await;
    b.close().await;
}

/// The text of the example brief's PDF download link, as the server has it now.
fn served_download_link(port: u16) -> String {
    let (_, _, page) = get(port, "/briefs/partnership/", "");
    let page = String::from_utf8(page).unwrap();
    let link = &page[page.find(" download>").expect("a download link") + " download>".len()..];
    let html = &link[..link.find("</a>").unwrap()];
    html.replace("<span class=\"pdf-size\">", "")
        .replace("</span>", "")
}

/// Saves a file the way many editors do: write a temporary file, then rename it over.
fn edit(path: &Path, text: &str) {
    let temp = path.with_extension("md.tmp~");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// A clean build of `site` into a fresh folder: what a watched output must equal.
fn clean_build(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let clean = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(clean.path().join("out"))
        .status()
        .unwrap();
    assert!(status.success());
    common::files_under(&clean.path().join("out"))
}

/// Waits until the watched output is, byte for byte, what a clean build of the sources makes.
fn wait_for_clean_output(site: &Site, what: &str) {
    let clean = clean_build(site);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = site.output_files();
        if now == clean {
            return;
        }
        if Instant::now() > deadline {
            let differ: Vec<&String> = clean
                .keys()
                .chain(now.keys())
                .filter(|k| clean.get(*k) != now.get(*k))
                .take(5)
                .collect();
            panic!("after {what}, watch's output is not a clean build's: {differ:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Another version of the example site's content (as on another branch): every page edited
/// under the same name, one page gone, one new.
fn other_branch(from: &Path, to: &Path) {
    common::copy_dir(from, to);
    for entry in walkdir::WalkDir::new(to).into_iter().flatten() {
        if entry.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(entry.path(), format!("{text}\nOn the other branch.\n")).unwrap();
        }
    }
    std::fs::remove_file(to.join("posts/science-standards-preview.md")).unwrap();
    std::fs::write(
        to.join("briefs/branch-only.md"),
        "---\ntitle: Only on the branch\ndate: 2018-03-01\n---\nBranch text.\n",
    )
    .unwrap();
}

#[test]
fn watch_follows_content_and_themes_replaced_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    common::example_site(dir.path());
    let site = Site { dir };
    let (_running, lines) = start_watch(&site);
    wait_line(&lines, "built:");
    wait_for_clean_output(&site, "the first build");

    // `rm -rf content && mv other content`, as a branch switch or a sync tool does.
    let scratch = tempfile::tempdir().unwrap();
    let other = scratch.path().join("content");
    other_branch(&site.path("content"), &other);
    std::fs::remove_dir_all(site.path("content")).unwrap();
    std::fs::rename(&other, site.path("content")).unwrap();
    wait_for_clean_output(&site, "content/ was replaced");
    assert!(
        site.read("output/briefs/branch-only/index.html")
            .contains("Branch text.")
    );

    // And back, by renaming folders within the site.
    let back = site.path("content.back");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &back,
    );
    std::fs::rename(site.path("content"), site.path("content.old")).unwrap();
    std::fs::rename(&back, site.path("content")).unwrap();
    wait_for_clean_output(&site, "content/ was renamed back");
    assert!(!site.path("output/briefs/branch-only").exists());

    // A subfolder moved in whole, over one of the same name.
    let briefs = scratch.path().join("briefs");
    common::copy_dir(&site.path("content/briefs"), &briefs);
    for entry in std::fs::read_dir(&briefs).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        std::fs::write(entry.path(), format!("{text}\nMoved in.\n")).unwrap();
    }
    std::fs::rename(
        site.path("content/briefs"),
        site.path("content.old/briefs-gone"),
    )
    .unwrap();
    std::fs::rename(&briefs, site.path("content/briefs")).unwrap();
    wait_for_clean_output(&site, "content/briefs/ was moved in");

    // themes/ appears, then is replaced whole.
    let css = "themes/centerview/static/css/centerview.css";
    let new_theme = scratch.path().join("themes");
    std::fs::create_dir_all(new_theme.join("centerview/static/css")).unwrap();
    std::fs::write(
        new_theme.join("centerview/static/css/centerview.css"),
        "body { color: red }\n",
    )
    .unwrap();
    std::fs::rename(&new_theme, site.path("themes")).unwrap();
    wait_for_clean_output(&site, "themes/ appeared");
    let replacement = scratch.path().join("themes2");
    std::fs::create_dir_all(replacement.join("centerview/static/css")).unwrap();
    std::fs::write(
        replacement.join("centerview/static/css/centerview.css"),
        "body { color: blue }\n",
    )
    .unwrap();
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    std::fs::rename(&replacement, site.path("themes")).unwrap();
    wait_for_clean_output(&site, "themes/ was replaced");
    assert!(
        site.read(&format!(
            "output/{}",
            &css["themes/centerview/static/".len()..]
        ))
        .contains("blue")
    );
}

/// A page held back until its day appears when the day comes, without a save or a restart.
#[test]
fn serve_publishes_a_scheduled_page_on_its_day() {
    let site = example_site();
    site.page(
        "briefs/soon.md",
        &brief("Coming soon", "2030-01-15"),
        "Text.\n",
    );
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        // Three seconds before the page's day begins.
        .env("CENTERVIEW_NOW", "2030-01-14T23:59:57")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    wait_until("the site", 30, || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/briefs/a/", "").0 == 200
    });
    assert_eq!(
        get(port, "/briefs/soon/", "").0,
        404,
        "held back before its day"
    );
    wait_until("the page on its day", 30, || {
        get(port, "/briefs/soon/", "").0 == 200
    });
    let (_, _, listing) = get(port, "/briefs/", "");
    assert!(String::from_utf8_lossy(&listing).contains("Coming soon"));
}

/// The lines serve prints before its `Serving … at <url>` line, and that line.
fn until_serving(lines: &std::sync::mpsc::Receiver<String>) -> (Vec<String>, String) {
    let mut printed = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no `Serving` line in {printed:#?}"));
        if line.starts_with("Serving") {
            return (printed, line);
        }
        printed.push(line);
    }
}

/// The `http://` address in a line serve printed.
fn url_in(line: &str) -> &str {
    line.split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
}

/// Starts `centerview serve` with `args` on a site; returns it and the lines it prints.
fn start_serve_printing(
    site: &Site,
    args: &[&str],
) -> (Running, std::sync::mpsc::Receiver<String>) {
    let args: Vec<&str> = std::iter::once("serve")
        .chain(args.iter().copied())
        .collect();
    start_printing(site.root(), &args)
}

/// A first build that fails still says where the preview is (with `--port 0`, nothing else
/// would), and that address shows the errors.
#[test]
fn serve_on_port_0_says_where_even_when_the_first_build_fails() {
    let site = example_site();
    site.page("briefs/a.md", "titel: A brief\ndate: 2017-01-01", "Text.\n");
    let (_running, lines) = start_serve_printing(&site, &["--port", "0"]);
    let line = wait_line(&lines, "Waiting for the next save");
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(line.contains("every page shows the errors"), "{line}");
    // The line is printed as the errors are handed to the server: they follow at once.
    wait_until("the errors", 20, || {
        let (status, _, body) = get(port, "/briefs/a/", "");
        status == 503 && String::from_utf8_lossy(&body).contains("unknown field `titel`")
    });
}

/// `serve --port 0` listens on a free port and prints that port, not 0; the address it
/// prints serves the site. With `--verbose`, each build's stage timings are printed too.
#[test]
fn serve_on_port_0_prints_the_address_it_really_listens_on() {
    let site = example_site();
    let (_running, lines) = start_serve_printing(&site, &["--port", "0", "--verbose"]);
    let (printed, serving) = until_serving(&lines);
    assert!(
        printed
            .iter()
            .any(|l| l.trim_start().starts_with("render templates")),
        "--verbose prints the stages: {printed:#?}"
    );
    let url = url_in(&serving);
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not http://127.0.0.1:PORT/: {url}"));
    assert_ne!(port, 0, "{serving}");
    let (status, _, body) = get(port, "/briefs/a/", "");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("A brief"));
}

/// `serve --bind 0.0.0.0` warns that the network can see the preview, prints an address
/// another device could open (this machine's, not 0.0.0.0), and answers requests for it.
#[test]
fn serve_bound_to_the_network_warns_and_prints_an_address_a_phone_can_open() {
    let site = example_site();
    let (_running, lines) = start_serve_printing(&site, &["--port", "0", "--bind", "0.0.0.0"]);
    let (printed, serving) = until_serving(&lines);
    assert!(
        printed
            .iter()
            .any(|l| l.starts_with("warning:") && l.contains("anyone on this network")),
        "{printed:#?}"
    );
    let url = url_in(&serving);
    let authority = url
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap();
    let address: std::net::SocketAddr = authority
        .parse()
        .unwrap_or_else(|_| panic!("not an address: {url}"));
    assert!(!address.ip().is_unspecified(), "{serving}");
    assert_ne!(address.port(), 0, "{serving}");
    // As a phone would ask: at that address, naming it.
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /briefs/a/ HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("A brief"));
}

/// `serve --bind` with an address that is not this machine's says so, instead of blaming
/// another program for using the port.
#[test]
fn serve_bound_to_a_foreign_address_says_it_is_not_this_machines() {
    let site = example_site();
    // TEST-NET-3 (RFC 5737): never a machine's own address.
    let output = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["serve", "--port", "0", "--bind", "203.0.113.77", "--root"])
        .arg(site.path(""))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot listen on 203.0.113.77: it is not an address of this machine"),
        "{stderr}"
    );
    assert!(!stderr.contains("another program"), "{stderr}");
}

/// `serve --help` lets clap wrap its prose to the terminal: no sentence broken off by a
/// line break written into the text.
#[test]
fn serve_help_is_wrapped_to_the_terminal_not_mid_sentence() {
    for width in [60usize, 80, 100] {
        let output = Command::new(env!("CARGO_BIN_EXE_centerview"))
            .args(["serve", "--help"])
            .env("COLUMNS", width.to_string())
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        let paragraph: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("The site is served from memory"))
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(paragraph.len() > 1, "at {width} columns:\n{help}");
        for line in &paragraph[..paragraph.len() - 1] {
            assert!(
                line.chars().count() > width - 20 && line.chars().count() <= width,
                "at {width} columns, a line not filled to the width: {line:?}\n{help}"
            );
        }
    }
}
