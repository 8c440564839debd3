//! A successful build: every output the contract lists, built from temp-dir sites with the
//! real binary.

mod common;

use common::{Site, brief, main_of};

fn series_site() -> Site {
    let site = Site::new();
    site.page(
        "briefs/snapshot.md",
        "title: A snapshot\ndate: 2016-10-04\nseries: District capacity\npart: 1\ntopics: [Common Core]",
        "First part.\n",
    )
    .page(
        "briefs/partnership.md",
        "title: It begins with a partnership\nsubtitle: Part two\ndate: 2016-12-06\nupdated: 2017-01-10\nauthors: [Pamela Fong, Robert Sheffield]\nseries: District capacity\npart: 2\ntopics: [Common Core, Teacher Leaders]\nsummary: Given summary.",
        "Body of part two.\n\n## Drawing on expertise\n\nText.\n",
    )
    .page(
        "briefs/next.md",
        "title: Next steps\ndate: 2017-03-07\nseries: District capacity\npart: 3",
        "The third part's first paragraph is its summary.\n\nSecond paragraph.\n",
    )
    .page("about/index.md", "title: About", "About the Center.\n")
    .page("case-studies/oakland.md", "title: Oakland grants\ndate: 2019-06-18\ndistrict: Oakland Unified School District\nregion: Bay Area", "Case.\n");
    site
}

#[test]
fn builds_every_output_the_contract_lists() {
    let site = series_site();
    site.build().assert_ok();
    for path in [
        "index.html",
        "briefs/index.html",
        "case-studies/index.html",
        "reports/index.html",
        "insights/index.html",
        "posts/index.html",
        "briefs/partnership/index.html",
        "case-studies/oakland/index.html",
        "about/index.html",
        "topics/index.html",
        "topics/common-core/index.html",
        "topics/teacher-leaders/index.html",
        "series/index.html",
        "series/district-capacity/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "css/centerview.css",
        ".centerview",
    ] {
        assert!(
            site.exists(&format!("output/{path}")),
            "missing output/{path}"
        );
    }
}

#[test]
fn every_page_has_the_required_head_and_landmarks() {
    let site = series_site();
    site.build().assert_ok();
    for (path, bytes) in site.output_files() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for needle in [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<title>",
            "<meta name=\"description\" content=\"",
            "<link rel=\"canonical\" href=\"https://example.org/",
            "<header class=\"masthead\">",
            "<nav id=\"site-nav\"",
            "<main id=\"main-content\"",
            "<footer class=\"site-footer\">",
            "class=\"skip-link\" href=\"#main-content\"",
        ] {
            assert!(html.contains(needle), "{path} lacks {needle}");
        }
    }
}

#[test]
fn a_series_part_shows_its_position_and_links_the_other_parts() {
    let site = series_site();
    site.build().assert_ok();
    let html = site.read("output/briefs/partnership/index.html");
    assert!(html.contains("Part 2 of 3"), "{}", main_of(&html));
    assert!(html.contains("href=\"/briefs/snapshot/\""));
    assert!(html.contains("href=\"/briefs/next/\""));
    assert!(html.contains("rel=\"prev\""));
    assert!(html.contains("rel=\"next\""));
    assert!(html.contains("<span aria-current=\"page\">It begins with a partnership</span>"));

    let series = site.read("output/series/district-capacity/index.html");
    let order: Vec<usize> = ["A snapshot", "It begins with a partnership", "Next steps"]
        .iter()
        .map(|t| series.find(t).unwrap_or_else(|| panic!("{t} missing")))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "parts are in part order"
    );
}

