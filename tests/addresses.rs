//! Every published file has one owner, and every address is a URL: an alias never replaces
//! another output (a page, a citation, a CSV, an asset, a theme file, the search index, a
//! dotfile), is a plain path in the `_redirects` format, and a content file or folder whose
//! name is not safe in a URL path is an error at that file. `check` reports each exactly as
//! `build` does.

mod common;

use common::{Run, Site, brief};

/// A site with a brief, a data table and an asset, built once.
fn site_with_outputs() -> Site {
    let site = Site::new();
    site.page(
        "briefs/partnership.md",
        &brief("Partnership", "2017-01-01"),
        "Text.\n",
    );
    site.write(
        "content/data/t.yaml",
        "title: T\nsource: S\ncolumns:\n  - key: a\n    label: A\nrows:\n  - { a: x }\n",
    );
    site.write("content/assets/x.png", "png");
    site.build().assert_ok();
    site
}

/// A post whose front matter lists `aliases`, one a line from line 5 on.
fn post_with_aliases(site: &Site, aliases: &[&str]) {
    let list: String = aliases.iter().map(|a| format!("  - {a}\n")).collect();
    site.page(
        "posts/other.md",
        &format!("title: Other\ndate: 2017-01-02\naliases:\n{list}"),
        "Text.\n",
    );
}

/// The error lines (`file:line:col: error: ...`) of a run.
fn error_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect()
}

