//! Search at scale: `cargo bench --bench search [-- <pages>]` (default 10,000 pages).
//!
//! Generates a corpus (deterministic, seed 42), builds it several times and reports the
//! indexing stage's share of the build (median), the files the index adds, and then, in
//! headless Chromium against a local server with Range support, the bytes each query
//! fetches: everything the search page loads after its HTML, CSS and fonts (script,
//! manifest, facets, shards, records), as stored on disk. The fonts are the site's type,
//! loaded by every page and cached, not search's. `CENTERVIEW_BENCH_VERBOSE=1` lists each
//! request.

#[path = "../tests/common/browser.rs"]
mod browser;

mod common;

use centerview::build::{Options, build};
use common::{corpus, median, scratch, sizes};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let pages = sizes(&[10_000])[0];
    let dir = scratch();
    let root = corpus(dir.path(), pages);

    // What the index adds: whole builds (writing included) with and without it, alternated.
    let mut with_ms = Vec::new();
    let mut without_ms = Vec::new();
    let mut index_ms = Vec::new();
    for _ in 0..5 {
        for search in [false, true] {
            let mut options = Options::new(&root);
            options.search = search;
            let report = build(&options).unwrap_or_else(|f| panic!("{} errors", f.errors()));
            let ms = report.elapsed.as_secs_f64() * 1000.0;
            if search {
                with_ms.push(ms);
                index_ms.push(
                    report
                        .stages
                        .iter()
                        .find(|(s, _)| *s == "search index")
                        .map(|(_, d)| d.as_secs_f64() * 1000.0)
                        .unwrap_or(0.0),
                );
            } else {
                without_ms.push(ms);
            }
        }
    }
    let output = root.join("output");
    let search_files: Vec<std::fs::DirEntry> = std::fs::read_dir(output.join("search"))
        .unwrap()
        .flatten()
        .collect();
    let search_bytes: u64 = search_files
        .iter()
        .map(|e| e.metadata().unwrap().len())
        .sum();

    println!("corpus: {pages} pages");
    let (with, without) = (median(with_ms), median(without_ms));
    println!("build without the index: {without:.0} ms; with it: {with:.0} ms (medians of 5)");
    println!(
        "the index adds {:.0}% to the build (its own stage: {:.0} ms)",
        (with / without - 1.0) * 100.0,
        median(index_ms)
    );
    println!(
        "index: {} files in output/search/, {:.1} MB",
        search_files.len(),
        search_bytes as f64 / 1e6
    );

    if std::env::var_os("CENTERVIEW_SKIP_BROWSER_TESTS").is_some() {
        println!("(browser measurements skipped)");
        return;
    }
    let base = browser::serve(&output).await;
    // Common, middling and rare words, a prefix being typed, a phrase, two words (ranked by
    // their closeness where positions are cheap enough), and a misspelling (no results, then
    // the words file for "Did you mean").
    let queries = [
        "district",
        "teachers",
        "coaching",
        "network",
        "assessment",
        "partn",
        "\"professional learning\"",
        "district leaders",
        "coachng",
    ];
    println!(
        "\n{:<26} {:>8} {:>9} {:>10} {:>8}",
        "query", "results", "requests", "bytes", "KB"
    );
    let mut bytes_all = Vec::new();
    for q in queries {
        // A fresh browser each time: a reader arriving with nothing cached.
        let b = browser::Browser::start().await;
        let url = format!(
            "{base}/search/?q={}",
            q.replace(' ', "+").replace('"', "%22")
        );
        b.client.goto(&url).await.unwrap();
        b.wait_for(
            "return document.querySelector('[data-search]').getAttribute('data-ready')",
            30,
        )
        .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let stats = b
            .client
            .execute(
                // Everything after the page's HTML, stylesheet and fonts: script, index, records.
                "const r = performance.getEntriesByType('resource').filter(e => !e.name.endsWith('.css') && !e.name.includes('/fonts/'));
                 return [r.length, r.reduce((n, e) => n + e.encodedBodySize, 0), document.getElementById('search-status').textContent];",
                vec![],
            )
            .await
            .unwrap();
        if std::env::var_os("CENTERVIEW_BENCH_VERBOSE").is_some() {
            let each = (b.client)
                .execute(
                    "return performance.getEntriesByType('resource').filter(e => !e.name.endsWith('.css') && !e.name.includes('/fonts/')).map(e => e.name.replace(/^.*\\/\\/[^/]*/, '') + ' ' + e.encodedBodySize)",
                    vec![],
                )
                .await
                .unwrap();
            println!("{each:#}");
        }
        let requests = stats[0].as_u64().unwrap();
        let bytes = stats[1].as_u64().unwrap();
        let results = stats[2]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap_or("0")
            .to_string();
        bytes_all.push(bytes as f64);
        println!(
            "{q:<26} {results:>8} {requests:>9} {bytes:>10} {:>8.1}",
            bytes as f64 / 1024.0
        );
        b.close().await;
    }
    println!(
        "\nmedian bytes per query: {:.1} KB; largest {:.1} KB",
        median(bytes_all.clone()) / 1024.0,
        bytes_all.iter().cloned().fold(0.0, f64::max) / 1024.0
    );
}
