//! The CenterView design system, measured in a real browser on every page type of the example
//! site, at 1280 and 390 px: one grid (the brand, the title block, the text, listings and the
//! footer share a left edge; the contents are a rail beside the text, below the title block),
//! the footer at the bottom of short pages, breadcrumbs on one line above the title, a phone masthead of at most 64 px whose Menu works
//! without JavaScript and by keyboard, one family of at most three boxes with no doubled
//! rules, and the small things (navigation aligned with the brand, a focus ring that shows on
//! the masthead, table headers at the bottom, the contents' apparatus entries, one search box
//! on the search page, a searched phrase marked once).

mod common;

use common::browser::{self, Browser};
use fantoccini::Locator;
use serde_json::Value;

/// Every page type of the example site: (what, path).
const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("section listing", "/briefs/"),
    ("brief", "/briefs/partnership/"),
    ("report", "/reports/math-in-common/"),
    ("case study", "/case-studies/dinuba-observation-system/"),
    ("insight", "/insights/teacher-leaders/"),
    ("post", "/posts/partnership-announcement/"),
    ("plain page", "/about/"),
    ("topic", "/topics/teacher-leaders/"),
    ("author", "/authors/pamela-fong/"),
    ("authors", "/authors/"),
    ("topics", "/topics/"),
    (
        "series",
        "/series/increasing-district-capacity-to-implement-the-common-core/",
    ),
    ("series list", "/series/"),
    ("data tables", "/data/"),
    ("search", "/search/"),
    ("not found", "/404.html"),
];

/// What the page's layout measures: the left edges of its parts, the footer and masthead,
/// the contents rail, the title's top and the boxes. A function body for WebDriver.
const MEASURE: &str = r#"
const q = (s) => document.querySelector(s);
const box = (el) => el && el.getBoundingClientRect();
const contentLeft = (el) => {
  if (!el) return null;
  const s = getComputedStyle(el);
  return box(el).left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth);
};
const firstOf = (...sel) => sel.map(q).find(Boolean);
const edges = {
  brand: contentLeft(q('.brand')),
  // A profile's portrait starts its title block on the grid; its name stands beside it.
  title: q('.profile-photo') ? box(q('.profile-photo')).left : contentLeft(q('main h1')),
  kicker: q('.profile-photo') ? null : contentLeft(q('.kind-label')),
  breadcrumbs: contentLeft(q('.breadcrumbs')),
  deck: contentLeft(q('.pub-header .subtitle')),
  meta: contentLeft(q('.pub-meta')),
  text: contentLeft(firstOf('.prose > p', '.card', '.home-intro', '.topic-index', '.search-form', '.listing-lede')),
  footer: contentLeft(q('.footer-inner')),
};
if (innerWidth > 700) {
  const link = q('.site-nav a');
  const range = document.createRange();
  range.selectNodeContents(link);
  edges.nav = range.getClientRects()[0].left;
}
const trail = q('.breadcrumbs');
const crumbs = trail && {
  lines: new Set([...trail.querySelectorAll('li')].map((li) => Math.round(li.getBoundingClientRect().top))).size,
  overflows: trail.scrollWidth > trail.clientWidth + 1 || document.documentElement.scrollWidth > innerWidth,
  aboveTitle: box(trail).bottom <= box(q('main h1')).top,
};
const footer = box(q('.site-footer'));
const doc = document.documentElement.scrollHeight;
const toc = box(q('.pub-body.with-toc > .toc'));
const main = box(q('.pub-main'));
const header = box(q('.pub-header'));
return {
  width: innerWidth,
  edges,
  footerBottom: footer.bottom + scrollY,
  docHeight: doc,
  viewHeight: innerHeight,
  masthead: box(q('.masthead')).height,
  crumbs,
  titleTop: box(q('main h1')).top + scrollY,
  rail: toc && main && innerWidth > 1000 ? { tocLeft: toc.left, tocTop: toc.top + scrollY, textRight: main.right, headerBottom: header.bottom + scrollY } : null,
  searchBoxes: document.querySelectorAll('input[type=search]').length,
  searchLandmarks: document.querySelectorAll('[role=search]').length,
};
"#;

