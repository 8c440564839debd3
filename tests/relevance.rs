//! Search quality: the queries in tests/relevance/judgments.txt run through the real search
//! page in headless Chromium against the example site, each scored with nDCG@5 against its
//! graded judgments. The mean must not fall below `FLOOR`; the scores are printed so a change
//! to ranking can be compared query by query (`cargo test --test relevance -- --nocapture`).

mod common;

use common::browser::{self, Browser};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lowest mean nDCG@5 accepted. Before search v2 (issue 15) it was 0.805; with tags as
/// fields, proximity, a lower BM25 `b` and "Did you mean", 0.966.
const FLOOR: f64 = 0.93;
const CUTOFF: usize = 5;

struct Judged {
    query: String,
    /// Whether to follow the "Did you mean" suggestion first.
    misspelled: bool,
    grades: Vec<(String, u32)>,
}

fn judgments() -> Vec<Judged> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/judgments.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let lines = text.lines().map(str::trim);
    lines
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (query, grades) = line.split_once(" | ").expect("`query | judgments`");
            let grades = grades
                .split(", ")
                .map(|g| {
                    let (url, grade) = g.rsplit_once('=').expect("`/url/=grade`");
                    (url.to_string(), grade.parse().expect("a whole number"))
                })
                .collect();
            Judged {
                query: query.trim_start_matches('~').to_string(),
                misspelled: query.starts_with('~'),
                grades,
            }
        })
        .collect()
}

/// nDCG at `CUTOFF` of `ranked` URLs, with gains 2^grade - 1.
fn ndcg(ranked: &[String], grades: &[(String, u32)]) -> f64 {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let grade_of = |url: &String| grades.iter().find(|(u, _)| u == url).map_or(0, |g| g.1);
    let dcg: f64 = (ranked.iter().take(CUTOFF).enumerate())
        .map(|(i, url)| gain(grade_of(url)) * discount(i))
        .sum();
    let mut ideal: Vec<u32> = grades.iter().map(|g| g.1).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = (ideal.iter().take(CUTOFF).enumerate())
        .map(|(i, &g)| gain(g) * discount(i))
        .sum();
    // (An empty sum of f64 is -0.0.)
    if idcg == 0.0 { 0.0 } else { dcg / idcg + 0.0 }
}

/// The example site, built into a temporary folder.
fn example_output() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args([
            "build",
            "--quiet",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    (dir, out)
}

/// The results' page addresses, in order, once the search page has answered.
async fn results(b: &Browser, ready_after: i64) -> Vec<String> {
    let script = format!(
        "const r = document.querySelector('[data-search]'); const n = Number(r.getAttribute('data-ready') || 0); \
         return n > {ready_after} && [...document.querySelectorAll('#search-results .result-title a')].map(a => a.getAttribute('href').split('#')[0])"
    );
    let value = b.wait_for(&script, 15).await;
    (value.as_array().unwrap().iter())
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

async fn ready_count(b: &Browser) -> i64 {
    let value = (b.client)
        .execute(
            "return Number(document.querySelector('[data-search]').getAttribute('data-ready') || 0)",
            vec![],
        )
        .await
        .unwrap();
    value.as_i64().unwrap()
}

/// Runs one judged query and returns its ranked result addresses.
async fn run(b: &Browser, base: &str, judged: &Judged) -> Vec<String> {
    let query: String = (judged.query.bytes())
        .map(|c| match c.is_ascii_alphanumeric() {
            true => (c as char).to_string(),
            false => format!("%{c:02X}"),
        })
        .collect();
    b.client
        .goto(&format!("{base}/search/?q={query}"))
        .await
        .unwrap();
    let first = results(b, 0).await;
    if !judged.misspelled {
        return first;
    }
    assert!(
        first.is_empty(),
        "{:?} is meant to find nothing as typed: {first:?}",
        judged.query
    );
    let before = ready_count(b).await;
    let clicked = (b.client)
        .execute(
            "const a = document.querySelector('.search-suggestion a'); if (a) a.click(); return !!a",
            vec![],
        )
        .await
        .unwrap();
    if clicked != serde_json::json!(true) {
        return Vec::new();
    }
    results(b, before).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_ranks_the_judged_pages_first() {
    if browser::skipped() {
        return;
    }
    let judged = judgments();
    assert!(judged.len() >= 30, "at least 30 judged queries");
    let (_dir, out) = example_output();
    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    let mut total = 0.0;
    let mut report = String::new();
    for j in &judged {
        let ranked = run(&b, &base, j).await;
        let score = ndcg(&ranked, &j.grades);
        total += score;
        let top: Vec<&str> = ranked.iter().take(3).map(String::as_str).collect();
        report += &format!("{score:.3}  {:<40} {}\n", j.query, top.join(" "));
    }
    b.close().await;
    let mean = total / judged.len() as f64;
    eprintln!(
        "{report}mean nDCG@{CUTOFF} over {} queries: {mean:.3}",
        judged.len()
    );
    assert!(
        mean >= FLOOR,
        "{report}mean nDCG@{CUTOFF} {mean:.3} is below {FLOOR}"
    );
}

#[test]
fn ndcg_is_one_for_the_ideal_order_and_less_for_others() {
    let grades = vec![("/a/".to_string(), 3), ("/b/".to_string(), 1)];
    let ideal = ["/a/".to_string(), "/b/".to_string()];
    assert!((ndcg(&ideal, &grades) - 1.0).abs() < 1e-9);
    let swapped = ["/b/".to_string(), "/a/".to_string()];
    assert!(ndcg(&swapped, &grades) < 0.8);
    assert_eq!(ndcg(&[], &grades), 0.0);
    let late = ["/x/", "/y/", "/z/", "/w/", "/v/", "/a/"].map(String::from);
    assert_eq!(ndcg(&late, &grades), 0.0, "beyond the cutoff");
}
