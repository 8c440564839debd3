//! Data figures, tables and CSVs; case studies boxed and embedded across publications.

mod common;

use common::{Site, brief, elements, text_of};

const SUPPORTS: &str = "title: Who districts rely on\nsource: \"The Center's 2017 District Interviews\"\nn: 38\ncolumns:\n  - { key: support, label: Source of support }\n  - { key: districts, label: District leaders, type: number }\nrows:\n  - { support: Teacher leaders, districts: 27 }\n  - { support: \"County office, local\", districts: 19 }\n  - { support: \"The \\\"other\\\" kind\", districts: 4 }\nchart: { type: bar, label: support, value: districts }\nnotes: \"Districts could name more than one -- 'any' they used.\"\n";

const SHARES: &str = "title: Main approach\ncolumns:\n  - { key: approach, label: Approach }\n  - { key: share, label: Leaders, type: percent }\nrows:\n  - { approach: New practices, share: 66 }\n  - { approach: Units, share: 20.5 }\nchart: { type: column, label: approach, value: share }\n";

fn data_site() -> Site {
    let site = Site::new();
    site.write("content/data/supports.yaml", SUPPORTS);
    site.write("content/data/shares.yaml", SHARES);
    site
}

#[test]
fn figures_are_numbered_in_page_order_with_chart_table_source_and_csv() {
    let site = data_site();
    site.page(
        "insights/x.md",
        &brief("Insight", "2017-09-12"),
        "Intro.\n\n{{ figure(data=\"supports\") }}\n\nBetween.\n\n{{ table(data=\"shares\") }}\n\n{{ figure(data=\"shares\") }}\n",
    );
    site.build().assert_ok();
    let html = site.read("output/insights/x/index.html");
    let first = html
        .find("<span class=\"figure-label\">Figure 1.</span> Who districts rely on")
        .expect("figure 1");
    let table = html
        .find("<span class=\"figure-label\">Table 1.</span> Main approach")
        .expect("table 1");
    let second = html
        .find("<span class=\"figure-label\">Figure 2.</span> Main approach")
        .expect("figure 2");
    assert!(first < table && table < second);
    assert!(html.contains("<figure class=\"data-figure\" id=\"figure-1\""));
    assert!(html.contains("<svg class=\"chart chart-bar chart-wide\""));
    assert!(html.contains("<svg class=\"chart chart-bar chart-narrow\""));
    assert!(html.contains("<svg class=\"chart chart-column chart-wide\""));
    assert!(
        html.contains("role=\"img\" aria-labelledby=\"figure-1-wide-title figure-1-wide-desc\"")
    );
    assert!(html.contains("<th scope=\"col\">Source of support</th><th scope=\"col\" class=\"num\">District leaders</th>"));
    assert!(html.contains("<th scope=\"row\">Teacher leaders</th><td class=\"num\">27</td>"));
    assert!(
        html.contains("<th scope=\"row\">The “other” kind</th>"),
        "text cells are shown with typographic quotes (the CSV keeps them as written)"
    );
    assert!(
        html.contains("<td class=\"num\">20.5%</td>"),
        "percents carry a % sign"
    );
    assert!(
        html.contains(
            "<span class=\"figure-n\">N=38.</span> Source: The Center’s 2017 District Interviews"
        ),
        "the source gets curly quotes like titles"
    );
    assert!(html.contains("Note: Districts could name more than one – ‘any’ they used."));
    assert!(html.contains("<a href=\"/data/supports.csv\" download>"));
    // The table shortcode draws no chart.
    let table_html = &html[table..second];
    assert!(!table_html.contains("<svg"));
}

#[test]
fn each_table_is_written_as_rfc_4180_csv() {
    let site = data_site();
    site.build().assert_ok();
    assert_eq!(
        site.read("output/data/supports.csv"),
        "Source of support,District leaders\r\nTeacher leaders,27\r\n\"County office, local\",19\r\n\"The \"\"other\"\" kind\",4\r\n"
    );
    assert_eq!(
        site.read("output/data/shares.csv"),
        "Approach,Leaders\r\nNew practices,66\r\nUnits,20.5\r\n"
    );
}

