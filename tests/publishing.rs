//! Publishing: citations (Highwire tags, JSON-LD, the APA block, BibTeX and RIS), sharing
//! tags, paginated archives and topic feeds, aliases, scheduled pages, the "On this page"
//! contents, languages, and no request to another host.

mod common;

use common::{Run, Site, brief, elements, main_of, text_of};
use std::process::Command;

/// A publication site: a brief with two authors, a DOI, a PDF and a sharing image; a report
/// without authors; a post; a plain page.
fn publication_site() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: CenterView\ndescription: Test site\nbase_url: https://example.org/cv/\npublisher: Center for the Future of Teaching and Learning at WestEd\nimage: /assets/share.png\nimage_alt: The CenterView masthead\n",
    );
    site.write("content/assets/share.png", "png");
    site.write("content/assets/brief-photo.png", "png");
    site.write("content/assets/partnership.pdf", "%PDF-1.4");
    site.page(
        "briefs/partnership.md",
        "title: \"It begins with a partnership: what districts need\"\ndate: 2017-05-01\nupdated: 2017-06-02\nauthors: [Pamela M. Fong, Robert Sheffield]\ntopics: [Teacher leaders, Technical assistance]\nsummary: District leaders want partners.\ndoi: 10.5281/zenodo.1234567\npdf: /assets/partnership.pdf\nimage: /assets/brief-photo.png\nimage_alt: Two district leaders at a table",
        "## One\n\nText.\n",
    );
    site.page(
        "reports/math.md",
        "title: Math in Common\nsubtitle: Year three\ndate: 2018-02-01\ntopics: [Teacher leaders]",
        "A report.\n",
    );
    site.page(
        "posts/news.md",
        "title: News from the field!\ndate: 2019-03-04\nauthors: [Linh Tran]",
        "A post.\n",
    );
    site.page("about.md", "title: About", "About us.\n");
    site.build().assert_ok();
    site
}

/// The `content` of every `<meta name=…>` tag with that name, in order.
fn meta(html: &str, name: &str) -> Vec<String> {
    let needle = format!("<meta name=\"{name}\" content=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The `content` of the `<meta property=…>` tags with that property.
fn property(html: &str, name: &str) -> Vec<String> {
    meta(&html.replace("<meta property=", "<meta name="), name)
}

/// The publication's JSON-LD block: a page has one, besides its `BreadcrumbList`.
fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let blocks: Vec<serde_json::Value> = html
        .split(open)
        .skip(1)
        .map(|b| b.split("</script>").next().unwrap())
        .map(|b| serde_json::from_str(b).expect("the JSON-LD parses"))
        .collect();
    let (trails, publications): (Vec<_>, Vec<_>) = blocks
        .into_iter()
        .partition(|b| b["@type"] == "BreadcrumbList");
    assert_eq!(trails.len(), 1, "one BreadcrumbList");
    assert_eq!(
        publications.len(),
        1,
        "one JSON-LD block of the publication"
    );
    publications.into_iter().next().unwrap()
}

#[test]
fn publications_carry_highwire_tags_and_one_json_ld_block() {
    let site = publication_site();
    let html = site.read("output/briefs/partnership/index.html");
    assert_eq!(
        meta(&html, "citation_title"),
        ["It begins with a partnership: what districts need"]
    );
    assert_eq!(
        meta(&html, "citation_author"),
        ["Fong, Pamela M.", "Sheffield, Robert"]
    );
    assert_eq!(meta(&html, "citation_publication_date"), ["2017/05/01"]);
    assert_eq!(
        meta(&html, "citation_publisher"),
        ["Center for the Future of Teaching and Learning at WestEd"]
    );
    assert_eq!(
        meta(&html, "citation_pdf_url"),
        ["https://example.org/cv/assets/partnership.pdf"]
    );
    assert_eq!(meta(&html, "citation_doi"), ["10.5281/zenodo.1234567"]);

    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "ScholarlyArticle");
    assert_eq!(
        ld["headline"],
        "It begins with a partnership: what districts need"
    );
    assert_eq!(ld["datePublished"], "2017-05-01");
    assert_eq!(ld["dateModified"], "2017-06-02");
    assert_eq!(ld["author"][0]["name"], "Pamela M. Fong");
    assert_eq!(ld["author"][1]["@type"], "Person");
    assert_eq!(
        ld["publisher"]["name"],
        "Center for the Future of Teaching and Learning at WestEd"
    );
    assert_eq!(ld["description"], "District leaders want partners.");
    assert_eq!(ld["keywords"], "Teacher leaders, Technical assistance");
    assert_eq!(ld["url"], "https://example.org/cv/briefs/partnership/");
    assert_eq!(ld["identifier"]["value"], "10.5281/zenodo.1234567");

    // Each kind has its type; a report names its institution; a plain page is no
    // publication.
    let report = site.read("output/reports/math/index.html");
    assert_eq!(json_ld(&report)["@type"], "Report");
    assert_eq!(
        meta(&report, "citation_technical_report_institution"),
        ["Center for the Future of Teaching and Learning at WestEd"]
    );
    assert!(meta(&report, "citation_publisher").is_empty());
    // Without a front-matter summary, the description is the summary the page shows (here
    // its first paragraph); without topics, no empty keywords.
    let report = json_ld(&report);
    assert_eq!(report["description"], "A report.");
    let news = json_ld(&site.read("output/posts/news/index.html"));
    assert_eq!(news["@type"], "BlogPosting");
    assert!(news.get("keywords").is_none(), "{news}");
    assert!(
        site.read("output/reports/math/cite.ris")
            .contains("AB  - A report.\r\n")
    );
    let about = site.read("output/about/index.html");
    assert!(!about.contains("application/ld+json") && meta(&about, "citation_title").is_empty());
    assert!(!site.exists("output/about/cite.bib"));
}

