//! `centerview serve` and `centerview watch`: rebuild on every save, and (for `serve`) show the
//! result in the browser at once.
//!
//! Both keep one [`Session`] and feed it the files that changed, so a rebuild redoes only what
//! the change affects. File events come from notify through a debouncer, so an editor's save
//! (a temporary file, a rename, a burst of events) is one rebuild. A build that fails is
//! reported and the loop goes on: `serve` keeps serving the last good site and shows the
//! errors over it in the browser until a save fixes them.
//!
//! `serve` keeps the site in memory and serves it on 127.0.0.1 with axum: content types,
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
use crate::diagnostics::Diagnostic;
use rebuild::{clock, count, rebuild_loop};
use target::{Folder, Server};

/// `centerview watch`: rebuild into the output folder (atomically) after every change.
pub fn watch(options: Options, quiet: bool, color: bool) -> i32 {
    let mut session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f.diagnostics, color, f.exit_code()),
    };
    if !quiet {
        eprintln!(
            "Watching {} for changes (Ctrl-C to stop)",
            session.root.display()
        );
    }
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
    rebuild_loop(session, &mut folder, quiet, color, &mut |built, took| {
        format!(
            "[{}] built: {} in {output}, written in {:.0} ms{}",
            clock(),
            count(built.outputs.len(), "file", "files"),
            took.as_secs_f64() * 1000.0,
            crate::build::held_back_note(built.held_back)
        )
    })
}

fn report_failure(diagnostics: &[Diagnostic], color: bool, code: i32) -> i32 {
    for d in diagnostics {
        eprint!("{}", d.render(color));
    }
    code
}

/// `centerview serve`: build, serve on 127.0.0.1:`port`, rebuild on change, reload pages.
pub fn serve(mut options: Options, port: u16, open: bool, quiet: bool, color: bool) -> i32 {
    options.write = false;
    options.base_url = Some(format!("http://127.0.0.1:{port}/"));
    let session = match Session::new(&options) {
        Ok(s) => s,
        Err(f) => return report_failure(&f.diagnostics, color, f.exit_code()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let live = Live::new();
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", port))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{port}: {e}\n  help: another program may be using the port; choose another with --port"
            );
            return 2;
        }
    };
    runtime.spawn(serve_on(listener, live.clone(), IDLE_TIMEOUT));
    let url = format!("http://127.0.0.1:{port}/");
    let root = session.root.display().to_string();
    let mut opened = !open;
    rebuild_loop(session, &mut Server(live), quiet, color, &mut |built, _| {
        if !opened {
            open_browser(&url);
            opened = true;
        }
        let held = crate::build::held_back_note(built.held_back);
        format!("Serving {root} at {url} (Ctrl-C to stop){held}")
    })
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