#[test]
fn the_data_page_lists_every_table_and_where_it_is_used() {
    let site = data_site();
    site.page(
        "briefs/b.md",
        &brief("The brief", "2017-01-01"),
        "{{ figure(data=\"supports\") }}\n",
    );
    site.build().assert_ok();
    let html = site.read("output/data/index.html");
    assert!(html.contains("Who districts rely on") && html.contains("Main approach"));
    assert!(html.contains("N=38 · Source: The Center’s 2017 District Interviews"));
    assert!(html.contains("href=\"/data/supports.csv\""));
    assert!(html.contains("Used in: <a href=\"/briefs/b/\">The brief</a>"));
    // Readers find the page from every page's footer.
    for page in ["output/index.html", "output/briefs/b/index.html"] {
        assert!(
            site.read(page)
                .contains("<li><a href=\"/data/\">Data</a></li>")
        );
    }
}

#[test]
fn templates_can_read_every_table() {
    let site = data_site();
    site.page("about/index.md", "title: About", "About.\n");
    site.write(
        "themes/centerview/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ data[\"supports\"].title }}: {% for row in data[\"supports\"].rows %}{{ row[0] }}={{ row[1] }};{% endfor %}{% endblock main %}",
    );
    site.build().assert_ok();
    let html = site.read("output/about/index.html");
    assert!(
        html.contains("Who districts rely on: Teacher leaders=27;County office, local=19;"),
        "{html}"
    );
}

#[test]
fn data_table_errors_name_the_file_and_line() {
    let site = data_site();
    site.build().assert_ok();
    let before = site.output_files();
    site.write(
        "content/data/bad.yaml",
        "title: Bad\ncolumns:\n  - { key: a, label: A }\n  - { key: n, label: N, type: number }\nrows:\n  - { a: x, n: lots }\n  - { a: y }\n  - { a: z, n: 2, m: 3 }\nchart: { type: bar, label: a, value: a }\ncolour: red\n",
    );
    site.page(
        "briefs/x.md",
        &brief("X", "2017-01-01"),
        "{{ figure(data=\"bad\") }}\n\n{{ figure(data=\"suports\") }}\n",
    );
    let run = site.build();
    for needle in [
        "content/data/bad.yaml:6:16: error: `n` must be a number, found text",
        "content/data/bad.yaml:7:5: error: row 2 has no `n`",
        "content/data/bad.yaml:8:19: error: row 3 has `m`, which is not a declared column",
        "content/data/bad.yaml:9:38: error: the chart's `value` column `a` is text",
        "content/data/bad.yaml:10:1: error: unknown field `colour` in a data table",
        "content/briefs/x.md:5:11: error: the data table `bad` cannot be shown: content/data/bad.yaml has errors",
        "content/briefs/x.md:7:11: error: there is no data table `suports`: content/data/suports.yaml does not exist",
        "help: did you mean `supports`?",
    ] {
        run.assert_error(needle);
    }
    assert_eq!(site.output_files(), before, "output untouched");
}

fn case_site() -> Site {
    let site = Site::new();
    site.page(
        "case-studies/oakland.md",
        "title: Oakland's site grants\ndate: 2019-06-18\ndistrict: Oakland Unified School District\nregion: Bay Area\nsummary: Grants made planning role-diverse.",
        "Oakland used mini-grants.[^1]\n\n## Timeline\n\n- 2015–16: designed.\n\nSee [Dinuba](dinuba.md).\n\n[^1]: Enhanced Math Collaboration grants.\n",
    );
    site.page(
        "case-studies/dinuba.md",
        "title: Dinuba's observation system\ndate: 2019-06-18\ndistrict: Dinuba Unified School District\nregion: Central Valley",
        "Dinuba started small with a rubric.\n",
    );
    site.page(
        "reports/mic.md",
        "title: Math in Common\ndate: 2019-06-18",
        "Report text.[^1]\n\n## Structure 1\n\n{{ case_study(id=\"dinuba\") }}\n\n{{ case_study(id=\"oakland\", full=true) }}\n\n[^1]: The report's own note.\n",
    );
    site
}