#[test]
fn titles_summaries_and_series_get_curly_quotes_wherever_they_are_shown() {
    let site = Site::new();
    site.page(
        "briefs/one.md",
        "title: \"Districts' progress\"\ndate: 2016-10-04\nseries: \"Leaders' view\"\npart: 1\nsummary: \"What leaders -- and teachers' unions -- said.\"",
        "First.\n",
    )
    .page(
        "briefs/two.md",
        "title: \"The \\\"next\\\" step\"\ndate: 2016-12-06\nseries: \"Leaders' view\"\npart: 2",
        "Second.\n",
    );
    site.build().assert_ok();
    let two = site.read("output/briefs/two/index.html");
    // The series box, and the pager's link back to part one.
    assert!(two.contains("in the series <a href=\"/series/leaders-view/\">Leaders’ view</a>"));
    assert!(
        two.contains("<span class=\"pager-label\">Previous part</span> Districts’ progress</a>"),
        "{}",
        main_of(&two)
    );
    let one = site.read("output/briefs/one/index.html");
    assert!(one.contains("<span class=\"pager-label\">Next part</span> The “next” step</a>"));
    let series = site.read("output/series/leaders-view/index.html");
    assert!(series.contains("<h1>Leaders’ view</h1>"));
    // The summary, in the listing's card and in the meta description.
    let summary = "What leaders – and teachers’ unions – said.";
    assert!(site.read("output/briefs/index.html").contains(summary));
    assert!(one.contains(&format!(
        "<meta name=\"description\" content=\"{summary}\">"
    )));
    for page in [&one, &two, &series] {
        assert!(!main_of(page).contains("&#39;"), "{}", main_of(page));
    }
}

#[test]
fn listings_are_newest_first_and_case_studies_grouped_by_region() {
    let site = series_site();
    site.build().assert_ok();
    let briefs = site.read("output/briefs/index.html");
    let next = briefs.find("Next steps").unwrap();
    let partnership = briefs.find("It begins with a partnership").unwrap();
    let snapshot = briefs.find("A snapshot").unwrap();
    assert!(next < partnership && partnership < snapshot);

    let cases = site.read("output/case-studies/index.html");
    assert!(cases.contains("Bay Area"));
    assert!(cases.contains("Oakland Unified School District"));
}

/// The titles of the cards in the home page's grid under the heading with this id.
fn home_grid(html: &str, heading: &str) -> Vec<String> {
    let section = &html[html
        .find(&format!("id=\"{heading}\""))
        .expect("the section")..];
    let grid = common::elements(section, "<div class=\"card-grid\">", "</div>")[0];
    common::elements(grid, "<h3 class=\"card-title\">", "</h3>")
        .into_iter()
        .map(common::text_of)
        .collect()
}

#[test]
fn the_home_page_shows_whole_rows_of_three_cards() {
    let site = Site::new();
    for i in 1..=4 {
        site.page(
            &format!("briefs/b{i}.md"),
            &brief(&format!("Brief {i}"), &format!("2017-0{i}-01")),
            "Text.\n",
        );
    }
    for i in 1..=5 {
        site.page(
            &format!("case-studies/c{i}.md"),
            &brief(&format!("Case {i}"), &format!("2019-0{i}-01")),
            "Text.\n",
        );
    }
    site.page("reports/r1.md", &brief("Report 1", "2014-01-01"), "Text.\n")
        .page("reports/r2.md", &brief("Report 2", "2019-06-01"), "Text.\n")
        .page("reports/r3.md", &brief("Report 3", "2018-06-01"), "Text.\n")
        .page(
            "insights/i1.md",
            &brief("Insight 1", "2017-09-01"),
            "Text.\n",
        )
        .page("posts/p1.md", &brief("Post 1", "2016-12-01"), "Text.\n");
    site.build().assert_ok();
    let home = site.read("output/index.html");
    assert_eq!(
        home_grid(&home, "latest-briefs"),
        ["Brief 4", "Brief 3", "Brief 2"]
    );
    assert_eq!(
        home_grid(&home, "cases-heading"),
        ["Case 5", "Case 4", "Case 3"]
    );
    // The newest of each kind comes before the newer second report; newest first.
    assert_eq!(
        home_grid(&home, "more-heading"),
        ["Report 2", "Insight 1", "Post 1"]
    );
    // Six case studies make two rows.
    site.page(
        "case-studies/c6.md",
        &brief("Case 6", "2019-06-01"),
        "Text.\n",
    );
    site.build().assert_ok();
    assert_eq!(
        home_grid(&site.read("output/index.html"), "cases-heading").len(),
        6
    );
}

