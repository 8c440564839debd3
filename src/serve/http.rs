//! The preview server's HTTP side: the live-reload channel and script, the site's files
//! (content types, `index.html` for folders, the 404 page, Range requests), no way out of the
//! site, only requests for the loopback host, and idle connections closed.

use super::live::{Live, LiveEvent};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

const LIVE_JS: &str = include_str!("../live.js");

/// How long a connection may stay open without sending a request before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the site on `listener` (HTTP/1.1) until the process ends. A connection that sends
/// no request for `idle` is closed, so idle clients cannot hold connections open forever;
/// open responses (the reload channel) are not cut.
pub async fn serve_on(listener: tokio::net::TcpListener, live: Arc<Live>, idle: Duration) {
    let bound = listener
        .local_addr()
        .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
    let app = router(live, bound);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, for instance: try again shortly.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(idle)
                .keep_alive(true);
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = http.serve_connection(io, service).await;
        });
    }
}

/// Whether a request's `Host` names the server bound at `bound`: `localhost` or a loopback
/// address (`127.0.0.1`, `[::1]`) with its port or none; when it listens on the network
/// (`--bind`), any IP address, such as the one a phone opens. A page on another site can
/// point its own name at the server's address (DNS rebinding) and have the browser read the
/// preview as its own: its requests name it, and are refused. A request naming an IP address
/// comes from a page served from that address.
fn host_allowed(host: &str, bound: SocketAddr) -> bool {
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.contains(':') || name.ends_with(']') => (name, Some(p)),
        _ => (host, None),
    };
    let ip = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name)
        .parse::<IpAddr>();
    let name_ok = name.eq_ignore_ascii_case("localhost")
        || ip.is_ok_and(|ip| ip.is_loopback() || !bound.ip().is_loopback());
    name_ok && given_port.is_none_or(|p| p.parse() == Ok(bound.port()))
}

async fn check_host(
    State(bound): State<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host_allowed(host, bound) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("centerview serve answers only to http://127.0.0.1:{port}/ and http://localhost:{port}/ (and, with --bind, to its network address), not to a request for {host:?}.\n", port = bound.port()),
    )
        .into_response()
}

/// The HTTP routes: the live-reload channel and script, and the site; requests for another
/// host than the server bound at `bound` are refused (see `host_allowed`).
pub fn router(live: Arc<Live>, bound: SocketAddr) -> axum::Router {
    axum::Router::new()
        .route("/__centerview/events", axum::routing::get(events))
        .route(
            "/__centerview/live.js",
            axum::routing::get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    LIVE_JS,
                )
            }),
        )
        .fallback(site_file)
        .with_state(live)
        .layer(axum::middleware::from_fn_with_state(bound, check_host))
}

async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio_stream::StreamExt;
    let current = live.errors();
    let first =
        tokio_stream::iter(current.map(|text| Ok(Event::default().event("errors").data(text))));
    let updates =
        tokio_stream::wrappers::BroadcastStream::new(live.subscribe()).filter_map(|event| {
            let event = event.ok()?;
            Some(Ok(match event {
                LiveEvent::Reload(paths) => {
                    Event::default().event("reload").data(reload_data(&paths))
                }
                LiveEvent::Css => Event::default().event("css").data("css"),
                LiveEvent::Errors(text) => Event::default().event("errors").data(text),
                LiveEvent::Ok => Event::default().event("ok").data("ok"),
            }))
        });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

/// A reload event's data: the changed outputs, or `{"all":true}` when there are very many.
fn reload_data(paths: &[String]) -> String {
    if paths.len() > 1000 {
        return r#"{"all":true}"#.into();
    }
    serde_json::json!({ "paths": paths }).to_string()
}

async fn site_file(State(live): State<Arc<Live>>, request: axum::extract::Request) -> Response {
    let raw = request.uri().path();
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    // Nothing outside the site: no `..`, no backslashes, no NULs.
    if path.split('/').any(|segment| segment == "..") || path.contains('\\') || path.contains('\0')
    {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    }
    let files = live.files();
    if files.is_empty() {
        return first_build_page(&live);
    }
    let rel = path.trim_start_matches('/');
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if files.contains(rel) {
        rel.to_string()
    } else if files.contains(&format!("{rel}/index.html")) {
        let location = format!("/{rel}/");
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    } else {
        rel.to_string()
    };
    let (status, key) = if files.contains(&key) {
        (StatusCode::OK, key)
    } else {
        (StatusCode::NOT_FOUND, "404.html".to_string())
    };
    let Some(body) = files.get(&key) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    respond(status, &key, body.clone(), request.headers())
}

