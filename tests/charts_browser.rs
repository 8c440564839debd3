//! Charts on a phone, in a real browser: the narrow drawing of every chart in the example
//! site (and of a hard one, six columns of long labels) at 360 px, with no label outside its
//! drawing and no word broken in two ("non-profi-" / "t").

mod common;

use common::browser::{self, Browser};
use std::path::Path;

/// Six long labels: as columns on a phone their words cannot fit, so the chart must change
/// its layout rather than break them.
const HARD_TABLE: &str = "title: Who districts rely on\nsource: Interviews\ncolumns:\n  - key: who\n    label: Source\n  - key: n\n    label: Districts\n    type: number\nrows:\n  - { who: Non-profit organizations, n: 9 }\n  - { who: Teachers on special assignment, n: 27 }\n  - { who: Administrators, n: 19 }\n  - { who: County offices of education, n: 12 }\n  - { who: Institutions of higher education, n: 4 }\n  - { who: Multi-district collaboratives, n: 3 }\nchart:\n  type: column\n  label: who\n  value: n\n";

/// For each narrow chart on the page: its width, the page's, texts outside the drawing, the
/// label lines in order, and the chart's description (which names every label whole).
const MEASURE: &str = "return [...document.querySelectorAll('svg.chart-narrow')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const outside = [...svg.querySelectorAll('text')].filter((t) => {
    const r = t.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
  }).map((t) => t.textContent);
  return {
    width: box.width,
    right: box.right,
    page: document.documentElement.clientWidth,
    outside,
    lines: [...svg.querySelectorAll('text.chart-label')].map((t) => t.textContent),
    desc: svg.querySelector('desc').textContent,
  };
});";

/// Every page of the built site at `out` with a chart, as a URL path.
fn pages_with_charts(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() == "index.html")
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .contains("chart-narrow")
        })
        .map(|e| {
            let dir = e.path().parent().unwrap().strip_prefix(out).unwrap();
            format!("/{}/", dir.display()).replace("//", "/")
        })
        .collect();
    pages.sort();
    pages
}

/// A line ending in a hyphen must end a piece of a hyphenated word: the word, joined again
/// with the next line's first word, is in the description.
fn broken_words(lines: &[String], desc: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for pair in lines.windows(2) {
        let Some(end) = pair[0].split(' ').next_back().filter(|w| w.ends_with('-')) else {
            continue;
        };
        let joined = format!("{end}{}", pair[1].split(' ').next().unwrap_or(""));
        if !desc.contains(&joined) {
            broken.push(format!("{:?} / {:?}", pair[0], pair[1]));
        }
    }
    broken
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chart_fits_a_phone_without_breaking_a_word() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::example_site(&root);
    std::fs::write(root.join("content/data/hard-labels.yaml"), HARD_TABLE).unwrap();
    std::fs::write(
        root.join("content/posts/hard-labels.md"),
        "---\ntitle: Many long labels\ndate: 2019-01-01\n---\n{{ figure(data=\"hard-labels\") }}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    common::build_into(&root, &out);
    let pages = pages_with_charts(&out);
    assert!(
        pages.len() >= 4,
        "the example site's charts and the hard one: {pages:?}"
    );

    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    b.client.set_window_size(360, 800).await.unwrap();
    let mut problems = Vec::new();
    let mut charts = 0;
    for page in &pages {
        b.client.goto(&format!("{base}{page}")).await.unwrap();
        // Measured in the charts' own typeface, once it has loaded.
        b.wait_for(
            "return document.readyState === 'complete' && document.fonts.status === 'loaded'",
            15,
        )
        .await;
        let found = b.client.execute(MEASURE, vec![]).await.unwrap();
        for chart in found.as_array().unwrap() {
            charts += 1;
            let number = |k: &str| chart[k].as_f64().unwrap();
            let lines: Vec<String> = (chart["lines"].as_array().unwrap().iter())
                .map(|l| l.as_str().unwrap().to_string())
                .collect();
            let desc = chart["desc"].as_str().unwrap();
            if number("width") < 200.0 {
                problems.push(format!("{page}: the phone drawing is not shown"));
            }
            if number("right") > number("page") + 0.5 {
                problems.push(format!("{page}: the chart is wider than the screen"));
            }
            for text in chart["outside"].as_array().unwrap() {
                problems.push(format!("{page}: {text} is outside the chart"));
            }
            for broken in broken_words(&lines, desc) {
                problems.push(format!("{page}: a word is broken: {broken}"));
            }
        }
    }
    b.close().await;
    assert!(charts >= 4, "{charts} charts measured");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_word_broken_mid_way_is_seen_and_a_hyphenated_one_is_not() {
    let desc = "Non-profit organizations: 9; Administrators: 19.";
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(broken_words(&lines(&["Non-", "profit organizations"]), desc).is_empty());
    assert_eq!(
        broken_words(&lines(&["Non-profit", "organiza-", "tions"]), desc).len(),
        1
    );
}