#[test]
fn page_shows_front_matter_and_summaries_fall_back_to_the_first_paragraph() {
    let site = series_site();
    site.build().assert_ok();
    let html = site.read("output/briefs/partnership/index.html");
    assert!(html.contains("By Pamela Fong and Robert Sheffield"));
    assert!(html.contains("<time datetime=\"2016-12-06\">December 6, 2016</time>"));
    assert!(html.contains("Updated&nbsp;<time datetime=\"2017-01-10\">January 10, 2017</time>"));
    assert!(html.contains("<p class=\"subtitle\">Part two</p>"));
    assert!(html.contains("<meta name=\"description\" content=\"Given summary.\">"));
    let briefs = site.read("output/briefs/index.html");
    assert!(
        briefs.contains("The third part’s first paragraph is its summary."),
        "first paragraph used as summary"
    );
}

#[test]
fn a_summary_box_is_the_summary_when_front_matter_has_none() {
    let site = Site::new();
    site.page(
        "reports/r.md",
        "title: A report\ndate: 2019-01-01",
        "An opening paragraph, not the summary.\n\n{% summary() %}\nThe editor's **own** summary.\n\n- With one point.\n{% end %}\n\nMore text.\n",
    );
    site.page(
        "reports/given.md",
        "title: Given\ndate: 2019-02-01\nsummary: The front matter's summary wins.",
        "{% summary() %}\nNot this one.\n{% end %}\n",
    );
    site.page(
        "case-studies/c.md",
        "title: A case\ndate: 2019-01-01",
        "First words.\n\n{% summary() %}\nWhat the case shows.\n{% end %}\n",
    );
    site.page(
        "briefs/b.md",
        &brief("B", "2019-03-01"),
        "{{ case_study(id=\"c\") }}\n",
    );
    site.build().assert_ok();
    let page = site.read("output/reports/r/index.html");
    assert!(
        page.contains(
            "<meta name=\"description\" content=\"The editor’s own summary. With one point.\">"
        ),
        "the box's text, paragraphs and items joined"
    );
    let listing = site.read("output/reports/index.html");
    assert!(listing.contains("The editor’s own summary. With one point."));
    assert!(
        listing.contains("The front matter’s summary wins.") && !listing.contains("Not this one.")
    );
    let brief = site.read("output/briefs/b/index.html");
    assert!(
        brief.contains("<p class=\"vff-summary\">What the case shows.</p>"),
        "a case study's box uses its summary box too"
    );
}

#[test]
fn topics_slug_together_and_list_their_pages() {
    let site = series_site();
    site.page(
        "posts/p.md",
        "title: A post\ndate: 2017-01-01\ntopics: [teacher leaders]",
        "Post.\n",
    );
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr
            .contains("topic `teacher leaders` is spelled `Teacher Leaders` elsewhere"),
        "{}",
        run.stderr
    );
    let topic = site.read("output/topics/teacher-leaders/index.html");
    assert!(topic.contains("It begins with a partnership") && topic.contains("A post"));
    let index = site.read("output/topics/index.html");
    assert!(index.contains("Common Core") && index.contains("2 publications"));
}

#[test]
fn feed_and_sitemap_use_absolute_urls() {
    let site = series_site();
    for i in 0..25 {
        site.page(
            &format!("posts/p{i:02}.md"),
            &format!("title: Post {i}\ndate: 2020-01-{:02}", i + 1),
            "Body.\n",
        );
    }
    site.build().assert_ok();
    let feed = site.read("output/atom.xml");
    assert!(feed.starts_with("<?xml"));
    assert_eq!(feed.matches("<entry>").count(), 20, "the latest 20");
    assert!(feed.contains("<id>https://example.org/posts/p24/</id>"));
    assert!(!feed.contains("Post 4<"), "older entries are left out");
    assert!(feed.contains("<updated>2020-01-25T00:00:00Z</updated>"));
    let sitemap = site.read("output/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.org/briefs/partnership/</loc><lastmod>2017-01-10</lastmod>"
    ));
    assert!(sitemap.contains("<loc>https://example.org/about/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/topics/common-core/</loc>"));
}

