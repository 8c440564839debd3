//! Figures in a real browser, at 1280 and 390 px and in print: an image with a caption is a
//! numbered figure in the data figures' sequence, with its caption, source and alt text; a
//! diagram's text stays readable on a phone or the phone gets a link to its full size;
//! charts are set in the theme's web font, their labels measured right for it; the table
//! under a chart is behind a "Data" disclosure (closed on screen, open when asked, plain
//! without a chart) and printed.

mod common;

use centerview::chart::{Weight, weighted_width};
use common::browser::{self, Browser};
use common::{Site, brief};
use serde_json::Value;
use std::path::Path;

/// The theme's sans, as its stylesheet's `@font-face` names it.
const SANS: &str = "Source Sans 3";

/// A diagram like the example report's: 640 units wide, its text 15 units high.
const DIAGRAM: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"><rect width=\"640\" height=\"360\" fill=\"#eef5f6\"/><g font-size=\"15\"><text x=\"20\" y=\"40\">Sense-making teams</text></g></svg>";

const SMALL: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\"><rect width=\"300\" height=\"200\" fill=\"#fbf5ec\"/></svg>";

/// A chart's table with a column the chart does not draw: its cells are in the table only.
const CHARTED: &str = "title: Who districts rely on\nsource: Interviews\ncolumns:\n  - { key: who, label: Source of support }\n  - { key: n, label: District leaders, type: number }\n  - { key: how, label: How they help }\nrows:\n  - { who: Teacher leaders, n: 27, how: Quillwort coaching }\n  - { who: County office, n: 19, how: Marshmallow workshops }\nchart: { type: bar, label: who, value: n }\n";

const PLAIN: &str = "title: No chart here\ncolumns:\n  - { key: a, label: Item }\n  - { key: n, label: Count, type: number }\nrows:\n  - { a: Gingham, n: 3 }\n";

/// A page with data figures, image figures (a captioned markdown image and the shortcode)
/// and a table, in one numbering.
const PAGE: &str = "Intro.\n\n{{ figure(data=\"charted\") }}\n\n![Three circles around a fourth](../assets/diagram.svg \"The structures\")\n\n{{ table(data=\"plain\") }}\n\n{{ figure(image=\"../assets/small.svg\", alt=\"A small picture\", caption=\"A picture\", source=\"Our photographer\") }}\n\n{{ figure(data=\"charted\", show_data=true) }}\n\n{{ figure(data=\"plain\") }}\n";

fn small_site() -> Site {
    let site = Site::new();
    site.write("content/assets/diagram.svg", DIAGRAM);
    site.write("content/assets/small.svg", SMALL);
    site.write("content/data/charted.yaml", CHARTED);
    site.write("content/data/plain.yaml", PLAIN);
    site.page("reports/r.md", &brief("Figures", "2019-06-18"), PAGE);
    site.build().assert_ok();
    site
}

/// For the first image figure: its caption, source, alt text, whether its image loaded, how
/// high its smallest text is drawn (the SVG's smallest `font-size` scaled as the image is),
/// and its "View full size" link.
const DIAGRAM_MEASURE: &str = "const done = arguments[arguments.length - 1];
(async () => {
  const figure = document.querySelector('figure.image-figure');
  const img = figure.querySelector('img');
  const doc = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
  const sizes = [...doc.querySelectorAll('[font-size]')].map((e) => parseFloat(e.getAttribute('font-size')));
  const drawn = img.getBoundingClientRect();
  const link = figure.querySelector('.figure-full-size a');
  const box = link && link.getBoundingClientRect();
  done({
    caption: figure.querySelector('figcaption').textContent,
    source: (figure.querySelector('.figure-source') || {}).textContent || null,
    alt: img.alt,
    loaded: img.complete && img.naturalWidth > 0,
    textPx: Math.min(...sizes) * drawn.width / doc.documentElement.viewBox.baseVal.width,
    link: link && {
      href: link.getAttribute('href'),
      visible: link.checkVisibility() && box.width > 0 && box.right <= innerWidth,
    },
    src: img.getAttribute('src'),
  });
})();";

