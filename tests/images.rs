//! Responsive images, as the build publishes them: every raster image a page shows gets
//! smaller copies in its own format and in WebP (decoded here to check their sizes and
//! formats), pages show it as a `<picture>` with `srcset`, `sizes`, `width` and `height`,
//! the copies are kept in `.centerview-cache/` so a second build encodes nothing, and an
//! image too large or unreadable is an error at the line that shows it.

mod common;

use centerview::build::{self, Options};
use common::Site;
use std::path::Path;

/// A noisy gradient photograph, `width`×`height`, as JPEG (or PNG, with alpha).
fn photo(width: u32, height: u32, png: bool) -> Vec<u8> {
    let mut state = 7u32;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 32) as u8
    };
    let mut out = Vec::new();
    if png {
        let image = image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, noise(), 200])
        });
        image
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
    } else {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            let base = ((x + y) * 255 / (width + height)) as u8;
            image::Rgb([base.saturating_add(noise()), base / 2 + noise(), 255 - base])
        });
        image
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
    }
    out
}

fn put(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A WebP file's header saying `width`×`height` (VP8X), with no picture after it.
fn webp_header(width: u32, height: u32) -> Vec<u8> {
    let mut webp = b"RIFF\x1e\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00".to_vec();
    webp.extend(&(width - 1).to_le_bytes()[..3]);
    webp.extend(&(height - 1).to_le_bytes()[..3]);
    webp
}

const LONG_PARAGRAPH: &str = "Teachers in the districts we visited said the same thing in \
    different words: the support they valued was the support that came to their classrooms. ";

/// A site whose brief shows a large JPEG at its top, a small PNG figure further down and an
/// SVG, built with the library.
fn site_with_images() -> Site {
    let site = Site::new();
    put(&site, "content/assets/photo.jpg", &photo(2000, 1000, false));
    put(&site, "content/assets/small.png", &photo(300, 200, true));
    site.write(
        "content/assets/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"/>",
    );
    let body = format!(
        "![A classroom](../assets/photo.jpg)\n\n{}\n\n{{{{ figure(image=\"../assets/small.png\", alt=\"A chart\", caption=\"Small\") }}}}\n\n![A diagram](../assets/diagram.svg)\n",
        LONG_PARAGRAPH.repeat(12)
    );
    site.page("briefs/x.md", &common::brief("X", "2017-01-01"), &body);
    site
}

fn build_lib(root: &Path) -> build::Report {
    let mut options = Options::new(root);
    options.search = false;
    options.pdf = false;
    build::build(&options).unwrap_or_else(|f| panic!("build failed: {:?}", f.diagnostics))
}

fn decoded(site: &Site, rel: &str) -> (image::ImageFormat, u32, u32) {
    let bytes = std::fs::read(site.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let format = image::guess_format(&bytes).unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    (format, image.width(), image.height())
}

#[test]
fn raster_images_get_smaller_copies_in_their_format_and_in_webp() {
    let site = site_with_images();
    let report = build_lib(site.root());
    use image::ImageFormat::{Jpeg, Png, WebP};
    for (rel, expected) in [
        ("photo-480.jpg", (Jpeg, 480, 240)),
        ("photo-480.webp", (WebP, 480, 240)),
        ("photo-960.jpg", (Jpeg, 960, 480)),
        ("photo-960.webp", (WebP, 960, 480)),
        ("photo-1440.jpg", (Jpeg, 1440, 720)),
        ("photo-1440.webp", (WebP, 1440, 720)),
        ("small-300.webp", (WebP, 300, 200)),
    ] {
        assert_eq!(
            decoded(&site, &format!("output/assets/{rel}")),
            expected,
            "{rel}"
        );
    }
    // The WebP copies are lossy (`VP8 `, not the lossless `VP8L`), and smaller than the JPEG.
    let webp = std::fs::read(site.path("output/assets/photo-960.webp")).unwrap();
    assert_eq!(&webp[12..16], b"VP8 ", "a lossy WebP");
    let jpeg = std::fs::read(site.path("output/assets/photo-960.jpg")).unwrap();
    assert!(webp.len() < jpeg.len(), "{} vs {}", webp.len(), jpeg.len());
    // The originals stay; nothing is made larger than it was, nothing from an SVG.
    assert_eq!(
        decoded(&site, "output/assets/photo.jpg"),
        (Jpeg, 2000, 1000)
    );
    assert_eq!(decoded(&site, "output/assets/small.png").0, Png);
    for absent in [
        "photo-2000.webp",
        "small-300.png",
        "small-480.webp",
        "diagram-480.webp",
    ] {
        assert!(!site.exists(&format!("output/assets/{absent}")), "{absent}");
    }
    assert_eq!(report.images.images, 2);
    assert_eq!(report.images.copies, 7);
    assert_eq!(report.images.made, 7);

    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains(
        "<picture><source type=\"image/webp\" srcset=\"/assets/photo-480.webp 480w, /assets/photo-960.webp 960w, /assets/photo-1440.webp 1440w\" sizes=\"(max-width: 640px) 100vw, 640px\"><img src=\"/assets/photo.jpg\" srcset=\"/assets/photo-480.jpg 480w, /assets/photo-960.jpg 960w, /assets/photo-1440.jpg 1440w\" sizes=\"(max-width: 640px) 100vw, 640px\" width=\"2000\" height=\"1000\" alt=\"A classroom\" decoding=\"async\"></picture>"
    ), "the first image, in the first screen, is not lazy:\n{html}");
    assert!(html.contains(
        "<picture><source type=\"image/webp\" srcset=\"/assets/small-300.webp 300w\" sizes=\"(max-width: 300px) 100vw, 300px\"><img src=\"/assets/small.png\" srcset=\"/assets/small.png 300w\" sizes=\"(max-width: 300px) 100vw, 300px\" width=\"300\" height=\"200\" alt=\"A chart\" loading=\"lazy\" decoding=\"async\"></picture>"
    ), "the figure further down is lazy:\n{html}");
    assert!(
        html.contains("<img src=\"/assets/diagram.svg\" alt=\"A diagram\""),
        "an SVG is left as it is:\n{html}"
    );
}

#[test]
fn a_second_build_takes_every_copy_from_the_cache() {
    let site = site_with_images();
    build_lib(site.root());
    let first = site.output_files();
    let entries = |site: &Site| -> Vec<(String, std::time::SystemTime)> {
        let mut entries: Vec<_> = std::fs::read_dir(site.path(".centerview-cache"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("image-"))
            .map(|e| {
                let modified = e.metadata().unwrap().modified().unwrap();
                (e.file_name().to_string_lossy().into_owned(), modified)
            })
            .collect();
        entries.sort();
        entries
    };
    let cached = entries(&site);
    assert_eq!(cached.len(), 7, "{cached:?}");
    let report = build_lib(site.root());
    assert_eq!((report.images.copies, report.images.made), (7, 0));
    assert_eq!(entries(&site), cached, "no entry written again");
    assert_eq!(site.output_files(), first, "the same files");
    // The summary line says so too.
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr.contains("; 2 images resized (7 copies, 0 made)"),
        "{}",
        run.stderr
    );

    // A changed image is made again; its old copies stay in the cache for a change back.
    put(&site, "content/assets/small.png", &photo(320, 200, true));
    let report = build_lib(site.root());
    assert_eq!((report.images.copies, report.images.made), (7, 1));
    assert_eq!(decoded(&site, "output/assets/small-320.webp").1, 320);
    assert!(!site.exists("output/assets/small-300.webp"));
}

/// A warm build reads no original whose file is unchanged (hashing 1,000 photographs cost
/// more than the rest of their warm build); a file changed since is hashed again, even one
/// of the same size written in the same tick of the clock.
#[test]
fn an_unchanged_original_is_not_read_again() {
    let site = site_with_images();
    let hashed = |site: &Site| build_lib(site.root()).images.hashed;
    // Files changed within the last two seconds are not trusted by their stamps (a write in
    // the same tick of the clock could hide), so the photographs are given time to settle.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(hashed(&site), 2);
    let index = site.read(".centerview-cache/images.index");
    assert_eq!(index.lines().count(), 2, "{index}");
    assert_eq!(hashed(&site), 0, "nothing read");
    // The same bytes written again: its stamp changed, so it is read and hashed, and its
    // copies (the same fingerprint) come from the cache.
    let bytes = std::fs::read(site.path("content/assets/small.png")).unwrap();
    put(&site, "content/assets/small.png", &bytes);
    let report = build_lib(site.root());
    assert_eq!((report.images.hashed, report.images.made), (1, 0));
    // A damaged index is read as far as it parses; the rest is hashed.
    site.write(".centerview-cache/images.index", "not an index\n");
    assert_eq!(hashed(&site), 2);
}

/// `jpeg` with an EXIF segment saying "turn a quarter clockwise to show" (orientation 6), as
/// a phone writes a photograph taken upright.
fn with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, 6
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let length = (segment.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(length.to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

/// A photograph stored sideways with an EXIF orientation is drawn turned by browsers: its
/// `width` and `height` are the turned ones, and its copies are turned (they carry no EXIF).
#[test]
fn a_sideways_photograph_is_shown_and_resized_upright() {
    let site = Site::new();
    put(
        &site,
        "content/assets/upright.jpg",
        &with_orientation_6(&photo(1000, 600, false)),
    );
    site.page(
        "briefs/x.md",
        &common::brief("X", "2017-01-01"),
        "![A teacher at a whiteboard](../assets/upright.jpg)\n",
    );
    build_lib(site.root());
    let html = site.read("output/briefs/x/index.html");
    assert!(html.contains("width=\"600\" height=\"1000\""), "{html}");
    assert_eq!(
        decoded(&site, "output/assets/upright-480.webp"),
        (image::ImageFormat::WebP, 480, 800)
    );
    assert_eq!(decoded(&site, "output/assets/upright-600.webp").1, 600);
}

#[test]
fn an_image_over_40_megapixels_is_an_error_at_its_line() {
    let site = Site::new();
    put(&site, "content/assets/huge.webp", &webp_header(8000, 6000));
    site.page(
        "briefs/x.md",
        &common::brief("X", "2017-01-01"),
        "Text.\n\nSee ![A map](../assets/huge.webp) here.\n",
    );
    let run = site.build();
    run.assert_error("content/briefs/x.md:7:");
    run.assert_error(
        "error: the image `content/assets/huge.webp` is 8000×6000 pixels (48.0 megapixels): more than the 40 megapixels an image may have",
    );
    // In a figure, at its `image` argument.
    site.page(
        "briefs/x.md",
        &common::brief("X", "2017-01-01"),
        "Text.\n\n{{ figure(image=\"../assets/huge.webp\", alt=\"A map\", caption=\"Map\") }}\n",
    );
    site.build().assert_error(
        "content/briefs/x.md:7:11: error: the image `content/assets/huge.webp` is 8000×6000 pixels",
    );
}

#[test]
fn an_image_whose_pixels_cannot_be_read_is_an_error_at_its_line() {
    let site = Site::new();
    // A header saying 1000×800, and nothing after it.
    put(&site, "content/assets/broken.webp", &webp_header(1000, 800));
    site.page(
        "briefs/x.md",
        &common::brief("X", "2017-01-01"),
        "Text.\n\n![A map](../assets/broken.webp)\n",
    );
    let run = site.build();
    run.assert_error(
        "content/briefs/x.md:7:1: error: the image `content/assets/broken.webp` cannot be read:",
    );
    // A file that is no image at all is found from its header, when the body is rendered.
    site.write("content/assets/broken.webp", "not an image");
    site.build().assert_error(
        "content/briefs/x.md:7:10: error: the image `content/assets/broken.webp` cannot be read: it is damaged, or not the format its name says",
    );
}

#[test]
fn a_copy_on_the_path_of_another_file_is_an_error() {
    let site = Site::new();
    put(&site, "content/assets/x.jpg", &photo(600, 400, false));
    put(&site, "content/assets/x-480.webp", &photo(10, 10, false));
    site.page(
        "briefs/x.md",
        &common::brief("X", "2017-01-01"),
        "![A photo](../assets/x.jpg)\n",
    );
    site.build().assert_error(
        "content/assets/x-480.webp would be written to assets/x-480.webp in the site, where a resized copy of content/assets/x.jpg is written",
    );
    // Two images whose copies share a name.
    std::fs::remove_file(site.path("content/assets/x-480.webp")).unwrap();
    put(&site, "content/assets/x.png", &photo(600, 400, true));
    site.page(
        "briefs/y.md",
        &common::brief("Y", "2017-01-01"),
        "![Another](../assets/x.png)\n",
    );
    site.build()
        .assert_error("would both be written to assets/x-480.webp in the site");
}
