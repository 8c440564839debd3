//! Responsive images in a real browser, at 1280 and 390 px: Chromium picks the WebP copy
//! the column needs (never the 2,000-pixel original), draws each image at its final size
//! before it loads (no layout shift), loads an image of the first screen at once and one
//! further down only when the reader scrolls near it.

mod common;

use common::Site;
use common::browser::{self, Browser};
use serde_json::Value;

/// A JPEG of `width`×`height` with some texture (so its copies are real work).
fn photo(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let base = ((x + y) * 255 / (width + height)) as u8;
        image::Rgb([base, (x * 7 % 256) as u8, 255 - base])
    });
    let mut out = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

const PARAGRAPH: &str = "District leaders described coaching that came to the classroom, \
    planning time shared across a grade level and principals who learned the standards \
    beside their teachers. ";

/// A brief with a photograph at its top and another some screens further down.
fn site() -> Site {
    let site = Site::new();
    for name in ["top", "far"] {
        let path = site.path(&format!("content/assets/{name}.jpg"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, photo(2000, 1000)).unwrap();
    }
    let filler = format!("{}\n\n", PARAGRAPH.repeat(4)).repeat(40);
    let body = format!(
        "![Teachers at a table](../assets/top.jpg)\n\n{filler}![A classroom](../assets/far.jpg)\n\nThe end.\n"
    );
    site.page(
        "briefs/photos.md",
        &common::brief("Photos", "2020-03-01"),
        &body,
    );
    site.build().assert_ok();
    site
}

/// Each image's chosen file, natural width, whether it has loaded, and its drawn box against
/// the box its `width` and `height` give; and the layout shift seen so far.
const IMAGES: &str = "return {
  shift: window.__shift || 0,
  page: document.documentElement.scrollHeight,
  images: [...document.querySelectorAll('main img')].map((img) => {
    const box = img.getBoundingClientRect();
    return {
      alt: img.alt,
      chosen: img.currentSrc.split('/').pop(),
      natural: img.naturalWidth,
      complete: img.complete && img.naturalWidth > 0,
      loading: img.loading,
      width: box.width,
      height: box.height,
      ratio: img.width / img.height,
      top: box.top + scrollY,
      fetched: performance.getEntriesByType('resource').some((e) => e.name === img.currentSrc),
    };
  }),
};";

/// Counts layout shifts from the start of the page (buffered entries included).
const WATCH_SHIFTS: &str = "window.__shift = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
}).observe({ type: 'layout-shift', buffered: true });
return true;";

async fn images(b: &Browser) -> Value {
    b.client.execute(IMAGES, vec![]).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_takes_the_copy_it_needs_and_loads_far_images_late() {
    if browser::skipped() {
        return;
    }
    let site = site();
    let base = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    let mut problems = Vec::new();
    // At 390 px the column is the screen (480 pixels is the copy for it); at 1280 px it is
    // 640 px wide (the 960-pixel copy), on screens of one pixel a CSS pixel.
    for (width, height, copy) in [(390, 844, "-480.webp"), (1280, 1000, "-960.webp")] {
        // Resized on a blank page: the last page, resized, would fetch the copies for the
        // new width into the memory cache, where the next page finds them at once.
        b.client.goto("about:blank").await.unwrap();
        b.client.set_window_size(width, height).await.unwrap();
        b.client
            // A query of its own: the same address again would be a reload, which keeps
            // the last scroll position.
            .goto(&format!("{base}/briefs/photos/?width={width}"))
            .await
            .unwrap();
        b.wait_for("return document.readyState === 'complete'", 15)
            .await;
        b.client.execute(WATCH_SHIFTS, vec![]).await.unwrap();
        let found = images(&b).await;
        let (top, far) = (&found["images"][0], &found["images"][1]);
        let at = format!("at {width} px");
        if top["loading"] == "lazy" || top["complete"] != true {
            problems.push(format!(
                "{at}: the first screen's photo is not loaded at once: {top}"
            ));
        }
        if !top["chosen"]
            .as_str()
            .unwrap()
            .ends_with(&format!("top{copy}"))
        {
            problems.push(format!(
                "{at}: the top photo is {} (wanted top{copy})",
                top["chosen"]
            ));
        }
        if far["loading"] != "lazy" || far["fetched"] == true {
            problems.push(format!(
                "{at}: the far photo was fetched before any scroll: {far}"
            ));
        }
        // Before it loads, the far photo already takes its final box (2:1).
        let (w, h) = (
            far["width"].as_f64().unwrap(),
            far["height"].as_f64().unwrap(),
        );
        if w < 100.0 || (w / h - 2.0).abs() > 0.02 {
            problems.push(format!(
                "{at}: the unloaded far photo is drawn {w}×{h}, not 2:1"
            ));
        }
        // Scrolled to, it loads, in the copy the column needs, and nothing moved.
        b.client
            .execute(
                "document.querySelectorAll('main img')[1].scrollIntoView(); return true",
                vec![],
            )
            .await
            .unwrap();
        b.wait_for(
            "const i = document.querySelectorAll('main img')[1]; return i.complete && i.naturalWidth > 0",
            15,
        )
        .await;
        let after = images(&b).await;
        let far = &after["images"][1];
        if !far["chosen"]
            .as_str()
            .unwrap()
            .ends_with(&format!("far{copy}"))
        {
            problems.push(format!(
                "{at}: the far photo is {} (wanted far{copy})",
                far["chosen"]
            ));
        }
        if after["shift"].as_f64().unwrap() > 0.001 {
            problems.push(format!("{at}: layout shift {}", after["shift"]));
        }
    }
    b.close().await;
    assert!(problems.is_empty(), "{problems:#?}");
}
