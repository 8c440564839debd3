//! `centerview serve` and `centerview watch`: rebuild on every save, and (for `serve`) show the
//! result in the browser at once.
//!
//! Both keep one [`Session`] and feed it the files that changed, so a rebuild redoes only what
//! the change affects. File events come from notify through a debouncer, so an editor's save
//! (a temporary file, a rename, a burst of events) is one rebuild. A build that fails is
//! reported and the loop goes on: `serve` keeps serving the last good site and shows the
//! errors over it in the browser until a save fixes them.
//!
//! `serve` keeps the site in memory and serves it on 127.0.0.1 (or the address given with
//! `--bind`, for a phone on the network) with axum: content types,
//! `index.html` for folders, the site's 404 page, HTTP Range requests (search uses them), no
//! way out of the site. Pages get a small script (only when served, never in the build) that
//! listens for server-sent events: reload the page, reload only the stylesheets, show or clear
//! the errors.

mod http;
mod live;
mod rebuild;
mod snapshot;
mod target;
mod watcher;

pub use http::{IDLE_TIMEOUT, router, serve_on};
pub use live::{Live, LiveEvent};
pub use snapshot::Snapshot;
pub use watcher::Changes;

use crate::build::{Options, Session};
use crate::console::Console;
use crate::diagnostics::Diagnostic;
use rebuild::{clock, count, rebuild_loop};
use std::net::{IpAddr, SocketAddr};
use target::{Folder, Server};

/// `centerview watch`: rebuild into the output folder (atomically) after every change.
pub fn watch(options: Options, console: Console) -> i32 {
    let mut session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f, console),
    };
    session.defer_pdfs = true;
    console.progress(&format!(
        "Watching {} for changes (Ctrl-C to stop)",
        session.root.display()
    ));
    // Ctrl-C, SIGTERM and SIGHUP end the loop: the output stays as it is, the spare goes.
    if let Err(e) = crate::write::folder::clean_up_on_signals() {
        eprintln!("warning: a stopped watch will leave a spare output folder behind ({e})");
    }
    let Some(output) = session.folder.take() else {
        unreachable!("watch writes an output folder");
    };
    let mut folder = Folder {
        output,
        spare: None,
        started: false,
    };
    let output = session.output.display().to_string();
    let first_failed = format!("{output} is unchanged");
    rebuild_loop(
        session,
        &mut folder,
        console,
        &mut |built, took| {
            format!(
                "[{}] built: {} in {output}, written in {:.0} ms{}",
                clock(),
                count(built.outputs.len(), "file", "files"),
                took.as_secs_f64() * 1000.0,
                crate::build::held_back_note(built.held_back)
            )
        },
        first_failed,
    )
}

fn report_failure(failure: &crate::build::Failure, console: Console) -> i32 {
    console.diagnostics(&failure.diagnostics);
    console.summary(failure.errors(), &failure.diagnostics);
    failure.exit_code()
}

/// Why `serve` cannot listen at `ip:port`, and what to do.
fn cannot_listen(ip: IpAddr, port: u16, error: &std::io::Error) -> Diagnostic {
    let port_shown = match port {
        0 => "a free port".to_string(),
        port => format!("port {port}"),
    };
    match error.kind() {
        std::io::ErrorKind::AddrNotAvailable => Diagnostic::error(format!(
            "cannot listen on {ip}: it is not an address of this machine ({error})"
        ))
        .help("give --bind one of this machine's own addresses (`ip addr` lists them), or 0.0.0.0 for all of them"),
        std::io::ErrorKind::PermissionDenied => Diagnostic::error(format!(
            "cannot listen on {ip}, {port_shown}: not allowed ({error})"
        ))
        .help("ports below 1024 need administrator rights: choose one above 1024 with --port"),
        _ => Diagnostic::error(format!("cannot listen on {ip}, {port_shown}: {error}"))
            .help("another program may be using the port: choose another with --port (0 picks a free one), or another address with --bind"),
    }
}

/// `centerview serve`: build, serve on `address` (port 0: a free one), rebuild on change,
/// reload pages.
pub fn serve(mut options: Options, address: (IpAddr, u16), open: bool, console: Console) -> i32 {
    options.write = false;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    // Bound before anything is printed or built: the port is known only then when it is 0,
    // and the site's base URL is the address it is served at.
    let (ip, port) = address;
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(address)) {
        Ok(l) => l,
        Err(e) => {
            let mut d = cannot_listen(ip, port, &e);
            d.category = crate::diagnostics::Category::Io;
            console.diagnostic(&d);
            console.summary(1, &[]);
            return 2;
        }
    };
    let bound = listener.local_addr().unwrap_or(SocketAddr::new(ip, port));
    let url = match public_url(bound) {
        Ok(url) => url,
        Err(explained) => {
            eprintln!("{explained}");
            format!("http://127.0.0.1:{}/", bound.port())
        }
    };
    if !bound.ip().is_loopback() {
        let drafts = if options.drafts {
            ", drafts included"
        } else {
            ""
        };
        console.diagnostic(
            &Diagnostic::warning(format!(
                "serving on {bound}: anyone on this network can open the preview{drafts}"
            ))
            .help(
                "use --bind only on a network you trust, and stop serve (Ctrl-C) when you are done",
            ),
        );
    }
    options.base_url = Some(url.clone());
    let mut session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f, console),
    };
    session.defer_pdfs = true;
    let live = Live::new();
    runtime.spawn(serve_on(listener, live.clone(), IDLE_TIMEOUT));
    let root = session.root.display().to_string();
    // The address is worth printing even when there is no site to show yet.
    let first_failed = format!("serving {root} at {url}, where every page shows the errors");
    let mut opened = !open;
    let mut first_line = |built: &crate::build::Built, _| {
        if !opened {
            open_browser(&url);
            opened = true;
        }
        let held = crate::build::held_back_note(built.held_back);
        format!("Serving {root} at {url} (Ctrl-C to stop){held}")
    };
    rebuild_loop(
        session,
        &mut Server(live),
        console,
        &mut first_line,
        first_failed,
    )
}

/// The URL to open the preview at: on this machine for a loopback address; else one another
/// device on the network can open. For an unspecified address (0.0.0.0, `::`) that is this
/// machine's address on the network, when it can be found; if not, the error explains what
/// to open instead.
fn public_url(bound: SocketAddr) -> Result<String, String> {
    let port = bound.port();
    let ip = match bound.ip() {
        ip if ip.is_unspecified() => lan_address(ip).ok_or_else(|| {
            format!(
                "note: serving on every network address of this machine; from another device, open http://ADDRESS:{port}/ with this machine's address on the network (see your system's network settings)"
            )
        })?,
        ip => ip,
    };
    Ok(match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}/"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}/"),
    })
}

/// This machine's address on the network: the local end of a UDP socket "connected" to a
/// documentation address (RFC 5737, RFC 3849). Connecting a UDP socket only picks the route;
/// nothing is sent.
fn lan_address(family: IpAddr) -> Option<IpAddr> {
    let (any, probe): (SocketAddr, SocketAddr) = match family {
        IpAddr::V4(_) => (([0, 0, 0, 0], 0).into(), ([192, 0, 2, 1], 9).into()),
        IpAddr::V6(_) => (
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
            ("2001:db8::1".parse::<std::net::Ipv6Addr>().ok()?, 9).into(),
        ),
    };
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(probe).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
