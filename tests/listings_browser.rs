//! Listings, cards and the home page in a real browser, at 1280 and 390 px: summaries at a
//! readable measure and cards that use the width, decks as the editor wrote them, related
//! items with their title and detail apart, dates that keep together on a phone, and full
//! rows of cards on the home page with each "All …" link under its own block. One browser
//! visits the example site and a small site of two entries a page.

mod common;

use common::Site;
use common::browser::{self, Browser};
use serde_json::Value;

/// The most characters a line of a card's summary may hold.
const MEASURE: usize = 75;

/// A small site, two entries a page: case studies in regions, with long summaries, decks
/// and topics; briefs in series whose titles and bylines grow a little from one to the next,
/// so that somewhere a line ends just before a date.
fn small_site() -> Site {
    let site = Site::new();
    site.write("site.yaml", &format!("{}page_size: 2\n", common::SITE_YAML));
    let summary = "Principals, coaches and district staff planned math improvement together, \
        site by site, and what they learned in little meetings about lessons, listening and \
        literal-minded rubrics shaped the district's professional learning for years after.";
    let regions = [
        "Southern California",
        "Bay Area",
        "Southern California",
        "",
        "Central Valley",
        "Bay Area",
        "Southern California",
    ];
    for (i, region) in regions.iter().enumerate() {
        let region = match *region {
            "" => String::new(),
            region => format!("\nregion: {region}"),
        };
        site.page(
            &format!("case-studies/case-{i}.md"),
            &format!(
                "title: Coaching at every site in district {i}\nsubtitle: What a role-diverse team learned about planning math together\ndate: 2019-0{}-10\ndistrict: District {i} Unified School District{region}\ntopics: [Coaching, Equity, Mathematics]\nsummary: \"{summary}\"",
                i + 1
            ),
            "Text.\n",
        );
    }
    let words: Vec<&str> = "How districts built a shared vision of math teaching with their \
        coaches principals and teacher leaders over three years of work"
        .split(' ')
        .collect();
    let people = [
        "Pamela Fong",
        "Robert Sheffield",
        "Rebecca Perry",
        "Kathryn Reade",
        "Sandy Marple",
        "Joel Knudson",
        "Linh Tran",
        "Ana Ruiz",
        "Jo Li",
        "Samuel Okafor",
        "Maria Gonzalez",
        "Tom Wu",
    ];
    for k in 0..12 {
        site.page(
            &format!("briefs/brief-{k}.md"),
            &format!(
                "title: {}\ndate: 2017-03-{:02}\nseries: Series {}\npart: {}\nauthors: [{}]\nsummary: {summary}",
                words[..6 + k].join(" "),
                k + 1,
                k / 4,
                k % 4 + 1,
                people[..=k].join(", "),
            ),
            "Text.\n",
        );
    }
    site.build().assert_ok();
    site
}

/// The lines of every card summary on the page as the browser sets them: each character's
/// box, in order, and a character starts a new line when it sits below the one before.
const SUMMARY_LINES: &str = r#"
const range = document.createRange();
const lines = (element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const found = [];
  let top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (rects.length === 0) continue;
      const r = rects[rects.length - 1];
      if (top === null || r.top > top + r.height / 2) {
        found.push('');
        top = r.top;
      }
      found[found.length - 1] += node.data[i];
    }
  }
  return found.map((line) => line.replace(/\s+/g, ' ').trim());
};
return [...document.querySelectorAll('.card-summary')].map(lines);
"#;

/// Where each card of a list is against the listing's container: [card, its container's
/// content box, meta, summary, topics] as [left, right, top, bottom] (null when absent).
const CARD_BOXES: &str = r#"
const box = (e) => {
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return [r.left, r.right, r.top, r.bottom];
};
return [...document.querySelectorAll('.card-list .card')].map((card) => {
  const page = card.closest('.listing-page');
  const style = getComputedStyle(page);
  const outer = page.getBoundingClientRect();
  return {
    title: card.querySelector('.card-title').textContent.trim(),
    card: box(card),
    container: [outer.left + parseFloat(style.paddingLeft), outer.right - parseFloat(style.paddingRight)],
    meta: box(card.querySelector('.card-meta')),
    summary: box(card.querySelector('.card-summary')),
    topics: box(card.querySelector('.card-topics')),
  };
});
"#;