/// The figure labels in page order, and for each figure whether it has a disclosure, whether
/// that is open, and whether its table is shown.
const FIGURES: &str = "return [...document.querySelectorAll('figure.data-figure')].map((f) => {
  const table = f.querySelector('table');
  const details = f.querySelector('details.figure-data');
  return {
    label: f.querySelector('.figure-label').textContent,
    details: !!details,
    open: !!details && details.open,
    tableShown: !!table && table.checkVisibility() && table.getBoundingClientRect().height > 0,
    csvShown: (() => { const a = f.querySelector('.figure-download a'); return !!a && a.checkVisibility(); })(),
  };
});";

/// The shown chart's text: its computed font family, the caption's, whether the web font is
/// loaded, and each text's content, size, weight and drawn length in the chart's units.
const CHART_TEXT: &str = "const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const svg = [...document.querySelectorAll('svg.chart')].find((s) => s.checkVisibility());
  const caption = svg.closest('figure').querySelector('figcaption');
  const texts = [...svg.querySelectorAll('text')];
  done({
    chart: getComputedStyle(texts[0]).fontFamily,
    caption: getComputedStyle(caption).fontFamily,
    loaded: document.fonts.check('12px \"FAMILY\"'),
    texts: texts.map((t) => [t.textContent, parseFloat(getComputedStyle(t).fontSize),
      getComputedStyle(t).fontWeight, t.getComputedTextLength()]),
  });
});";

async fn goto(b: &Browser, url: &str) {
    b.client.goto(url).await.unwrap();
    b.wait_for(
        "return document.readyState === 'complete' && document.fonts.status === 'loaded'",
        15,
    )
    .await;
}

async fn run_async(b: &Browser, script: &str) -> Value {
    b.client.execute_async(script, vec![]).await.unwrap()
}

/// The diagram's figure on the example report: numbered, captioned, sourced and described;
/// its text readable as drawn, or its full size a tap away.
async fn check_diagram(b: &Browser, base: &str, width: u32, problems: &mut Vec<String>) {
    goto(b, &format!("{base}/reports/math-in-common/")).await;
    let d = run_async(b, DIAGRAM_MEASURE).await;
    let at = format!("report at {width} px");
    let caption = d["caption"].as_str().unwrap_or_default();
    if !caption.starts_with("Figure 1. ") || caption.len() < 20 {
        problems.push(format!("{at}: the diagram's caption is {caption:?}"));
    }
    if d["source"]
        .as_str()
        .is_none_or(|s| !s.starts_with("Source: "))
    {
        problems.push(format!("{at}: no source line: {d}"));
    }
    if d["alt"].as_str().is_none_or(|a| a.len() < 20) || d["loaded"] != true {
        problems.push(format!(
            "{at}: the image lost its alt text or did not load: {d}"
        ));
    }
    let text_px = d["textPx"].as_f64().unwrap();
    let link_shown = d["link"]["visible"] == true && d["link"]["href"] == d["src"];
    if text_px < 12.0 && !link_shown {
        problems.push(format!(
            "{at}: the diagram's text is drawn {text_px:.1} px high and no full-size link is shown: {d}"
        ));
    }
    match width {
        // The column is as wide as the diagram: its text at full size, no link needed.
        1280 if text_px < 14.9 || d["link"]["visible"] == true => problems.push(format!(
            "{at}: drawn smaller than it is, or a needless link: {d}"
        )),
        // A phone draws it smaller: the link is there.
        390 if !link_shown => problems.push(format!("{at}: no full-size link on a phone: {d}")),
        _ => {}
    }
}

/// One numbering for image and data figures, and the "Data" disclosure's states.
async fn check_figures(b: &Browser, base: &str, width: u32, problems: &mut Vec<String>) {
    goto(b, &format!("{base}/reports/r/")).await;
    let found = b.client.execute(FIGURES, vec![]).await.unwrap();
    let found = found.as_array().unwrap();
    let labels: Vec<&str> = found.iter().map(|f| f["label"].as_str().unwrap()).collect();
    let at = format!("figures at {width} px");
    if labels
        != [
            "Figure 1.",
            "Figure 2.",
            "Table 1.",
            "Figure 3.",
            "Figure 4.",
            "Figure 5.",
        ]
    {
        problems.push(format!("{at}: labels in page order are {labels:?}"));
        return;
    }
    // (label, has a disclosure, open, table shown)
    let expected = [
        (0, true, false, false),
        (2, false, false, true),
        (4, true, true, true),
        (5, false, false, true),
    ];
    for (i, details, open, shown) in expected {
        let f = &found[i];
        if f["details"] != details || f["open"] != open || f["tableShown"] != shown {
            problems.push(format!("{at}: {}: {f}", labels[i]));
        }
        if f["csvShown"] != true {
            problems.push(format!("{at}: {}: the CSV link is hidden", labels[i]));
        }
    }
}