#[test]
fn the_cite_this_block_gives_the_apa_reference_and_the_downloads() {
    let site = publication_site();
    let html = site.read("output/briefs/partnership/index.html");
    assert!(html.contains("<h2 id=\"cite-this\" class=\"cite-title\">Cite this</h2>"));
    assert!(
        html.contains("Fong, P. M., &amp; Sheffield, R. (2017). <cite>It begins with a partnership: what districts need</cite>. Center for the Future of Teaching and Learning at WestEd. <a href=\"https://doi.org/10.5281/zenodo.1234567\">"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/cv/briefs/partnership/cite.bib\" download>BibTeX</a>"));
    assert!(html.contains("<a href=\"/cv/briefs/partnership/cite.ris\" download>RIS</a>"));
    assert!(html.contains("<a href=\"/cv/assets/partnership.pdf\">Download the PDF</a>"));
    // No authors: the publisher is the author; a subtitle follows the title after a colon,
    // there and in every other citation; a post gives its full date; a title's own `!` is
    // its end.
    let report = site.read("output/reports/math/index.html");
    assert!(report.contains("Center for the Future of Teaching and Learning at WestEd. (2018). <cite>Math in Common: Year three</cite>."));
    assert_eq!(
        meta(&report, "citation_title"),
        ["Math in Common: Year three"]
    );
    assert!(
        site.read("output/reports/math/cite.bib")
            .contains("title = {Math in Common: Year three}")
    );
    assert!(
        site.read("output/reports/math/cite.ris")
            .contains("TI  - Math in Common: Year three")
    );
    assert_eq!(json_ld(&report)["alternativeHeadline"], "Year three");
    let post = site.read("output/posts/news/index.html");
    assert!(
        post.contains("Tran, L. (2019, March 4). <cite>News from the field!</cite> Center"),
        "{post}"
    );
}

/// The publisher of `publication_site`.
const CENTER: &str = "Center for the Future of Teaching and Learning at WestEd";

/// APA 7 (9.24, 10.1): when the author is a group that also publishes the work, its name is
/// the author and the publisher is left out, rather than the same name written twice.
#[test]
fn a_publication_credited_to_the_publisher_names_it_once() {
    let site = publication_site();
    site.page(
        "case-studies/dinuba.md",
        &format!("title: Dinuba's rubric\ndate: 2019-06-18\nauthors: [{CENTER}]"),
        "A case.\n",
    );
    site.build().assert_ok();
    let apa = |page: &str| {
        let html = site.read(&format!("output/{page}/index.html"));
        text_of(elements(&html, "<p class=\"apa\">", "</p>")[0])
    };
    // Without authors, and with the publisher as the author, the Center is the author alone.
    assert_eq!(
        apa("reports/math"),
        format!(
            "{CENTER}. (2018). Math in Common: Year three. https://example.org/cv/reports/math/"
        )
    );
    assert_eq!(
        apa("case-studies/dinuba"),
        format!("{CENTER}. (2019). Dinuba’s rubric. https://example.org/cv/case-studies/dinuba/")
    );
    // People as authors: the Center publishes.
    assert!(
        apa("briefs/partnership").contains(&format!("what districts need. {CENTER}. https://")),
        "{}",
        apa("briefs/partnership")
    );
    // The citation files name the group once too: as the publisher (or a report's
    // institution), with no author field to repeat it, and so do Google Scholar's tags.
    for page in ["reports/math", "case-studies/dinuba"] {
        let bib = site.read(&format!("output/{page}/cite.bib"));
        let ris = site.read(&format!("output/{page}/cite.ris"));
        let html = site.read(&format!("output/{page}/index.html"));
        assert_eq!(bib.matches(CENTER).count(), 1, "{bib}");
        assert!(!bib.contains("author ="), "{bib}");
        assert_eq!(ris.matches(CENTER).count(), 1, "{ris}");
        assert!(!ris.contains("AU  - "), "{ris}");
        assert!(meta(&html, "citation_author").is_empty(), "{page}");
        let ld = json_ld(&html);
        assert_eq!(ld["author"][0]["@type"], "Organization", "{page}");
        assert_eq!(ld["author"][0]["name"], CENTER, "{page}");
    }
}

