//! `centerview serve` under load: 200 clients make 20,000 requests on 127.0.0.1 while saves
//! rebuild the site, and every response is whole — each page complete, and the page being
//! edited always one version or the other.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CLIENTS: usize = 200;
const REQUESTS_EACH: usize = 100;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One response on a kept-alive connection: (status, body).
async fn request(stream: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream.get_mut().write_all(request.as_bytes()).await?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {status_line:?}")))?;
    let mut length = None;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other(format!("{path}: no length")))?;
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((status, body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_200_clients_while_it_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    centerview_corpus::generate(root, 200, 3).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // A site's PDF editions are typeset once and kept (.centerview-cache/); serve then
    // typesets only the edited page's. A first build at serve's address (which the PDFs
    // print) keeps them, as an editor's site has.
    let built = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--no-search", "--root"])
        .arg(root)
        .arg("--base-url")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg("--output")
        .arg(dir.path().join("first-build"))
        .status()
        .unwrap();
    assert!(built.success());
    let child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Running(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The pages, from the sitemap; the first is the one being edited.
    let mut stream = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    let sitemap = loop {
        match request(&mut stream, "/sitemap.xml").await.unwrap() {
            (200, body) => break body,
            // The first build is not done yet.
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
        assert!(Instant::now() < deadline, "the first build did not finish");
    };
    let sitemap = String::from_utf8(sitemap).unwrap();
    let pages: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        // Absolute URLs on whatever host serve uses: keep the path.
        .filter_map(|url| url.splitn(4, '/').nth(3).map(|path| format!("/{path}")))
        .filter(|path| path.matches('/').count() == 3)
        .collect();
    assert!(pages.len() > 100, "{} pages in the sitemap", pages.len());
    let edited_url = pages
        .iter()
        .find(|p| p.starts_with("/briefs/"))
        .unwrap()
        .clone();
    let slug = edited_url.trim_end_matches('/').rsplit('/').next().unwrap();
    let edited_file = std::fs::read_dir(root.join("content/briefs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            p.file_stem().is_some_and(|s| s == slug) || text.contains(&format!("\nslug: {slug}\n"))
        })
        .expect("the edited page's file");
    let original = std::fs::read_to_string(&edited_file).unwrap();

    // Saves, one every 100 ms, alternating two versions of one page.
    let saving = Arc::new(AtomicBool::new(true));
    let saves = Arc::new(AtomicUsize::new(0));
    let saver = {
        let (saving, saves, file) = (saving.clone(), saves.clone(), edited_file.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while saving.load(Ordering::Relaxed) {
                let marker = if n % 2 == 0 { "VERSION-A" } else { "VERSION-B" };
                let temp = file.with_extension("md.tmp~");
                std::fs::write(&temp, format!("{original}\n{marker} of this page.\n")).unwrap();
                std::fs::rename(&temp, &file).unwrap();
                saves.fetch_add(1, Ordering::Relaxed);
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let mut paths: Vec<String> = pages.iter().take(40).cloned().collect();
    paths.extend(
        [
            "/",
            "/briefs/",
            "/topics/",
            "/atom.xml",
            "/css/centerview.css",
            "/search/manifest.bin",
            "/no/such/page/",
        ]
        .map(String::from),
    );
    let paths = Arc::new(paths);
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (paths, edited) = (paths.clone(), edited_url.clone());
            tokio::spawn(async move {
                let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                let mut stream = BufReader::new(stream);
                let mut problems = Vec::new();
                let mut versions = [0usize; 2];
                for i in 0..REQUESTS_EACH {
                    // Every fourth request is the page being edited.
                    let path = if i % 4 == 0 {
                        edited.clone()
                    } else {
                        paths[(client * 7 + i) % paths.len()].clone()
                    };
                    let (status, body) = match request(&mut stream, &path).await {
                        Ok(r) => r,
                        Err(e) => {
                            problems.push(format!("{path}: {e}"));
                            // Start again on a new connection.
                            let s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                            stream = BufReader::new(s);
                            continue;
                        }
                    };
                    let expected = if path == "/no/such/page/" { 404 } else { 200 };
                    if status != expected {
                        problems.push(format!("{path}: status {status}"));
                    }
                    if path.ends_with('/') {
                        let html = String::from_utf8_lossy(&body);
                        if !html.trim_end().ends_with("</html>") {
                            problems.push(format!("{path}: an incomplete page"));
                        }
                        if path == edited {
                            let (a, b) = (html.contains("VERSION-A"), html.contains("VERSION-B"));
                            if a && b {
                                problems.push(format!("{path}: two versions at once"));
                            }
                            versions[0] += a as usize;
                            versions[1] += b as usize;
                        }
                    }
                }
                (problems, versions)
            })
        })
        .collect();
    let mut problems = Vec::new();
    let mut versions = [0usize; 2];
    for client in clients {
        let (p, v) = client.await.unwrap();
        problems.extend(p);
        versions[0] += v[0];
        versions[1] += v[1];
    }
    let took = started.elapsed();
    saving.store(false, Ordering::Relaxed);
    saver.join().unwrap();
    let saves = saves.load(Ordering::Relaxed);
    eprintln!(
        "{} requests from {CLIENTS} clients in {took:?} during {saves} saves; the edited page \
         served {} times as version A, {} as version B; {} problems",
        CLIENTS * REQUESTS_EACH,
        versions[0],
        versions[1],
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{}",
        problems[..problems.len().min(20)].join("\n")
    );
    assert!(
        versions[0] > 0 && versions[1] > 0,
        "rebuilt versions were served during the load: {versions:?} ({saves} saves)"
    );
}

/// A generated site is the same for the same seed, and builds without errors: the
/// benchmarks and scale tests measure real work.
#[test]
fn a_generated_site_is_deterministic_and_builds() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    centerview_corpus::generate(a.path(), 60, 7).unwrap();
    centerview_corpus::generate(b.path(), 60, 7).unwrap();
    let page = |d: &std::path::Path| {
        let report = d
            .join("content/reports")
            .read_dir()
            .unwrap()
            .next()
            .unwrap();
        std::fs::read_to_string(report.unwrap().path()).unwrap()
    };
    assert_eq!(page(a.path()), page(b.path()));
    let mut options = centerview::build::Options::new(a.path());
    options.write = false;
    let report = centerview::build::build(&options).unwrap_or_else(|f| {
        panic!(
            "{}",
            f.diagnostics
                .iter()
                .map(|d| d.render(false))
                .collect::<String>()
        )
    });
    assert!(report.pages > 60);
}
