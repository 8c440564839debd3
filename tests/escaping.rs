//! Front matter and data values are text wherever they appear: a value holding markup and
//! quotes is escaped in every page, listing, feed, chart and table, and shows as text in
//! search results, in a real browser.

mod common;

use common::Site;
use common::browser::{self, Browser};

/// Markup that would run or break out of an attribute if it were not escaped.
const PAYLOAD: &str =
    r#"<img src=x onerror="window.__xss=1"> "q" 'a' & <script>window.__xss=2</script>"#;

/// The payload as a YAML single-quoted scalar.
fn yaml(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn hostile_site() -> Site {
    let site = Site::new();
    let p = yaml(PAYLOAD);
    site.page(
        "briefs/hostile.md",
        &format!(
            "title: {p}\nsubtitle: {p}\ndate: 2017-01-01\nsummary: {p}\nauthors: [{p}]\ntopics: [{p}]\nseries: {p}\npart: 1"
        ),
        "Body text about onerror payloads.\n\n{{ figure(data=\"hostile\") }}\n\n{{ case_study(id=\"hostile-case\") }}\n",
    );
    site.page(
        "case-studies/hostile-case.md",
        &format!("title: {p}\ndate: 2017-01-02\ndistrict: {p}\nregion: {p}\nsummary: {p}"),
        "A case.\n",
    );
    site.write(
        "content/data/hostile.yaml",
        &format!(
            "title: {p}\nsource: {p}\nn: 3\nnotes: {p}\ncolumns:\n  - key: label\n    label: {p}\n  - key: value\n    label: {p}\n    type: number\nrows:\n  - label: {p}\n    value: 2\n  - label: plain\n    value: 1\nchart:\n  type: bar\n  label: label\n  value: value\n"
        ),
    );
    site.build().assert_ok();
    site
}

#[test]
fn values_with_markup_are_escaped_in_every_output() {
    let site = hostile_site();
    let mut checked = 0;
    let mut shown = 0;
    for (path, bytes) in site.output_files() {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        checked += 1;
        for raw in ["<img src=x", "<script>window.__xss", "onerror=\"window"] {
            assert!(!text.contains(raw), "{path} holds `{raw}` unescaped");
        }
        if text.contains("&lt;img src=x onerror=") {
            shown += 1;
        }
    }
    assert!(checked > 10);
    // The value is there, as text, in the page, its listing, the topic and series pages, the
    // case study, the feed and the data page.
    let page = site.read("output/briefs/hostile/index.html");
    for place in [
        "<h1",
        "class=\"subtitle",
        "byline",
        "<figcaption",
        "<caption",
        "<text",
        "<th",
    ] {
        assert!(page.contains(place), "the brief has no {place}");
    }
    assert!(
        page.matches("&lt;img src=x onerror=").count() >= 8,
        "title, subtitle, summary, authors, topic, series, figure, table, chart"
    );
    let feed = site.read("output/atom.xml");
    assert!(feed.contains("&lt;img src=x onerror="));
    assert!(shown >= 6, "only {shown} outputs show the value");
    // The CSV is data, not HTML: the value is there as written, quoted as RFC 4180 says.
    let csv = site.read("output/data/hostile.csv");
    assert!(csv.contains(&format!("\"{}\"", PAYLOAD.replace('"', "\"\""))));
}

/// The running head of a printed page is the title as a CSS string in a `<style>` element:
/// nothing in it ends the string or the element, and read back it is the title.
#[test]
fn the_print_style_holds_the_title_as_a_css_string() {
    let site = hostile_site();
    let page = site.read("output/briefs/hostile/index.html");
    let start = page
        .find("<style media=\"print\">")
        .expect("the print style")
        + 21;
    let style = &page[start..start + page[start..].find("</style>").unwrap()];
    let value = |name: &str| {
        let from = style
            .find(&format!("{name}: "))
            .unwrap_or_else(|| panic!("{name} in {style}"));
        let rest = &style[from + name.len() + 2..];
        // A CSS string: from its quote to the next one (an escaped quote is `\22 `).
        assert!(rest.starts_with('"'), "{name} is a string: {rest}");
        let end = rest[1..].find('"').unwrap() + 2;
        assert!(
            !rest[..end].contains(['<', '>', '&', '\n']),
            "{name}: {}",
            &rest[..end]
        );
        decode_css_string(&rest[..end])
    };
    let title = page
        .split_once("<h1 id=\"page-title\">")
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map(|(title, _)| html_text(title))
        .unwrap();
    assert!(title.contains("<img src=x"), "{title}");
    assert_eq!(
        value("--print-title"),
        centerview::filters::short_title(&title, centerview::filters::SHORT_TITLE)
    );
    assert_eq!(value("--print-site"), "CenterView");
    assert_eq!(
        value("--print-address"),
        "https://example.org/briefs/hostile/"
    );
}

/// A double-quoted CSS string's text: `\` and up to six hex digits, and the one space that
/// may end them, is that character.
fn decode_css_string(quoted: &str) -> String {
    let mut out = String::new();
    let mut chars = quoted[1..quoted.len() - 1].chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
            hex.push(chars.next().unwrap());
        }
        assert!(!hex.is_empty(), "only hex escapes are written: {quoted}");
        chars.next_if_eq(&' ');
        out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
    }
    out
}

fn html_text(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_results_show_values_as_text() {
    if browser::skipped() {
        return;
    }
    let site = hostile_site();
    let url = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("{url}/search/?q=onerror"))
        .await
        .unwrap();
    let shown = b
        .wait_for(
            "const r = document.querySelector('#search-results li, .search-results li'); return r && r.textContent",
            15,
        )
        .await;
    assert!(
        shown.as_str().unwrap().contains("<img src=x onerror="),
        "the result shows the title as text: {shown}"
    );
    let injected = b
        .client
        .execute(
            "return [window.__xss || null, document.querySelectorAll('main img[src=\"x\"], main script:not([src])').length]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        injected,
        serde_json::json!([null, 0]),
        "markup from the index ran"
    );
    b.close().await;
}