#[test]
fn bibtex_parses_with_a_real_parser_and_ris_has_its_tags() {
    let site = publication_site();
    let bib = site.read("output/briefs/partnership/cite.bib");
    let parsed = biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    assert_eq!(parsed.len(), 1, "{bib}");
    let entry = parsed.iter().next().unwrap();
    assert_eq!(entry.entry_type.to_string(), "article");
    let authors = entry.author().expect("authors");
    assert_eq!(authors.len(), 2);
    assert_eq!(authors[0].name, "Fong");
    assert_eq!(authors[0].given_name, "Pamela M.");
    let field = |name: &str| {
        entry
            .get(name)
            .map(biblatex::ChunksExt::format_verbatim)
            .unwrap_or_default()
    };
    assert_eq!(
        field("title"),
        "It begins with a partnership: what districts need"
    );
    assert_eq!(field("doi"), "10.5281/zenodo.1234567");
    assert_eq!(field("url"), "https://example.org/cv/briefs/partnership/");
    let report = site.read("output/reports/math/cite.bib");
    let report = biblatex::Bibliography::parse(&report).unwrap();
    let entry = report.iter().next().unwrap();
    assert_eq!(entry.entry_type.to_string(), "techreport");

    let ris = site.read("output/briefs/partnership/cite.ris");
    let lines: Vec<&str> = ris.lines().collect();
    assert_eq!(lines.first().copied(), Some("TY  - JOUR"));
    assert_eq!(lines.last().copied(), Some("ER  - "));
    for tag in [
        "TI  - It begins",
        "AU  - Fong, Pamela M.",
        "AU  - Sheffield, Robert",
        "PY  - 2017",
        "DA  - 2017/05/01/",
        "UR  - https://example.org/cv/briefs/partnership/",
        "DO  - 10.5281/zenodo.1234567",
        "KW  - Teacher leaders",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(tag)), "{tag} in {ris}");
    }
    assert!(ris.contains("\r\n"), "RIS lines end with CR LF");
    assert!(
        site.read("output/reports/math/cite.ris")
            .starts_with("TY  - RPRT")
    );
}

/// The braced fields of a BibTeX entry, one a line, with BibTeX's count of braces (which no
/// backslash hides): the count never falls to zero before the field's last brace.
fn assert_bibtex_fields_close_where_they_end(bib: &str) {
    for line in bib.lines().filter(|l| l.starts_with("  ")) {
        let value = line.split_once(" = ").expect("a field").1;
        let Some(braced) = value.strip_suffix(',').filter(|v| v.starts_with('{')) else {
            continue;
        };
        let mut depth = 0;
        for (at, c) in braced.char_indices() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            let last = at + 1 == braced.len();
            assert!(
                (depth == 0) == last,
                "BibTeX ends this field at {at}, not at its end: {line}\n{bib}"
            );
        }
    }
}

