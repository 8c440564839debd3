//! `centerview check --external` against real HTTP servers on 127.0.0.1: a page that works,
//! one that is gone (404), a permanent redirect, a server too slow for the timeout, a port
//! that refuses connections, a server that refuses HEAD but answers GET; the diagnostics at
//! each link's file and line, the cache of working links and its folder, the per-server limit,
//! and the addresses never contacted.
//!
//! The checker contacts only public addresses. These tests open their own servers' ports on
//! this machine to it with `CENTERVIEW_TEST_LOOPBACK_PORTS`, and leave other servers closed to
//! show that those are never asked.

mod common;

use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use common::{Site, brief};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The test server: every request it got (method and path), and the most requests it was
/// answering at once.
#[derive(Clone, Default)]
struct Log {
    requests: Arc<Mutex<Vec<(Method, String)>>>,
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Log {
    fn count(&self, path: &str) -> usize {
        let requests = self.requests.lock().unwrap();
        requests.iter().filter(|(_, p)| p == path).count()
    }

    fn methods(&self, path: &str) -> Vec<Method> {
        let requests = self.requests.lock().unwrap();
        (requests.iter().filter(|(_, p)| p == path))
            .map(|(m, _)| m.clone())
            .collect()
    }

    fn total(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// A server on 127.0.0.1 with a runtime of its own, alive as long as this is.
struct Server {
    base: String,
    port: u16,
    log: Log,
    _runtime: tokio::runtime::Runtime,
}

async fn answer(log: Log, method: Method, uri: Uri) -> Response {
    log.requests
        .lock()
        .unwrap()
        .push((method.clone(), uri.path().to_string()));
    let running = log.now.fetch_add(1, Ordering::SeqCst) + 1;
    log.most.fetch_max(running, Ordering::SeqCst);
    let response = match uri.path() {
        "/ok" => (StatusCode::OK, "a page").into_response(),
        "/missing" => (StatusCode::NOT_FOUND, "gone").into_response(),
        "/old" => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/ok")]).into_response(),
        "/for-now" => (StatusCode::FOUND, [(header::LOCATION, "/ok")]).into_response(),
        "/limited" => StatusCode::TOO_MANY_REQUESTS.into_response(),
        "/loop" => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "loop")]).into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::OK, "late").into_response()
        }
        "/no-head" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        "/no-head" => (StatusCode::OK, "a page for GET only").into_response(),
        // Redirects to the address written as its query.
        "/redirect" => (
            StatusCode::FOUND,
            [(header::LOCATION, uri.query().unwrap_or("/").to_string())],
        )
            .into_response(),
        p if p.starts_with("/busy/") => {
            tokio::time::sleep(Duration::from_millis(150)).await;
            (StatusCode::OK, "busy").into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    };
    log.now.fetch_sub(1, Ordering::SeqCst);
    response
}

fn start_server() -> Server {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let log = Log::default();
    let seen = log.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let log = seen.clone();
        answer(log, method, uri)
    });
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        base: format!("http://{addr}"),
        port: addr.port(),
        log,
        _runtime: runtime,
    }
}

