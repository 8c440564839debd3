//! Every page of the example site is valid HTML5 (the Nu HTML Checker) and every page type
//! passes axe-core's WCAG 2.2 A and AA rules and its best practices in headless Chromium, at
//! desktop and phone widths.
//!
//! The checkers come from npm at pinned versions, installed once into `target/test-tools/`
//! (the Nu checker runs on Java). A missing `npm` or `java` fails with instructions; set
//! CENTERVIEW_SKIP_BROWSER_TESTS=1 to skip these tests deliberately.

mod common;

use common::browser::{self, Browser};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const AXE_CORE: &str = "axe-core@4.14.1";
const VNU_JAR: &str = "vnu-jar@26.9.27";

/// The folder the npm packages are installed in, installing them the first time.
fn tools() -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools");
    let ready = dir.join("node_modules/axe-core/axe.min.js").is_file()
        && dir
            .join("node_modules/vnu-jar/build/dist/vnu.jar")
            .is_file();
    if !ready {
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
            .arg(&dir)
            .args([AXE_CORE, VNU_JAR])
            .status()
            .unwrap_or_else(|e| {
                panic!("npm is needed to install axe-core and the Nu HTML Checker ({e}): install Node.js and npm (apt-get install npm), or set CENTERVIEW_SKIP_BROWSER_TESTS=1")
            });
        assert!(status.success(), "npm install {AXE_CORE} {VNU_JAR} failed");
    }
    dir
}

/// The example site, built into a temporary folder with two entries on each listing page,
/// so that the checkers also see paginated listings and their navigation.
fn example_output() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "themes"] {
        common::copy_dir(&manifest.join(folder), &root.join(folder));
    }
    let config = std::fs::read_to_string(manifest.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{config}page_size: 2\n")).unwrap();
    let out = dir.path().join("out");
    common::build_into(&root, &out);
    assert!(out.join("briefs/page/2/index.html").is_file());
    assert!(out.join("topics/common-core/page/2/index.html").is_file());
    (dir, out)
}

#[test]
fn every_page_of_the_example_site_is_valid_html() {
    if browser::skipped() {
        return;
    }
    let vnu = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let (_dir, out) = example_output();
    let pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    let run = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "java is needed for the Nu HTML Checker ({e}): apt-get install default-jre-headless"
            )
        });
    let report = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
    eprintln!("{pages} pages validated by the Nu HTML Checker: no errors");
    assert!(pages >= 30, "only {pages} pages");
}

/// The rules axe-core runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 adds only AA
/// rules), and its best practices.
const AXE_TAGS: &[&str] = &[
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// One page of each type.
const PAGES: &[&str] = &[
    "/",
    "/briefs/",
    "/briefs/page/2/",
    "/briefs/partnership/",
    "/case-studies/",
    "/case-studies/oakland-site-grants/",
    "/reports/math-in-common/",
    "/insights/teacher-leaders/",
    "/posts/partnership-announcement/",
    "/about/",
    "/topics/",
    "/topics/teacher-leaders/",
    "/topics/common-core/page/2/",
    "/series/",
    "/series/increasing-district-capacity-to-implement-the-common-core/",
    "/data/",
    "/authors/",
    "/authors/pamela-fong/",
    "/search/?q=coaching",
    "/404.html",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_passes_axe_at_wcag_2_2_aa_and_its_best_practices() {
    if browser::skipped() {
        return;
    }
    let axe = std::fs::read_to_string(tools().join("node_modules/axe-core/axe.min.js")).unwrap();
    let (_dir, out) = example_output();
    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (width, height) in [(1280, 1000), (360, 800)] {
        b.client.set_window_size(width, height).await.unwrap();
        for page in PAGES {
            b.client.goto(&format!("{base}{page}")).await.unwrap();
            if page.starts_with("/search/") {
                b.wait_for(
                    "return document.querySelectorAll('#search-results li').length > 0",
                    15,
                )
                .await;
            }
            b.client.execute(&axe, vec![]).await.unwrap();
            let violations = b
                .client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })
                       .then((r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', '))))
                       .catch((e) => done(['axe failed: ' + e]));",
                    vec![serde_json::json!(AXE_TAGS)],
                )
                .await
                .unwrap();
            checked += 1;
            for v in violations.as_array().unwrap() {
                failures.push(format!("{page} at {width} px: {}", v.as_str().unwrap()));
            }
        }
    }
    b.close().await;
    eprintln!("{checked} page views checked with axe-core");
    assert!(
        failures.is_empty(),
        "axe-core found:\n{}",
        failures.join("\n")
    );
}
