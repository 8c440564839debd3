//! Whole builds at scale: `cargo bench --bench build [-- <pages>…]` (default: 1,000 and
//! 10,000 pages).
//!
//! For each size it generates the corpus (deterministic, seed 42) on a RAM disk and reports,
//! as medians of several runs:
//!
//! * the **floor**: reading every page file and rendering its markdown with pulldown-cmark on
//!   all cores, nothing else — what any generator must at least do;
//! * `centerview build` (the real binary, search index included): wall time, CPU time, peak
//!   memory (wait4's resource usage), pages per second, and each as a multiple of the floor;
//! * the search index's size and file count;
//! * an incremental rebuild in process (`build::Session`, as `serve` and `watch` use it)
//!   after a body edit and after a title change, without file events or writing — the live
//!   benchmark (`cargo bench --bench live`) measures those end to end;
//! * Hugo on the same content with minimal templates, when `hugo` is installed (Debian's
//!   `hugo` package), run alternately with centerview so both see the same machine.

mod common;

use centerview::build::{Options, Session};
use common::{Cost, corpus, measure, median, ms, scratch, size_of, sizes};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 5;
const BIN: &str = env!("CARGO_BIN_EXE_centerview");

/// Reads every page and renders its markdown on all cores; returns the milliseconds taken.
fn floor(pages: &[PathBuf]) -> f64 {
    let started = Instant::now();
    let bytes: usize = pages
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            // The body: what follows the front matter's closing `---` line.
            let body = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.find("\n---\n").map(|end| &rest[end + 5..]))
                .unwrap_or(&text);
            let parser = pulldown_cmark::Parser::new_ext(body, centerview::dialect::options());
            let mut html = String::with_capacity(body.len() * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, parser);
            html.len()
        })
        .sum();
    assert!(bytes > 0);
    ms(started.elapsed())
}

