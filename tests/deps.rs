//! The dependency record each output keeps (through the library API), for watch mode.

mod common;

use centerview::build::{Options, build};
use common::{Site, brief};

#[test]
fn each_output_records_its_sources_and_templates() {
    let site = Site::new();
    site.page(
        "briefs/a.md",
        "title: A\ndate: 2017-01-01\nseries: S\npart: 1\ntopics: [T]",
        "See [b](b.md).\n",
    );
    site.page(
        "briefs/b.md",
        "title: B\ndate: 2017-01-02\nseries: S\npart: 2",
        "B.\n",
    );
    site.page(
        "posts/c.md",
        &brief("C", "2017-01-03"),
        "{% sidebar(title=\"x\") %}\nY.\n{% end %}\n",
    );
    let report = build(&Options::new(site.root())).expect("build");

    let a = &report.deps["briefs/a/index.html"];
    assert!(a.files.contains("content/briefs/a.md"));
    assert!(
        a.files.contains("content/briefs/b.md"),
        "series sibling and link target"
    );
    assert!(a.files.contains("site.yaml"));
    assert!(!a.files.contains("content/posts/c.md"));
    for template in ["page.html", "base.html", "components.html"] {
        assert!(
            a.templates.contains(template),
            "{template} missing from {:?}",
            a.templates
        );
    }

    let c = &report.deps["posts/c/index.html"];
    assert!(
        c.templates.contains("shortcodes/sidebar.html"),
        "shortcode templates count"
    );
    assert!(!a.templates.contains("shortcodes/sidebar.html"));

    let listing = &report.deps["briefs/index.html"];
    assert!(
        listing.files.contains("content/briefs/a.md")
            && listing.files.contains("content/briefs/b.md")
    );
    assert!(listing.templates.contains("section.html"));

    let topic = &report.deps["topics/t/index.html"];
    assert!(
        topic.files.contains("content/briefs/a.md") && !topic.files.contains("content/briefs/b.md")
    );

    let css = &report.deps["css/centerview.css"];
    assert!(
        css.files.is_empty(),
        "built-in static files depend on nothing in the site"
    );
    assert_eq!(
        report.pages,
        report.deps.keys().filter(|k| k.ends_with(".html")).count()
    );
}
