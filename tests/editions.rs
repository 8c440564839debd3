//! The PDF edition of each publication, as the build publishes it: beside its page, linked
//! with its size, named by `citation_pdf_url`, read back with poppler-utils (pdfinfo,
//! pdffonts, pdftotext), kept in `.centerview-cache/` so a rebuild typesets only what changed,
//! and turned off or on by the settings and the front matter.

mod common;

use centerview::build::{self, Options};
use common::Site;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils; bash .ci/run installs it): {e}"));
    assert!(out.status.success(), "{name} failed: {:?}", out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pdfinfo`'s fields, by name.
fn info(pdf: &Path) -> std::collections::BTreeMap<String, String> {
    tool("pdfinfo", &[pdf.as_os_str()])
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The example site, copied into a temporary folder.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::example_site(dir.path());
    dir
}

fn build_at(root: &Path, out: &Path) -> build::Report {
    let mut options = Options::new(root);
    options.output = Some(out.to_path_buf());
    options.search = false;
    build::build(&options).unwrap_or_else(|f| panic!("build failed: {:?}", f.diagnostics))
}

/// The text inside `<h2 …>…</h2>` elements of a page's article, tags left out.
fn h2_texts(html: &str) -> Vec<String> {
    common::elements(common::main_of(html), "<h2", "</h2>")
        .iter()
        .map(|h| common::text_of(h).trim().to_string())
        .collect()
}

#[test]
fn every_publication_of_the_example_site_has_its_edition_linked_with_its_size() {
    let site = example();
    let out = site.path().join("out");
    let report = build_at(site.path(), &out);
    let publications = [
        "briefs/partnership",
        "briefs/snapshot",
        "briefs/next-steps",
        "reports/math-in-common",
        "reports/collaborative-meeting-23",
        "case-studies/dinuba-observation-system",
        "insights/teacher-leaders",
        "case-studies/oakland-site-grants",
    ];
    assert_eq!(report.editions.editions, 11, "{:?}", report.editions);
    for folder in publications {
        let slug = folder.rsplit('/').next().unwrap();
        let pdf = out.join(folder).join(format!("{slug}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        let pages: usize = info(&pdf)["Pages"].parse().unwrap();
        let html = std::fs::read_to_string(out.join(folder).join("index.html")).unwrap();
        let size = centerview::render::editions::size_text(pages, bytes.len());
        let link = format!(
            "<a href=\"/{folder}/{slug}.pdf\" type=\"application/pdf\" download>Download the PDF <span class=\"pdf-size\">({size})</span></a>"
        );
        assert!(html.contains(&link), "{folder}: no {link}");
        let meta = format!(
            "<meta name=\"citation_pdf_url\" content=\"https://centerview.example.org/{folder}/{slug}.pdf\">"
        );
        assert!(html.contains(&meta), "{folder}: no {meta}");
    }
    // Posts (without `pdf_posts`) and plain pages have none.
    for folder in ["posts/partnership-announcement", "about"] {
        let html = std::fs::read_to_string(out.join(folder).join("index.html")).unwrap();
        assert!(!html.contains("Download the PDF"), "{folder}");
        assert!(!html.contains("citation_pdf_url"), "{folder}");
    }
}

#[test]
fn the_brief_and_the_report_read_back_as_tagged_titled_pdfs_in_reading_order() {
    let site = example();
    let out = site.path().join("out");
    build_at(site.path(), &out);
    for (folder, title, author) in [
        (
            "briefs/partnership",
            "Increasing district capacity to implement the Common Core",
            "Pamela Fong",
        ),
        (
            "reports/math-in-common",
            "Collaborative structures for changing the dynamics of classroom instruction",
            "Rebecca Perry",
        ),
    ] {
        let slug = folder.rsplit('/').next().unwrap();
        let pdf = out.join(folder).join(format!("{slug}.pdf"));
        let fields = info(&pdf);
        assert_eq!(fields["Tagged"], "yes", "{folder}");
        assert!(
            fields["Title"].starts_with(title),
            "{folder}: {:?}",
            fields["Title"]
        );
        assert!(
            fields["Author"].contains(author),
            "{folder}: {:?}",
            fields["Author"]
        );
        assert!(
            fields["Page size"].contains("612 x 792"),
            "{folder}: letter by default"
        );
        // Every font embedded, and only the CenterView families.
        let fonts = tool("pdffonts", &[pdf.as_os_str()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{folder}: no fonts");
        for row in rows {
            assert!(
                row.contains("SourceSerif4") || row.contains("SourceSans3"),
                "{folder}: a font not ours: {row}"
            );
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(cols[cols.len() - 5], "yes", "{folder}: not embedded: {row}");
        }
        // The text, in reading order: the title, then every heading of the page as the
        // web page has them, then the endnotes and the citation.
        let text = tool("pdftotext", &[pdf.as_os_str(), std::ffi::OsStr::new("-")]);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let html = std::fs::read_to_string(out.join(folder).join("index.html")).unwrap();
        let mut at = flat
            .find(title)
            .unwrap_or_else(|| panic!("{folder}: no title"));
        for heading in h2_texts(&html) {
            // Related publications are for the web page's readers: no PDF shows them.
            if [
                "On this page",
                "Cite this",
                "Endnotes",
                "Related publications",
            ]
            .contains(&heading.as_str())
                || heading.starts_with("The View from the Field")
                || heading.starts_with("More ")
                || heading.starts_with("Featured")
            {
                continue;
            }
            let words = heading.split_whitespace().collect::<Vec<_>>().join(" ");
            let found = flat[at..].find(&words).map(|i| i + at);
            at = found
                .unwrap_or_else(|| panic!("{folder}: heading {words:?} missing or out of order"));
        }
        for marker in ["<", "&amp;", "#\"", "\\u{"] {
            assert!(
                !flat.contains(marker),
                "{folder}: markup {marker:?} left in the text"
            );
        }
        assert!(flat.contains("Cite this"), "{folder}");
    }
}

#[test]
fn a_rebuild_typesets_nothing_and_a_data_table_change_only_the_pdfs_that_show_it() {
    let site = example();
    let first = build_at(site.path(), &site.path().join("one"));
    assert_eq!(first.editions.typeset.len(), first.editions.editions);
    let again = build_at(site.path(), &site.path().join("two"));
    assert_eq!(again.editions.typeset, Vec::<String>::new());
    let pdf = "briefs/partnership/partnership.pdf";
    assert_eq!(
        std::fs::read(site.path().join("one").join(pdf)).unwrap(),
        std::fs::read(site.path().join("two").join(pdf)).unwrap()
    );
    // `supports-used` is shown by the partnership brief and the about page (no edition).
    let table = site.path().join("content/data/supports-used.yaml");
    let text = std::fs::read_to_string(&table).unwrap();
    let changed = text.replacen("title: ", "title: Changed ", 1);
    assert_ne!(text, changed);
    std::fs::write(&table, changed).unwrap();
    let after = build_at(site.path(), &site.path().join("three"));
    assert_eq!(
        after.editions.typeset,
        vec!["content/briefs/partnership.md".to_string()]
    );
}

/// The related publications a page shows are on its web page only: when they change, its
/// PDF edition is not typeset again.
#[test]
fn related_publications_changing_typeset_no_pdf() {
    let site = example();
    build_at(site.path(), &site.path().join("one"));
    // A post (posts have no edition) takes the topics of the Long Beach case study.
    let post = site
        .path()
        .join("content/posts/partnership-announcement.md");
    let text = std::fs::read_to_string(&post).unwrap();
    let changed = text.replacen(
        "topics: [Technical assistance, Common Core]",
        "topics: [Mathematics, Coaching, Equity]",
        1,
    );
    assert_ne!(text, changed);
    std::fs::write(&post, changed).unwrap();
    let after = build_at(site.path(), &site.path().join("two"));
    assert_eq!(after.editions.typeset, Vec::<String>::new());
    let related = |out: &str| {
        let page = site
            .path()
            .join(out)
            .join("case-studies/long-beach-coaching/index.html");
        let html = std::fs::read_to_string(page).unwrap();
        html[html.find("related-pubs").unwrap()..].to_string()
    };
    assert!(!related("one").contains("/posts/partnership-announcement/"));
    assert!(related("two").contains("/posts/partnership-announcement/"));
}

const BODY: &str = "## Findings\n\nDistricts that began with a partnership did better.\n";

fn brief(front: &str) -> String {
    format!(
        "title: A brief\ndate: 2017-05-01\nsummary: What was found.\nauthors: [Jane Doe]\n{front}"
    )
}

#[test]
fn the_settings_and_the_front_matter_turn_editions_off_and_on() {
    let site = Site::new();
    site.write(
        "site.yaml",
        &format!("{}pdf_posts: true\npdf_paper: a4\n", common::SITE_YAML),
    )
    .page("briefs/plain.md", &brief(""), BODY)
    .page("briefs/off.md", &brief("pdf_edition: false"), BODY)
    .page("briefs/own.md", &brief("pdf: /assets/own.pdf"), BODY)
    .page(
        "posts/news.md",
        "title: News\ndate: 2017-05-02\nsummary: S.",
        BODY,
    )
    .page("about.md", "title: About", BODY)
    .write("content/assets/own.pdf", "%PDF-1.4 the editor's own\n");
    site.build().assert_ok();
    let pdf = site.path("output/briefs/plain/plain.pdf");
    assert!(
        info(&pdf)["Page size"].contains("595"),
        "a4: {:?}",
        info(&pdf)
    );
    assert!(site.exists("output/posts/news/news.pdf"), "pdf_posts: true");
    assert!(
        !site.exists("output/briefs/off/off.pdf"),
        "pdf_edition: false"
    );
    assert!(
        !site
            .read("output/briefs/off/index.html")
            .contains("Download the PDF")
    );
    assert!(
        !site.exists("output/briefs/own/own.pdf"),
        "the editor's pdf wins"
    );
    let own = site.read("output/briefs/own/index.html");
    assert!(
        own.contains("<a href=\"/assets/own.pdf\">Download the PDF</a>"),
        "{own}"
    );
    assert!(own.contains("content=\"https://example.org/assets/own.pdf\""));
    assert!(!site.exists("output/about/about.pdf"));

    // The site's switch turns every edition off; so does `--no-pdf`.
    site.write(
        "site.yaml",
        &format!("{}pdf_edition: false\n", common::SITE_YAML),
    );
    site.build().assert_ok();
    assert!(!site.exists("output/briefs/plain/plain.pdf"));
    site.write("site.yaml", common::SITE_YAML);
    let run = site.run(&["build", "--no-pdf"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("no PDF editions (--no-pdf)"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("output/briefs/plain/plain.pdf"));
    assert!(
        !site
            .read("output/briefs/plain/index.html")
            .contains("citation_pdf_url")
    );
    // On letter now: typeset once, then kept.
    for typeset in ["1 PDF edition (1 typeset)", "1 PDF edition (0 typeset)"] {
        let run = site.build();
        run.assert_ok();
        assert!(run.stderr.contains(typeset), "{}", run.stderr);
    }
    assert!(site.exists("output/briefs/plain/plain.pdf"));
}

#[test]
fn an_alias_onto_an_edition_is_an_error_naming_its_owner() {
    let site = Site::new();
    site.page("briefs/plain.md", &brief(""), BODY).page(
        "briefs/other.md",
        "title: Other\ndate: 2017-05-02\nsummary: S.\npdf_edition: false\naliases: [/briefs/plain/plain.pdf]",
        BODY,
    );
    // `check`, which typesets nothing, finds it as `build` does.
    for run in [site.build(), site.run(&["check"])] {
        run.assert_error(
            "content/briefs/other.md:6:11: error: the alias `/briefs/plain/plain.pdf` is the PDF edition of content/briefs/plain.md",
        );
    }
}

#[test]
fn a_cache_entry_that_is_a_link_is_refused_and_the_pdf_made_anyway() {
    let site = Site::new();
    site.page("briefs/plain.md", &brief(""), BODY);
    site.build().assert_ok();
    let cache = site.path(".centerview-cache");
    let entry: PathBuf = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("edition-")
        })
        .expect("an edition in the cache");
    let secret = site.path("secret.txt");
    std::fs::write(&secret, "not for publishing").unwrap();
    std::fs::remove_file(&entry).unwrap();
    std::os::unix::fs::symlink(&secret, &entry).unwrap();
    let run = site.build();
    run.assert_ok();
    assert!(run.stderr.contains("could not be kept"), "{}", run.stderr);
    let pdf = std::fs::read(site.path("output/briefs/plain/plain.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "not for publishing"
    );
}

#[test]
fn serve_and_watch_show_the_pages_first_and_the_pdf_right_after() {
    use centerview::build::Session;
    use centerview::output::OutputData;
    let site = Site::new();
    site.page("briefs/plain.md", &brief(""), BODY);
    let mut options = Options::new(site.root());
    options.write = false;
    let mut session = Session::new(&options).unwrap();
    session.defer_pdfs = true;
    let pdf_of = |built: &centerview::build::Built| {
        built
            .outputs
            .iter()
            .find(|o| o.path == "briefs/plain/plain.pdf")
            .map(|o| match &o.data {
                OutputData::Bytes(b) => b.as_ref().clone(),
                other => panic!("a session keeps its PDFs: {other:?}"),
            })
    };
    let page_of = |built: &centerview::build::Built| {
        let page = built
            .outputs
            .iter()
            .find(|o| o.path == "briefs/plain/index.html");
        match &page.unwrap().data {
            OutputData::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        }
    };
    let mut built = session.build(None).unwrap();
    assert_eq!(built.rendered.editions.pending, 1);
    assert!(pdf_of(&built).is_none(), "the pages come first");
    assert!(!page_of(&built).contains("Download the PDF"));
    session.finish_pdfs(&mut built).unwrap();
    let first = pdf_of(&built).expect("then the PDF");
    assert!(page_of(&built).contains("Download the PDF"));

    // An edit: the page at once, with the last PDF; then the new PDF.
    site.page(
        "briefs/plain.md",
        &brief(""),
        &format!("{BODY}\nA new paragraph.\n"),
    );
    let changed = [site.path("content/briefs/plain.md")].into_iter().collect();
    let mut built = session.build(Some(&changed)).unwrap();
    assert_eq!(built.rendered.editions.pending, 1);
    assert_eq!(
        pdf_of(&built).as_ref(),
        Some(&first),
        "the last PDF until the new one"
    );
    session.finish_pdfs(&mut built).unwrap();
    assert_ne!(pdf_of(&built).unwrap(), first);
    assert_eq!(
        built.rendered.editions.typeset,
        vec!["content/briefs/plain.md".to_string()]
    );
}