#[test]
fn a_case_study_box_shows_title_district_summary_and_link() {
    let site = case_site();
    site.build().assert_ok();
    let html = site.read("output/reports/mic/index.html");
    assert!(html.contains("<aside class=\"view-from-field\" aria-labelledby=\"case-dinuba\">"));
    assert!(html.contains("<p class=\"vff-label\">The View from the Field</p>"));
    assert!(html.contains("<a href=\"/case-studies/dinuba/\">Dinuba’s observation system</a>"));
    assert!(
        html.contains("<p class=\"vff-place\">Dinuba Unified School District · Central Valley</p>")
    );
    assert!(
        html.contains("<p class=\"vff-summary\">Dinuba started small with a rubric.</p>"),
        "summary from the first paragraph"
    );
}

#[test]
fn a_full_case_study_is_embedded_with_demoted_headings_and_merged_endnotes() {
    let site = case_site();
    site.build().assert_ok();
    let html = site.read("output/reports/mic/index.html");
    assert!(
        html.contains(
            "<section class=\"view-from-field vff-full\" aria-labelledby=\"case-oakland\">"
        )
    );
    assert!(
        html.contains("<h3 class=\"vff-title\" id=\"case-oakland\">Oakland’s site grants</h3>"),
        "the box's title sits under the report's ## Structure 1"
    );
    assert!(html.contains("<p>Oakland used mini-grants."));
    assert!(
        html.contains("<h4 id=\"timeline\">Timeline</h4>"),
        "the case's ## sits under the box's title"
    );
    assert!(
        html.contains("<a href=\"/case-studies/dinuba/\">Dinuba</a>"),
        "links resolve from the case study's folder"
    );
    // One endnotes section holding the report's note and the case's, numbered in order.
    assert_eq!(html.matches("<section class=\"endnotes\"").count(), 1);
    assert!(html.contains("<li id=\"fn_1\"><p>The report’s own note."));
    assert!(html.contains("<li id=\"fn_2\"><p>Enhanced Math Collaboration grants."));
    // The case study's own page is unchanged by being embedded.
    let case = site.read("output/case-studies/oakland/index.html");
    assert!(case.contains("<h2 id=\"timeline\">Timeline</h2>"));
}

#[test]
fn a_full_case_study_follows_the_outline_it_stands_in() {
    let site = case_site();
    site.page(
        "briefs/top.md",
        "title: At the top\ndate: 2020-01-01",
        "{{ case_study(id=\"oakland\", full=true) }}\n",
    );
    site.page(
        "briefs/deep.md",
        "title: Deep\ndate: 2020-01-01",
        "## Part\n\n### Detail\n\nText.\n\n{{ case_study(id=\"oakland\", full=true) }}\n",
    );
    site.build().assert_ok();
    let top = site.read("output/briefs/top/index.html");
    assert!(top.contains("<h2 class=\"vff-title\" id=\"case-oakland\">"));
    assert!(top.contains("<h3 id=\"timeline\">Timeline</h3>"));
    let deep = site.read("output/briefs/deep/index.html");
    assert!(
        deep.contains("<h4 class=\"vff-title\" id=\"case-oakland\">"),
        "under an h3, the box's title is an h4"
    );
    assert!(deep.contains("<h5 id=\"timeline\">Timeline</h5>"));
}

#[test]
fn featured_in_and_case_studies_lists() {
    let site = case_site();
    site.page(
        "briefs/b.md",
        "title: A brief\ndate: 2020-01-01",
        "{{ case_study(id=\"oakland\") }}\n",
    );
    site.build().assert_ok();
    let oakland = site.read("output/case-studies/oakland/index.html");
    let featured = &oakland[oakland.find("Featured in").expect("featured in")..];
    let brief_at = featured
        .find("<a href=\"/briefs/b/\">A brief</a>")
        .expect("brief listed");
    let report_at = featured
        .find("<a href=\"/reports/mic/\">Math in Common</a>")
        .expect("report listed");
    assert!(brief_at < report_at, "newest first");
    let report = site.read("output/reports/mic/index.html");
    let list = &report[report
        .find("The View from the Field in this publication")
        .expect("list")..];
    assert!(list.contains("<a href=\"/case-studies/dinuba/\">Dinuba’s observation system</a>"));
    assert!(list.contains("<a href=\"/case-studies/oakland/\">Oakland’s site grants</a>"));
    // Each item's title and detail are apart, in the text a screen reader reads too.
    let items = |html: &str, heading: &str| -> Vec<String> {
        let list = &html[html.find(heading).expect("the list")..];
        let list = elements(list, "<ul class=\"related-list\">", "</ul>")[0];
        elements(list, "<li>", "</li>")
            .into_iter()
            .map(text_of)
            .collect()
    };
    assert_eq!(
        items(&report, "The View from the Field in this publication"),
        [
            "Dinuba’s observation system, Dinuba Unified School District",
            "Oakland’s site grants, Oakland Unified School District"
        ]
    );
    assert_eq!(
        items(&oakland, "Featured in"),
        [
            "A brief, CenterView Brief, 2020",
            "Math in Common, Report, 2019"
        ]
    );
    let dinuba = site.read("output/case-studies/dinuba/index.html");
    assert!(dinuba.contains("Featured in"));
    assert!(
        !site
            .read("output/briefs/b/index.html")
            .contains("Featured in")
    );
}

