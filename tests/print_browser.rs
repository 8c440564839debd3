//! Printing reads like a report: every page type of the example site printed to PDF by
//! Chromium, on Letter and on A4, and read back with poppler-utils (tests/common/pdf.rs).
//! Lines of at most 75 characters; a sensible number of pages; no page but the last more than
//! a quarter blank, and a last page with more on it than a footer; the short title and the
//! site in the running head of every page after the first, the address and "N of M" at the
//! foot of every page; no masthead, footer, search or download links, and no box filled.

mod common;

use common::browser::{self, Browser};
use common::pdf::{Page, Pdf};
use fantoccini::wd::{PrintConfiguration, PrintSize};
use std::ops::RangeInclusive;
use std::path::Path;

/// The page margins of the print stylesheet (`@page` in centerview.css), in points: the
/// running heads are above the frame, the address and page number below it.
const TOP: f64 = 2.2 / 2.54 * 72.0;
const BOTTOM: f64 = 2.3 / 2.54 * 72.0;

const LONGEST_LINE: usize = 75;
/// The most of a page's frame that may be left blank at its foot, but on the last page.
const MOST_BLANK: f64 = 0.25;

const SITE: &str = "CenterView";
const FIRST_HEAD: &str = "CenterView · Center for the Future of Teaching & Learning";

/// One page of each type, and how many pages it may take on either paper.
const PAGES: &[(&str, RangeInclusive<usize>)] = &[
    ("/", 2..=6),
    ("/briefs/", 1..=2),
    ("/briefs/partnership/", 3..=7),
    ("/case-studies/", 1..=3),
    ("/case-studies/oakland-site-grants/", 1..=3),
    ("/reports/math-in-common/", 5..=10),
    ("/insights/teacher-leaders/", 1..=4),
    ("/posts/partnership-announcement/", 1..=3),
    ("/about/", 1..=2),
    ("/topics/", 1..=2),
    ("/topics/teacher-leaders/", 1..=2),
    ("/series/", 1..=2),
    ("/data/", 1..=2),
    ("/search/?q=coaching", 1..=3),
    ("/404.html", 1..=1),
];

struct Paper {
    name: &'static str,
    size: PrintSize,
    /// How `pdfinfo` names its size.
    info: &'static str,
}

const PAPERS: [Paper; 2] = [
    Paper {
        name: "Letter",
        size: PrintSize::US_LETTER,
        info: "(letter)",
    },
    Paper {
        name: "A4",
        size: PrintSize::A4,
        info: "(A4)",
    },
];

/// Loads `url` and waits until it is ready to print: loaded, its fonts in, and on the search
/// page its results shown.
async fn open(b: &Browser, url: &str) {
    b.client.goto(url).await.unwrap();
    b.wait_for("return document.readyState === 'complete'", 15)
        .await;
    b.client
        .execute_async(
            "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));",
            vec![],
        )
        .await
        .unwrap();
    if url.contains("/search/?q=") {
        b.wait_for(
            "return document.querySelectorAll('#search-results li').length > 0",
            15,
        )
        .await;
    }
}