/// What is served before the first good build: "building" (the page refreshes itself), or
/// the first build's errors. The live script reloads the page when the site is there.
fn first_build_page(live: &Live) -> Response {
    let errors = live.errors();
    let (refresh, message) = match &errors {
        None => (
            "<meta http-equiv=\"refresh\" content=\"1\">",
            "<p>centerview is building the site. This page shows it as soon as it is ready.</p>"
                .to_string(),
        ),
        Some(text) => (
            "",
            format!(
                "<p>The site has errors, so there is nothing to show yet. Fix them and save: this page shows the site as soon as it builds.</p><pre>{}</pre>",
                text.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            ),
        ),
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"centerview-waiting\" content=\"\">{refresh}<title>centerview</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem\"><main><h1>centerview</h1>{message}</main><script src=\"/__centerview/live.js\"></script></body></html>"
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::RETRY_AFTER, "1"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// A file's response: its content type, the live-reload script in HTML, and Range support.
fn respond(status: StatusCode, key: &str, body: bytes::Bytes, headers: &HeaderMap) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let is_text = mime.type_() == "text"
        || key.ends_with(".js")
        || key.ends_with(".json")
        || key.ends_with(".xml")
        || key.ends_with(".svg");
    let content_type = if is_text && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let body = if mime.essence_str() == "text/html" {
        let html = String::from_utf8_lossy(&body);
        let script = "<script src=\"/__centerview/live.js\"></script>";
        bytes::Bytes::from(match html.rfind("</body>") {
            Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
            None => format!("{html}{script}"),
        })
    } else {
        body
    };
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| status == StatusCode::OK)
        .map_or(RangeAnswer::Whole, |range| byte_range(range, body.len()));
    let mut response = match range {
        RangeAnswer::Part(start, end) => {
            let mut r = Response::new(Body::from(body.slice(start..end)));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{}/{}", end - 1, body.len()))
                    .expect("a header value"),
            );
            r
        }
        RangeAnswer::Unsatisfiable => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{}", body.len())).expect("a header value"),
            );
            return r;
        }
        RangeAnswer::Whole => {
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = status;
            r
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).expect("a header value"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// What a `Range` header gets (RFC 9110 §14.2).
#[derive(Debug, PartialEq)]
enum RangeAnswer {
    /// The whole body, status 200: no header, or one that cannot be parsed or asks for
    /// several ranges (which a server may ignore, and this one does).
    Whole,
    /// One range, status 206: start and end (exclusive); an end past the body is clamped.
    Part(usize, usize),
    /// Status 416: the range starts past the end of the body.
    Unsatisfiable,
}

/// What a `Range` header asks of a body of `len` bytes.
fn byte_range(header: &str, len: usize) -> RangeAnswer {
    use http_range_header::RangeUnsatisfiableError;
    let Ok(parsed) = http_range_header::parse_range_header(header) else {
        return RangeAnswer::Whole;
    };
    match parsed.validate(len as u64) {
        Ok(ranges) => match ranges.as_slice() {
            [one] => RangeAnswer::Part(*one.start() as usize, *one.end() as usize + 1),
            _ => RangeAnswer::Whole,
        },
        Err(RangeUnsatisfiableError::Unsatisfiable) => RangeAnswer::Unsatisfiable,
        Err(_) => RangeAnswer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        use RangeAnswer::*;
        assert_eq!(byte_range("bytes=0-9", 100), Part(0, 10));
        assert_eq!(byte_range("bytes=90-", 100), Part(90, 100));
        assert_eq!(byte_range("bytes=-10", 100), Part(90, 100));
        assert_eq!(byte_range("bytes=-1000", 100), Part(0, 100));
        // An end past the body is clamped.
        assert_eq!(byte_range("bytes=95-200", 100), Part(95, 100));
        assert_eq!(
            byte_range("bytes=95-99999999999999999999", 100),
            Part(95, 100)
        );
        // A start past the end cannot be satisfied.
        assert_eq!(byte_range("bytes=100-", 100), Unsatisfiable);
        assert_eq!(byte_range("bytes=150-200", 100), Unsatisfiable);
        // Invalid or unsupported headers are ignored: the whole body.
        for ignored in [
            "bytes=0-1,4-5",
            "bytes=9-0",
            "bytes=abc",
            "items=0-9",
            "bytes=",
            "bytes=--5",
            "bytes=0-9 ",
            "bytes = 0-9",
        ] {
            assert_eq!(byte_range(ignored, 100), Whole, "{ignored}");
        }
    }

    #[test]
    fn only_requests_for_the_loopback_host_are_answered() {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 3030));
        for host in [
            "127.0.0.1",
            "127.0.0.1:3030",
            "localhost:3030",
            "LOCALHOST",
            "[::1]:3030",
        ] {
            assert!(host_allowed(host, loopback), "{host}");
        }
        for host in [
            "",
            "evil.example:3030",
            "127.0.0.1:80",
            "127.0.0.1.evil.example:3030",
            "localhost.evil.example",
            "192.168.1.5:3030",
            "127.0.0.1:3030:3030",
        ] {
            assert!(!host_allowed(host, loopback), "{host}");
        }
    }

    #[test]
    fn on_the_network_requests_for_an_ip_address_are_answered_too() {
        let network = SocketAddr::from(([0, 0, 0, 0], 3030));
        for host in [
            "192.168.1.5:3030",
            "10.0.0.2",
            "[fe80::1]:3030",
            "localhost",
        ] {
            assert!(host_allowed(host, network), "{host}");
        }
        for host in [
            "evil.example:3030",
            "192.168.1.5:80",
            "192.168.1.5.evil.example:3030",
            "phone.local:3030",
        ] {
            assert!(!host_allowed(host, network), "{host}");
        }
    }
}