/// A Hugo site over the corpus's `content/`, with templates as small as a useful site's: a
/// page with its title, date, body and topics; lists of pages; topic pages.
fn hugo_site(dir: &Path, content: &Path) -> PathBuf {
    let site = dir.join("hugo");
    let layouts = site.join("layouts/_default");
    std::fs::create_dir_all(&layouts).unwrap();
    std::fs::write(
        site.join("hugo.toml"),
        format!(
            "baseURL = 'https://example.org/'\ntitle = 'CenterView'\ncontentDir = '{}'\n\
             [taxonomies]\ntopic = 'topics'\n[markup.goldmark.renderer]\nunsafe = true\n",
            content.display()
        ),
    )
    .unwrap();
    let files = [
        (
            "baseof.html",
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
             <body><header><a href=\"/\">CenterView</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
        ),
        (
            "single.html",
            "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format \"January 2, 2006\" }}</p>\
             {{ .Content }}{{ with .Params.topics }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}</article>{{ end }}\n",
        ),
        (
            "list.html",
            "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> \
             {{ .Date.Format \"January 2, 2006\" }}</li>{{ end }}</ul>{{ end }}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(layouts.join(name), text).unwrap();
    }
    site
}

fn hugo_installed() -> bool {
    Command::new("hugo")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Medians of several costs.
struct Costs {
    wall_ms: f64,
    cpu_ms: f64,
    peak_mb: f64,
}

fn medians(costs: &[Cost]) -> Costs {
    Costs {
        wall_ms: median(costs.iter().map(|c| c.wall_ms).collect()),
        cpu_ms: median(costs.iter().map(|c| c.cpu_ms).collect()),
        peak_mb: median(costs.iter().map(|c| c.peak_mb).collect()),
    }
}

/// Rebuild times of one long-lived session after saves of the same page, in ms.
fn incremental(root: &Path, page: &Path, edit: impl Fn(&str, usize) -> String) -> f64 {
    let mut options = Options::new(root);
    options.write = false;
    // The PDF editions are measured on their own (docs/performance.md): Hugo makes none.
    options.pdf = false;
    let mut session = Session::new(&options).unwrap();
    session
        .build(None)
        .unwrap_or_else(|f| panic!("{} errors", f.errors()));
    let page = page.to_path_buf();
    let original = std::fs::read_to_string(&page).unwrap();
    let mut times = Vec::new();
    for run in 0..RUNS * 2 {
        std::fs::write(&page, edit(&original, run)).unwrap();
        let changed: HashSet<PathBuf> = [page.clone()].into();
        let started = Instant::now();
        let built = session.build(Some(&changed));
        times.push(ms(started.elapsed()));
        if let Err(failure) = built {
            panic!("{}", failure.diagnostics[0].render(false));
        }
    }
    std::fs::write(&page, original).unwrap();
    median(times)
}

struct Row {
    pages: usize,
    floor_ms: f64,
    build: Costs,
    hugo: Option<Costs>,
}

fn main() {
    let hugo = hugo_installed();
    if !hugo {
        eprintln!("hugo is not installed: it is left out (apt-get install hugo)");
    }
    let mut rows = Vec::new();
    for pages in sizes(&[1_000, 10_000]) {
        let dir = scratch();
        let root = corpus(dir.path(), pages);
        let page_files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.into_path())
            .collect();
        let hugo_root = hugo_site(dir.path(), &root.join("content"));
        let out = dir.path().join("out");
        let hugo_out = dir.path().join("hugo-out");

        let mut floors = Vec::new();
        let mut builds = Vec::new();
        let mut hugos = Vec::new();
        let mut built_pages = 0;
        // Warm up (file cache, binaries), then alternate so that all see the same machine.
        floor(&page_files);
        for run in 0..=RUNS {
            floors.push(floor(&page_files));
            let cost = measure(
                Command::new(BIN)
                    .args(["build", "--quiet", "--no-pdf", "--root"])
                    .arg(&root)
                    .arg("--output")
                    .arg(&out),
            );
            if hugo {
                let _ = std::fs::remove_dir_all(&hugo_out);
                let cost = measure(
                    Command::new("hugo")
                        .args(["--quiet", "--source"])
                        .arg(&hugo_root)
                        .arg("--destination")
                        .arg(&hugo_out)
                        .stdout(Stdio::null()),
                );
                if run > 0 {
                    hugos.push(cost);
                }
            }
            if run > 0 {
                builds.push(cost);
            }
        }
        built_pages = built_pages.max(
            walkdir::WalkDir::new(&out)
                .into_iter()
                .flatten()
                .filter(|e| e.file_name() == "index.html")
                .count(),
        );
        let (index_bytes, index_files) = size_of(&out.join("search"));
        let (site_bytes, site_files) = size_of(&out);
        // A brief that is in no series (so a title change reaches only its lists).
        let brief = page_files
            .iter()
            .filter(|p| p.starts_with(root.join("content/briefs")))
            .find(|p| !std::fs::read_to_string(p).unwrap().contains("\nseries:"))
            .expect("a brief");
        let body_edit = incremental(&root, brief, |text, run| {
            format!("{text}\nA sentence added in save {run}.\n")
        });
        let title_edit = incremental(&root, brief, |text, run| {
            text.replacen("title: ", &format!("title: Save {run} of "), 1)
        });

        let row = Row {
            pages,
            floor_ms: median(floors),
            build: medians(&builds),
            hugo: hugo.then(|| medians(&hugos)),
        };
        let b = &row.build;
        println!();
        println!(
            "{pages} pages ({built_pages} HTML pages, {site_files} files, {:.1} MB written); medians of {RUNS} runs",
            site_bytes as f64 / 1e6
        );
        println!(
            "  floor (read + pulldown-cmark, all cores): {:>7.0} ms",
            row.floor_ms
        );
        println!(
            "  centerview build: {:>7.0} ms wall ({:.2}x the floor), {:.0} ms CPU ({:.2} cores busy), \
             peak {:.0} MB, {:.0} pages/s",
            b.wall_ms,
            b.wall_ms / row.floor_ms,
            b.cpu_ms,
            b.cpu_ms / b.wall_ms,
            b.peak_mb,
            pages as f64 / (b.wall_ms / 1000.0)
        );
        if let Some(h) = &row.hugo {
            println!(
                "  hugo (no search index): {:>7.0} ms wall ({:.2}x the floor), {:.0} ms CPU, peak {:.0} MB; \
                 centerview is {:.1}x as fast",
                h.wall_ms,
                h.wall_ms / row.floor_ms,
                h.cpu_ms,
                h.peak_mb,
                h.wall_ms / b.wall_ms
            );
        }
        println!(
            "  search index: {:.1} MB in {index_files} files (per-query bytes: cargo bench --bench search)",
            index_bytes as f64 / 1e6
        );
        println!(
            "  incremental rebuild in process: body edit {body_edit:.0} ms, title change {title_edit:.0} ms \
             (end to end: cargo bench --bench live)"
        );
        rows.push(row);
    }
    if let (Some(small), Some(large)) = (rows.first(), rows.last())
        && large.pages > small.pages
    {
        println!();
        println!(
            "growth: {}x the pages cost {:.1}x the wall time ({:.1}x the floor's growth)",
            large.pages / small.pages,
            large.build.wall_ms / small.build.wall_ms,
            large.floor_ms / small.floor_ms
        );
    }
}
