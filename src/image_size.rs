//! The size an image is drawn at when nothing scales it, in CSS pixels: read from a raster
//! file's header (PNG, JPEG, GIF, WebP, AVIF) or an SVG's root element (`width` and
//! `height`, else its `viewBox`). A figure uses it for its `<img>`'s `width` and `height`
//! (no layout shift while it loads) and to know whether a phone shows it smaller than drawn.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// An SVG larger than this is not read for its size (its root element is at the start, but
/// the parser reads the whole document).
const LARGEST_SVG: u64 = 8 * 1024 * 1024;

/// The image's size, or `None` when the file cannot be read or says no size.
pub fn read(path: &Path) -> Option<ImageSize> {
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        let file = std::fs::File::open(path).ok()?;
        if file.metadata().ok()?.len() > LARGEST_SVG {
            return None;
        }
        return svg_size(&std::io::read_to_string(file).ok()?);
    }
    let size = imagesize::size(path).ok()?;
    let (width, height) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    // A photograph taken with the camera on its side is stored sideways, with an EXIF
    // orientation that browsers (and the resized copies) apply: it is drawn turned.
    Some(match turned(path) {
        true => ImageSize {
            width: height,
            height: width,
        },
        false => ImageSize { width, height },
    })
}

/// Whether a JPEG's EXIF orientation turns it a quarter (which swaps its width and height).
fn turned(path: &Path) -> bool {
    let jpeg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
    // Orientations 5 to 8 turn the image a quarter (with or without a mirror).
    jpeg && exif_orientation_of_file(path).is_some_and(|o| (5..=8).contains(&o))
}

/// How much of a JPEG is read first: its first segments' headers, where EXIF's must be.
const JPEG_HEAD: usize = 4096;

/// A JPEG's EXIF orientation, reading only as far as its EXIF segment: EXIF puts that
/// segment (APP1) first after the file's start, or after a JFIF segment (APP0); a JPEG
/// without one is not read past its first few kilobytes.
fn exif_orientation_of_file(path: &Path) -> Option<u32> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = vec![0; JPEG_HEAD];
    let read = file.read(&mut head).ok()?;
    head.truncate(read);
    let segment_end = |at: usize| -> Option<usize> {
        let length = u16::from_be_bytes([*head.get(at + 2)?, *head.get(at + 3)?]);
        Some(at + 2 + usize::from(length))
    };
    let mut at = 2;
    if head.get(at..at + 2)? == [0xFF, 0xE0] {
        at = segment_end(at)?;
    }
    if head.get(at..at + 2)? != [0xFF, 0xE1] {
        return None;
    }
    let end = segment_end(at)?;
    if end > head.len() {
        let mut rest = vec![0; end - head.len()];
        file.read_exact(&mut rest).ok()?;
        head.extend(rest);
    }
    exif_orientation(&head[..end])
}

/// The EXIF orientation (1 to 8) a JPEG's opening bytes give, if any. Only the opening is
/// read: a JPEG without EXIF would otherwise be read to its end looking for it.
pub fn exif_orientation(jpeg_head: &[u8]) -> Option<u32> {
    // EXIF's segment ends within 64 KB of the start (two segments, at most 64 KB each).
    let head = &jpeg_head[..jpeg_head.len().min(2 * 65_536 + 4)];
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(head))
        .ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    field.value.get_uint(0).filter(|o| (1..=8).contains(o))
}

/// An SVG's size as a browser's `<img>` draws it: `width` and `height` where both are absolute
/// lengths; one of them with the `viewBox`'s proportions; else the `viewBox`'s own size.
pub fn svg_size(text: &str) -> Option<ImageSize> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).ok()?;
    let root = document.root_element();
    let width = root.attribute("width").and_then(css_pixels);
    let height = root.attribute("height").and_then(css_pixels);
    let view_box = root.attribute("viewBox").and_then(view_box_size);
    let (width, height) = match (width, height, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (_, _, Some(size)) => size,
        _ => return None,
    };
    let round =
        |v: f64| (v.is_finite() && v >= 0.5 && v < f64::from(u32::MAX)).then(|| v.round() as u32);
    Some(ImageSize {
        width: round(width)?,
        height: round(height)?,
    })
}

/// An absolute CSS length in pixels (`640`, `640px`, `12cm`); `None` for percentages, font
/// units and anything else that depends on where the image is.
fn css_pixels(value: &str) -> Option<f64> {
    let value = value.trim();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let per_unit = match unit.trim() {
        "" | "px" => 1.0,
        "in" => 96.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        "pt" => 96.0 / 72.0,
        "pc" => 16.0,
        _ => return None,
    };
    let pixels = number * per_unit;
    (pixels > 0.0 && pixels.is_finite()).then_some(pixels)
}

/// The width and height of a `viewBox` (`min-x min-y width height`, by spaces or commas).
fn view_box_size(value: &str) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(svg: &str) -> Option<(u32, u32)> {
        svg_size(svg).map(|s| (s.width, s.height))
    }

    #[test]
    fn an_svg_is_sized_by_width_and_height_else_by_its_view_box() {
        let ns = "xmlns=\"http://www.w3.org/2000/svg\"";
        assert_eq!(
            size(&format!("<svg {ns} viewBox=\"0 0 640 360\"/>")),
            Some((640, 360))
        );
        assert_eq!(
            size(&format!(
                "<svg {ns} width=\"320px\" height=\"180\" viewBox=\"0 0 640 360\"/>"
            )),
            Some((320, 180))
        );
        assert_eq!(
            size(&format!(
                "<svg {ns} width=\"320\" viewBox=\"0,0,640,360\"/>"
            )),
            Some((320, 180)),
            "one length and the view box's proportions"
        );
        assert_eq!(
            size(&format!(
                "<svg {ns} width=\"100%\" height=\"100%\" viewBox=\"0 0 800 600\"/>"
            )),
            Some((800, 600)),
            "relative lengths give way to the view box"
        );
        assert_eq!(
            size(&format!("<svg {ns} width=\"1in\" height=\"72pt\"/>")),
            Some((96, 96))
        );
        assert_eq!(size(&format!("<svg {ns} width=\"100%\"/>")), None);
        assert_eq!(size(&format!("<svg {ns} viewBox=\"0 0 0 10\"/>")), None);
        assert_eq!(size("not xml"), None);
        assert_eq!(
            size(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"50\" height=\"40\"/>"
            ),
            Some((50, 40)),
            "a doctype is allowed"
        );
    }

    #[test]
    fn a_raster_image_is_sized_by_its_header() {
        let dir = tempfile::tempdir().unwrap();
        // A 1×1 PNG whose header says 1200×800.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend([0, 0, 0, 13]);
        png.extend(b"IHDR");
        png.extend(1200u32.to_be_bytes());
        png.extend(800u32.to_be_bytes());
        png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let path = dir.path().join("x.png");
        std::fs::write(&path, &png).unwrap();
        assert_eq!(
            read(&path),
            Some(ImageSize {
                width: 1200,
                height: 800
            })
        );
        std::fs::write(
            dir.path().join("x.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"/>",
        )
        .unwrap();
        assert_eq!(read(&dir.path().join("x.svg")).map(|s| s.width), Some(640));
        assert_eq!(read(&dir.path().join("missing.png")), None);
    }
}