/// The open page printed on `paper`, with backgrounds (so a fill the stylesheet left would
/// show), into `dir`.
async fn print(b: &Browser, paper: &Paper, dir: &Path, name: &str) -> std::path::PathBuf {
    let config = PrintConfiguration::builder()
        .size(paper.size.clone())
        .background(true)
        .build()
        .unwrap();
    let bytes = b.client.print(config).await.expect("WebDriver print");
    let path = dir.join(format!("{name}.{}.pdf", paper.name));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// What the print stylesheet shows of the open page, found by turning its print rules on for
/// the screen: the landmarks outside `main` (masthead, navigation, footer), search forms,
/// download links and links to the site's own PDFs still shown, and the elements in `main`
/// with a background.
const SHOWN_IN_PRINT: &str = r#"
const flipped = [];
for (const sheet of document.styleSheets) {
  if (sheet.media.mediaText === 'print') { sheet.media.mediaText = 'all'; flipped.push(sheet.media); }
  for (const rule of sheet.cssRules) {
    if (rule instanceof CSSMediaRule && rule.media.mediaText === 'print') {
      rule.media.mediaText = 'all'; flipped.push(rule.media);
    }
  }
}
const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const name = (el) => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? '.' + el.className.trim().replace(/\s+/g, '.') : '');
const kept = [];
const ownPdf = (el) => el.matches('a[href$=".pdf"]') && el.origin === location.origin;
for (const el of document.querySelectorAll('header, footer, nav, [role=search], a[download], a[href$=".pdf"], .skip-link')) {
  if (el.matches('a[href$=".pdf"]') && !ownPdf(el)) continue;
  if (el.closest('main') && !el.matches('[role=search], a[download]') && !ownPdf(el)) continue;
  if (shown(el)) kept.push(name(el) + ' "' + el.textContent.trim().replace(/\s+/g, ' ').slice(0, 50) + '"');
}
const filled = [];
for (const el of document.querySelectorAll('main *')) {
  if (!shown(el)) continue;
  const s = getComputedStyle(el);
  const clear = ['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(s.backgroundColor);
  if (!clear || s.backgroundImage !== 'none') filled.push(name(el) + ' ' + s.backgroundColor + ' ' + s.backgroundImage);
}
for (const media of flipped) media.mediaText = 'print';
return { kept, filled };
"#;

/// Words that belong to the screen, never to paper.
const SCREEN_ONLY: &[&str] = &[
    "Skip to main content",
    "Download the PDF",
    "Download the data",
    "Download the citation",
    "Search publications",
    "On this page",
    "Atom feed",
];

/// What a page should print as.
struct Expected<'a> {
    pages: &'a RangeInclusive<usize>,
    /// The running head from page two.
    head: String,
    /// The text of the page's headings, which no page may end with.
    headings: Vec<String>,
    /// The text of each figure of an image: its caption and notes, printed on one page.
    figures: Vec<Vec<String>>,
}

/// What is wrong with the printed `pdf`.
fn problems(pdf: &Path, paper: &Paper, expected: &Expected) -> Vec<String> {
    let mut found = Vec::new();
    let (count, size) = Pdf::info(pdf);
    if !size.contains(paper.info) {
        found.push(format!("printed on {size}"));
    }
    if !expected.pages.contains(&count) {
        found.push(format!("{count} pages, not {:?}", expected.pages));
    }
    let printed = Pdf::read(pdf);
    let total = printed.pages.len();
    for parts in &expected.figures {
        let pages: Vec<Option<usize>> = parts.iter().map(|t| page_of(&printed, t)).collect();
        if pages.iter().any(Option::is_none) || pages.windows(2).any(|w| w[0] != w[1]) {
            found.push(format!(
                "a figure split or lost: {parts:?} on pages {pages:?}"
            ));
        }
    }
    for (index, page) in printed.pages.iter().enumerate() {
        let number = index + 1;
        let mut on_page = |what: String| found.push(format!("page {number}: {what}"));
        let bottom = page.height - BOTTOM;
        let body = page.lines_between(TOP, bottom);
        for line in &body {
            if line.chars() > LONGEST_LINE {
                on_page(format!(
                    "a line of {} characters: {:?}",
                    line.chars(),
                    line.text
                ));
            }
            for words in SCREEN_ONLY {
                if line.text.contains(words) {
                    on_page(format!("{words:?} printed: {:?}", line.text));
                }
            }
        }
        if number < total {
            // The lowest line, if it starts at the text's left edge (or a box's, just inside
            // it): a heading's line, not a label in a diagram.
            let left = body.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
            let last = body.iter().max_by(|a, b| a.bottom.total_cmp(&b.bottom));
            let heading = |l: &&&common::pdf::Line| {
                l.left < left + 15.0 && expected.headings.iter().any(|h| h.ends_with(&l.text))
            };
            if let Some(last) = last.filter(heading) {
                on_page(format!("ends with a heading: {:?}", last.text));
            }
            let lowest = page.lowest_ink(TOP, bottom).unwrap_or(TOP);
            let blank = (bottom - lowest) / (bottom - TOP);
            if blank > MOST_BLANK {
                on_page(format!("{:.0}% of the frame left blank", blank * 100.0));
            }
        } else if body.len() < 3 {
            on_page(format!("the last page holds only {:?}", texts(&body)));
        }
        for problem in margin_problems(page, number, total, &expected.head) {
            on_page(problem);
        }
    }
    found
}

