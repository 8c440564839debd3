//! People's profiles as the build publishes them: `/authors/<slug>/` (profile, biography,
//! publications newest first, paginated like a section), `/authors/`, and every place a
//! publication names its authors: the byline, cards, "Cite this" and JSON-LD.

mod common;

use common::{Site, main_of};

/// A site with one profile and three publications by its person (one with a co-author who
/// has no profile), listings of two entries a page.
fn site() -> Site {
    let site = Site::new();
    site.write("site.yaml", &format!("{}page_size: 2\n", common::SITE_YAML));
    site.write("content/assets/ann.png", "not read");
    site.page(
        "authors/ann-lee.md",
        "name: Ann Lee\nrole: Senior researcher\naffiliation: The Center\nphoto: /assets/ann.png\nphoto_alt: Ann Lee at her desk\norcid: 0000-0002-1825-0097\nemail: alee@example.org",
        "Ann studies *district partnerships*.\n",
    );
    site.page(
        "briefs/old.md",
        "title: The oldest brief\ndate: 2016-01-01\nauthors: [Ann Lee]",
        "Old.\n",
    );
    site.page(
        "briefs/new.md",
        "title: The newest brief\ndate: 2018-01-01\nauthors: [Sam Other, Ann Lee]",
        "New.\n",
    );
    site.page(
        "reports/mid.md",
        "title: The middle report\ndate: 2017-01-01\nauthors: [Ann Lee]",
        "Middle.\n",
    );
    site.page(
        "briefs/else.md",
        "title: Someone else's brief\ndate: 2017-06-01\nauthors: [Sam Other]",
        "Else.\n",
    );
    site.build().assert_ok();
    site
}

fn titles_in_order(html: &str, titles: &[&str]) -> Vec<usize> {
    titles
        .iter()
        .map(|t| html.find(t).unwrap_or_else(|| panic!("{t} missing")))
        .collect()
}

#[test]
fn a_profile_page_shows_the_person_and_their_publications_newest_first() {
    let site = site();
    let html = site.read("output/authors/ann-lee/index.html");
    let main = main_of(&html);
    assert!(main.contains("<h1>Ann Lee"), "{main}");
    assert!(
        main.contains(
            r#"<img class="profile-photo" src="/assets/ann.png" alt="Ann Lee at her desk""#
        ),
        "{main}"
    );
    assert!(
        main.contains("Senior researcher, <span class=\"profile-affiliation\">The Center</span>"),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="https://orcid.org/0000-0002-1825-0097" rel="me">"#),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="mailto:alee@example.org">"#),
        "{main}"
    );
    assert!(
        main.contains("Ann studies <em>district partnerships</em>."),
        "{main}"
    );
    assert!(
        main.contains("Publications <span class=\"profile-count\">(3)</span>"),
        "{main}"
    );
    // Two a page, newest first: the newest and the middle here, the oldest on page 2.
    let at = titles_in_order(main, &["The newest brief", "The middle report"]);
    assert!(at[0] < at[1], "{main}");
    assert!(
        !main.contains("The oldest brief") && !main.contains("Someone else"),
        "{main}"
    );
    assert!(
        main.contains(r#"href="/authors/ann-lee/page/2/""#),
        "{main}"
    );
    let second = site.read("output/authors/ann-lee/page/2/index.html");
    assert!(main_of(&second).contains("The oldest brief"), "{second}");
    assert!(
        !main_of(&second).contains("Ann studies"),
        "the biography is on the first page only"
    );
    assert!(html.contains(r#""@type":"Person","name":"Ann Lee","url":"https://example.org/authors/ann-lee/","sameAs":"https://orcid.org/0000-0002-1825-0097""#), "{html}");
    let sitemap = site.read("output/sitemap.xml");
    for url in ["/authors/", "/authors/ann-lee/", "/authors/ann-lee/page/2/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org{url}</loc>")),
            "{url}: {sitemap}"
        );
    }
}

#[test]
fn the_list_of_authors_names_everyone_with_role_and_affiliation() {
    let site = site();
    let html = site.read("output/authors/index.html");
    let main = main_of(&html);
    assert!(
        main.contains(r#"<a href="/authors/ann-lee/">Ann Lee</a>"#),
        "{main}"
    );
    assert!(main.contains("Senior researcher, The Center"), "{main}");
    assert!(main.contains("3 publications"), "{main}");
    assert!(
        !main.contains("Sam Other"),
        "no profile, not listed: {main}"
    );
}

#[test]
fn bylines_cards_and_citations_link_authors_with_a_profile() {
    let site = site();
    let html = site.read("output/briefs/new/index.html");
    assert!(
        html.contains(r#"<span class="byline">By Sam Other and <a href="/authors/ann-lee/">Ann Lee</a></span>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<p class="apa">Other, S., &amp; <a href="/authors/ann-lee/">Lee, A.</a> (2018)."#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#""author":[{"@type":"Person","name":"Sam Other"},{"@type":"Person","name":"Ann Lee","url":"https://example.org/authors/ann-lee/","sameAs":"https://orcid.org/0000-0002-1825-0097"}]"#),
        "{html}"
    );
    let listing = site.read("output/briefs/index.html");
    assert!(
        listing.contains(r#"<span class="card-byline">By Sam Other and <a href="/authors/ann-lee/">Ann Lee</a></span>"#),
        "{listing}"
    );
    let home = site.read("output/index.html");
    assert!(
        home.contains(r#"<a href="/authors/ann-lee/">Ann Lee</a>"#),
        "{home}"
    );
}

#[test]
fn a_site_without_profiles_has_no_list_of_authors() {
    let site = Site::new();
    site.page(
        "briefs/a.md",
        "title: A\ndate: 2017-01-01\nauthors: [Ann Lee]",
        "A.\n",
    );
    site.build().assert_ok();
    assert!(!site.exists("output/authors"));
    let html = site.read("output/briefs/a/index.html");
    assert!(
        html.contains(r#"<span class="byline">By Ann Lee</span>"#),
        "{html}"
    );
}

/// A theme's own page sees the authors one by one (`people`) and what the sharing tags show
/// (`share_image`), which listings' cards do not carry.
#[test]
fn a_page_of_a_theme_sees_its_people_and_sharing_image() {
    let site = site();
    site.write(
        "themes/centerview/templates/page.html",
        "{% for p in people %}[{{ p.name }}|{{ p.url }}|{{ p.orcid }}]{% endfor %}\
         <{% if share_image %}{{ share_image.url }}{% endif %}>",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/new/index.html");
    assert!(
        html.starts_with(
            "[Sam Other||][Ann Lee|/authors/ann-lee/|https://orcid.org/0000-0002-1825-0097]"
        ),
        "{html}"
    );
    assert!(html.ends_with("/briefs/new/card.png>"), "{html}");
}
