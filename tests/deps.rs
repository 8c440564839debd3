//! The dependency record each output keeps (through the library API), for watch mode. A
//! session that builds again keeps it; a one-off `build`, which never rebuilds, does not
//! make it.

mod common;

use centerview::build::{Options, Session};
use centerview::output::Deps;
use common::{Site, brief};
use std::collections::BTreeMap;

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
    let mut options = Options::new(site.root());
    options.write = false;
    let mut session = Session::new(&options).expect("a session");
    let built = session.build(None).expect("build");
    let deps: BTreeMap<String, Deps> = (built.outputs.iter())
        .map(|o| (o.path.clone(), (*o.deps).clone()))
        .collect();

    let a = &deps["briefs/a/index.html"];
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

    let c = &deps["posts/c/index.html"];
    assert!(
        c.templates.contains("shortcodes/sidebar.html"),
        "shortcode templates count"
    );
    assert!(!a.templates.contains("shortcodes/sidebar.html"));

    let listing = &deps["briefs/index.html"];
    assert!(
        listing.files.contains("content/briefs/a.md")
            && listing.files.contains("content/briefs/b.md")
    );
    assert!(listing.templates.contains("section.html"));

    let topic = &deps["topics/t/index.html"];
    assert!(
        topic.files.contains("content/briefs/a.md") && !topic.files.contains("content/briefs/b.md")
    );

    let css = &deps["css/centerview.css"];
    assert!(
        css.files.is_empty(),
        "built-in static files depend on nothing in the site"
    );
    for (path, record) in deps.iter().filter(|(k, _)| k.ends_with(".html")) {
        assert!(record.files.contains("site.yaml"), "{path}: {record:?}");
        assert!(!record.templates.is_empty(), "{path}: {record:?}");
    }
}