/// The page (from 1) whose text holds the start of `text`, in any case (the stylesheet sets
/// some labels in capitals).
fn page_of(printed: &Pdf, text: &str) -> Option<usize> {
    let start: String = text.chars().take(30).collect::<String>().to_lowercase();
    printed
        .pages
        .iter()
        .position(|page| {
            let lines: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
            lines.join(" ").to_lowercase().contains(&start)
        })
        .map(|i| i + 1)
}

fn texts(lines: &[&common::pdf::Line]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

/// The running head above the frame and the foot below it.
fn margin_problems(page: &Page, number: usize, total: usize, head: &str) -> Vec<String> {
    let above = texts(&page.lines_between(0.0, TOP));
    let below = texts(&page.lines_between(page.height - BOTTOM, page.height));
    let mut found = Vec::new();
    let wanted: Vec<&str> = if number == 1 {
        vec![FIRST_HEAD]
    } else {
        vec![head, SITE]
    };
    for text in wanted {
        if !above.iter().any(|t| t == text) {
            found.push(format!(
                "no running head {text:?} above the text: {above:?}"
            ));
        }
    }
    let folio = format!("{number} of {total}");
    if !below.contains(&folio) {
        found.push(format!("no {folio:?} at the foot: {below:?}"));
    }
    if !below.iter().any(|t| t.starts_with("https://")) {
        found.push(format!("no address at the foot: {below:?}"));
    }
    found
}

/// The running head the page should carry: its title without the site's name, shortened.
async fn expected_head(b: &Browser) -> String {
    let title = b.client.title().await.unwrap();
    let title = title.strip_suffix(&format!(" | {SITE}")).unwrap_or(&title);
    centerview::filters::short_title(title, centerview::filters::SHORT_TITLE)
}

/// The caption and notes of each figure of an image on the open page, each on one line
/// (not its download or "View full size" links, which are for screens).
async fn image_figures(b: &Browser) -> Vec<Vec<String>> {
    let script = "return [...document.querySelectorAll('main figure')].filter((f) => f.querySelector('img'))\
                  .map((f) => [...f.querySelectorAll('figcaption, .figure-notes p')]\
                  .filter((e) => getComputedStyle(e).display !== 'none' && !e.closest('.figure-download, .figure-full-size'))\
                  .map((e) => e.textContent.replace(/\\s+/g, ' ').trim()).filter((t) => t))";
    let value = b.client.execute(script, vec![]).await.unwrap();
    serde_json::from_value(value).unwrap()
}

/// The text of the open page's headings in `main`, each on one line.
async fn headings(b: &Browser) -> Vec<String> {
    let script = "return [...document.querySelectorAll('main :is(h2, h3, h4, h5, h6, .box-title, .vff-label)')]\
                  .map((h) => h.textContent.replace(/\\s+/g, ' ').trim())";
    let value = b.client.execute(script, vec![]).await.unwrap();
    (value.as_array().unwrap().iter())
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_prints_like_a_report_on_letter_and_a4() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("out"));
    common::example_site(&root);
    common::build_into(&root, &out);
    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    b.client.set_window_size(1280, 1000).await.unwrap();
    let mut failures = Vec::new();
    for (path, range) in PAGES {
        open(&b, &format!("{base}{path}")).await;
        let expected = Expected {
            pages: range,
            head: expected_head(&b).await,
            headings: headings(&b).await,
            figures: image_figures(&b).await,
        };
        if *path == "/reports/math-in-common/" {
            assert_eq!(
                expected.head,
                "Collaborative structures for changing the dynamics…"
            );
        }
        let shown = b.client.execute(SHOWN_IN_PRINT, vec![]).await.unwrap();
        for (key, what) in [("kept", "shown in print"), ("filled", "filled in print")] {
            for item in shown[key].as_array().unwrap() {
                failures.push(format!("{path}: {what}: {}", item.as_str().unwrap()));
            }
        }
        let name = path.trim_matches('/').replace(['/', '?', '='], "_");
        for paper in &PAPERS {
            let pdf = print(&b, paper, dir.path(), &name).await;
            for problem in problems(&pdf, paper, &expected) {
                failures.push(format!("{path} on {}: {problem}", paper.name));
            }
        }
    }
    b.close().await;
    assert!(
        failures.is_empty(),
        "printing is not right:\n{}",
        failures.join("\n")
    );
}

