//! The "On this page" contents in a real browser: beside the text on a wide screen, above
//! it on a phone, and the section being read marked while the reader scrolls.

mod common;

use common::browser::{self, Browser};
use common::{Site, brief};

/// A brief with four long `##` sections.
fn long_page_site() -> Site {
    let site = Site::new();
    let filler: String = (0..30)
        .map(|i| format!("Paragraph {i} of what the district learned about coaching.\n\n"))
        .collect();
    let body: String = ["Planning", "Coaching", "Assessment", "Next steps"]
        .iter()
        .map(|h| format!("## {h}\n\n{filler}"))
        .collect();
    site.page(
        "briefs/long.md",
        &brief("A long brief", "2018-01-01"),
        &body,
    );
    site.build().assert_ok();
    site
}

/// The `href` of the contents link marked as the current location, or null (an expression).
const CURRENT: &str = "(document.querySelector('.toc a[aria-current=\"location\"]') || { getAttribute: () => null }).getAttribute('href')";

/// Where the contents are against the text: [toc left, toc top, text left, text top].
const BOXES: &str = "const t = document.querySelector('nav.toc').getBoundingClientRect(); \
     const m = document.querySelector('.pub-main').getBoundingClientRect(); \
     return [t.left, t.top + scrollY, m.left, m.top + scrollY, t.right, m.right]";

async fn boxes(b: &Browser) -> Vec<f64> {
    let value = b.client.execute(BOXES, vec![]).await.unwrap();
    (value.as_array().unwrap().iter())
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contents_sit_beside_or_above_the_text_and_mark_the_section_read() {
    if browser::skipped() {
        return;
    }
    let site = long_page_site();
    let base = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    b.client
        .set_window_size(1280, 900)
        .await
        .expect("window size");
    b.client
        .goto(&format!("{base}/briefs/long/"))
        .await
        .unwrap();
    b.wait_for("return document.readyState === 'complete'", 15)
        .await;

    // Wide: the contents are a column beside the text, level with it.
    let [
        toc_left,
        toc_top,
        text_left,
        text_top,
        toc_right,
        text_right,
    ] = boxes(&b).await[..]
    else {
        panic!("four boxes")
    };
    assert!(
        toc_left >= text_right || toc_right <= text_left,
        "beside: {toc_left}..{toc_right} against {text_left}..{text_right}"
    );
    assert!(
        (toc_top - text_top).abs() < 200.0,
        "level: {toc_top} {text_top}"
    );

    // Scrolling to a section marks it; scrolling back to the top marks none.
    b.client
        .execute(
            "document.getElementById('assessment').scrollIntoView(); return true",
            vec![],
        )
        .await
        .unwrap();
    b.wait_for(&format!("return {CURRENT} === '#assessment'"), 10)
        .await;
    b.client
        .execute(
            "document.getElementById('coaching').scrollIntoView(); return true",
            vec![],
        )
        .await
        .unwrap();
    b.wait_for(&format!("return {CURRENT} === '#coaching'"), 10)
        .await;
    b.client
        .execute("window.scrollTo(0, 0); return true", vec![])
        .await
        .unwrap();
    b.wait_for(&format!("return {CURRENT} === null"), 10).await;

    // A phone: the contents come first, above the text.
    b.client
        .set_window_size(390, 844)
        .await
        .expect("window size");
    b.client.refresh().await.unwrap();
    b.wait_for("return document.readyState === 'complete'", 15)
        .await;
    let [_, toc_top, _, text_top, ..] = boxes(&b).await[..] else {
        panic!("four boxes")
    };
    assert!(toc_top < text_top, "above: {toc_top} {text_top}");
    b.close().await;
}