#[test]
fn text_with_line_breaks_and_braces_stays_in_its_citation_field_and_line() {
    let site = Site::new();
    site.write(
        "site.yaml",
        r#"title: CenterView
base_url: https://example.org/
publisher: "WestEd\nER  - \nTY  - JOUR"
"#,
    );
    site.page(
        "briefs/x.md",
        r#"title: "Braces } and {\\ end\\\nER  - \nTY  - JOUR\LKW  - injected"
date: 2017-05-01
authors: ["Ann }{ Lee\rDA  - x", "Bo\NLee and Kim"]
topics: ["Coaching\PKW  - injected", "Teacher\u000bleaders"]"#,
        "Text.\n",
    );
    site.build().assert_ok();
    let title = r"Braces } and {\ end\ ER - TY - JOUR KW - injected";

    let ris = site.read("output/briefs/x/cite.ris");
    let lines: Vec<(&str, &str)> = (ris.strip_suffix("\r\n").unwrap().split("\r\n"))
        .map(|line| line.split_once("  - ").unwrap_or((line, "")))
        .collect();
    for (tag, value) in &lines {
        assert!(
            [
                "TY", "TI", "AU", "PY", "DA", "JO", "PB", "AB", "KW", "UR", "LA", "ER"
            ]
            .contains(tag),
            "{tag:?} in {ris:?}"
        );
        assert!(
            !value.contains(|c: char| c.is_control() || (c.is_whitespace() && c != ' ')),
            "{value:?} in {ris:?}"
        );
    }
    let values = |tag: &str| -> Vec<&str> {
        (lines.iter().filter(|(t, _)| *t == tag))
            .map(|(_, v)| *v)
            .collect()
    };
    assert_eq!((values("TY").len(), values("ER")), (1, vec![""]), "{ris:?}");
    assert_eq!(values("TI"), [title]);
    assert_eq!(values("AU"), ["x, Ann }{ Lee DA -", "Kim, Bo Lee and"]);
    assert_eq!(values("PB"), ["WestEd ER - TY - JOUR"]);
    assert_eq!(values("KW"), ["Coaching KW - injected", "Teacher leaders"]);

    let bib = site.read("output/briefs/x/cite.bib");
    assert_bibtex_fields_close_where_they_end(&bib);
    let parsed = biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    assert_eq!(parsed.len(), 1, "{bib}");
    let entry = parsed.iter().next().unwrap();
    let mut fields: Vec<&str> = entry.fields.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "author",
            "journal",
            "month",
            "publisher",
            "title",
            "url",
            "year"
        ],
        "{bib}"
    );
    let field = |name: &str| biblatex::ChunksExt::format_verbatim(entry.get(name).unwrap());
    assert_eq!(field("title"), title, "{bib}");
    assert_eq!(field("publisher"), "WestEd ER - TY - JOUR", "{bib}");
    let authors = entry.author().unwrap();
    let names: Vec<(&str, &str)> = (authors.iter())
        .map(|p| (p.given_name.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [("Ann }{ Lee DA -", "x"), ("Bo Lee and", "Kim")],
        "{bib}"
    );
}

#[test]
fn sharing_tags_have_absolute_urls_and_the_right_image() {
    let site = publication_site();
    let html = site.read("output/briefs/partnership/index.html");
    assert_eq!(property(&html, "og:type"), ["article"]);
    assert_eq!(
        property(&html, "og:url"),
        ["https://example.org/cv/briefs/partnership/"]
    );
    assert_eq!(property(&html, "og:site_name"), ["CenterView"]);
    assert_eq!(
        property(&html, "og:description"),
        ["District leaders want partners."]
    );
    assert_eq!(
        property(&html, "og:image"),
        ["https://example.org/cv/assets/brief-photo.png"]
    );
    assert_eq!(
        property(&html, "og:image:alt"),
        ["Two district leaders at a table"]
    );
    assert_eq!(property(&html, "article:published_time"), ["2017-05-01"]);
    assert_eq!(
        property(&html, "article:tag"),
        ["Teacher leaders", "Technical assistance"]
    );
    assert_eq!(meta(&html, "twitter:card"), ["summary_large_image"]);
    // A publication without an image: its generated card (tests/share_cards.rs), under the
    // base path.
    let report = site.read("output/reports/math/index.html");
    assert_eq!(
        property(&report, "og:image"),
        ["https://example.org/cv/reports/math/card.png"]
    );
    assert_eq!(
        property(&report, "og:image:alt"),
        ["Report: Math in Common"]
    );
    assert!(site.exists("output/reports/math/card.png"));
    // The site's image on other pages.
    for page in ["output/index.html", "output/briefs/index.html"] {
        let html = site.read(page);
        assert_eq!(
            property(&html, "og:image"),
            ["https://example.org/cv/assets/share.png"],
            "{page}"
        );
        assert_eq!(property(&html, "og:image:alt"), ["The CenterView masthead"]);
    }
    assert_eq!(
        property(&site.read("output/index.html"), "og:type"),
        ["website"]
    );
}

fn errors(site: &Site) -> Run {
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    run
}