/// Runs `build` and `check`: both fail with exactly these error lines, and `output/` is as
/// it was.
#[track_caller]
fn both_fail_with(site: &Site, expected: &[&str]) {
    let before = site.output_files();
    let build = site.build();
    let check = site.run(&["check"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(error_lines(&build), expected, "\n{}", build.stderr);
    assert_eq!(
        error_lines(&check),
        expected,
        "check as build:\n{}",
        check.stderr
    );
    assert!(site.output_files() == before, "output/ changed");
}

#[test]
fn an_alias_never_replaces_another_output() {
    let site = site_with_outputs();
    site.page(
        "briefs/partnership.md",
        "title: Partnership\ndate: 2017-01-01\naliases: [/briefs/partnership/index.html, /same/]",
        "Text.\n",
    );
    post_with_aliases(
        &site,
        &[
            "/briefs/partnership/index.html",
            "/briefs/partnership/cite.bib",
            "/data/t.csv",
            "/index.html",
            "/404.html",
            "/search/index.html",
            "/same/index.html",
            "/assets/x.png",
            "/search/manifest.bin",
            "/briefs/partnership/cite.ris/old/",
            "/css/centerview.css",
            "/atom.xml",
            "/sitemap.xml/x/",
            "/fine/",
        ],
    );
    let p = "content/posts/other.md";
    both_fail_with(
        &site,
        &[
            "content/briefs/partnership.md:4:11: error: the alias `/briefs/partnership/index.html` is this page's own address",
            &format!(
                "{p}:5:5: error: the alias `/briefs/partnership/index.html` is the address of content/briefs/partnership.md"
            ),
            &format!(
                "{p}:6:5: error: the alias `/briefs/partnership/cite.bib` is the BibTeX citation of content/briefs/partnership.md"
            ),
            &format!("{p}:7:5: error: the alias `/data/t.csv` is the CSV of data table `t`"),
            &format!("{p}:8:5: error: the alias `/index.html` is the home page"),
            &format!("{p}:9:5: error: the alias `/404.html` is the not-found page"),
            &format!("{p}:10:5: error: the alias `/search/index.html` is the search page"),
            &format!(
                "{p}:11:5: error: the alias `/same/index.html` is also an alias of content/briefs/partnership.md"
            ),
            &format!(
                "{p}:12:5: error: the alias `/assets/x.png` is where content/assets/x.png is copied"
            ),
            &format!("{p}:13:5: error: the alias `/search/manifest.bin` is the search index"),
            &format!(
                "{p}:14:5: error: the alias `/briefs/partnership/cite.ris/old/` needs `briefs/partnership/cite.ris` to be a folder, where the RIS citation of content/briefs/partnership.md is written"
            ),
            &format!(
                "{p}:15:5: error: the alias `/css/centerview.css` is where the built-in theme's static/css/centerview.css is copied"
            ),
            &format!("{p}:16:5: error: the alias `/atom.xml` is the feed"),
            &format!(
                "{p}:17:5: error: the alias `/sitemap.xml/x/` needs `sitemap.xml` to be a folder, where the sitemap is written"
            ),
        ],
    );
}

#[test]
fn an_alias_is_never_a_dotfile_or_the_redirects_file() {
    let site = site_with_outputs();
    post_with_aliases(
        &site,
        &[
            "/.centerview",
            "/.htaccess",
            "/.well-known/security.txt",
            "/.git/config",
            "/a/../b/",
            "/_redirects",
        ],
    );
    let p = "content/posts/other.md";
    let hidden = "names a hidden file or folder";
    both_fail_with(
        &site,
        &[
            &format!(
                "{p}:5:5: error: the alias `/.centerview` {hidden} (`.centerview`), which the site never publishes"
            ),
            &format!(
                "{p}:6:5: error: the alias `/.htaccess` {hidden} (`.htaccess`), which the site never publishes"
            ),
            &format!(
                "{p}:7:5: error: the alias `/.well-known/security.txt` {hidden} (`.well-known`), which the site never publishes"
            ),
            &format!(
                "{p}:8:5: error: the alias `/.git/config` {hidden} (`.git`), which the site never publishes"
            ),
            &format!(
                "{p}:9:5: error: the alias `/a/../b/` {hidden} (`..`), which the site never publishes"
            ),
            &format!("{p}:10:5: error: the alias `/_redirects` is the list of redirects itself"),
        ],
    );
}

#[test]
fn an_alias_is_a_plain_path_of_the_redirects_format() {
    let site = site_with_outputs();
    let long = format!("/{}/", "x".repeat(256));
    post_with_aliases(
        &site,
        &[
            "/old/*",
            "/old/:slug/",
            "/old!",
            "\"/old name/\"",
            "\"/old\\tname/\"",
            "\"/old\\nnew/ 200\"",
            "\"/old\\0/\"",
            "\"/old%20name/\"",
            "/a//b/",
            &long,
        ],
    );
    let p = "content/posts/other.md";
    let mut expected: Vec<String> = [
        "/old/*` holds `*`, a wildcard in `_redirects`",
        "/old/:slug/` holds `:`, which starts a placeholder in `_redirects` and a scheme in a link",
        "/old!` holds `!`, which forces a redirect in `_redirects`",
        "/old name/` holds a space",
        "/old\\tname/` holds a tab",
        "/old\\nnew/ 200` holds a line break",
        "/old\\u0000/` holds a NUL character",
        "/old%20name/` holds `%`, which starts an encoded character in an address",
        "/a//b/` has an empty folder name (`//`)",
    ]
    .iter()
    .enumerate()
    .map(|(i, rest)| format!("{p}:{}:5: error: the alias `{rest}", i + 5))
    .collect();
    expected.push(format!(
        "{p}:14:5: error: the alias `{long}` has a name of 256 bytes, longer than a file name may be (255)"
    ));
    // Control characters in a value are shown escaped (`\n`), never obeyed.
    let build = site.build();
    let check = site.run(&["check"]);
    assert_eq!(build.code, 1);
    // All but the summary line, which names the command.
    let messages = |run: &Run| {
        let summary = run.stderr.trim_end().rfind('\n').unwrap_or(0);
        run.stderr[..summary].to_string()
    };
    assert_eq!(messages(&build), messages(&check), "check as build");
    for needle in &expected {
        assert!(
            build.stderr.contains(needle.as_str()),
            "{needle}\n{}",
            build.stderr
        );
    }
    assert_eq!(
        error_lines(&build).len(),
        expected.len(),
        "{}",
        build.stderr
    );
}

#[test]
fn one_address_whatever_its_spelling_and_good_aliases_kept() {
    let site = site_with_outputs();
    site.page(
        "briefs/partnership.md",
        "title: Partnership\ndate: 2017-01-01\naliases: [/old/index.html, /older]",
        "Text.\n",
    );
    site.build().assert_ok();
    assert!(
        site.read("output/old/index.html")
            .contains("url=/briefs/partnership/")
    );
    assert!(site.exists("output/older/index.html"));
    assert_eq!(
        site.read("output/_redirects"),
        "/old/ /briefs/partnership/ 301\n/older/ /briefs/partnership/ 301\n"
    );
    // `/older/` and `/older/index.html` are one address: a second page cannot take it.
    post_with_aliases(&site, &["/older/index.html", "/old/"]);
    both_fail_with(
        &site,
        &[
            "content/posts/other.md:5:5: error: the alias `/older/index.html` is also an alias of content/briefs/partnership.md",
            "content/posts/other.md:6:5: error: the alias `/old/` is also an alias of content/briefs/partnership.md",
        ],
    );
}

#[test]
fn a_content_name_not_safe_in_an_address_is_an_error_at_that_file() {
    let site = site_with_outputs();
    site.page("about us/index.md", "title: About", "Text.\n");
    site.write("content/assets/Fig 1 (draft).png", "png");
    site.page("briefs/b#1?.md", &brief("B", "2017-01-01"), "x\n");
    site.page("briefs/q\"<%.md", &brief("Q", "2017-01-01"), "x\n");
    site.page("briefs/educación.md", &brief("E", "2017-01-01"), "x\n");
    let not_safe = "is not safe in a web address: it holds";
    both_fail_with(
        &site,
        &[
            &format!(
                "content/about us: error: the name of the folder content/about us {not_safe} a space"
            ),
            &format!(
                "content/assets/Fig 1 (draft).png: error: the name of the file content/assets/Fig 1 (draft).png {not_safe} a space"
            ),
            &format!(
                "content/briefs/b#1?.md: error: the name of the file content/briefs/b#1?.md {not_safe} `#`, which starts the part of an address after the page"
            ),
            &format!(
                "content/briefs/educación.md: error: the name of the file content/briefs/educación.md {not_safe} `ó`, a character outside a-z, which systems spell differently"
            ),
            &format!(
                "content/briefs/q\"<%.md: error: the name of the file content/briefs/q\"<%.md {not_safe} a quote (`\"`)"
            ),
        ],
    );
    let run = site.build();
    assert!(
        run.stderr.contains("help: rename it `about-us`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: rename it `Fig-1-(draft).png`"));
    assert!(run.stderr.contains("help: rename it `educacion.md`"));
}

#[test]
fn a_line_break_in_a_file_name_never_reaches_the_redirects_file() {
    let site = site_with_outputs();
    site.page("old\nnew/index.md", "title: Odd", "Text.\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is not safe in a web address: it holds a line break"),
        "{}",
        run.stderr
    );
    assert!(!site.read("output/_redirects").contains("new"));
}
