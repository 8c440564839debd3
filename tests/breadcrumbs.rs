//! Breadcrumbs: every page under a section (and every topic and series page) shows where it
//! is, Home › section › page, and says so to search engines as a `BreadcrumbList`.

mod common;

use common::Site;

/// The names and links of a page's breadcrumbs, and which one is marked current.
fn crumbs(html: &str) -> Vec<(String, String, bool)> {
    let start = html
        .find(r#"<nav class="breadcrumbs""#)
        .expect("breadcrumbs");
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("<li>")
        .skip(1)
        .map(|li| {
            let href = li
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let name = li.split('>').nth(1).unwrap().split('<').next().unwrap();
            let current = li.contains(r#"aria-current="page""#);
            (name.to_string(), href.to_string(), current)
        })
        .collect()
}

/// The `BreadcrumbList` JSON-LD of a page, parsed.
fn breadcrumb_list(html: &str) -> serde_json::Value {
    html.split(r#"<script type="application/ld+json">"#)
        .skip(1)
        .map(|s| serde_json::from_str::<serde_json::Value>(s.split("</script>").next().unwrap()))
        .map(Result::unwrap)
        .find(|v| v["@type"] == "BreadcrumbList")
        .expect("a BreadcrumbList")
}

fn owned(list: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    list.iter()
        .map(|(n, u, c)| (n.to_string(), u.to_string(), *c))
        .collect()
}

#[test]
fn a_publication_shows_home_its_section_and_itself() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: CenterView\ndescription: Test site\nbase_url: https://example.org/center/\n",
    );
    site.page(
        "briefs/partnership.md",
        "title: It begins with a \"partnership\" & <trust>\ndate: 2016-12-06\ntopics: [Common Core]\nseries: District capacity\npart: 1",
        "Text.\n",
    );
    site.page("about.md", "title: About", "About us.\n");
    site.build().assert_ok();

    let html = site.read("output/briefs/partnership/index.html");
    assert_eq!(
        crumbs(&html),
        owned(&[
            ("Home", "/center/", false),
            ("Briefs", "/center/briefs/", false),
            (
                "It begins with a “partnership” &amp; &lt;trust&gt;",
                "/center/briefs/partnership/",
                true
            ),
        ])
    );
    // Above the title, in the page's header.
    assert!(html.find("breadcrumbs").unwrap() < html.find("<h1").unwrap());

    let list = breadcrumb_list(&html);
    assert_eq!(list["@context"], "https://schema.org");
    let items = list["itemListElement"].as_array().unwrap();
    let seen: Vec<(u64, &str, &str)> = items
        .iter()
        .map(|i| {
            assert_eq!(i["@type"], "ListItem");
            (
                i["position"].as_u64().unwrap(),
                i["name"].as_str().unwrap(),
                i["item"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, "Home", "https://example.org/center/"),
            (2, "Briefs", "https://example.org/center/briefs/"),
            (
                3,
                "It begins with a “partnership” & <trust>",
                "https://example.org/center/briefs/partnership/"
            ),
        ]
    );
    // The title's `<` cannot end the script element.
    assert!(!html.contains("& <trust>\""));

    // A plain page is in no section: no trail.
    let about = site.read("output/about/index.html");
    assert!(!about.contains("breadcrumbs"), "{about}");
    assert!(!about.contains("BreadcrumbList"));

    // Topic and series pages: Home › Topics › the topic; Home › Series › the series.
    let topic = site.read("output/topics/common-core/index.html");
    assert_eq!(
        crumbs(&topic),
        owned(&[
            ("Home", "/center/", false),
            ("Topics", "/center/topics/", false),
            ("Common Core", "/center/topics/common-core/", true),
        ])
    );
    assert_eq!(
        breadcrumb_list(&topic)["itemListElement"][2]["name"],
        "Common Core"
    );
    // A profile: Home › Authors › the person.
    site.write(
        "content/authors/pamela-fong.md",
        "---\nname: Pamela Fong\n---\nA researcher.\n",
    );
    site.build().assert_ok();
    let author = site.read("output/authors/pamela-fong/index.html");
    assert_eq!(
        crumbs(&author),
        owned(&[
            ("Home", "/center/", false),
            ("Authors", "/center/authors/", false),
            ("Pamela Fong", "/center/authors/pamela-fong/", true),
        ])
    );
    let series = site.read("output/series/district-capacity/index.html");
    assert_eq!(
        crumbs(&series),
        owned(&[
            ("Home", "/center/", false),
            ("Series", "/center/series/", false),
            (
                "District capacity",
                "/center/series/district-capacity/",
                true
            ),
        ])
    );
}

#[test]
fn every_section_names_itself_in_the_trail() {
    let site = Site::new();
    for (rel, section) in [
        ("briefs/a.md", "Briefs"),
        ("case-studies/a.md", "Case Studies"),
        ("reports/a.md", "Reports"),
        ("insights/a.md", "CA Insights"),
        ("posts/a.md", "Blog"),
    ] {
        let front = format!("title: In {section}\ndate: 2017-01-01");
        let front = match rel.starts_with("case-studies") {
            true => format!("{front}\ndistrict: Fresno Unified\nregion: Central Valley"),
            false => front,
        };
        site.page(rel, &front, "Text.\n");
    }
    site.build().assert_ok();
    for (folder, section) in [
        ("briefs", "Briefs"),
        ("case-studies", "Case Studies"),
        ("reports", "Reports"),
        ("insights", "CA Insights"),
        ("posts", "Blog"),
    ] {
        let html = site.read(&format!("output/{folder}/a/index.html"));
        let trail = crumbs(&html);
        assert_eq!(
            trail[1],
            (section.to_string(), format!("/{folder}/"), false)
        );
        assert_eq!(trail[2].0, format!("In {section}"));
    }
}