#[test]
fn pdfs_dois_and_images_are_checked_at_their_lines() {
    let site = publication_site();
    let before = site.output_files();
    site.page(
        "briefs/bad.md",
        "title: Bad\ndate: 2017-01-01\npdf: /assets/missing.pdf\ndoi: 10.abc/x\nimage: /assets/share.png",
        "x\n",
    );
    site.page(
        "briefs/link.md",
        "title: Link\ndate: 2017-01-01\ndoi: https://doi.org/10.1000/182\npdf: report.pdf",
        "x\n",
    );
    let run = errors(&site);
    for needle in [
        "content/briefs/bad.md:4:6: error: the PDF `/assets/missing.pdf` is not a file in content/assets/",
        "content/briefs/bad.md:5:6: error: `10.abc/x` is not a DOI",
        "content/briefs/bad.md:6:1: error: `image` and `image_alt` go together",
        "content/briefs/link.md:4:6: error: write the DOI alone, not as a link",
        "help: write `doi: 10.1000/182`",
        "content/briefs/link.md:5:6: error: the PDF must be a file under content/assets/",
    ] {
        assert!(run.stderr.contains(needle), "{needle}\n{}", run.stderr);
    }
    assert_eq!(site.output_files(), before);
    std::fs::remove_file(site.path("content/briefs/bad.md")).unwrap();
    std::fs::remove_file(site.path("content/briefs/link.md")).unwrap();
    site.write(
        "site.yaml",
        "title: CenterView\nbase_url: https://example.org/\nimage: /assets/shar.png\nimage_alt: Logo\nlanguage: english\n",
    );
    let run = errors(&site);
    assert!(
        run.stderr.contains(
            "site.yaml:3:8: error: the image `/assets/shar.png` is not a file in content/assets/"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("did you mean `image: /assets/share.png`?")
    );
    assert!(run.stderr.contains(
        "site.yaml:5:11: error: `language` must be a BCP 47 language tag, found `english`"
    ));
    assert!(run.stderr.contains("did you mean `language: en`?"));
}

/// A site with `n` briefs, the newest first by date, all on the topic "Coaching".
fn archive(n: usize, page_size: usize) -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        &format!("title: CenterView\nbase_url: https://example.org/\npage_size: {page_size}\n"),
    );
    for i in 0..n {
        site.page(
            &format!("briefs/b{i:03}.md"),
            &format!(
                "title: Brief {i:03}\ndate: 2017-{:02}-{:02}\ntopics: [Coaching]\nseries: S{}\npart: {}",
                1 + i / 28 % 12,
                1 + i % 28,
                i / 3,
                1 + i % 3
            ),
            "Text.\n",
        );
    }
    site.build().assert_ok();
    site
}

/// The brief titles a listing page shows.
fn titles(html: &str) -> Vec<String> {
    html.match_indices("class=\"card-title\"><a href=\"")
        .map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find("\">Brief").unwrap() + 2;
            rest[start..start + 9].to_string()
        })
        .collect()
}

#[test]
fn archives_are_paginated_with_numbered_links_and_every_publication_reachable() {
    let site = archive(45, 20);
    let pages = [
        "output/briefs/index.html",
        "output/briefs/page/2/index.html",
        "output/briefs/page/3/index.html",
    ];
    let mut seen = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let html = site.read(page);
        let shown = titles(&html);
        assert!(shown.len() <= 20, "{page}: {}", shown.len());
        seen.extend(shown);
        assert!(html.contains(&format!("Page {} of 3", i + 1)), "{page}");
        assert_eq!(html.contains("<link rel=\"prev\""), i > 0, "{page}");
        assert_eq!(html.contains("<link rel=\"next\""), i < 2, "{page}");
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        45,
        "every brief is on one of the listing's pages"
    );
    assert!(!site.exists("output/briefs/page/4/index.html"));
    assert!(
        !site.exists("output/briefs/page/1/index.html"),
        "page 1 is the listing itself"
    );
    let second = site.read("output/briefs/page/2/index.html");
    assert!(second.contains("<link rel=\"prev\" href=\"/briefs/\">"));
    assert!(second.contains("href=\"/briefs/page/3/\" rel=\"next\">"));
    assert!(
        second.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</a>")
    );
    assert!(second.contains("<title>CenterView Briefs – Page 2 of 3 | CenterView</title>"));
    // Topic pages and the list of series too; the home page stays small.
    let topic = site.read("output/topics/coaching/page/3/index.html");
    assert_eq!(titles(&topic).len(), 5);
    assert!(topic.contains("45 publications"));
    assert_eq!(
        site.read("output/series/index.html")
            .matches("class=\"series-card\"")
            .count(),
        15,
        "15 series fit on one page of 20"
    );
    assert!(!site.exists("output/series/page/2/index.html"));
    let home = site.read("output/index.html");
    assert!(home.matches("class=\"series-card\"").count() <= 3);
    // The sitemap lists every page of every listing.
    let sitemap = site.read("output/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/briefs/page/3/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/topics/coaching/page/2/</loc>"));
}