/// Each box in the text: its style (background and rules) and whether it is in italics.
const BOXES: &str = r#"
const sig = (el) => { const s = getComputedStyle(el);
  return [s.backgroundColor, s.borderTopWidth, s.borderTopColor, s.borderLeftWidth, s.borderLeftColor, s.borderRightWidth].join(' '); };
return [...document.querySelectorAll('.pub-body .box, .pub-body .view-from-field, .pub-body .cite, .pub-body .series-box, .pub-body .toc, .pub-body .data-figure')]
  .filter((el) => { const s = getComputedStyle(el);
    const ruled = ['Top', 'Right', 'Bottom', 'Left'].filter((side) => parseFloat(s['border' + side + 'Width']) > 0).length;
    return s.backgroundColor !== 'rgba(0, 0, 0, 0)' || ruled >= 3; })
  .map((el) => ({ class: el.className, sig: sig(el), italic: getComputedStyle(el).fontStyle === 'italic', left: el.getBoundingClientRect().left }));
"#;

/// The horizontal rules the text's blocks draw (their top and bottom borders): [y, element].
const RULES: &str = r#"
const rules = [];
document.querySelectorAll('.prose > *, .pub-main > *').forEach((el, i) => {
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  if (r.height === 0) return;
  if (parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none') rules.push([r.top + scrollY, i, el.className || el.tagName]);
  if (parseFloat(s.borderBottomWidth) > 0 && s.borderBottomStyle !== 'none') rules.push([r.bottom + scrollY, i, el.className || el.tagName]);
});
return rules.sort((a, b) => a[0] - b[0]);
"#;

async fn measure(b: &Browser, base: &str, path: &str) -> Value {
    b.client.goto(&format!("{base}{path}")).await.unwrap();
    b.wait_for(
        "return document.readyState === 'complete' && document.fonts.status === 'loaded'",
        15,
    )
    .await;
    b.client.execute(MEASURE, vec![]).await.unwrap()
}

async fn set_width(b: &Browser, width: u32, height: u32) {
    b.client.set_window_size(width, height).await.unwrap();
    let inner = b.client.execute("return innerWidth", vec![]).await.unwrap();
    assert_eq!(inner, width, "the window is {width} px wide inside");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_is_on_one_grid_with_its_footer_at_the_bottom() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::example_site(dir.path());
    let out = dir.path().join("output");
    common::build_into(dir.path(), &out);
    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    let mut problems = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        set_width(&b, width, height).await;
        for (what, path) in PAGES {
            let m = measure(&b, &base, path).await;
            let at = format!("{what} ({path}) at {width} px");
            check_edges(&m, &at, &mut problems);
            check_footer(&m, &at, &mut problems);
            check_breadcrumbs(&m, what, &at, &mut problems);
            if let Some(rail) = m["rail"].as_object() {
                let f = |k: &str| rail[k].as_f64().unwrap();
                if f("tocLeft") < f("textRight") + 16.0 || f("tocTop") < f("headerBottom") {
                    problems.push(format!("{at}: the contents are not a rail beside the text below the title block: {rail:?}"));
                }
            }
            if width == 390 {
                let masthead = m["masthead"].as_f64().unwrap();
                if masthead > 64.0 {
                    problems.push(format!("{at}: the masthead is {masthead} px high"));
                }
                let title = m["titleTop"].as_f64().unwrap();
                if is_publication(path) && title > 300.0 {
                    problems.push(format!("{at}: the title starts at {title} px"));
                }
            }
            let boxes = m["searchBoxes"].as_u64().unwrap();
            let landmarks = m["searchLandmarks"].as_u64().unwrap();
            if *what == "search" && (boxes != 1 || landmarks != 1) {
                problems.push(format!(
                    "{at}: {boxes} search boxes, {landmarks} search landmarks"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    b.close().await;
}

/// Publications, topics and series show breadcrumbs on one line, above the title, without
/// widening the page (a long title gives way to an ellipsis); other pages show none.
fn check_breadcrumbs(m: &Value, what: &str, at: &str, problems: &mut Vec<String>) {
    let wanted = [
        "brief",
        "report",
        "case study",
        "insight",
        "post",
        "topic",
        "series",
        "author",
    ];
    let crumbs = &m["crumbs"];
    match (wanted.contains(&what), crumbs.is_null()) {
        (true, true) => problems.push(format!("{at}: no breadcrumbs")),
        (false, false) => problems.push(format!("{at}: breadcrumbs where none belong")),
        (true, false) => {
            if crumbs["lines"] != 1 || crumbs["overflows"] == true || crumbs["aboveTitle"] != true {
                problems.push(format!(
                    "{at}: breadcrumbs not one line above the title: {crumbs}"
                ));
            }
        }
        (false, true) => {}
    }
}

/// Whether the page at `path` is a publication (`/briefs/x/`).
fn is_publication(path: &str) -> bool {
    let sections = [
        "/briefs/",
        "/reports/",
        "/case-studies/",
        "/insights/",
        "/posts/",
    ];
    path.matches('/').count() == 3 && sections.iter().any(|s| path.starts_with(s))
}

/// Every part's left edge is the brand's, within 1 px.
fn check_edges(m: &Value, at: &str, problems: &mut Vec<String>) {
    let edges = m["edges"].as_object().unwrap();
    let brand = edges["brand"].as_f64().unwrap();
    for (part, left) in edges {
        if let Some(left) = left.as_f64()
            && (left - brand).abs() > 1.0
        {
            problems.push(format!(
                "{at}: the {part} starts at x={left:.1}, the brand at x={brand:.1}"
            ));
        }
    }
}

/// The footer ends the page, and a short page's footer ends at the bottom of the window.
fn check_footer(m: &Value, at: &str, problems: &mut Vec<String>) {
    let bottom = m["footerBottom"].as_f64().unwrap();
    let doc = m["docHeight"].as_f64().unwrap();
    let view = m["viewHeight"].as_f64().unwrap();
    if bottom < doc - 1.0 || bottom < view - 1.0 {
        problems.push(format!(
            "{at}: the footer ends at {bottom} px, the page at {doc} px, the window at {view} px"
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boxes_are_one_family_and_rules_never_double() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::example_site(dir.path());
    let out = dir.path().join("output");
    common::build_into(dir.path(), &out);
    let base = browser::serve(&out).await;
    let b = Browser::start().await;
    let mut styles = std::collections::BTreeMap::<String, String>::new();
    let mut problems = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        set_width(&b, width, height).await;
        for (what, path) in PAGES.iter().filter(|(_, p)| is_publication(p)) {
            measure(&b, &base, path).await;
            let at = format!("{what} ({path}) at {width} px");
            let boxes = b.client.execute(BOXES, vec![]).await.unwrap();
            let text_left = b
                .client
                .execute(
                    "return document.querySelector('.prose > p').getBoundingClientRect().left",
                    vec![],
                )
                .await
                .unwrap();
            for item in boxes.as_array().unwrap() {
                let class = item["class"].as_str().unwrap().to_string();
                if !class.contains("data-figure") {
                    styles.insert(item["sig"].as_str().unwrap().to_string(), class.clone());
                }
                if item["italic"] == true {
                    problems.push(format!("{at}: the box `{class}` is set in italics"));
                }
                if width == 390
                    && (item["left"].as_f64().unwrap() - text_left.as_f64().unwrap()).abs() > 1.0
                {
                    problems.push(format!(
                        "{at}: the box `{class}` is not on the text's column: {item}"
                    ));
                }
            }
            let rules = b.client.execute(RULES, vec![]).await.unwrap();
            for pair in rules.as_array().unwrap().windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let gap = b[0].as_f64().unwrap() - a[0].as_f64().unwrap();
                if a[1] != b[1] && gap < 40.0 {
                    problems.push(format!("{at}: two rules {gap:.0} px apart: {a} and {b}"));
                }
            }
        }
    }
    if styles.len() > 3 {
        problems.push(format!("{} box styles: {styles:#?}", styles.len()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_menu_works_without_javascript_and_the_small_things_hold() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::example_site(dir.path());
    let out = dir.path().join("output");
    common::build_into(dir.path(), &out);
    let base = browser::serve(&out).await;
    let b = Browser::start().await;

    // A phone: the navigation is behind the Menu button, which opens it by keyboard (Enter
    // on a <summary> needs no script).
    set_width(&b, 390, 844).await;
    measure(&b, &base, "/briefs/").await;
    let nav_shown = "return document.querySelector('.site-nav a').checkVisibility()";
    assert_eq!(b.client.execute(nav_shown, vec![]).await.unwrap(), false);
    let menu = b
        .client
        .find(Locator::Css(".site-menu > summary"))
        .await
        .unwrap();
    assert_eq!(menu.text().await.unwrap().trim(), "Menu");
    menu.send_keys("\u{E007}").await.unwrap();
    b.wait_for(nav_shown, 5).await;
    let links = b
        .client
        .execute("return [...document.querySelectorAll('.site-nav a')].filter(a => a.checkVisibility()).length", vec![])
        .await
        .unwrap();
    assert!(links.as_u64().unwrap() >= 5, "{links}");
    menu.click().await.unwrap();
    b.wait_for(&format!("return !({})", &nav_shown[7..]), 5)
        .await;
    // A way to search from every phone page but the search page itself.
    let search = "return document.querySelector('.search-link').checkVisibility()";
    assert_eq!(b.client.execute(search, vec![]).await.unwrap(), true);

    // Wide: the navigation is shown, its first word on the brand's edge (measured above),
    // and the brand's focus ring stands out from the masthead by at least 3:1.
    set_width(&b, 1280, 900).await;
    measure(&b, &base, "/reports/math-in-common/").await;
    assert_eq!(b.client.execute(nav_shown, vec![]).await.unwrap(), true);
    let contrast = b
        .client
        .execute(
            r#"
const lum = (c) => { const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const brand = document.querySelector('.brand');
brand.focus();
const ring = getComputedStyle(brand).outlineColor;
const back = getComputedStyle(document.querySelector('.masthead')).backgroundColor;
const [a, b] = [lum(ring), lum(back)].sort((x, y) => y - x);
return (a + 0.05) / (b + 0.05);"#,
            vec![],
        )
        .await
        .unwrap();
    assert!(
        contrast.as_f64().unwrap() >= 3.0,
        "focus ring contrast {contrast}"
    );

    // Table headers sit at the bottom of their cells; the contents list their headings as
    // written (no numbers of their own), then the endnotes and the citation.
    let aligned = b
        .client
        .execute("return [...document.querySelectorAll('thead th')].map(th => getComputedStyle(th).verticalAlign)", vec![])
        .await
        .unwrap();
    let aligned = aligned.as_array().unwrap();
    assert!(
        !aligned.is_empty() && aligned.iter().all(|v| v == "bottom"),
        "{aligned:?}"
    );
    let contents = b
        .client
        .execute(
            "const items = [...document.querySelectorAll('.toc li')]; \
             return { texts: items.map(li => li.textContent.trim()), markers: items.map(li => getComputedStyle(li).listStyleType) }",
            vec![],
        )
        .await
        .unwrap();
    let texts: Vec<&str> = contents["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        texts[texts.len() - 2..],
        ["Endnotes", "Cite this"],
        "{texts:?}"
    );
    assert!(
        contents["markers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m == "none"),
        "{contents}"
    );

    // A phrase searched for is marked once, not word by word.
    b.client
        .goto(&format!("{base}/search/?q=teacher+leaders"))
        .await
        .unwrap();
    let marks = b
        .wait_for(
            "const m = [...document.querySelectorAll('#search-results mark')].map(m => m.textContent.toLowerCase()); return m.length && m",
            15,
        )
        .await;
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "teacher leaders"),
        "{marks}"
    );
    b.close().await;
}
