//! Responsive images: which smaller copies of a raster image in `content/assets/` the build
//! makes (`x-480.jpg`, `x-480.webp`, …, beside `x.jpg`), and the `<picture>` a page shows it
//! with. Everything here follows from the image's path and the size in its header, so a body
//! can be rendered before any image is resized (`render/images.rs` makes the files).
//!
//! The widths: [`WIDTHS`] below the image's own width, then the image's own width where it is
//! not wider than the largest (a WebP copy at full size: the original is its own copy in its
//! format). An image narrower than the smallest width gets only that WebP copy; nothing is
//! ever made larger than it was.

use crate::image_size::ImageSize;
use std::fmt::Write;
use std::path::Path;

/// The widths copies are made at, in pixels: a phone's column at 1× and 2× (and a laptop's
/// at 1.5×), and the text column at 2×.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// The text column's width in CSS pixels (`--measure`, 40rem): no image is drawn wider.
pub const COLUMN: u32 = 640;

/// The largest image the build resizes: decoding one takes 4 bytes a pixel (160 MB here).
pub const MAX_PIXELS: u64 = 40_000_000;
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// An image starting within this many bytes of a page's markdown is in the first screen
/// (below the title block, about one paragraph in): it is loaded at once, not lazily.
pub const FIRST_SCREEN_BYTES: usize = 1000;

/// The raster formats resized (GIF is left as it is: its copies would lose the animation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
}

impl Format {
    /// The format a file name's extension says, for the formats resized.
    pub fn of(rel: &str) -> Option<Format> {
        let extension = Path::new(rel).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }
}

/// One file the build makes from an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resized {
    /// Its path under `content/` and in the site: `assets/x-480.webp`.
    pub rel: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// A raster image a page shows, with the size its header gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive<'a> {
    /// Its path under `content/`: `assets/x.jpg`.
    pub rel: &'a str,
    pub format: Format,
    pub size: ImageSize,
}

impl<'a> Responsive<'a> {
    /// The image at `rel`, when it is one the build resizes.
    pub fn new(rel: &'a str, size: ImageSize) -> Option<Responsive<'a>> {
        let format = Format::of(rel)?;
        (rel.starts_with("assets/") && size.width > 0 && size.height > 0).then_some(Responsive {
            rel,
            format,
            size,
        })
    }

    /// The widths it is offered at, narrowest first.
    pub fn widths(&self) -> Vec<u32> {
        let own = self.size.width;
        let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < own).collect();
        if own <= WIDTHS[WIDTHS.len() - 1] {
            widths.push(own);
        }
        widths
    }

    fn height_at(&self, width: u32) -> u32 {
        let height = u64::from(self.size.height) * u64::from(width) / u64::from(self.size.width);
        (height as u32).max(1)
    }

    /// The files made from it: a copy in its own format below its own width, and a WebP
    /// copy at every width (none when it is a WebP file: its own copies are those).
    pub fn copies(&self) -> Vec<Resized> {
        let mut copies = Vec::new();
        for width in self.widths() {
            let height = self.height_at(width);
            let copy = |format: Format| Resized {
                rel: copy_name(self.rel, width, format),
                width,
                height,
                format,
            };
            if width < self.size.width {
                copies.push(copy(self.format));
            }
            if self.format != Format::Webp {
                copies.push(copy(Format::Webp));
            }
        }
        copies
    }

    /// The `<picture>` showing it: a WebP `<source>` and an `<img>` in its own format, both
    /// with every width, the image's size (no layout shift while it loads), lazily loaded
    /// unless `first_screen`. `url` is the image's own address; `attributes` are the `<img>`'s
    /// others (`alt`, `title`), written escaped.
    pub fn picture(&self, url: &str, attributes: &[(&str, &str)], first_screen: bool) -> String {
        let url = url.split('#').next().unwrap_or(url);
        let widths = self.widths();
        let srcset = |format: Format| {
            let mut set = String::new();
            for &width in &widths {
                let file = if width == self.size.width && format == self.format {
                    url.to_string()
                } else {
                    copy_name(url, width, format)
                };
                let _ = write!(
                    set,
                    "{}{file} {width}w",
                    if set.is_empty() { "" } else { ", " }
                );
            }
            set
        };
        let drawn = self.size.width.min(COLUMN);
        let sizes = format!("(max-width: {drawn}px) 100vw, {drawn}px");
        let mut html = String::from("<picture>");
        if self.format != Format::Webp {
            let _ = write!(
                html,
                "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
                escape(&srcset(Format::Webp))
            );
        }
        let _ = write!(
            html,
            "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\"",
            escape(url),
            escape(&srcset(self.format)),
            self.size.width,
            self.size.height
        );
        for (name, value) in attributes {
            let _ = write!(html, " {name}=\"{}\"", escape(value));
        }
        if !first_screen {
            html.push_str(" loading=\"lazy\"");
        }
        html.push_str(" decoding=\"async\"></picture>");
        html
    }
}

/// `assets/x.jpg` at 480 pixels in WebP: `assets/x-480.webp` (a URL the same way).
pub fn copy_name(path: &str, width: u32, format: Format) -> String {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let stem_end = path[name_start..]
        .rfind('.')
        .map_or(path.len(), |i| name_start + i);
    let extension = match format {
        Format::Webp => "webp",
        // The original's own spelling: `x.JPEG` gives `x-480.JPEG`.
        Format::Png | Format::Jpeg => &path[(stem_end + 1).min(path.len())..],
    };
    format!("{}-{width}.{extension}", &path[..stem_end])
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Why an image cannot be resized, found from its file and header alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    TooManyBytes(u64),
    TooManyPixels(ImageSize),
    /// Its header says no size: not the format its name says, or damaged.
    Unreadable,
}

