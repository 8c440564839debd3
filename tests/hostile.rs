//! Hostile input gets a diagnostic within bounded time and memory: YAML aliases that would
//! expand a small file enormously, nesting past the limit, and thousands of mistakes in one
//! file (reported in time linear in their number, the first 50 printed, all counted).

mod common;

use common::{Run, Site, brief};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds `site`, killing the build if it runs past `limit`: a bound, far above what the
/// work needs (well under a second here), that a build taking time or memory quadratic in its
/// input cannot meet.
fn build_within(site: &Site, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Run {
                code: status.code().unwrap_or(-1),
                stdout: String::new(),
                stderr: reader.join().unwrap(),
            };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build ran for over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const LIMIT: Duration = Duration::from_secs(60);

/// A site that built, so that the tests can check the output is left alone.
fn built_site() -> Site {
    let site = Site::new();
    site.page("briefs/a.md", &brief("A brief", "2017-01-01"), "Text.\n");
    site.build().assert_ok();
    site
}

/// A list of `n` words anchored as `&big`, then `copies` aliases of it: about 200 KB that
/// would expand to `n * copies` values.
fn amplifying_yaml(n: usize, copies: usize, indent: &str) -> (String, usize) {
    let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
    let mut text = format!(
        "{indent}big: &big [{}]\n{indent}copies:\n",
        words.join(", ")
    );
    let alias_line = text.lines().count() + 1;
    for _ in 0..copies {
        text.push_str(&format!("{indent}  - *big\n"));
    }
    (text, alias_line)
}

#[test]
fn aliases_that_would_expand_a_document_enormously_are_an_error_at_the_alias() {
    let site = built_site();
    let before = site.output_files();
    // Front matter: `extra` takes any YAML.
    let (yaml, alias_line) = amplifying_yaml(20_000, 15_000, "  ");
    site.write(
        "content/briefs/b.md",
        &format!("---\ntitle: B\ndate: 2017-01-01\nextra:\n{yaml}---\nText.\n"),
    );
    let run = build_within(&site, LIMIT);
    // The error is at the alias that goes over the limit: one of the `- *big` lines (the
    // front matter starts on line 2 of the file, and `extra:` takes one more).
    run.assert_error(":7: error: invalid YAML: the alias `*big` makes this document too large");
    let line: usize = run
        .stderr
        .strip_prefix("content/briefs/b.md:")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        (alias_line + 4..alias_line + 4 + 15_000).contains(&line),
        "{line}"
    );
    assert!(
        run.stderr.contains("repeats 20,001 values"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`&big`"), "{}", run.stderr);
    assert_eq!(site.output_files(), before);
    std::fs::remove_file(site.path("content/briefs/b.md")).unwrap();

    // A data table, with the aliases nested ("a billion laughs").
    let mut laughs = String::from(
        "title: T\nsource: S\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let prev = format!("*l{}", i - 1);
        laughs.push_str(&format!("lol{i}: &l{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    laughs.push_str("columns:\n  - key: a\n    label: A\nrows:\n  - { a: x }\n");
    site.write("content/data/laughs.yaml", &laughs);
    let run = build_within(&site, LIMIT);
    run.assert_error("content/data/laughs.yaml:");
    assert!(
        run.stderr.contains("makes this document too large"),
        "{}",
        run.stderr
    );
    assert_eq!(site.output_files(), before);
    assert_eq!(common::temporary_folders(site.root()), Vec::<String>::new());
}

#[test]
fn nesting_past_the_limit_is_explained_at_its_place() {
    let site = built_site();
    let before = site.output_files();
    // Nesting written out.
    let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
    site.write(
        "content/briefs/deep.md",
        &format!("---\ntitle: Deep\ndate: 2017-01-01\nextra:\n  deep: {deep}\n---\nText.\n"),
    );
    let run = build_within(&site, LIMIT);
    run.assert_error("content/briefs/deep.md:5:");
    assert!(
        run.stderr
            .contains("the YAML is nested more than 128 levels deep"),
        "{}",
        run.stderr
    );
    // Nesting made by aliases: each anchor holds the one before, 100 levels at a time.
    let nest = |n: usize, inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
    let yaml = format!(
        "  a0: &a0 {}\n  a1: [*a0]\n  a2: {}\n",
        nest(100, "x"),
        nest(50, "*a0")
    );
    site.write(
        "content/briefs/deep.md",
        &format!("---\ntitle: Deep\ndate: 2017-01-01\nextra:\n{yaml}---\nText.\n"),
    );
    let run = build_within(&site, LIMIT);
    run.assert_error("content/briefs/deep.md:7:");
    assert!(
        run.stderr
            .contains("the alias `*a0` nests the document more than 128 levels deep"),
        "{}",
        run.stderr
    );
    assert_eq!(site.output_files(), before);
}

#[test]
fn a_tab_used_for_indentation_says_so() {
    let site = built_site();
    site.write(
        "content/briefs/tab.md",
        "---\ntitle: Tabs\ndate: 2017-01-01\ntopics:\n\t- Teacher leaders\n---\nText.\n",
    );
    let run = site.build();
    run.assert_error(
        "content/briefs/tab.md:5:1: error: invalid YAML: a tab is used for indentation",
    );
    assert!(
        run.stderr.contains("YAML indents with spaces only"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("quote text that contains"),
        "{}",
        run.stderr
    );
}

/// The first `n` errors' lines printed for a file, and the note about the rest.
fn shown_errors(stderr: &str, file: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{file}:")) && l.contains(": error: "))
        .count()
}

#[test]
fn thousands_of_mistakes_in_one_file_are_reported_in_linear_time_the_first_50_printed() {
    let site = built_site();
    let before = site.output_files();
    // 20,000 quoted numbers in a data table.
    let rows: String = (0..20_000)
        .map(|i| format!("  - {{ support: \"S{i}\", districts: \"{i}\" }}\n"))
        .collect();
    site.write(
        "content/data/t.yaml",
        &format!("title: T\nsource: S\ncolumns:\n  - key: support\n    label: Support\n  - key: districts\n    label: Districts\n    type: number\nrows:\n{rows}"),
    );
    // 20,000 broken links in a page.
    let links: String = (0..20_000)
        .map(|i| format!("See [page {i}](missing-{i}.md).\n\n"))
        .collect();
    site.page("briefs/links.md", &brief("Links", "2017-01-02"), &links);
    let run = build_within(&site, LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(shown_errors(&run.stderr, "content/data/t.yaml"), 50);
    assert_eq!(shown_errors(&run.stderr, "content/briefs/links.md"), 50);
    assert!(
        run.stderr
            .contains("content/data/t.yaml:10:33: error: `districts` must be a number")
    );
    assert!(
        run.stderr
            .contains("content/data/t.yaml: note: 19,950 more errors in this file are not shown")
    );
    assert!(
        run.stderr.contains(
            "content/briefs/links.md: note: 19,950 more errors in this file are not shown"
        )
    );
    assert!(
        run.stderr.contains("Build failed: 40,000 errors"),
        "{}",
        tail(&run.stderr)
    );
    assert_eq!(site.output_files(), before);
}

#[test]
fn tens_of_thousands_of_endnotes_build_in_linear_time() {
    let site = built_site();
    let n = 50_000;
    let refs: String = (0..n).map(|i| format!("Claim[^n{i}]. ")).collect();
    let defs: String = (0..n).map(|i| format!("[^n{i}]: Source {i}.\n")).collect();
    site.page(
        "briefs/notes.md",
        &brief("Notes", "2017-01-02"),
        &format!("{refs}\n\n{defs}"),
    );
    let run = build_within(&site, LIMIT);
    run.assert_ok();
    // Typesetting grows with the text: so long a page gets a warning, not a PDF.
    assert!(
        run.stderr
            .contains("content/briefs/notes.md: warning: this page is too long for a PDF edition"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("output/briefs/notes/notes.pdf"));
    let html = site.read("output/briefs/notes/index.html");
    assert!(html.contains(&format!("<li id=\"fn_{n}\">")));
}

#[test]
fn a_page_of_over_10_mb_of_html_gets_a_warning() {
    let site = built_site();
    // Under the 10 MB limit on a source file, over 10 MB of HTML: a table of many cells.
    let mut body = String::from("| a | b | c | d |\n|---|---|---|---|\n");
    while body.len() < 5 * 1024 * 1024 {
        body.push_str("| x | y | z | w |\n");
    }
    site.page("briefs/large.md", &brief("Large", "2017-01-02"), &body);
    let run = build_within(&site, LIMIT);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/briefs/large.md:1:1: warning: this page makes"),
        "{}",
        tail(&run.stderr)
    );
    assert!(run.stderr.contains("MB of HTML"), "{}", tail(&run.stderr));
}

/// A theme shortcode printing about half a megabyte, with a Tera loop.
const BIG: &str = "{#\nshortcode: inline\n#}\n<div class=\"big\">{% for i in range(end=5000) %}<span>{{ i }} of the many lines this shortcode prints, each of them long enough</span>{% endfor %}</div>\n";

/// A site that builds, whose largest page may make 1 MB of HTML.
fn site_of_small_pages() -> Site {
    let site = built_site();
    site.write(
        "site.yaml",
        &format!("{}max_page_mb: 1\n", common::SITE_YAML),
    );
    site.write("themes/centerview/templates/shortcodes/big.html", BIG);
    site.build().assert_ok();
    site
}

#[test]
fn a_page_over_max_page_mb_is_an_error_naming_the_calls_that_made_it() {
    let site = site_of_small_pages();
    let before = site.output_files();
    let calls = "{{ big() }}\n\n".repeat(20);
    site.page(
        "briefs/big.md",
        &brief("Big", "2017-01-02"),
        &format!("Intro.\n\n{calls}"),
    );
    let run = build_within(&site, LIMIT);
    run.assert_error(
        "content/briefs/big.md:7:1: error: this page makes more than 1 MB of HTML, the most a page may have",
    );
    // Expansion stopped once the page was over the limit: the other calls were never
    // rendered, and what they would have made is estimated.
    assert!(
        run.stderr.contains(
            "help: `{{ big() }}` at line 7 made 0.4 MB a call (20 calls, about 7.9 MB in all); split the page into several, or raise `max_page_mb` in site.yaml (now 1)"
        ),
        "{}",
        tail(&run.stderr)
    );
    assert_eq!(site.output_files(), before);
    let check = site.run(&["check"]);
    check.assert_error("content/briefs/big.md:7:1: error: this page makes more than 1 MB");
}

#[test]
fn a_page_of_data_tables_over_max_page_mb_names_them() {
    let site = site_of_small_pages();
    let rows: String = (0..8000)
        .map(|i| format!("  - {{ place: Place number {i}, count: {i} }}\n"))
        .collect();
    site.write(
        "content/data/places.yaml",
        &format!("title: Places\nsource: S\ncolumns:\n  - key: place\n    label: Place\n  - key: count\n    label: Count\n    type: number\nrows:\n{rows}"),
    );
    site.page(
        "briefs/tables.md",
        &brief("Tables", "2017-01-02"),
        "{{ table(data=\"places\") }}\n\nText.\n\n{{ table(data=\"places\") }}\n\n{{ table(data=\"places\") }}\n",
    );
    let run = build_within(&site, LIMIT);
    run.assert_error("content/briefs/tables.md:5:1: error: this page makes");
    assert!(
        run.stderr
            .contains("help: `{{ table(data=\"places\") }}` at line 5 made"),
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.contains("link to a large table's CSV download (/data/<id>.csv) instead of showing it whole (this page shows `places`)"),
        "{}",
        tail(&run.stderr)
    );
}

#[test]
fn a_page_whose_own_markdown_makes_over_max_page_mb_is_an_error_at_its_first_line() {
    let site = site_of_small_pages();
    let mut body = String::from("| a | b | c | d |\n|---|---|---|---|\n");
    while body.len() < 600 * 1024 {
        body.push_str("| x | y | z | w |\n");
    }
    site.page("briefs/large.md", &brief("Large", "2017-01-02"), &body);
    let run = build_within(&site, LIMIT);
    run.assert_error("content/briefs/large.md:1:1: error: this page makes 1.");
    assert!(
        run.stderr
            .contains("MB of HTML, more than the 1 MB a page may have"),
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.contains(
            "help: split the page into several, or raise `max_page_mb` in site.yaml (now 1)"
        ),
        "{}",
        tail(&run.stderr)
    );
}

fn tail(text: &str) -> &str {
    &text[text.len().saturating_sub(2000)..]
}

#[test]
fn thousands_of_headings_of_one_text_and_pages_of_one_url_stay_linear() {
    let site = built_site();
    let headings: String = (0..20_000).map(|_| "## Same heading\n\n").collect();
    site.page("briefs/same.md", &brief("Same", "2017-01-02"), &headings);
    let run = build_within(&site, LIMIT);
    run.assert_ok();
    let html = site.read("output/briefs/same/index.html");
    assert!(html.contains("id=\"same-heading-19999\""));

    // 3,000 pages with one URL: each error names a few of the others and counts the rest.
    std::fs::remove_file(site.path("content/briefs/same.md")).unwrap();
    for i in 0..3_000 {
        site.page(
            &format!("briefs/p{i}.md"),
            &format!("{}\nslug: same", brief("P", "2017-01-01")),
            "x\n",
        );
    }
    let run = build_within(&site, LIMIT);
    run.assert_error(
        "content/briefs/p0.md:4:7: error: 3,000 pages have the URL /briefs/same/: this one and content/briefs/p1.md, content/briefs/p10.md, content/briefs/p100.md and 2,996 more",
    );
}
