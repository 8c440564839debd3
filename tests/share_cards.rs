//! Sharing cards: a publication without an `image` gets a generated 1200×630 PNG beside its
//! page, drawn by the PDF edition's Typst engine, named by its sharing tags, kept in
//! `.centerview-cache/`, and a title of any length stays inside its place on the card.

mod common;

use centerview::build::{self, Options};
use common::Site;

fn build_lib(site: &Site) -> build::Report {
    let mut options = Options::new(site.root());
    options.search = false;
    options.pdf = false;
    build::build(&options).unwrap_or_else(|f| panic!("build failed: {:?}", f.diagnostics))
}

fn card(site: &Site, rel: &str) -> image::RgbaImage {
    let bytes = std::fs::read(site.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        image::ImageFormat::Png
    );
    image::load_from_memory(&bytes).unwrap().into_rgba8()
}

const BRAND: image::Rgba<u8> = image::Rgba([0x0b, 0x55, 0x66, 0xff]);

#[test]
fn a_publication_without_an_image_gets_a_card_its_sharing_tags_name() {
    let site = Site::new();
    site.write("content/assets/own.png", "not read");
    site.page(
        "briefs/plain.md",
        &common::brief("Teachers & their time", "2017-01-01"),
        "Text.\n",
    );
    site.page(
        "reports/pictured.md",
        "title: Pictured\ndate: 2017-01-01\nimage: /assets/own.png\nimage_alt: Our own picture",
        "Text.\n",
    );
    site.page("about.md", "title: About", "A page, not a publication.\n");
    let report = build_lib(&site);
    assert_eq!((report.share_cards.cards, report.share_cards.drawn), (1, 1));
    let image = card(&site, "output/briefs/plain/card.png");
    assert_eq!(image.dimensions(), (1200, 630));
    assert_eq!(
        *image.get_pixel(20, 300),
        BRAND,
        "the brand colour behind the text"
    );
    assert!(!site.exists("output/reports/pictured/card.png"));
    assert!(!site.exists("output/about/card.png"));

    let html = site.read("output/briefs/plain/index.html");
    for tag in [
        "<meta property=\"og:image\" content=\"https://example.org/briefs/plain/card.png\">",
        "<meta property=\"og:image:alt\" content=\"CenterView Brief: Teachers &amp; their time\">",
        "<meta property=\"og:image:width\" content=\"1200\">",
        "<meta property=\"og:image:height\" content=\"630\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<meta name=\"twitter:image\" content=\"https://example.org/briefs/plain/card.png\">",
    ] {
        assert!(html.contains(tag), "{tag} in:\n{html}");
    }
    let pictured = site.read("output/reports/pictured/index.html");
    assert!(pictured.contains("content=\"https://example.org/assets/own.png\""));
    assert!(!pictured.contains("og:image:width"));

    // A second build draws nothing: the card comes from the cache, the same bytes.
    let first = std::fs::read(site.path("output/briefs/plain/card.png")).unwrap();
    let again = build_lib(&site);
    assert_eq!((again.share_cards.cards, again.share_cards.drawn), (1, 0));
    assert_eq!(
        std::fs::read(site.path("output/briefs/plain/card.png")).unwrap(),
        first
    );
    // A new title is a new card.
    site.page(
        "briefs/plain.md",
        &common::brief("Teachers and time", "2017-01-01"),
        "Text.\n",
    );
    assert_eq!(build_lib(&site).share_cards.drawn, 1);
}

#[test]
fn a_long_title_stays_inside_its_place_on_the_card() {
    let site = Site::new();
    let long = "How districts, county offices and their partners organised collaborative support for teachers of mathematics ".repeat(6);
    site.page(
        "briefs/short.md",
        &common::brief("Short", "2017-01-01"),
        "Text.\n",
    );
    site.page(
        "briefs/long.md",
        &common::brief(long.trim(), "2017-01-01"),
        "Text.\n",
    );
    site.page(
        "briefs/medium.md",
        &common::brief(&long[..150], "2017-01-01"),
        "Text.\n",
    );
    build_lib(&site);
    let short = card(&site, "output/briefs/short/card.png");
    for name in ["long", "medium"] {
        let card = card(&site, &format!("output/briefs/{name}/card.png"));
        // Between the title's place (and its last line's descenders) and the band with the
        // Center's name: nothing drawn.
        for y in 476..522 {
            for x in 0..1200 {
                assert_eq!(*card.get_pixel(x, y), BRAND, "{name}: ({x}, {y})");
            }
        }
        // The right margin: nothing drawn.
        for y in 0..630 {
            for x in 1130..1200 {
                assert_eq!(
                    card.get_pixel(x, y),
                    short.get_pixel(x, y),
                    "{name}: ({x}, {y})"
                );
            }
        }
        // The band with the Center's name is the same on every card.
        for y in 526..630 {
            for x in 0..1200 {
                assert_eq!(
                    card.get_pixel(x, y),
                    short.get_pixel(x, y),
                    "{name}: ({x}, {y})"
                );
            }
        }
        // And the title is there: much of its place is drawn on.
        let drawn = (150..460)
            .flat_map(|y| (80..1120).map(move |x| (x, y)))
            .filter(|&(x, y)| *card.get_pixel(x, y) != BRAND)
            .count();
        assert!(drawn > 20_000, "{name}: {drawn} pixels of title");
    }
}
