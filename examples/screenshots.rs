//! Pictures of the CenterView look for docs/screenshots/: `cargo run --example screenshots`.
//!
//! Builds the example site, serves it on 127.0.0.1 and opens it in headless Chromium (the
//! browser tests' harness, tests/common/browser.rs, which ends the browser however this
//! ends), then writes every page type at 1280 and 390 px wide, from the top of the page down
//! to a few screens (see [`SCREENS`]), and the first two printed pages of the report (Letter,
//! printed to PDF by Chromium, then `pdftoppm -r 60`). The same sources and browser make the same
//! files, so after a change to the theme `git diff --stat docs/screenshots/` shows which
//! pictures changed. Needs Chromium, ChromeDriver and poppler-utils (as the tests do).

#[path = "../tests/common/browser.rs"]
mod browser;

use browser::Browser;
use fantoccini::wd::{PrintConfiguration, PrintSize, WebDriverCompatibleCommand};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One page of each type: its picture's name and its address.
const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("brief", "/briefs/partnership/"),
    ("report", "/reports/math-in-common/"),
    ("case-study", "/case-studies/oakland-site-grants/"),
    ("insight", "/insights/teacher-leaders/"),
    ("post", "/posts/partnership-announcement/"),
    ("listing", "/briefs/"),
    ("topic", "/topics/teacher-leaders/"),
    ("author", "/authors/pamela-fong/"),
    ("authors", "/authors/"),
    ("search", "/search/?q=coaching"),
    ("404", "/404.html"),
];

/// The widths, in CSS pixels; the device pixels a CSS pixel is drawn with (a desktop page at
/// half scale keeps the files small and still shows the layout); and the most of a page
/// shown, in CSS pixels from the top (three screens or so).
const SCREENS: &[(u32, f64, u32)] = &[(1280, 0.5, 2400), (390, 1.0, 1600)];

/// The page the printed pictures are of.
const PRINTED: &str = "/reports/math-in-common/";

#[tokio::main]
async fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = repo.join("docs/screenshots");
    std::fs::create_dir_all(&target).unwrap();
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    build(repo, &site);
    let base = browser::serve(&site).await;
    let b = Browser::start().await;
    for &(width, scale, tallest) in SCREENS {
        for (name, path) in PAGES {
            open(&b, &format!("{base}{path}"), width, scale).await;
            let file = target.join(format!("{name}-{width}.png"));
            std::fs::write(&file, full_page(&b, width, scale, tallest).await).unwrap();
            println!("{}", file.display());
        }
    }
    open(&b, &format!("{base}{PRINTED}"), 1280, 1.0).await;
    let config = PrintConfiguration::builder()
        .size(PrintSize::US_LETTER)
        .build()
        .unwrap();
    let pdf = work.path().join("report.pdf");
    std::fs::write(&pdf, b.client.print(config).await.expect("print")).unwrap();
    b.close().await;
    for page in [1, 2] {
        let file = target.join(format!("report-print-{page}"));
        pdftoppm(&pdf, page, &file);
        println!("{}.png", file.display());
    }
}

/// The example site (content/ and site.yaml at the repository's root) built into `out`.
fn build(repo: &Path, out: &Path) {
    let mut options = centerview::build::Options::new(repo);
    options.output = Some(out.to_path_buf());
    if let Err(failure) = centerview::build::build(&options) {
        panic!("the example site does not build: {failure:?}");
    }
}

/// Shows `url` in a window `width` CSS pixels wide, and waits until it is ready: loaded, its
/// fonts in, and on the search page its results shown.
async fn open(b: &Browser, url: &str, width: u32, scale: f64) {
    emulate(b, width, 900, scale).await;
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
    // No blinking caret in a focused search box, no scroll bar: the same picture every time.
    b.client
        .execute(
            "const s = document.createElement('style'); \
             s.textContent = '* { caret-color: transparent !important; } html { scrollbar-width: none; }'; \
             document.head.append(s); document.activeElement && document.activeElement.blur();",
            vec![],
        )
        .await
        .unwrap();
}

/// The page from its top, as tall as it is up to `tallest`, as a PNG.
async fn full_page(b: &Browser, width: u32, scale: f64, tallest: u32) -> Vec<u8> {
    let height = b
        .client
        .execute(
            "return Math.ceil(document.documentElement.scrollHeight)",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap() as u32;
    emulate(b, width, height.min(tallest), scale).await;
    // Two frames, so the page is laid out at its new size before the picture.
    b.client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => { scrollTo(0, 0); done(true); }));",
            vec![],
        )
        .await
        .unwrap();
    b.client.screenshot().await.unwrap()
}

/// Makes the window exactly `width` × `height` CSS pixels at `scale` device pixels each
/// (Chromium's device emulation, through ChromeDriver): a window cannot be made narrower than
/// about 500 px.
async fn emulate(b: &Browser, width: u32, height: u32, scale: f64) {
    let params = serde_json::json!({
        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": width < 600,
    });
    b.client
        .issue_cmd(Cdp("Emulation.setDeviceMetricsOverride", params))
        .await
        .expect("device emulation");
}

/// A Chrome DevTools Protocol command, sent through ChromeDriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(&'static str, serde_json::Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.0, "params": self.1 });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// Page `page` of `pdf` as `<file>.png`, at 60 dots per inch.
fn pdftoppm(pdf: &Path, page: u32, file: &PathBuf) {
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-singlefile", "-f", &page, "-l", &page])
        .arg(pdf)
        .arg(file)
        .status()
        .expect("pdftoppm, from poppler-utils (apt-get install poppler-utils)");
    assert!(status.success(), "pdftoppm failed");
}