#[test]
fn further_pages_of_a_listing_say_which_page_in_the_heading_and_the_title() {
    // Six pages of briefs and of the topic; four series, two a page.
    let site = archive(12, 2);
    for (page, total) in [
        ("briefs/page/2", 6),
        ("topics/coaching/page/2", 6),
        ("series/page/2", 2),
    ] {
        let html = site.read(&format!("output/{page}/index.html"));
        let heading = text_of(elements(main_of(&html), "<h1", "</h1>")[0]);
        let title = text_of(elements(&html, "<title>", "</title>")[0]);
        let which = format!("Page 2 of {total}");
        assert!(
            heading.ends_with(&format!(", {which}")),
            "{page}: {heading}"
        );
        assert!(title.contains(&format!(" – {which} |")), "{page}: {title}");
    }
    // The first page is the listing itself.
    let first = site.read("output/briefs/index.html");
    assert_eq!(
        text_of(elements(main_of(&first), "<h1", "</h1>")[0]),
        "CenterView Briefs"
    );
    assert!(first.contains("<title>CenterView Briefs | CenterView</title>"));
}

/// The region headings and card titles of a listing page, in order.
fn regions_and_titles(html: &str) -> Vec<String> {
    let main = main_of(html);
    let mut found: Vec<(usize, String)> = ["class=\"region-title\"", "class=\"card-title\""]
        .iter()
        .flat_map(|marker| main.match_indices(marker))
        .map(|(at, _)| {
            let end = at + main[at..].find("</h").expect("the heading's end");
            (at, text_of(&format!("<{}", &main[at..end])))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

#[test]
fn a_grouped_listing_keeps_each_region_together_across_its_pages() {
    let site = Site::new();
    site.write("site.yaml", &format!("{}page_size: 2\n", common::SITE_YAML));
    for (slug, region, date) in [
        ("south-1", "Southern California", "2019-06-01"),
        ("bay-1", "Bay Area", "2018-01-01"),
        ("south-2", "Southern California", "2017-03-01"),
        ("elsewhere", "", "2019-09-01"),
        ("central", "Central Valley", "2016-05-01"),
        ("bay-2", "Bay Area", "2019-02-01"),
        ("south-3", "Southern California", "2018-08-01"),
    ] {
        let region = match region {
            "" => String::new(),
            region => format!("\nregion: {region}"),
        };
        site.page(
            &format!("case-studies/{slug}.md"),
            &format!("title: Case {slug}\ndate: {date}{region}"),
            "Text.\n",
        );
    }
    site.build().assert_ok();
    let page = |n: usize| {
        regions_and_titles(&site.read(&match n {
            1 => "output/case-studies/index.html".to_string(),
            n => format!("output/case-studies/page/{n}/index.html"),
        }))
    };
    // Regions in alphabetical order, those without one last, newest first in each; a region
    // that goes on from the page before says so.
    assert_eq!(page(1), ["Bay Area", "Case bay-2", "Case bay-1"]);
    assert_eq!(
        page(2),
        [
            "Central Valley",
            "Case central",
            "Southern California",
            "Case south-1"
        ]
    );
    assert_eq!(
        page(3),
        [
            "Southern California, continued",
            "Case south-3",
            "Case south-2"
        ]
    );
    assert_eq!(page(4), ["Other regions", "Case elsewhere"]);
    assert!(!site.exists("output/case-studies/page/5/index.html"));
}

#[test]
fn every_topic_has_its_feed() {
    let site = archive(25, 10);
    let feed = site.read("output/topics/coaching/atom.xml");
    assert!(feed.contains("<title>CenterView: Coaching</title>"));
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/topics/coaching/atom.xml\"/>"));
    assert!(feed.contains("<id>https://example.org/topics/coaching/</id>"));
    assert_eq!(feed.matches("<entry>").count(), 20);
    let page = site.read("output/topics/coaching/index.html");
    assert!(page.contains("type=\"application/atom+xml\" title=\"CenterView: Coaching\" href=\"/topics/coaching/atom.xml\""));
}

#[test]
fn aliases_make_redirect_pages_and_the_redirects_file() {
    let site = Site::new();
    site.page(
        "briefs/new-name.md",
        "title: A renamed brief\ndate: 2017-01-01\naliases: [/briefs/old-name/, /old.html, /briefs/older]",
        "Text.\n",
    );
    site.build().assert_ok();
    let redirect = site.read("output/briefs/old-name/index.html");
    // The refresh stays on the site it is served from (a local or staging copy too).
    assert!(
        redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=/briefs/new-name/\">")
    );
    assert!(
        redirect.contains("<link rel=\"canonical\" href=\"https://example.org/briefs/new-name/\">")
    );
    assert!(redirect.contains("<a href=\"/briefs/new-name/\">A renamed brief</a>"));
    assert!(site.exists("output/old.html"));
    assert!(
        site.exists("output/briefs/older/index.html"),
        "an address without a slash is a folder"
    );
    assert_eq!(
        site.read("output/_redirects"),
        "/briefs/old-name/ /briefs/new-name/ 301\n/briefs/older/ /briefs/new-name/ 301\n/old.html /briefs/new-name/ 301\n"
    );
    // Collisions name both files, at the alias.
    let before = site.output_files();
    site.page(
        "briefs/other.md",
        "title: Other\ndate: 2017-01-02\naliases: [/briefs/old-name/, /briefs/new-name/, /topics/]",
        "x\n",
    );
    site.page(
        "briefs/third.md",
        "title: Third\ndate: 2017-01-03\naliases: [/x/, /x/]",
        "x\n",
    );
    site.page(
        "briefs/fourth.md",
        "title: Fourth\ndate: 2017-01-04\naliases: [/y/, bad]",
        "x\n",
    );
    let run = errors(&site);
    for needle in [
        "content/briefs/other.md:4:11: error: the alias `/briefs/old-name/` is also an alias of content/briefs/new-name.md",
        "content/briefs/other.md:4:30: error: the alias `/briefs/new-name/` is the address of content/briefs/new-name.md",
        "content/briefs/other.md:4:49: error: the alias `/topics/` is the list of topics",
        "content/briefs/third.md:4:16: error: the alias `/x/` is already one of this page's aliases",
        "content/briefs/fourth.md:4:16: error: the alias `bad` is not an address of this site",
    ] {
        assert!(run.stderr.contains(needle), "{needle}\n{}", run.stderr);
    }
    assert_eq!(site.output_files(), before);
}

