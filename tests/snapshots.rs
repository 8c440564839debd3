//! HTML snapshots of one page of each kind, from tests/fixtures/kinds. Review changes with
//! `cargo insta review` (or set INSTA_UPDATE=always and read the diff in git).

mod common;

use common::{copy_dir, main_of};
use std::path::Path;

fn build_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/kinds"), dir.path());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

#[test]
fn one_page_of_each_kind() {
    let dir = build_fixture();
    let read = |rel: &str| std::fs::read_to_string(dir.path().join("output").join(rel)).unwrap();
    insta::assert_snapshot!("brief_full_page", read("briefs/brief/index.html"));
    for (name, rel) in [
        ("case_study", "case-studies/case/index.html"),
        ("report", "reports/report/index.html"),
        ("insight", "insights/insight/index.html"),
        ("post", "posts/post/index.html"),
        ("page", "about/index.html"),
        ("home", "index.html"),
        ("section", "case-studies/index.html"),
        ("series", "series/district-capacity/index.html"),
        ("topic", "topics/teacher-leaders/index.html"),
    ] {
        insta::assert_snapshot!(name, main_of(&read(rel)));
    }
    insta::assert_snapshot!("atom", read("atom.xml"));
}