/// The chart's text in the caption's family, the web font loaded, and its labels' drawn
/// lengths within the lengths estimated for wrapping (and close to them).
async fn check_chart_font(b: &Browser, base: &str, width: u32, problems: &mut Vec<String>) {
    goto(b, &format!("{base}/insights/teacher-leaders/")).await;
    let c = run_async(b, &CHART_TEXT.replace("FAMILY", SANS)).await;
    let at = format!("chart at {width} px");
    if c["chart"] != c["caption"]
        || !c["chart"]
            .as_str()
            .unwrap()
            .starts_with("\"Source Sans 3\"")
    {
        problems.push(format!(
            "{at}: chart text in {} but its caption in {}",
            c["chart"], c["caption"]
        ));
    }
    if c["loaded"] != true {
        problems.push(format!(
            "{at}: document.fonts.check('12px \"{SANS}\"') is false"
        ));
    }
    for t in c["texts"].as_array().unwrap() {
        let (text, size, drawn) = (
            t[0].as_str().unwrap(),
            t[1].as_f64().unwrap(),
            t[3].as_f64().unwrap(),
        );
        let weight = if t[2] == "700" {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let estimate = weighted_width(text, size, weight);
        if drawn > estimate + 0.5 || estimate > drawn * 1.1 + 1.0 {
            problems.push(format!(
                "{at}: {text:?} at {size} drawn {drawn:.1} long, estimated {estimate:.1}"
            ));
        }
    }
}

/// The page printed by Chromium, as text (`pdftotext -layout`).
async fn printed_text(b: &Browser, url: &str, dir: &Path) -> String {
    goto(b, url).await;
    let pdf = b
        .client
        .print(
            fantoccini::wd::PrintConfiguration::builder()
                .build()
                .unwrap(),
        )
        .await
        .expect("Chromium prints the page");
    let path = dir.join("printed.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils: `apt-get install poppler-utils`)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_number_images_read_on_phones_use_the_house_font_and_print_their_data() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example");
    common::example_site(&example);
    common::build_into(&example, &dir.path().join("example-out"));
    let site = small_site();
    let example_base = browser::serve(&dir.path().join("example-out")).await;
    let base = browser::serve(&site.path("output")).await;

    let b = Browser::start().await;
    let mut problems = Vec::new();
    for (width, height) in [(1280, 1000), (390, 844)] {
        b.client.set_window_size(width, height).await.unwrap();
        check_diagram(&b, &example_base, width, &mut problems).await;
        check_figures(&b, &base, width, &mut problems).await;
        check_chart_font(&b, &example_base, width, &mut problems).await;
    }

    // The disclosure opens from the keyboard.
    b.client.set_window_size(1280, 1000).await.unwrap();
    goto(&b, &format!("{base}/reports/r/")).await;
    b.client
        .execute(
            "document.querySelector('#figure-1 summary').focus(); return true",
            vec![],
        )
        .await
        .unwrap();
    let focused = b.client.active_element().await.unwrap();
    focused
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .unwrap();
    let opened = b
        .client
        .execute(
            "const t = document.querySelector('#figure-1 table'); return document.querySelector('#figure-1 details').open && t.checkVisibility()",
            vec![],
        )
        .await
        .unwrap();
    if opened != true {
        problems.push("Enter on the focused \"Data\" button does not show the table".into());
    }

    // Printed, the table behind the closed disclosure is there as well as the open one's:
    // cells only the table has, twice.
    let printed = printed_text(&b, &format!("{base}/reports/r/"), dir.path()).await;
    for needle in [
        "How they help",
        "Quillwort coaching",
        "Marshmallow workshops",
    ] {
        if printed.matches(needle).count() != 2 {
            problems.push(format!("{needle:?} is not printed twice:\n{printed}"));
        }
    }
    let printed = printed_text(
        &b,
        &format!("{example_base}/insights/teacher-leaders/"),
        dir.path(),
    )
    .await;
    // The table's header row is the table's alone (the chart names no columns).
    if !printed.contains("Source of support") || !printed.contains("District leaders naming it") {
        problems.push(format!(
            "the example insight's table is not in its printed page:\n{printed}"
        ));
    }
    b.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