#[test]
fn case_study_errors() {
    // (name, files to write, expected diagnostic)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            "missing",
            &[(
                "content/reports/r.md",
                "---\ntitle: R\ndate: 2019-01-01\n---\n{{ case_study(id=\"oakand\") }}\n",
            )],
            "content/reports/r.md:5:15: error: there is no case study `oakand`",
        ),
        (
            "self",
            &[(
                "content/case-studies/a.md",
                "---\ntitle: A\ndate: 2019-01-01\n---\n{{ case_study(id=\"a\") }}\n",
            )],
            "content/case-studies/a.md:5:15: error: a case study cannot embed itself",
        ),
        (
            "cycle",
            &[
                (
                    "content/case-studies/a.md",
                    "---\ntitle: A\ndate: 2019-01-01\n---\n{{ case_study(id=\"b\", full=true) }}\n",
                ),
                (
                    "content/case-studies/b.md",
                    "---\ntitle: B\ndate: 2019-01-01\n---\n{{ case_study(id=\"a\", full=true) }}\n",
                ),
            ],
            "content/case-studies/a.md:5:15: error: case studies embed each other in a cycle: content/case-studies/a.md → content/case-studies/b.md → content/case-studies/a.md",
        ),
        (
            "full embed inside a paragraph",
            &[(
                "content/reports/r.md",
                "---\ntitle: R\ndate: 2019-01-01\n---\nSee {{ case_study(id=\"oakland\", full=true) }} here.\n",
            )],
            "content/reports/r.md:5:5: error: `case_study` with a whole case study must be on a line of its own",
        ),
        (
            "wrong argument type",
            &[(
                "content/reports/r.md",
                "---\ntitle: R\ndate: 2019-01-01\n---\n{{ case_study(id=\"oakland\", full=\"yes\") }}\n",
            )],
            "content/reports/r.md:5:29: error: argument `full` of `case_study` must be `true` or `false`, found text",
        ),
    ];
    for (name, files, needle) in cases {
        let site = case_site();
        site.build().assert_ok();
        let before = site.output_files();
        for (path, text) in *files {
            site.write(path, text);
        }
        let run = site.build();
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(needle),
            "{name}: expected {needle:?} in\n{}",
            run.stderr
        );
        assert_eq!(site.output_files(), before, "{name}: output untouched");
    }
}

#[test]
fn an_embedded_case_studys_problems_are_reported_once_at_their_source() {
    let site = case_site();
    site.page(
        "case-studies/broken.md",
        &brief("Broken", "2019-01-01"),
        "[gone](missing.md)\n",
    );
    site.page(
        "reports/r.md",
        &brief("R", "2019-01-01"),
        "{{ case_study(id=\"broken\", full=true) }}\n",
    );
    let run = site.build();
    run.assert_error("content/case-studies/broken.md:5:8: error: the link `missing.md`");
    assert_eq!(
        run.stderr.matches("the link `missing.md`").count(),
        1,
        "{}",
        run.stderr
    );
}

/// A diagram 640 px wide (its `viewBox`), wider than a phone's column.
const DIAGRAM: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"><text x=\"10\" y=\"20\" font-size=\"15\">Teams</text></svg>";