/// A port on 127.0.0.1 where nothing listens: connections to it are refused.
fn refusing_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A site with one page linking to every kind of server (and to the test server over https,
/// which it does not speak), and a second page repeating the
/// broken link. Returns the site; the body's lines start at 5.
fn site_linking_to(base: &str, refused: u16) -> Site {
    let site = Site::new();
    let secure = base.replace("http://", "https://");
    let body = format!(
        "Works: [ok]({base}/ok).\n\
         Gone: [missing]({base}/missing).\n\
         Moved: [old]({base}/old), and <{base}/for-now>.\n\
         Slow: [slow]({base}/slow).\n\
         Refused: [nobody](http://127.0.0.1:{refused}/page).\n\
         HEAD refused: ![a chart]({base}/no-head)\n\
         Loop: [loop]({base}/loop).\n\
         Limited: [limited]({base}/limited).\n\
         TLS: [tls]({secure}/ok).\n"
    );
    site.page("briefs/links.md", &brief("Links", "2017-01-01"), &body);
    site.page(
        "posts/again.md",
        &brief("Again", "2017-02-01"),
        &format!("Intro.\n\nThe [same broken link]({base}/missing) again.\n"),
    );
    site
}

const CHECK: &[&str] = &["check", "--external", "--timeout", "1"];

/// The variables that would send the checker's requests through a proxy, which the test
/// servers on 127.0.0.1 must not go through.
const PROXY_VARIABLES: &[&str] = &[
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

/// The ports of this machine that the checker may ask (see the module's documentation).
const OPEN_PORTS: &str = "CENTERVIEW_TEST_LOOPBACK_PORTS";

/// `centerview check --external` with a short timeout, in the site's folder, with the `open`
/// ports of this machine open to it; `now` names another moment for its clock.
fn check_at(site: &Site, open: &[u16], now: Option<&str>) -> common::Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"));
    let open: Vec<String> = open.iter().map(u16::to_string).collect();
    command
        .args(CHECK)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env(OPEN_PORTS, open.join(","));
    for variable in PROXY_VARIABLES {
        command.env_remove(variable);
    }
    if let Some(now) = now {
        command.env("CENTERVIEW_NOW", now);
    }
    let output = command.output().expect("run centerview");
    common::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn check(site: &Site, open: &[u16]) -> common::Run {
    check_at(site, open, None)
}

#[test]
fn every_kind_of_link_is_reported_at_its_line() {
    let server = start_server();
    let refused = refusing_port();
    let site = site_linking_to(&server.base, refused);
    let base = &server.base;
    let secure = base.replace("http://", "https://");

    let started = Instant::now();
    let run = check(&site, &[server.port, refused]);
    let took = started.elapsed();
    let err = &run.stderr;
    assert_eq!(run.code, 1, "broken links are content errors:\n{err}");
    for expected in [
        format!(
            "content/briefs/links.md:6:17: error: the link `{base}/missing` is broken: the server answered 404 Not Found"
        ),
        format!(
            "content/posts/again.md:7:24: error: the link `{base}/missing` is broken: the server answered 404 Not Found"
        ),
        "help: the page is gone".to_string(),
        format!(
            "content/briefs/links.md:7:14: warning: the link `{base}/old` has moved permanently to `{base}/ok`"
        ),
        format!("link to `{base}/ok` instead"),
        format!(
            "content/briefs/links.md:8:14: error: the link `{base}/slow` is broken: the server did not answer within 1 s"
        ),
        "allow longer with `--timeout 30`".to_string(),
        format!(
            "content/briefs/links.md:9:19: error: the link `http://127.0.0.1:{refused}/page` is broken: 127.0.0.1:{refused} refused the connection"
        ),
        format!(
            "content/briefs/links.md:11:14: error: the link `{base}/loop` is broken: it redirects more than 10 times"
        ),
        format!(
            "content/briefs/links.md:12:20: warning: the link `{base}/limited` could not be checked: the server answered 429 Too Many Requests"
        ),
        format!(
            "content/briefs/links.md:13:12: error: the link `{secure}/ok` is broken: the secure (https) connection failed"
        ),
        "Check failed: 6 errors".to_string(),
    ] {
        assert!(err.contains(&expected), "expected {expected:?} in:\n{err}");
    }
    // Working links, a temporary redirect and a server that only refuses HEAD are fine.
    for quiet in ["/ok", "/for-now", "/no-head"] {
        assert!(
            !err.contains(&format!("the link `{base}{quiet}`")),
            "{quiet} should not be reported:\n{err}"
        );
    }
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    // HEAD refused with 405, then GET.
    assert_eq!(
        server.log.methods("/no-head"),
        [Method::HEAD, Method::GET],
        "{err}"
    );
    // The broken link is on two pages and asked for once (HEAD, then GET to be sure).
    assert_eq!(server.log.methods("/missing"), [Method::HEAD, Method::GET]);
    // The slow server costs one timeout, not the whole three seconds, nor a retry with GET.
    assert_eq!(server.log.methods("/slow"), [Method::HEAD]);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // The first request and ten redirects, then it stops.
    assert_eq!(server.log.methods("/loop"), vec![Method::HEAD; 11]);
}

#[test]
fn working_links_are_remembered_for_a_day() {
    let server = start_server();
    let refused = refusing_port();
    let site = site_linking_to(&server.base, refused);
    let log = &server.log;
    let open = [server.port, refused];

    check(&site, &open);
    let (ok, missing) = (log.count("/ok"), log.count("/missing"));
    // /ok is asked for itself and at the end of both redirects.
    assert_eq!(ok, 3);
    let cache_file = ".centerview-cache/external-links.json";
    let cache: serde_json::Value = serde_json::from_str(&site.read(cache_file)).unwrap();
    let links = cache["links"].as_object().expect("links in the cache");
    let base = &server.base;
    let mut cached: Vec<&str> = links.keys().map(String::as_str).collect();
    cached.sort();
    let expected = [
        format!("{base}/for-now"),
        format!("{base}/no-head"),
        format!("{base}/ok"),
        format!("{base}/old"),
    ];
    assert_eq!(cached, expected, "only working links are cached");
    assert_eq!(links[&format!("{base}/old")]["moved"], format!("{base}/ok"));
    assert!(site.exists(".centerview-cache/.gitignore"));
    let temporary: Vec<String> = common::names_in(&site.path(".centerview-cache"))
        .into_iter()
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(temporary.is_empty(), "{temporary:?}");

    // Again: the working links come from the cache (the moved one still warned about), the
    // broken ones are asked for again.
    let run = check(&site, &open);
    assert_eq!(log.count("/ok"), ok, "{}", run.stderr);
    assert_eq!(log.count("/old"), 1);
    assert_eq!(log.count("/missing"), missing * 2);
    assert!(
        run.stderr
            .contains(&format!("`{base}/old` has moved permanently")),
        "{}",
        run.stderr
    );

    // A day later every link is asked for again.
    let tomorrow = jiff::Zoned::now()
        .checked_add(jiff::SignedDuration::from_hours(25))
        .unwrap();
    let now = tomorrow.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let run = check_at(&site, &open, Some(&now));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(log.count("/ok"), ok * 2);
}

#[test]
fn build_and_plain_check_never_go_on_the_network() {
    let server = start_server();
    let site = site_linking_to(&server.base, refusing_port());
    site.build().assert_ok();
    site.run(&["check"]).assert_ok();
    assert_eq!(server.log.total(), 0);
    // The build keeps its PDF editions there; nothing about links.
    assert!(!site.exists(".centerview-cache/external-links.json"));
    assert!(
        !site
            .output_files()
            .keys()
            .any(|f| f.contains("centerview-cache")),
        "the cache is not part of the site"
    );

    // The cache made by check --external stays out of the next build's output.
    check(&site, &[server.port]);
    assert!(site.exists(".centerview-cache/external-links.json"));
    site.build().assert_ok();
    assert!(
        !site
            .output_files()
            .keys()
            .any(|f| f.contains("centerview-cache"))
    );
}

#[test]
fn a_site_whose_links_all_work_passes_and_says_how_many_it_checked() {
    let server = start_server();
    let site = Site::new();
    let base = &server.base;
    site.page(
        "briefs/fine.md",
        &brief("Fine", "2017-01-01"),
        &format!("[a]({base}/ok) and [b]({base}/no-head) and [a again]({base}/ok).\n"),
    );
    let run = check(&site, &[server.port]);
    run.assert_ok();
    assert!(
        run.stderr.contains(" pages and 2 external links in "),
        "{}",
        run.stderr
    );
    let run = check(&site, &[server.port]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("2 external links (2 known to work from the last day)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_host_is_asked_at_most_twice_at_once() {
    let server = start_server();
    let site = Site::new();
    let links: String = (1..=8)
        .map(|n| format!("- [{n}]({}/busy/{n})\n", server.base))
        .collect();
    site.page("briefs/many.md", &brief("Many", "2017-01-01"), &links);
    check(&site, &[server.port]).assert_ok();
    assert_eq!(server.log.total(), 8);
    assert_eq!(server.log.most.load(Ordering::SeqCst), 2);
}

#[test]
fn a_timeout_needs_external_and_seconds() {
    let site = Site::new();
    let run = site.run(&["check", "--timeout", "5"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--external"), "{}", run.stderr);
    let run = site.run(&["check", "--external", "--timeout", "soon"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not a number of seconds"),
        "{}",
        run.stderr
    );
}

/// A site whose one page links to each of `links`, one a line from line 5.
fn site_with_links(links: &[String]) -> Site {
    let site = Site::new();
    let body: String = links.iter().map(|l| format!("- <{l}>\n")).collect();
    site.page("briefs/links.md", &brief("Links", "2017-01-01"), &body);
    site
}

#[test]
fn this_machine_and_private_networks_are_never_contacted_however_they_are_spelled() {
    // `public` stands for a server on the internet, its port open to the checker; `inside`
    // for a service on this machine, which no link or redirect may reach.
    let public = start_server();
    let inside = start_server();
    let (p, i) = (&public.base, inside.port);
    let refused = [
        (
            format!("http://127.0.0.1:{i}/ok"),
            "`127.0.0.1` is an address of this machine",
        ),
        (
            format!("http://2130706433:{i}/ok"),
            "`127.0.0.1` is an address of this machine",
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{i}/ok"),
            "`::ffff:127.0.0.1` is an address of this machine",
        ),
        (
            format!("http://[::127.0.0.1]:{i}/ok"),
            "`::7f00:1` is an address of this machine",
        ),
        (
            format!("http://[64:ff9b::127.0.0.1]:{i}/ok"),
            "`64:ff9b::7f00:1` is an address of this machine",
        ),
        (
            format!("http://0.0.0.0:{i}/ok"),
            "`0.0.0.0` is an address of this machine",
        ),
        (
            format!("http://localhost:{i}/ok"),
            "`localhost` is a name of this machine",
        ),
        (
            format!("http://localhost.:{i}/ok"),
            "`localhost.` is a name of this machine",
        ),
        (
            format!("http://x.localhost:{i}/ok"),
            "`x.localhost` is a name of this machine",
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "`169.254.169.254` is a link-local address",
        ),
        (
            "http://10.1.2.3/".to_string(),
            "`10.1.2.3` is an address on a private network",
        ),
        (
            format!("{p}/redirect?http://[::ffff:127.0.0.1]:{i}/ok"),
            "it redirects to `http://[::ffff:7f00:1]:{i}/ok`, and `::ffff:127.0.0.1` is an address of this machine",
        ),
        (
            format!("{p}/redirect?http://[::ffff:a9fe:a9fe]/latest/meta-data/"),
            "it redirects to `http://[::ffff:a9fe:a9fe]/latest/meta-data/`, and `::ffff:169.254.169.254` is a link-local address",
        ),
        (
            format!("{p}/redirect?http://100.64.0.1/"),
            "and `100.64.0.1` is an address on a private network",
        ),
        (
            format!("{p}/redirect?http://[fec0::1]/"),
            "and `fec0::1` is an address on a private network",
        ),
        (
            format!("{p}/redirect?http://x.localhost:{i}/ok"),
            "and `x.localhost` is a name of this machine",
        ),
    ];
    let links: Vec<String> = refused.iter().map(|(l, _)| l.clone()).collect();
    let site = site_with_links(&links);

    let run = check(&site, &[public.port]);
    let err = &run.stderr;
    assert_eq!(run.code, 1, "{err}");
    for (n, (link, why)) in refused.iter().enumerate() {
        let why = why.replace("{i}", &i.to_string());
        let expected = format!(
            "content/briefs/links.md:{}:4: error: the link `{link}` is not checked: ",
            n + 5
        );
        let line = err.lines().find(|l| l.starts_with(&expected));
        let line = line.unwrap_or_else(|| panic!("expected {expected:?} in:\n{err}"));
        assert!(line.contains(&why), "expected {why:?} in {line:?}");
        assert!(
            line.ends_with("which `check --external` never contacts"),
            "{line}"
        );
    }
    assert!(
        err.contains(&format!("Check failed: {} errors", refused.len())),
        "{err}"
    );
    assert_eq!(inside.log.total(), 0, "{err}");
    // The public server was asked once for each redirect (HEAD; a refusal is not retried).
    assert_eq!(public.log.count("/redirect"), 5);
}

#[test]
fn a_name_that_resolves_inside_is_refused_by_its_address() {
    // `localhost` is refused by its name; a name that is not spelled as one is refused by the
    // address it resolves to. This machine's own name is one: /etc/hosts gives it 127.0.0.1
    // or 127.0.1.1 on most machines, and a private address in most containers.
    let inside = start_server();
    let Some(name) = inside_name() else {
        eprintln!("skipped: this machine's name does not resolve to an inside address");
        return;
    };
    let link = format!("http://{name}:{}/ok", inside.port);
    let site = site_with_links(std::slice::from_ref(&link));
    let run = check(&site, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = format!("the link `{link}` is not checked: `{name}` is at `");
    let line = run.stderr.lines().find(|l| l.contains(&expected));
    let line = line.unwrap_or_else(|| panic!("expected {expected:?} in:\n{}", run.stderr));
    assert!(
        line.ends_with("which `check --external` never contacts"),
        "{line}"
    );
    assert_eq!(inside.log.total(), 0);
}

/// This machine's host name, when it resolves to inside addresses only (of this machine, or
/// of a private network).
fn inside_name() -> Option<String> {
    use std::net::{IpAddr, ToSocketAddrs};
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_ascii_lowercase();
    let inside = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    };
    let addresses: Vec<_> = (name.as_str(), 80).to_socket_addrs().ok()?.collect();
    let all_inside = !addresses.is_empty() && addresses.iter().all(|a| inside(a.ip()));
    (all_inside && !name.is_empty() && !name.contains("localhost")).then_some(name)
}

#[test]
fn one_server_is_asked_at_most_twice_at_once_however_it_is_spelled() {
    let server = start_server();
    let port = server.port;
    let hosts = [
        format!("127.0.0.1:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
        format!("localhost:{port}"),
    ];
    let links: Vec<String> = (hosts.iter())
        .flat_map(|host| (1..=4).map(move |n| format!("http://{host}/busy/{n}")))
        .collect();
    let site = site_with_links(&links);
    check(&site, &[port]).assert_ok();
    assert_eq!(server.log.total(), 12);
    assert_eq!(server.log.most.load(Ordering::SeqCst), 2);
}

#[test]
fn the_cache_is_never_written_through_a_symbolic_link() {
    use std::os::unix::fs::symlink;
    let server = start_server();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = |name: &str| elsewhere.path().join(name);
    let new_site = || site_with_links(&[format!("{}/ok", server.base)]);
    let saved = "warning: cannot save the links found working in";

    // The cache folder itself is a link to a folder outside the site.
    let site = new_site();
    std::fs::create_dir(outside("folder")).unwrap();
    symlink(outside("folder"), site.path(".centerview-cache")).unwrap();
    let run = check(&site, &[server.port]);
    run.assert_ok();
    assert!(common::names_in(&outside("folder")).is_empty());
    assert!(run.stderr.contains(saved), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`.centerview-cache` is a symbolic link"),
        "{}",
        run.stderr
    );

    // A dangling `.gitignore` link in the cache folder.
    let site = new_site();
    std::fs::create_dir(site.path(".centerview-cache")).unwrap();
    symlink(outside("ignore"), site.path(".centerview-cache/.gitignore")).unwrap();
    let run = check(&site, &[server.port]);
    run.assert_ok();
    assert!(!outside("ignore").exists(), "written through the link");
    assert!(
        run.stderr
            .contains("`.centerview-cache/.gitignore` is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(!site.exists(".centerview-cache/external-links.json"));

    // The cache file is a link to a file outside the site: neither read nor written.
    let site = new_site();
    std::fs::create_dir(site.path(".centerview-cache")).unwrap();
    let url = format!("{}/ok", server.base);
    let kept = serde_json::json!({"links": {url: {"checked": jiff::Timestamp::now().as_second()}}});
    std::fs::write(outside("links.json"), kept.to_string()).unwrap();
    let link = site.path(".centerview-cache/external-links.json");
    symlink(outside("links.json"), &link).unwrap();
    let asked = server.log.total();
    let run = check(&site, &[server.port]);
    run.assert_ok();
    assert_eq!(
        server.log.total(),
        asked + 1,
        "the linked file was read as the cache"
    );
    assert_eq!(
        std::fs::read_to_string(outside("links.json")).unwrap(),
        kept.to_string()
    );
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(
        run.stderr
            .contains("`.centerview-cache/external-links.json` is a symbolic link"),
        "{}",
        run.stderr
    );
    assert_eq!(common::names_in(elsewhere.path()).len(), 2);
}

#[test]
fn cache_entries_dated_in_the_future_or_before_1970_are_checked_again() {
    let server = start_server();
    let site = Site::new();
    let url = format!("{}/ok", server.base);
    // On the home page, which no date holds back when the clock is set to 1970.
    site.write(
        "content/_index.md",
        &format!("---\ntitle: Home\n---\nSee <{url}>.\n"),
    );
    let remembered = |checked: i64| {
        let cache = serde_json::json!({"links": {&url: {"checked": checked}}});
        site.write(".centerview-cache/external-links.json", &cache.to_string());
    };
    let now = jiff::Timestamp::now().as_second();
    let early = "1970-01-01T01:00:00Z";
    for (checked, clock) in [
        (now + 3600, None),
        (i64::MAX, None),
        (i64::MIN, None),
        (-1, Some(early)),
        (-3600, Some(early)),
    ] {
        remembered(checked);
        let asked = server.log.count("/ok");
        let run = check_at(&site, &[server.port], clock);
        run.assert_ok();
        assert_eq!(
            server.log.count("/ok"),
            asked + 1,
            "checked {checked}: {}",
            run.stderr
        );
        // What is remembered now is the check just made.
        let cache: serde_json::Value =
            serde_json::from_str(&site.read(".centerview-cache/external-links.json")).unwrap();
        let checked_now = cache["links"][&url]["checked"].as_i64().unwrap();
        assert!(checked_now >= 0 && checked_now != checked, "{cache}");
    }
}