/// A site whose title, and a brief's, hold quotes, a backslash, `</style>`, `&` and a line
/// break: the running heads print them as written (the page's line break as a space), and
/// nothing of the print style spills into the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_heads_print_any_title_as_written() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    site.write(
        "site.yaml",
        "title: 'Print \"heads\" \\ </style> & co'\nbase_url: https://example.org/\n",
    );
    let body: String = (1..=60)
        .map(|i| format!("Paragraph {i} of a brief long enough to run on to a second page.\n\n"))
        .collect();
    site.page(
        "briefs/quoted.md",
        "title: \"He said \\\"stop\\\" \\\\ then </style> &\\nleft\"\ndate: 2018-01-01",
        &body,
    );
    site.build().assert_ok();
    let base = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    open(&b, &format!("{base}/briefs/quoted/")).await;
    let pdf = print(&b, &PAPERS[0], site.root(), "quoted").await;
    b.close().await;
    let printed = Pdf::read(&pdf);
    assert!(printed.pages.len() >= 2, "a brief of two pages or more");
    let second = &printed.pages[1];
    let above = texts(&second.lines_between(0.0, TOP));
    assert!(
        above.contains(&"He said “stop” \\ then </style> & left".to_string()),
        "the brief's title in the running head: {above:?}"
    );
    assert!(
        above.contains(&"Print \"heads\" \\ </style> & co".to_string()),
        "the site's title in the running head: {above:?}"
    );
    let first_body = texts(&printed.pages[0].lines_between(TOP, second.height - BOTTOM));
    assert!(
        first_body.iter().all(|t| !t.contains("--print")),
        "the print style spilled into the page: {first_body:?}"
    );
}

/// A brief of many short sections and a table of 90 rows: no page ends with a heading, and
/// every page the table runs on to starts with its header row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headings_keep_with_their_text_and_a_long_table_repeats_its_header() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    let mut body = String::new();
    for i in 1..=24 {
        body.push_str(&format!("## Section {i} of the study\n\n"));
        for p in 0..(i % 3 + 1) {
            let sentence = "The district's coaches met the teachers every week. ";
            body.push_str(&format!("{}\n\n", sentence.repeat(2 + (i + p) % 4)));
        }
    }
    body.push_str(
        "## The districts\n\n| District | Coaches | Teacher leaders |\n|---|---:|---:|\n",
    );
    for row in 1..=90 {
        body.push_str(&format!(
            "| District {row} | {} | {} |\n",
            row % 7,
            row % 11
        ));
    }
    site.page(
        "briefs/long.md",
        &common::brief("Long tables and headings", "2018-01-01"),
        &body,
    );
    site.build().assert_ok();
    let base = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    open(&b, &format!("{base}/briefs/long/")).await;
    let expected = Expected {
        pages: &(3..=30),
        head: "Long tables and headings".to_string(),
        headings: headings(&b).await,
        figures: Vec::new(),
    };
    let mut found = Vec::new();
    for paper in &PAPERS {
        let pdf = print(&b, paper, site.root(), "long").await;
        for problem in problems(&pdf, paper, &expected) {
            found.push(format!("{}: {problem}", paper.name));
        }
        let printed = Pdf::read(&pdf);
        let with_rows: Vec<usize> = (printed.pages.iter().enumerate())
            .filter(|(_, p)| p.lines.iter().any(|l| l.text.starts_with("District ")))
            .map(|(i, _)| i + 1)
            .collect();
        assert!(
            with_rows.len() >= 2,
            "the table runs over pages {with_rows:?}"
        );
        for number in with_rows {
            let page = &printed.pages[number - 1];
            let header = ["District", "Coaches", "Teacher leaders"];
            if !header
                .iter()
                .all(|h| page.lines.iter().any(|l| l.text == *h))
            {
                found.push(format!(
                    "{}: page {number} holds rows of the table without its header",
                    paper.name
                ));
            }
        }
    }
    b.close().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}
