//! Times each stage of incremental rebuilds of a site: `cargo run --release --example stages -- <site> <page.md>`.
use centerview::build::{Options, Session};

use std::collections::HashSet;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(&args[1]);
    let page = root.join(&args[2]);
    let mut options = Options::new(&root);
    options.write = false;
    let mut session = Session::new(&options).unwrap();
    let t = std::time::Instant::now();
    let built = session
        .build(None)
        .unwrap_or_else(|f| panic!("{} errors", f.errors()));
    eprintln!("full: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    drop(built);
    let original = std::fs::read_to_string(&page).unwrap();
    for (what, text) in [
        ("no-op", original.clone()),
        (
            "body edit",
            original.replacen("\n\n", "\n\nAn edited sentence.\n\n", 1),
        ),
        (
            "title edit",
            original.replacen("title: \"", "title: \"Edited ", 1),
        ),
        (
            "no-op",
            original.replacen("title: \"", "title: \"Edited ", 1),
        ),
    ] {
        std::fs::write(&page, &text).unwrap();
        let changed: HashSet<PathBuf> = [page.clone()].into_iter().collect();
        let t = std::time::Instant::now();
        let built = session
            .build(Some(&changed))
            .unwrap_or_else(|f| panic!("{} errors", f.errors()));
        let total = t.elapsed();
        let stages: Vec<String> = built
            .stages
            .iter()
            .map(|(s, d)| format!("{s} {:.1}", d.as_secs_f64() * 1000.0))
            .collect();
        eprintln!(
            "{what}: {:.1} ms ({}); {} bodies, {} outputs",
            total.as_secs_f64() * 1000.0,
            stages.join(", "),
            built.rendered.bodies,
            built.rendered.outputs
        );
    }
    if std::env::var_os("NOOP_LOOP").is_some() {
        let changed: HashSet<PathBuf> = [page.clone()].into_iter().collect();
        for _ in 0..150 {
            session.build(Some(&changed)).unwrap();
        }
    }
    std::fs::write(&page, original).unwrap();
}