/// A small picture, 300 × 200: narrower than any phone's column.
const SMALL: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\"></svg>";

fn image_site() -> Site {
    let site = data_site();
    site.write("content/assets/diagram.svg", DIAGRAM);
    site.write("content/assets/small.svg", SMALL);
    site
}

#[test]
fn images_with_captions_are_figures_numbered_with_the_data_figures() {
    let site = image_site();
    site.page(
        "reports/r.md",
        &brief("Report", "2019-06-18"),
        "Intro.\n\n{{ figure(data=\"supports\") }}\n\n![Three circles around a fourth](../assets/diagram.svg 'The three \"structures\"')\n\n{{ table(data=\"shares\") }}\n\n{{ figure(image=\"../assets/small.svg\", alt=\"A small picture\", caption=\"A picture\", source=\"The Center's 2017 interviews\") }}\n\n![Not a figure](../assets/small.svg)\n\nThe end.\n",
    );
    site.build().assert_ok();
    let html = site.read("output/reports/r/index.html");
    let order: Vec<usize> = [
        "<span class=\"figure-label\">Figure 1.</span> Who districts rely on",
        "<figure class=\"data-figure image-figure\" id=\"figure-2\" aria-labelledby=\"figure-2-caption\">\n<figcaption id=\"figure-2-caption\"><span class=\"figure-label\">Figure 2.</span> The three “structures”</figcaption>",
        "<span class=\"figure-label\">Table 1.</span> Main approach",
        "<figcaption id=\"figure-3-caption\"><span class=\"figure-label\">Figure 3.</span> A picture</figcaption>",
    ]
    .iter()
    .map(|needle| html.find(needle).unwrap_or_else(|| panic!("{needle} in\n{html}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in page order");
    assert!(html.contains("<div class=\"figure-image\"><img src=\"/assets/diagram.svg\" alt=\"Three circles around a fourth\" width=\"640\" height=\"360\"></div>"));
    assert!(
        html.contains(
            "<p class=\"figure-full-size\"><a href=\"/assets/diagram.svg\">View full size"
        ),
        "a diagram wider than a phone's column links to its full size"
    );
    let third = &html[order[3]..];
    let third = &third[..third.find("</figure>").unwrap()];
    assert!(third.contains("alt=\"A small picture\" width=\"300\" height=\"200\""));
    assert!(third.contains("<p class=\"figure-source\">Source: The Center’s 2017 interviews</p>"));
    assert!(
        !third.contains("View full size"),
        "a small picture is drawn whole on a phone"
    );
    assert!(
        html.contains("<p><img src=\"/assets/small.svg\" alt=\"Not a figure\" /></p>"),
        "an image without a caption stays an image"
    );
    // The figures' captions and sources are in the search text, not their links.
    let docs =
        String::from_utf8_lossy(&std::fs::read(site.path("output/search/docs-0.bin")).unwrap())
            .into_owned();
    assert!(docs.contains("Figure 2. The three “structures”"), "{docs}");
    assert!(docs.contains("Source: The Center’s 2017 interviews"));
    assert!(!docs.contains("View full size"));
}

#[test]
fn a_figure_first_is_not_the_summary_and_its_image_counts_in_the_dependencies() {
    let site = image_site();
    site.page(
        "briefs/b.md",
        &brief("Brief", "2019-06-18"),
        "![Three circles](../assets/diagram.svg \"The structures\")\n\nThe districts built three structures.\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/b/index.html");
    assert!(
        html.contains(
            "<meta name=\"description\" content=\"The districts built three structures.\">"
        ),
        "the summary is the first paragraph, not the caption"
    );
    assert!(html.contains("id=\"figure-1\""));
    // The page is made from the image (its size is in the page) and the figure's template.
    let mut options = centerview::build::Options::new(site.root());
    options.write = false;
    let built = centerview::build::Session::new(&options)
        .unwrap()
        .build(None)
        .unwrap_or_else(|_| panic!("a build"));
    let output = (built.outputs.iter())
        .find(|o| o.path == "briefs/b/index.html")
        .unwrap();
    assert!(output.deps.files.contains("content/assets/diagram.svg"));
    assert!(output.deps.templates.contains("partials/image_figure.html"));
}

#[test]
fn the_table_under_a_chart_is_behind_a_data_disclosure_unless_asked_open() {
    let site = image_site();
    site.write(
        "content/data/plain.yaml",
        "title: No chart\ncolumns:\n  - { key: a, label: A }\n  - { key: n, label: N, type: number }\nrows:\n  - { a: x, n: 1 }\n",
    );
    site.page(
        "briefs/b.md",
        &brief("Brief", "2019-06-18"),
        "{{ figure(data=\"supports\") }}\n\n{{ figure(data=\"shares\", show_data=true) }}\n\n{{ figure(data=\"plain\") }}\n\n{{ table(data=\"supports\") }}\n",
    );
    site.build().assert_ok();
    let html = site.read("output/briefs/b/index.html");
    let figure = |n: usize| {
        let start = html.find(&format!("id=\"figure-{n}\"")).expect("figure");
        &html[start..start + html[start..].find("</figure>").unwrap()]
    };
    let closed = figure(1);
    assert!(closed.contains("<details class=\"figure-data\">\n<summary class=\"figure-data-toggle\">Data<span class=\"visually-hidden\"> for figure 1</span></summary>\n<div class=\"table-scroll\">"));
    assert!(closed.find("</svg></div>").unwrap() < closed.find("<details").unwrap());
    assert!(
        closed.find("</details>").unwrap() < closed.find("Download the data (CSV)").unwrap(),
        "the CSV link stays outside, always shown"
    );
    assert!(figure(2).contains("<details class=\"figure-data\" open>"));
    for plain in [figure(3), &html[html.find("id=\"table-1\"").unwrap()..]] {
        assert!(
            !plain.contains("<details") && plain.contains("<table class=\"data-table\">"),
            "without a chart the table is shown plainly"
        );
    }
    let docs =
        String::from_utf8_lossy(&std::fs::read(site.path("output/search/docs-0.bin")).unwrap())
            .into_owned();
    assert!(
        docs.contains("Teacher leaders"),
        "the data stays in the search text"
    );
    assert!(
        !docs.contains("\\nData\\n"),
        "the disclosure's button is not text of the page"
    );
}

#[test]
fn figure_errors_are_reported_at_their_argument() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "missing image file",
            "{{ figure(image=\"../assets/diagam.svg\", alt=\"Circles\", caption=\"C\") }}",
            &[
                "content/briefs/x.md:7:11: error: the image `../assets/diagam.svg` goes to content/assets/diagam.svg, which does not exist",
                "help: did you mean `../assets/diagram.svg`?",
            ],
        ),
        (
            "empty alt",
            "{{ figure(image=\"../assets/diagram.svg\", alt=\" \", caption=\"C\") }}",
            &[
                "content/briefs/x.md:7:42: error: this figure's image has no alt text",
                "help: describe the image for readers who cannot see it",
            ],
        ),
        (
            "no alt",
            "{{ figure(image=\"../assets/diagram.svg\", caption=\"C\") }}",
            &["content/briefs/x.md:7:1: error: this figure's image has no alt text"],
        ),
        (
            "no caption",
            "{{ figure(image=\"../assets/diagram.svg\", alt=\"Circles\") }}",
            &[
                "content/briefs/x.md:7:1: error: this figure has no caption",
                "an image without a number is written `![alt](path)`",
            ],
        ),
        (
            "unknown argument",
            "{{ figure(image=\"../assets/diagram.svg\", alt=\"Circles\", captoin=\"C\") }}",
            &[
                "content/briefs/x.md:7:57: error: `figure` has no argument `captoin`",
                "help: did you mean `caption`?",
            ],
        ),
        (
            "image and data",
            "{{ figure(data=\"supports\", image=\"../assets/diagram.svg\") }}",
            &["content/briefs/x.md:7:28: error: a figure shows a data table or an image, not both"],
        ),
        (
            "neither",
            "{{ figure(caption=\"C\") }}",
            &[
                "content/briefs/x.md:7:1: error: `figure` needs the argument `data` (a data table) or `image` (a picture)",
            ],
        ),
        (
            "caption for a data figure",
            "{{ figure(data=\"supports\", caption=\"C\") }}",
            &[
                "content/briefs/x.md:7:28: error: `caption` is for a figure of an image (`image=`), not of a data table",
                "help: a data figure's caption is its table's `title`, in content/data/supports.yaml",
            ],
        ),
        (
            "show_data for an image",
            "{{ figure(image=\"../assets/diagram.svg\", alt=\"A\", caption=\"C\", show_data=true) }}",
            &["content/briefs/x.md:7:64: error: `show_data` is for a figure of a data table"],
        ),
        (
            "show_data not a bool",
            "{{ figure(data=\"supports\", show_data=\"yes\") }}",
            &[
                "content/briefs/x.md:7:28: error: argument `show_data` of `figure` must be `true` or `false`, found text",
            ],
        ),
        (
            "external image",
            "{{ figure(image=\"https://example.com/x.png\", alt=\"A\", caption=\"C\") }}",
            &[
                "content/briefs/x.md:7:11: error: the figure's image `https://example.com/x.png` is not a file of this site",
                "save it in content/assets/",
            ],
        ),
        (
            "captioned markdown image, missing file",
            "![Circles](../assets/diagam.svg \"The structures\")",
            &[
                "content/briefs/x.md:7:12: error: the image `../assets/diagam.svg` goes to content/assets/diagam.svg, which does not exist",
            ],
        ),
        (
            "captioned markdown image, empty alt",
            "![](../assets/diagram.svg \"The structures\")",
            &["content/briefs/x.md:7:1: error: this image has no alt text"],
        ),
        (
            "captioned markdown image on another site",
            "![Circles](https://example.com/x.png \"The structures\")",
            &[
                "content/briefs/x.md:7:12: error: the figure's image `https://example.com/x.png` is not a file of this site",
            ],
        ),
    ];
    for (name, line, expected) in cases {
        let site = image_site();
        site.build().assert_ok();
        let before = site.output_files();
        site.page(
            "briefs/x.md",
            &brief("X", "2019-01-01"),
            &format!("Text.\n\n{line}\n"),
        );
        let run = site.build();
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        for needle in *expected {
            assert!(
                run.stderr.contains(needle),
                "{name}: expected {needle:?} in\n{}",
                run.stderr
            );
        }
        assert_eq!(
            run.stderr.matches("error:").count(),
            1,
            "{name}: one error, reported once\n{}",
            run.stderr
        );
        assert_eq!(site.output_files(), before, "{name}: output untouched");
    }
}