#[test]
fn base_url_override_changes_every_link() {
    let site = series_site();
    site.run(&["build", "--base-url", "https://staging.example.org/cv"])
        .assert_ok();
    let html = site.read("output/briefs/partnership/index.html");
    assert!(html.contains("href=\"/cv/briefs/snapshot/\""));
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"https://staging.example.org/cv/briefs/partnership/\">"
    ));
    assert!(html.contains("href=\"/cv/css/centerview.css\""));
}

#[test]
fn no_search_leaves_the_index_out_and_says_so() {
    let site = series_site();
    site.build().assert_ok();
    assert!(site.exists("output/search/manifest.bin"));
    let run = site.run(&["build", "--no-search"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("; no search index (--no-search)"),
        "{}",
        run.stderr
    );
    assert!(
        !site.exists("output/search/manifest.bin"),
        "the old index is gone too"
    );
    assert!(
        site.exists("output/search/index.html"),
        "the search page stays"
    );
    assert!(site.exists("output/briefs/partnership/index.html"));
}

#[test]
fn markdown_extensions_render() {
    let site = Site::new();
    site.page(
        "briefs/x.md",
        &brief("Markdown", "2017-01-01"),
        "He said \"yes\" -- then --- left...\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n- [ ] todo\n\n## Same\n\n## Same\n\n## Custom {#my-id}\n\nA note.[^n] Again.[^n]\n\n[^n]: The note's text.\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains("He said “yes” – then — left…"));
    assert!(html.contains("<table>") && html.contains("<th>A</th>"));
    assert!(html.contains("<del>gone</del>"));
    assert!(html.contains("<input type=\"checkbox\" disabled checked aria-label=\"done\">"));
    assert!(
        html.contains("<h2 id=\"same\">Same</h2>") && html.contains("<h2 id=\"same-1\">Same</h2>")
    );
    assert!(html.contains("<h2 id=\"my-id\">Custom</h2>"));
    assert!(html.contains("<section class=\"endnotes\" aria-labelledby=\"endnotes\">\n<h2 id=\"endnotes\">Endnotes</h2>"));
    assert!(html.contains("<li id=\"fn_1\"><p>The note’s text. <a href=\"#fnref_1\""));
    assert!(
        html.contains("<a href=\"#fnref_1\" class=\"backref\" aria-label=\"Back to reference 1, use a\">↩\u{fe0e} <span class=\"backref-use\">a</span></a> <a href=\"#fnref_1_2\" class=\"backref\" aria-label=\"Back to reference 1, use b\">↩\u{fe0e} <span class=\"backref-use\">b</span></a>"),
        "a back-link per reference, told apart by a letter and by name"
    );
    assert!(html.contains("<a href=\"#fn_1\" id=\"fnref_1\""));
}

#[test]
fn relative_links_and_images_are_rewritten() {
    let site = Site::new();
    // An SVG: a PNG would be shown as a `<picture>` with resized copies (tests/images.rs).
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 3\"/>";
    site.write("content/assets/fig-one.svg", svg);
    site.page(
        "briefs/a.md",
        &brief("A", "2017-01-01"),
        "## Target heading\n\nText.\n",
    );
    site.page(
        "posts/b.md",
        &brief("B", "2017-01-02"),
        "[a](../briefs/a.md) [anchor](../briefs/a.md#target-heading) [home](../_index.md) [cases](../case-studies/_index.md) [ext](https://example.com/x.md) [abs](/somewhere/) ![A figure](../assets/fig%2Done.svg)\n",
    );
    site.build().assert_ok();
    let html = site.read("output/posts/b/index.html");
    assert!(html.contains("<a href=\"/briefs/a/\">a</a>"));
    assert!(html.contains("<a href=\"/briefs/a/#target-heading\">anchor</a>"));
    assert!(html.contains("<a href=\"/\">home</a>"));
    assert!(html.contains("<a href=\"/case-studies/\">cases</a>"));
    assert!(html.contains("<a href=\"https://example.com/x.md\">ext</a>"));
    assert!(html.contains("<a href=\"/somewhere/\">abs</a>"));
    // A link may percent-encode the file's name (`%2D` is `-`).
    assert!(html.contains("<img src=\"/assets/fig-one.svg\" alt=\"A figure\""));
    assert_eq!(
        site.read("output/assets/fig-one.svg"),
        svg,
        "assets are copied unchanged"
    );
}

#[test]
fn shortcodes_render_their_boxes_and_code_is_left_alone() {
    let site = Site::new();
    site.page(
        "briefs/x.md",
        &brief("Boxes", "2017-01-01"),
        "{% sidebar(title=\"What is it?\") %}\nSidebar *body* with a note.[^s]\n{% end %}\n\n{% pullquote(by=\"District Leader\") %}\nWe meet weekly.\n{% end %}\n\n{% action_steps(title=\"CenterView Action Steps\") %}\n- Partner with districts.\n{% end %}\n\n{% summary() %}\nShort version.\n{% end %}\n\nInline `{{ figure(data=\"x\") }}` code.\n\n```\n{% sidebar(title=\"x\") %}\n```\n\n[^s]: Inside a box.\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains("<aside class=\"box sidebar\" aria-labelledby=\"what-is-it\">\n<p class=\"box-title\" id=\"what-is-it\">What is it?</p>\n<p>Sidebar <em>body</em> with a note.<sup class=\"fnref\">"));
    assert!(html.contains("<figure class=\"pullquote\">\n<blockquote>\n<p>We meet weekly.</p>\n</blockquote>\n<figcaption>District Leader</figcaption>"));
    assert!(html.contains("<section class=\"box action-steps\" aria-labelledby=\"centerview-action-steps\">\n<h2 class=\"box-heading\" id=\"centerview-action-steps\">CenterView Action Steps</h2>"));
    assert!(
        html.contains("<p class=\"box-title\" id=\"summary\">Summary</p>\n<p>Short version.</p>")
    );
    assert!(html.contains("<code>{{ figure(data=\"x\") }}</code>"));
    assert!(html.contains("<pre><code>{% sidebar(title=\"x\") %}\n</code></pre>"));
    assert!(
        html.contains("<li id=\"fn_1\"><p>Inside a box."),
        "a footnote inside a box joins the endnotes"
    );
}

#[test]
fn shortcode_arguments_are_escaped() {
    let site = Site::new();
    site.page(
        "briefs/x.md",
        &brief("X", "2017-01-01"),
        "{% sidebar(title=\"<script>alert('x')</script> & co\") %}\nBody.\n{% end %}\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/x/index.html");
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn front_matter_values_are_escaped_but_raw_html_in_the_body_passes() {
    let site = Site::new();
    site.page(
        "briefs/x.md",
        "title: \"<b>Bold</b> & \\\"quoted\\\"\"\ndate: 2017-01-01\nsummary: \"<script>x</script>\"",
        "<div class=\"editor-html\">trusted</div>\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; “quoted”"));
    assert!(!html.contains("<script>x</script>"));
    assert!(html.contains("<div class=\"editor-html\">trusted</div>"));
}

#[test]
fn kinds_come_from_folders_and_can_be_overridden() {
    let site = Site::new();
    site.page(
        "posts/x.md",
        &brief("Moved", "2017-01-01").replace("date", "kind: brief\ndate"),
        "Body.\n",
    );
    site.page("reports/r.md", &brief("Report", "2017-01-01"), "Body.\n");
    site.page(
        "pages-folder/contact.md",
        "title: Contact",
        "Write to us.\n",
    );
    site.page("top.md", "title: Top level", "Body.\n");
    site.build().assert_ok();
    assert!(
        site.read("output/briefs/x/index.html")
            .contains("CenterView Brief")
    );
    assert!(
        site.read("output/reports/r/index.html")
            .contains("<p class=\"kind-label\">Report</p>")
    );
    assert!(site.exists("output/pages-folder/contact/index.html"));
    assert!(site.exists("output/top/index.html"));
}

#[test]
fn slugs_come_from_front_matter_or_file_names() {
    let site = Site::new();
    site.page("briefs/My_Brief.md", &brief("A", "2017-01-01"), "Body.\n");
    site.page(
        "briefs/b.md",
        "title: B\ndate: 2017-01-01\nslug: custom-slug",
        "Body.\n",
    );
    site.build().assert_ok();
    assert!(site.exists("output/briefs/my-brief/index.html"));
    assert!(site.exists("output/briefs/custom-slug/index.html"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new();
    site.page(
        "briefs/d.md",
        "title: Draft\ndate: 2017-01-01\ndraft: true",
        "Body.\n",
    );
    site.page("briefs/p.md", &brief("Published", "2017-01-01"), "Body.\n");
    site.build().assert_ok();
    assert!(!site.exists("output/briefs/d/index.html"));
    assert!(!site.read("output/briefs/index.html").contains("Draft"));
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(site.exists("output/briefs/d/index.html"));
}

#[test]
fn a_drafts_build_marks_drafts_and_keeps_them_out_of_feeds_and_the_sitemap() {
    let site = Site::new();
    site.page(
        "briefs/d.md",
        "title: Unfinished\ndate: 2017-02-01\ndraft: true\ntopics: [Coaching, Science]",
        "Body.\n",
    );
    site.page(
        "briefs/p.md",
        "title: Published\ndate: 2017-01-01\ntopics: [Coaching]",
        "Body.\n",
    );
    site.run(&["build", "--drafts"]).assert_ok();
    let draft = site.read("output/briefs/d/index.html");
    assert!(draft.contains("<p class=\"draft-banner\" role=\"note\"><strong>Draft</strong>"));
    assert!(draft.contains("<meta name=\"robots\" content=\"noindex\">"));
    let published = site.read("output/briefs/p/index.html");
    assert!(!published.contains("draft-banner") && !published.contains("noindex"));
    assert!(
        site.read("output/briefs/index.html")
            .contains("<p class=\"card-draft\">Draft</p>"),
        "the listing marks the draft"
    );
    for feed in ["output/atom.xml", "output/topics/coaching/atom.xml"] {
        let feed = site.read(feed);
        assert!(
            feed.contains("Published") && !feed.contains("Unfinished"),
            "{feed}"
        );
    }
    let sitemap = site.read("output/sitemap.xml");
    assert!(sitemap.contains("/briefs/p/") && !sitemap.contains("/briefs/d/"));
    assert!(
        sitemap.contains("/topics/coaching/") && !sitemap.contains("/topics/science/"),
        "a topic of drafts alone is not listed"
    );
    // Nor has it a feed: one would be empty, dated 1970.
    assert!(!site.exists("output/topics/science/atom.xml"));
    let science = site.read("output/topics/science/index.html");
    assert!(
        !science.contains("/topics/science/atom.xml"),
        "no link to a feed"
    );
    assert!(
        site.read("output/topics/coaching/index.html")
            .contains("/topics/coaching/atom.xml")
    );
}

#[test]
fn a_broken_draft_does_not_fail_a_build_without_drafts() {
    let site = Site::new();
    site.page(
        "briefs/d.md",
        "title: Draft\ndate: not-a-date\ndraft: true",
        "[x](missing.md)\n",
    );
    site.build().assert_ok();
    site.run(&["build", "--drafts"])
        .assert_error("is not a valid date");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = series_site();
    site.build().assert_ok();
    let first = site.output_files();
    site.build().assert_ok();
    assert_eq!(first, site.output_files());
}

#[test]
fn bom_and_crlf_files_build() {
    let site = Site::new();
    site.write("content/briefs/x.md", "\u{feff}---\r\ntitle: Windows file\r\ndate: 2017-01-01\r\n---\r\nBody line one\r\nline two.\r\n");
    site.build().assert_ok();
    assert!(
        site.read("output/briefs/x/index.html")
            .contains("Windows file")
    );
}

#[test]
fn theme_files_can_be_overridden_one_by_one() {
    let site = Site::new();
    site.page(
        "briefs/x.md",
        &brief("X", "2017-01-01"),
        "{% pullquote(by=\"Principal\") %}\nQuote.\n{% end %}\n",
    );
    site.write(
        "themes/centerview/templates/shortcodes/pullquote.html",
        "<blockquote class=\"custom\">{{ body }}<cite>{{ by }}</cite></blockquote>\n",
    );
    site.write("themes/centerview/static/css/extra.css", "body{}");
    site.build().assert_ok();
    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains("<blockquote class=\"custom\">"));
    assert!(
        html.contains("class=\"masthead\""),
        "the other templates are still built in"
    );
    assert!(site.exists("output/css/extra.css"));
    assert!(site.exists("output/css/centerview.css"));
}

#[test]
fn check_reports_but_writes_nothing() {
    let site = series_site();
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(run.stderr.contains("Checked"), "{}", run.stderr);
    assert!(!site.exists("output"));
}

#[test]
fn summary_line_quiet_and_verbose() {
    let site = series_site();
    let run = site.build();
    let summary = run.stderr.lines().last().unwrap_or_default();
    let pages = site
        .output_files()
        .keys()
        .filter(|k| k.ends_with(".html"))
        .count();
    let files = site.output_files().len() - 1; // the .centerview marker is not counted
    assert!(
        summary.starts_with(&format!("Built {pages} pages ({files} files) into ")),
        "{summary}"
    );
    assert!(run.stderr.contains(" ms"));
    let quiet = site.run(&["build", "--quiet"]);
    quiet.assert_ok();
    assert_eq!(quiet.stderr, "");
    let verbose = site.run(&["build", "--verbose"]);
    assert!(
        verbose.stderr.contains("render markdown"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn new_creates_a_draft_that_builds() {
    let site = Site::new();
    let run = site.run(&["new", "brief", "It begins with a partnership"]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("content/briefs/it-begins-with-a-partnership.md")
    );
    let text = site.read("content/briefs/it-begins-with-a-partnership.md");
    assert!(text.contains("title: It begins with a partnership"));
    assert!(text.contains("draft: true"));
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(site.exists("output/briefs/it-begins-with-a-partnership/index.html"));
    let again = site.run(&["new", "brief", "It begins with a partnership"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"));
    let bad = site.run(&["new", "breif", "X"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean `brief`"));
    // --verbose also shows what was written.
    let verbose = site.run(&["new", "post", "Second thoughts", "--verbose"]);
    verbose.assert_ok();
    assert_eq!(
        verbose.stderr,
        site.read("content/posts/second-thoughts.md"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn help_lists_commands_and_examples() {
    let site = Site::new();
    let run = site.run(&["--help"]);
    run.assert_ok();
    for needle in ["build", "check", "new", "Examples:", "Exit status"] {
        assert!(run.stdout.contains(needle), "{needle} missing from --help");
    }
    let bad = site.run(&["build", "--no-such-flag"]);
    assert_eq!(bad.code, 2);
}

/// `new` writes the title so that it reads as the editor typed it, and parses back to exactly
/// that title, however awkward it is for YAML.
#[test]
fn new_writes_titles_that_read_back_exactly() {
    let site = Site::new();
    for (title, file, line) in [
        (
            "Teachers' time",
            "content/briefs/teachers-time.md",
            "title: Teachers' time",
        ),
        (
            "Oakland: site grants",
            "content/briefs/oakland-site-grants.md",
            "title: \"Oakland: site grants\"",
        ),
        (
            "\"Why\" #2 - C:\\ and l'école",
            "content/briefs/why-2-c-and-l-ecole.md",
            "title: \"\\\"Why\\\" #2 - C:\\\\ and l'école\"",
        ),
        ("- 2020", "content/briefs/2020.md", "title: \"- 2020\""),
    ] {
        // `--`: a title starting with `-` is not an option.
        site.run(&["new", "brief", "--", title]).assert_ok();
        let text = site.read(file);
        assert!(text.contains(&format!("\n{line}\n")), "{title}:\n{text}");
        let yaml = &text[4..text[4..].find("\n---\n").unwrap() + 4];
        let value = centerview::yaml::parse(yaml).unwrap();
        assert_eq!(
            value.get("title"),
            Some(&centerview::yaml::Value::String(title.into())),
            "{text}"
        );
    }
    site.run(&["build", "--drafts"]).assert_ok();
    let html = site.read("output/briefs/teachers-time/index.html");
    assert!(
        html.contains("<h1 id=\"page-title\">Teachers’ time</h1>"),
        "{}",
        main_of(&html)
    );
}

/// A title with nothing to make a file name from is refused, not written as `untitled.md`.
#[test]
fn new_refuses_a_title_without_letters_or_digits() {
    let site = Site::new();
    let run = site.run(&["new", "brief", "?!…"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the title `?!…` has no letters or digits")
            && run.stderr.contains("give the page a title in words"),
        "{}",
        run.stderr
    );
    assert!(common::names_in(&site.path("content")).is_empty());
}

/// What `new` leaves for the editor to replace is reported, at its line, until it is.
#[test]
fn samples_new_wrote_are_reported_until_replaced() {
    let site = Site::new();
    site.run(&["new", "case-study", "Oakland"]).assert_ok();
    let file = "content/case-studies/oakland.md";
    // A draft is left out, and so are its samples.
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(!run.stderr.contains("sample"), "{}", run.stderr);
    let text = site.read(file).replace("draft: true\n", "");
    site.write(file, &text);
    let run = site.run(&["check"]);
    run.assert_ok();
    for needle in [
        "content/case-studies/oakland.md:7:11: warning: `district` still holds the sample text `centerview new` wrote",
        "write the district's name, for example `district: Oakland Unified`",
        "content/case-studies/oakland.md:11:1: warning: this line is the sample text `centerview new` wrote",
        "content/case-studies/oakland.md:13:1: warning: this line is the sample text",
        "content/case-studies/oakland.md:15:1: warning: this line is the sample text",
        "4 warnings",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle}\n{}\n{text}",
            run.stderr
        );
    }
    // The build reports them too, and still builds.
    let run = site.build();
    run.assert_ok();
    assert!(run.stderr.contains("4 warnings"), "{}", run.stderr);
    let text = text
        .replace("Name of the district", "Oakland Unified")
        .replace(
            "Write the opening paragraph here. Remove `draft: true` above to publish.",
            "Oakland began in 2015.",
        )
        .replace("## A first section", "## Grants")
        .replace("Write the section here.", "Each school chose its own.");
    site.write(file, &text);
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

/// A shortcode the theme adds, as docs/themes.md declares it.
const CALLOUT: &str = "{#\nshortcode: body\ntitle: text, required\nlevel: integer\nopen: true/false\n#}\n<details class=\"box callout\" {% if open %}open{% endif %} aria-labelledby=\"{{ id }}\">\n<summary id=\"{{ id }}\">{{ title }}{% if level %} (level {{ level }}){% endif %}</summary>\n{{ body }}\n</details>\n";

/// An inline shortcode the theme adds.
const BADGE: &str = "{#- shortcode: inline\n    label: text, required\n    count: integer\n-#}\n<span class=\"badge\">{{ label }}{% if count %} ({{ count }}){% endif %}</span>\n";

#[test]
fn a_theme_adds_shortcodes_inline_and_with_a_body() {
    let site = Site::new();
    site.write(
        "themes/centerview/templates/shortcodes/callout.html",
        CALLOUT,
    );
    site.write("themes/centerview/templates/shortcodes/badge.html", BADGE);
    site.page(
        "briefs/b.md",
        &brief("B", "2017-01-01"),
        "Status: {{ badge(label=\"new\", count=3) }} and {{ badge(label=\"old\") }}.\n\n{% callout(title=\"Before you start\", level=2, open=true) %}\nRead the **standards** first.[^1]\n{% end %}\n\n{% callout(title=\"Again\") %}\nSecond.\n{% end %}\n\n[^1]: An endnote from inside the callout.\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/b/index.html");
    let main = main_of(&html);
    for needle in [
        "<p>Status: <span class=\"badge\">new (3)</span> and <span class=\"badge\">old</span>.</p>",
        "<details class=\"box callout\" open aria-labelledby=\"before-you-start\">",
        "<summary id=\"before-you-start\">Before you start (level 2)</summary>",
        "<p>Read the <strong>standards</strong> first.",
        "<details class=\"box callout\"  aria-labelledby=\"again\">",
        "<summary id=\"again\">Again</summary>",
        "An endnote from inside the callout.",
    ] {
        assert!(main.contains(needle), "{needle}\n{main}");
    }
    assert!(!main.contains("shortcode:"), "{main}");
}
