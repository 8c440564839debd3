//! Related publications on the example site: pairs judged by reading the content (a page and
//! a publication that must, or must not, be among its related ones), asserted on the built
//! HTML; and the editor's own choice in `related`.

mod common;

use common::{build_into, example_site};
use std::path::Path;

/// (page, publication that must be among its related publications, why).
const MUST_RELATE: &[(&str, &str, &str)] = &[
    (
        "posts/partnership-announcement",
        "/briefs/partnership/",
        "the post announces that brief",
    ),
    (
        "reports/math-in-common",
        "/case-studies/oakland-site-grants/",
        "the report prints that case study in full",
    ),
    (
        "case-studies/long-beach-coaching",
        "/reports/math-in-common/",
        "the report shows this case study",
    ),
    (
        "case-studies/elk-grove-site-coaches",
        "/case-studies/long-beach-coaching/",
        "both are district coaching for the math standards",
    ),
    (
        "insights/teacher-leaders",
        "/briefs/partnership/",
        "the brief is about districts growing their own teacher leaders",
    ),
    (
        "briefs/snapshot",
        "/reports/collaborative-meeting-23/",
        "both are about districts implementing the Common Core",
    ),
];

/// (page, publication that must not be among its related publications, why).
const MUST_NOT_RELATE: &[(&str, &str, &str)] = &[
    (
        "briefs/snapshot",
        "/briefs/partnership/",
        "another part of its series: the series box lists it",
    ),
    (
        "briefs/snapshot",
        "/briefs/next-steps/",
        "another part of its series",
    ),
    (
        "briefs/partnership",
        "/briefs/snapshot/",
        "another part of its series",
    ),
    (
        "case-studies/elk-grove-site-coaches",
        "/briefs/next-steps/",
        "funding and materials after the Common Core, not school coaching",
    ),
    (
        "posts/partnership-announcement",
        "/case-studies/long-beach-coaching/",
        "an announcement of a brief on technical assistance, not a math coaching case",
    ),
];

/// The URLs of a built page's related publications, in order; `None` without the section.
fn related_of(out: &Path, page: &str) -> Option<Vec<String>> {
    let html = std::fs::read_to_string(out.join(page).join("index.html"))
        .unwrap_or_else(|e| panic!("{page}: {e}"));
    let start = html.find("<section class=\"related-pubs\"")?;
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        section.contains("<h2 id=\"related-publications\""),
        "{section}"
    );
    Some(
        section
            .split("class=\"card-title\"><a href=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .collect(),
    )
}

fn built_example(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    example_site(&root);
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--no-pdf", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    (dir, out)
}

#[test]
fn judged_pairs_on_the_example_site() {
    let (_dir, out) = built_example(&[]);
    let mut wrong = Vec::new();
    for &(page, related, why) in MUST_RELATE {
        let found = related_of(&out, page).unwrap_or_default();
        if !found.iter().any(|u| u == related) {
            wrong.push(format!(
                "{page} should show {related} ({why}); it shows {found:?}"
            ));
        }
    }
    for &(page, related, why) in MUST_NOT_RELATE {
        let found = related_of(&out, page).unwrap_or_default();
        if found.iter().any(|u| u == related) {
            wrong.push(format!(
                "{page} should not show {related} ({why}); it shows {found:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_publication_shows_at_most_three_others_and_plain_pages_none() {
    let (_dir, out) = built_example(&["--drafts"]);
    for section in ["briefs", "case-studies", "reports", "insights", "posts"] {
        for entry in std::fs::read_dir(out.join(section)).unwrap() {
            let path = entry.unwrap().path();
            let page = format!("{section}/{}", path.file_name().unwrap().to_string_lossy());
            if !path.join("index.html").exists() || page.ends_with("/page") {
                continue;
            }
            let html = std::fs::read_to_string(path.join("index.html")).unwrap();
            if html.contains("http-equiv=\"refresh\"") {
                continue; // an alias
            }
            let related = related_of(&out, &page)
                .unwrap_or_else(|| panic!("{page} has no related publications"));
            let own = format!("/{page}/");
            assert!((1..=3).contains(&related.len()), "{page}: {related:?}");
            assert!(!related.contains(&own), "{page} shows itself");
            assert!(
                !related
                    .iter()
                    .any(|u| u.contains("science-standards-preview")),
                "{page} shows a draft: {related:?}"
            );
        }
    }
    assert_eq!(related_of(&out, "about"), None, "a plain page shows none");
}

#[test]
fn an_editors_choice_replaces_the_chosen_ones_and_an_empty_list_shows_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    example_site(&root);
    let edit = |rel: &str, line: &str| {
        let path = root.join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("---\n", &format!("---\n{line}\n"), 1)).unwrap();
    };
    edit(
        "briefs/snapshot.md",
        "related: [../posts/partnership-announcement.md, ../case-studies/elk-grove-site-coaches.md]",
    );
    edit("reports/math-in-common.md", "related: []");
    let out = dir.path().join("out");
    build_into(&root, &out);
    assert_eq!(
        related_of(&out, "briefs/snapshot").unwrap(),
        [
            "/posts/partnership-announcement/",
            "/case-studies/elk-grove-site-coaches/"
        ]
    );
    assert_eq!(related_of(&out, "reports/math-in-common"), None);
}
