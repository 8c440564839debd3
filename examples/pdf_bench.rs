//! Measures the PDF edition: `cargo run --release --example pdf_bench -- [documents] [pages]`.
//!
//! Generates a corpus site of `pages` pages (default 400) with `centerview-corpus`, takes
//! its first `documents` publications (default 200: briefs, reports, case studies and CA
//! Insights), then
//! 1. typesets them one by one, timing the translation and Typst apart (medians);
//! 2. typesets them all with `typeset_all` (two worker threads): documents a second and the
//!    CPU time per document.
//!
//! Then it prints the peak memory of the process (its high-water mark, VmHWM).
use centerview::kind::Kind;
use centerview::pdf::{self, Engine, Publication};
use std::time::Instant;

#[path = "../tests/pdf_support/mod.rs"]
mod pdf_support;

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn cpu_seconds() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let documents = args.first().copied().unwrap_or(200);
    let pages = args.get(1).copied().unwrap_or(400);
    let dir = tempfile::tempdir().unwrap();
    centerview_corpus::generate(dir.path(), pages, 7).unwrap();
    let site =
        centerview::render::bodies::load_site(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
    let rels: Vec<String> = site
        .site
        .pages
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                Kind::Brief | Kind::Report | Kind::CaseStudy | Kind::Insight
            )
        })
        .map(|p| p.src.rel.clone())
        .take(documents)
        .collect();
    let data: Vec<_> = rels
        .iter()
        .map(|r| pdf_support::page_data(&site, r))
        .collect();
    let assets = pdf_support::assets_of(&site.site.root, site.site.config.base_path());
    let pubs: Vec<Publication> = data
        .iter()
        .map(|d| pdf_support::publication(&site, d, &assets))
        .collect();
    eprintln!(
        "{} publications of a {pages}-page corpus; peak so far {:.0} MB",
        pubs.len(),
        peak_mb()
    );

    let started = Instant::now();
    let engine = Engine::new();
    eprintln!("engine: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);

    let (mut translate, mut typst, mut page_counts, mut sizes) = (vec![], vec![], vec![], vec![]);
    let cpu = cpu_seconds();
    let started = Instant::now();
    for p in &pubs {
        let (made, timings) = pdf::typeset_timed(&engine, p);
        let made = made.unwrap_or_else(|d| panic!("{}", d.render(false)));
        translate.push(timings.translate.as_secs_f64() * 1e3);
        typst.push(timings.typst.as_secs_f64() * 1e3);
        page_counts.push(made.pages as f64);
        sizes.push(made.pdf.len() as f64 / 1024.0);
    }
    let n = pubs.len() as f64;
    eprintln!(
        "one by one: {:.1} s; median translation {:.2} ms, median Typst {:.1} ms; CPU {:.1} ms a document; median {} pages, {:.0} KB",
        started.elapsed().as_secs_f64(),
        median(translate),
        median(typst),
        (cpu_seconds() - cpu) * 1e3 / n,
        median(page_counts),
        median(sizes),
    );

    let cpu = cpu_seconds();
    let started = Instant::now();
    let all = pdf::typeset_all(&engine, &pubs);
    assert!(all.iter().all(Result::is_ok));
    let wall = started.elapsed().as_secs_f64();
    eprintln!(
        "typeset_all (two threads): {wall:.1} s, {:.1} documents a second, CPU {:.1} ms a document",
        n / wall,
        (cpu_seconds() - cpu) * 1e3 / n
    );
    eprintln!("peak memory (VmHWM): {:.0} MB", peak_mb());
}