/// Runs centerview at the moment `now` names (see `centerview::clock`).
fn build_at(site: &Site, now: &str, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(args)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env("CENTERVIEW_NOW", now)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn future_dated_pages_are_held_back_until_their_day() {
    let site = Site::new();
    site.page("briefs/now.md", &brief("Out now", "2020-01-01"), "Text.\n");
    site.page(
        "briefs/later.md",
        &brief("Coming soon", "2020-06-01"),
        "Soon.\n",
    );
    site.page(
        "briefs/last.md",
        &brief("Much later", "2021-01-01"),
        "Later.\n",
    );
    let run = build_at(&site, "2020-03-01T12:00:00", &["build"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("; 2 scheduled pages held back (the next on 2020-06-01)"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("output/briefs/later/index.html"));
    for output in [
        "output/briefs/index.html",
        "output/atom.xml",
        "output/sitemap.xml",
    ] {
        assert!(!site.read(output).contains("Coming soon"), "{output}");
    }
    // A link to a held-back page is an error.
    site.page(
        "briefs/now.md",
        &brief("Out now", "2020-01-01"),
        "See [what is next](later.md).\n",
    );
    let run = build_at(&site, "2020-03-01T12:00:00", &["build"]);
    run.assert_error("content/briefs/now.md:5:20: error: the link `later.md` goes to a page scheduled for 2020-06-01, which this build holds back");
    // --future builds it, and so does its day.
    build_at(&site, "2020-03-01T12:00:00", &["build", "--future"]).assert_ok();
    assert!(site.exists("output/briefs/later/index.html"));
    let run = build_at(&site, "2020-06-01T00:00:01", &["build"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("; 1 scheduled page held back (the next on 2021-01-01)")
    );
    assert!(
        site.read("output/briefs/now/index.html")
            .contains("/briefs/later/")
    );
    build_at(&site, "2020-06-01T00:00:01", &["check"]).assert_ok();
}

#[test]
fn long_pages_get_an_on_this_page_contents() {
    let site = Site::new();
    let three = "## One\n\nA.\n\n## Two\n\nB.\n\n### Detail\n\nC.\n\n## Three\n\nD.\n";
    site.page("briefs/long.md", &brief("Long", "2017-01-01"), three);
    site.page(
        "briefs/short.md",
        &brief("Short", "2017-01-02"),
        "## One\n\nA.\n\n## Two\n\nB.\n",
    );
    site.page(
        "briefs/forced.md",
        &format!("{}\ntoc: true", brief("Forced", "2017-01-03")),
        "## One\n\nA.\n",
    );
    site.page(
        "briefs/hidden.md",
        &format!("{}\ntoc: false", brief("Hidden", "2017-01-04")),
        three,
    );
    site.build().assert_ok();
    let long = site.read("output/briefs/long/index.html");
    assert!(long.contains("<nav class=\"toc\" aria-labelledby=\"on-this-page\">"));
    assert!(long.contains("<li><a href=\"#one\">One</a></li>"));
    assert!(long.contains("<li><a href=\"#three\">Three</a></li>"));
    let toc = &long[long.find("class=\"toc\"").unwrap()..];
    assert!(
        !toc[..toc.find("</nav>").unwrap()].contains("Detail"),
        "only ## sections"
    );
    assert!(long.contains("/js/toc.js"));
    assert!(
        !site
            .read("output/briefs/short/index.html")
            .contains("class=\"toc\"")
    );
    assert!(
        site.read("output/briefs/forced/index.html")
            .contains("class=\"toc\"")
    );
    assert!(
        !site
            .read("output/briefs/hidden/index.html")
            .contains("class=\"toc\"")
    );
    // A heading cannot take the contents' own id.
    site.page(
        "briefs/short.md",
        &brief("Short", "2017-01-02"),
        "## On this page {#on-this-page}\n",
    );
    errors(&site)
        .assert_error("error: the id `on-this-page` is already the heading of the page's contents");
}

#[test]
fn no_page_loads_anything_from_another_host() {
    let site = publication_site();
    let mut checked = 0;
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".css") {
            assert!(
                !text.contains("url(http") && !text.contains("@import"),
                "{path}"
            );
        }
        if !path.ends_with(".html") {
            continue;
        }
        checked += 1;
        for (at, _) in text.match_indices(" src=\"") {
            let url = &text[at + 6..];
            assert!(
                url.starts_with('/') && !url.starts_with("//"),
                "{path}: src={}",
                &url[..40.min(url.len())]
            );
        }
        for (at, _) in text.match_indices("<link ") {
            let tag = &text[at..at + text[at..].find('>').unwrap()];
            let loads = ["stylesheet", "preload", "icon", "modulepreload"]
                .iter()
                .any(|r| tag.contains(&format!("rel=\"{r}\"")));
            if loads {
                assert!(tag.contains("href=\"/"), "{path}: {tag}");
            }
        }
    }
    assert!(checked > 5);
    // The fonts and their licences ship with the theme.
    for file in [
        "fonts/source-serif-4-latin-wght-normal.woff2",
        "fonts/source-sans-3-latin-wght-normal.woff2",
        "fonts/source-serif-4-LICENSE.txt",
        "fonts/source-sans-3-LICENSE.txt",
    ] {
        assert!(site.exists(&format!("output/{file}")), "{file}");
    }
    let css = site.read("output/css/centerview.css");
    assert!(css.contains("font-display: swap"));
    assert!(css.contains("font-family: \"Source Serif 4\""));
}

#[test]
fn the_footer_names_the_center_its_organisation_contact_and_licence() {
    let site = Site::new();
    site.write(
        "site.yaml",
        "title: CenterView\nbase_url: https://example.org/\npublisher: The Center\norganization: { name: WestEd, url: https://www.wested.org/ }\ncontact: centerview@example.org\nlicense: CC BY 4.0\nlicense_url: https://creativecommons.org/licenses/by/4.0/\n",
    );
    site.page("briefs/a.md", "title: A\ndate: 2016-01-01", "Text.\n");
    site.page("briefs/b.md", "title: B\ndate: 2019-01-01", "Text.\n");
    site.build().assert_ok();
    for page in [
        "output/index.html",
        "output/briefs/a/index.html",
        "output/404.html",
    ] {
        let html = site.read(page);
        let footer = &html[html.find("<footer class=\"site-footer\">").expect(page)..];
        for needle in [
            "<p class=\"footer-name\">The Center</p>",
            "Part of <a href=\"https://www.wested.org/\">WestEd</a>",
            "Contact: <a href=\"mailto:centerview@example.org\">centerview@example.org</a>",
            "© 2016–2019 The Center.",
            "<a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license\">CC BY 4.0</a>",
            "<a href=\"/atom.xml\">Atom feed</a>",
        ] {
            assert!(footer.contains(needle), "{page}: {needle}\n{footer}");
        }
    }
    // Without the settings, the footer leaves them out.
    site.write(
        "site.yaml",
        "title: CenterView\nbase_url: https://example.org/\n",
    );
    site.build().assert_ok();
    let html = site.read("output/index.html");
    assert!(
        !html.contains("Part of")
            && !html.contains("Contact:")
            && !html.contains("rel=\"license\"")
    );
}