impl Problem {
    pub fn message(&self, shown: &str) -> String {
        match self {
            Problem::TooManyBytes(bytes) => format!(
                "the image `{shown}` is {:.0} MB: more than the {} MB an image may have",
                *bytes as f64 / (1024.0 * 1024.0),
                MAX_BYTES / (1024 * 1024)
            ),
            Problem::TooManyPixels(size) => format!(
                "the image `{shown}` is {}×{} pixels ({:.1} megapixels): more than the {} megapixels an image may have",
                size.width,
                size.height,
                f64::from(size.width) * f64::from(size.height) / 1e6,
                MAX_PIXELS / 1_000_000
            ),
            Problem::Unreadable => {
                format!(
                    "the image `{shown}` cannot be read: it is damaged, or not the format its name says"
                )
            }
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            Problem::TooManyBytes(_) | Problem::TooManyPixels(_) => {
                "save it smaller: 2,400 pixels wide is plenty for any screen, and the build makes the smaller copies readers need"
            }
            Problem::Unreadable => {
                "open it in an image editor and save it again as a PNG, JPEG or WebP file, with the matching extension"
            }
        }
    }
}

/// The size of the raster image `content/<rel>` from its header, or why it cannot be
/// resized; `Ok(None)` for a file the build does not resize (an SVG, a GIF).
pub fn inspect(root: &Path, rel: &str) -> Result<Option<ImageSize>, Problem> {
    if Format::of(rel).is_none() || !rel.starts_with("assets/") {
        return Ok(None);
    }
    let path = root.join("content").join(rel);
    let bytes = std::fs::metadata(&path)
        .map_err(|_| Problem::Unreadable)?
        .len();
    if bytes > MAX_BYTES {
        return Err(Problem::TooManyBytes(bytes));
    }
    let size = crate::image_size::read(&path).ok_or(Problem::Unreadable)?;
    if u64::from(size.width) * u64::from(size.height) > MAX_PIXELS {
        return Err(Problem::TooManyPixels(size));
    }
    if size.width == 0 || size.height == 0 {
        return Err(Problem::Unreadable);
    }
    Ok(Some(size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(rel: &str, width: u32, height: u32) -> Responsive<'_> {
        Responsive::new(rel, ImageSize { width, height }).unwrap()
    }

    #[test]
    fn copies_are_never_wider_than_the_image() {
        let widths = |w| image("assets/x.jpg", w, 100).widths();
        assert_eq!(widths(2400), vec![480, 960, 1440]);
        assert_eq!(widths(1440), vec![480, 960, 1440]);
        assert_eq!(widths(1200), vec![480, 960, 1200]);
        assert_eq!(widths(300), vec![300]);
        let small: Vec<String> = image("assets/x.png", 300, 200)
            .copies()
            .into_iter()
            .map(|c| c.rel)
            .collect();
        assert_eq!(small, ["assets/x-300.webp"], "a small image: its WebP only");
        let names: Vec<(String, u32)> = image("assets/p.JPEG", 1000, 500)
            .copies()
            .into_iter()
            .map(|c| (c.rel, c.height))
            .collect();
        assert_eq!(
            names,
            [
                ("assets/p-480.JPEG".to_string(), 240),
                ("assets/p-480.webp".to_string(), 240),
                ("assets/p-960.JPEG".to_string(), 480),
                ("assets/p-960.webp".to_string(), 480),
                ("assets/p-1000.webp".to_string(), 500),
            ]
        );
        assert!(image("assets/w.webp", 300, 200).copies().is_empty());
    }

    #[test]
    fn a_picture_offers_every_width_in_both_formats() {
        let html = image("assets/x.jpg", 1200, 800).picture(
            "/base/assets/x.jpg",
            &[("alt", "A \"quoted\" <b>")],
            false,
        );
        assert_eq!(
            html,
            "<picture><source type=\"image/webp\" srcset=\"/base/assets/x-480.webp 480w, /base/assets/x-960.webp 960w, /base/assets/x-1200.webp 1200w\" sizes=\"(max-width: 640px) 100vw, 640px\"><img src=\"/base/assets/x.jpg\" srcset=\"/base/assets/x-480.jpg 480w, /base/assets/x-960.jpg 960w, /base/assets/x.jpg 1200w\" sizes=\"(max-width: 640px) 100vw, 640px\" width=\"1200\" height=\"800\" alt=\"A &quot;quoted&quot; &lt;b&gt;\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
        let first = image("assets/x.webp", 400, 300).picture("/assets/x.webp", &[], true);
        assert_eq!(
            first,
            "<picture><img src=\"/assets/x.webp\" srcset=\"/assets/x.webp 400w\" sizes=\"(max-width: 400px) 100vw, 400px\" width=\"400\" height=\"300\" decoding=\"async\"></picture>"
        );
    }

    #[test]
    fn only_raster_assets_are_resized() {
        let size = ImageSize {
            width: 10,
            height: 10,
        };
        assert!(Responsive::new("assets/x.svg", size).is_none());
        assert!(Responsive::new("assets/x.gif", size).is_none());
        assert!(Responsive::new("briefs/x.png", size).is_none());
        assert!(Responsive::new("assets/x.PNG", size).is_some());
    }
}