#[test]
fn a_captioned_image_where_a_figure_cannot_stand_stays_an_image_with_a_warning() {
    let site = image_site();
    site.page(
        "briefs/x.md",
        &brief("X", "2019-01-01"),
        "As ![circles](../assets/small.svg \"Circles\") show.\n\n![Alone](../assets/small.svg \"Alone\")\n",
    );
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr.contains("content/briefs/x.md:5:4: warning: this image has a caption (its title) but is not a paragraph of its own"),
        "{}",
        run.stderr
    );
    let html = site.read("output/briefs/x/index.html");
    assert!(
        html.contains(
            "As <img src=\"/assets/small.svg\" alt=\"circles\" title=\"Circles\" /> show."
        )
    );
    assert!(
        html.contains("<span class=\"figure-label\">Figure 1.</span> Alone"),
        "only the figure is numbered"
    );
}

#[test]
fn figures_in_an_embedded_case_study_continue_the_host_pages_numbering() {
    let site = image_site();
    site.page(
        "case-studies/c.md",
        &brief("Case", "2019-01-01"),
        "The case.\n\n![Circles](../assets/diagram.svg \"The case's diagram\")\n",
    );
    site.page(
        "reports/r.md",
        &brief("Report", "2019-01-01"),
        "{{ figure(data=\"supports\") }}\n\n{{ case_study(id=\"c\", full=true) }}\n",
    );
    site.build().assert_ok();
    let report = site.read("output/reports/r/index.html");
    assert!(report.contains("<span class=\"figure-label\">Figure 2.</span> The case’s diagram"));
    assert!(
        report.contains("<img src=\"/assets/diagram.svg\""),
        "the path resolves from the case study's folder"
    );
    let case = site.read("output/case-studies/c/index.html");
    assert!(case.contains("<span class=\"figure-label\">Figure 1.</span> The case’s diagram"));
}