/// The home page's grids of cards as rows (the number of cards at each top, in order), and
/// the series block's cards and its "All series" link as [left, top, bottom].
const HOME: &str = r#"
const rows = (cards) => {
  const counts = new Map();
  for (const card of cards) {
    const top = Math.round(card.getBoundingClientRect().top);
    counts.set(top, (counts.get(top) || 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
};
const box = (e) => {
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.bottom];
};
const more = document.querySelector('.home-series .more');
return {
  grids: [...document.querySelectorAll('.card-grid')].map((grid) => ({
    section: grid.closest('section').getAttribute('aria-labelledby'),
    rows: rows(grid.querySelectorAll(':scope > .card')),
  })),
  series: [...document.querySelectorAll('.home-series .series-card')].map(box),
  more: more && box(more),
};
"#;

/// A publication's related publications: the number of cards at each top, in order, and the
/// rightmost edge of any card and the page's width.
const RELATED_GRID: &str = r#"
const cards = [...document.querySelectorAll('.related-pubs .card-grid > .card')];
const counts = new Map();
for (const card of cards) {
  const top = Math.round(card.getBoundingClientRect().top);
  counts.set(top, (counts.get(top) || 0) + 1);
}
return {
  rows: [...counts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
  right: Math.max(0, ...cards.map((c) => c.getBoundingClientRect().right)),
  width: document.documentElement.clientWidth,
};
"#;

/// Decks and kickers: [class, text, computed text-transform, font-variant-caps].
const DECKS: &str = r#"
return [...document.querySelectorAll('.subtitle, .card-subtitle, .vff-subtitle, .card-kind, .kind-label')]
  .filter((e) => e.getClientRects().length > 0)
  .map((e) => {
    const style = getComputedStyle(e);
    return [e.className, e.textContent.trim(), style.textTransform, style.fontVariantCaps];
  });
"#;

/// Each item of the lists of related publications: its text, its link's text, the bottom
/// of the link's last line and the top of the first visible character after the link.
const RELATED: &str = r#"
const range = document.createRange();
return [...document.querySelectorAll('.related-list li')].map((li) => {
  const link = li.querySelector('a');
  const linkRects = link.getClientRects();
  let detailTop = null;
  const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && detailTop === null; node = walker.nextNode()) {
    if (link.contains(node) || node.parentElement.closest('.visually-hidden')) continue;
    for (let i = 0; i < node.length; i++) {
      if (!/[\p{L}\p{N}]/u.test(node.data[i])) continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (rects.length) {
        detailTop = rects[0].top;
        break;
      }
    }
  }
  return {
    text: li.textContent.replace(/\s+/g, ' ').trim(),
    link: link.textContent.replace(/\s+/g, ' ').trim(),
    linkBottom: linkRects[linkRects.length - 1].bottom,
    detailTop,
  };
});
"#;

/// Dates that break inside, or sit alone on a line of a block that has other words: each
/// `<time>` in the main content, against the letters and digits of its block outside it.
const LONELY_DATES: &str = r#"
const range = document.createRange();
const problems = [];
for (const time of document.querySelectorAll('main time')) {
  const boxes = time.getClientRects();
  if (boxes.length === 0) continue;
  const block = time.closest('p, li, dd, div');
  const context = block.textContent.replace(/\s+/g, ' ').trim();
  if (boxes.length > 1) {
    problems.push(`"${time.textContent}" breaks across lines in "${context}"`);
    continue;
  }
  const line = boxes[0];
  let words = 0, beside = 0;
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (time.contains(node) || node.parentElement.closest('.visually-hidden')) continue;
    for (let i = 0; i < node.length; i++) {
      if (!/[\p{L}\p{N}]/u.test(node.data[i])) continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (rects.length === 0) continue;
      words++;
      const middle = (rects[0].top + rects[0].bottom) / 2;
      if (middle > line.top && middle < line.bottom) beside++;
    }
  }
  if (words > 0 && beside === 0) {
    problems.push(`"${time.textContent}" is alone on its line in "${context}"`);
  }
}
return problems;
"#;

/// The addresses of the publications a listing page links its cards to.
const CARD_LINKS: &str =
    "return [...document.querySelectorAll('.card-title a')].map((a) => a.getAttribute('href'))";

async fn run(b: &Browser, script: &str) -> Value {
    b.client.execute(script, vec![]).await.unwrap()
}

async fn open(b: &Browser, url: &str) {
    b.client.goto(url).await.unwrap();
    b.wait_for(
        "return document.readyState === 'complete' && document.fonts.status === 'loaded'",
        15,
    )
    .await;
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// What is wrong with a listing page's cards at this width.
async fn check_cards(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    for summary in run(b, SUMMARY_LINES).await.as_array().unwrap() {
        for line in summary.as_array().unwrap() {
            let line = line.as_str().unwrap();
            let count = line.chars().count();
            if count > MEASURE {
                problems.push(format!(
                    "{page} at {width}: a summary line of {count} characters: {line:?}"
                ));
            }
        }
    }
    if width < 1000 {
        return;
    }
    // Wide: each card of a list fills its container, its meta beside its summary and its
    // topics, when it has some, in a column reaching the container's right edge.
    for card in run(b, CARD_BOXES).await.as_array().unwrap() {
        let title = card["title"].as_str().unwrap();
        let (left, right) = (f(&card["card"][0]), f(&card["card"][1]));
        let (inner_left, inner_right) = (f(&card["container"][0]), f(&card["container"][1]));
        if (left - inner_left).abs() > 1.0 || (right - inner_right).abs() > 1.0 {
            problems.push(format!(
                "{page} at {width}: the card {title:?} spans {left}..{right}, not its container's {inner_left}..{inner_right}"
            ));
        }
        let summary = &card["summary"];
        if !summary.is_null() && f(&card["meta"][1]) > f(&summary[0]) {
            problems.push(format!(
                "{page} at {width}: the card {title:?} has its meta ({}..{}) above or over its summary ({}..{}), not beside it",
                card["meta"][0], card["meta"][1], summary[0], summary[1]
            ));
        }
        let topics = &card["topics"];
        if !topics.is_null()
            && (f(&topics[0]) < f(&summary[1]) || (f(&topics[1]) - inner_right).abs() > 1.0)
        {
            problems.push(format!(
                "{page} at {width}: the card {title:?} has its topics at {}..{}, not in a column from its summary's right ({}) to the container's ({inner_right})",
                topics[0], topics[1], summary[1]
            ));
        }
    }
}

/// Decks in the editor's case, kickers in capitals.
async fn check_decks(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    for deck in run(b, DECKS).await.as_array().unwrap() {
        let [class, text, transform, caps] = &deck.as_array().unwrap()[..] else {
            panic!("{deck}")
        };
        let class = class.as_str().unwrap();
        let kicker = class.contains("kind");
        let expected = if kicker { "uppercase" } else { "none" };
        if transform != expected || (!kicker && caps != "normal") {
            problems.push(format!(
                "{page} at {width}: .{class} {text} is set {transform} {caps}, not {expected}"
            ));
        }
    }
}

/// Lists of related items: the detail on a line of its own, after a comma in the text.
async fn check_related(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    for item in run(b, RELATED).await.as_array().unwrap() {
        let (text, link) = (
            item["text"].as_str().unwrap(),
            item["link"].as_str().unwrap(),
        );
        if !text.starts_with(&format!("{link}, ")) {
            problems.push(format!(
                "{page} at {width}: {text:?} does not set its title {link:?} apart in the text"
            ));
        }
        if item["detailTop"].is_null() || f(&item["detailTop"]) < f(&item["linkBottom"]) - 1.0 {
            problems.push(format!(
                "{page} at {width}: the detail of {text:?} is on its title's line (its top {} against the title's bottom {})",
                item["detailTop"], item["linkBottom"]
            ));
        }
    }
}

/// What is wrong with a publication's related publications at this width: side by side on
/// a wide screen, one under another on a phone, never past the page's edge.
async fn check_related_grid(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    let grid = run(b, RELATED_GRID).await;
    let rows: Vec<u64> = (grid["rows"].as_array().unwrap().iter())
        .map(|n| n.as_u64().unwrap())
        .collect();
    let cards: u64 = rows.iter().sum();
    let wanted_rows = if width >= 1000 { 1 } else { cards as usize };
    if cards > 0 && rows.len() != wanted_rows {
        problems.push(format!(
            "{page} at {width}: its related publications sit in rows of {rows:?}"
        ));
    }
    if f(&grid["right"]) > f(&grid["width"]) + 0.5 {
        problems.push(format!(
            "{page} at {width}: a related publication reaches {}, past the page's {}",
            grid["right"], grid["width"]
        ));
    }
}

async fn check_dates(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    for problem in run(b, LONELY_DATES).await.as_array().unwrap() {
        problems.push(format!("{page} at {width}: {}", problem.as_str().unwrap()));
    }
}

/// The home page: full rows of cards, two or more side by side when wide, and "All series"
/// under the series, at their left edge.
async fn check_home(b: &Browser, page: &str, width: u32, problems: &mut Vec<String>) {
    let home = run(b, HOME).await;
    if width >= 1000 {
        for grid in home["grids"].as_array().unwrap() {
            let rows: Vec<u64> = (grid["rows"].as_array().unwrap().iter())
                .map(|n| n.as_u64().unwrap())
                .collect();
            let cards: u64 = rows.iter().sum();
            if rows.iter().any(|&n| n != rows[0]) || (cards > 1 && rows[0] < 2) {
                problems.push(format!(
                    "{page} at {width}: the cards of {} sit in rows of {rows:?}",
                    grid["section"]
                ));
            }
        }
    }
    let series = home["series"].as_array().unwrap();
    let more = &home["more"];
    if let (Some(first), false) = (series.first(), more.is_null()) {
        let bottom = series.iter().map(|s| f(&s[2])).fold(0.0, f64::max);
        let (left, top) = (f(&more[0]), f(&more[1]));
        if top < bottom - 1.0 || top - bottom > 48.0 || (left - f(&first[0])).abs() > 1.0 {
            problems.push(format!(
                "{page} at {width}: \"All series\" is at ({left}, {top}), not under the series (left {}, bottom {bottom})",
                first[0]
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_cards_and_the_home_page_at_1280_and_390() {
    if browser::skipped() {
        return;
    }
    let example = tempfile::tempdir().unwrap();
    let (root, out) = (example.path().join("site"), example.path().join("out"));
    common::example_site(&root);
    common::build_into(&root, &out);
    let small = small_site();
    let sites = [
        (
            browser::serve(&out).await,
            vec![
                "/",
                "/briefs/",
                "/case-studies/",
                "/reports/",
                "/insights/",
                "/posts/",
                "/topics/district-leadership/",
                "/series/increasing-district-capacity-to-implement-the-common-core/",
            ],
        ),
        (
            browser::serve(&small.path("output")).await,
            vec![
                "/",
                "/case-studies/",
                "/case-studies/page/3/",
                "/briefs/",
                "/briefs/page/4/",
                "/topics/coaching/",
            ],
        ),
    ];
    let b = Browser::start().await;
    let mut problems = Vec::new();
    for width in [1280, 390] {
        b.client.set_window_size(width, 900).await.unwrap();
        for (base, listings) in &sites {
            let mut publications = std::collections::BTreeSet::new();
            for listing in listings {
                open(&b, &format!("{base}{listing}")).await;
                let inner = run(&b, "return window.innerWidth").await;
                assert_eq!(inner, width, "the window's width");
                check_cards(&b, listing, width, &mut problems).await;
                check_decks(&b, listing, width, &mut problems).await;
                if width < 1000 {
                    check_dates(&b, listing, width, &mut problems).await;
                }
                if *listing == "/" {
                    check_home(&b, listing, width, &mut problems).await;
                }
                for link in run(&b, CARD_LINKS).await.as_array().unwrap() {
                    publications.insert(link.as_str().unwrap().to_string());
                }
            }
            // Publications: their headers, their lists of related items and their related
            // publications.
            for page in &publications {
                open(&b, &format!("{base}{page}")).await;
                check_decks(&b, page, width, &mut problems).await;
                check_related(&b, page, width, &mut problems).await;
                check_related_grid(&b, page, width, &mut problems).await;
                if width < 1000 {
                    check_dates(&b, page, width, &mut problems).await;
                }
            }
        }
    }
    b.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
