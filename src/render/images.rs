//! The resized copies of the raster images pages show (`x-480.jpg`, `x-480.webp`, …: which
//! ones is [`crate::responsive`]'s rule), made after the bodies, since only they say which
//! images are shown.
//!
//! Decoding, resizing (fast_image_resize, Lanczos 3) and encoding (libwebp for lossy WebP,
//! `image` for JPEG and PNG) take tens of milliseconds a copy, so each copy is kept in
//! `.centerview-cache/` (through [`crate::cache_dir`]) under a 128-bit fingerprint of the
//! image's bytes and the settings: `image-<fingerprint>-<width>.<ext>`. The cache is listed
//! once a build; a one-off build links a copy found there into the new output, a session
//! (`serve`, `watch`) keeps the copies of its last build in memory. An image is decoded only
//! when one of its copies is missing, and images are done in parallel. An original is read
//! only to hash it when its file changed (see [`super::image_stamps`]) or to decode it.

use super::image_stamps::{self, Stamp, Stamps};
use crate::cache_dir;
use crate::diagnostics::{Diagnostic, Source};
use crate::output::{Deps, Output, OutputData};
use crate::render::editions::Place;
use crate::render::{Bodies, Sink};
use crate::resolve::Site;
use crate::responsive::{Format, Resized, Responsive};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// What the copies are made with: a change here makes every copy again.
const SETTINGS: &str =
    "centerview images 2: EXIF orientation applied, lanczos3, webp q80 m4, jpeg q82, png default";
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;

/// The copies of the last build of a session, by cache entry name.
#[derive(Default)]
pub struct ImageCache {
    last: HashMap<String, Arc<Vec<u8>>>,
    /// The originals' fingerprints, once read from the cache.
    stamps: Option<Stamps>,
    pub stats: Stats,
}

impl ImageCache {
    /// Forgets the copies themselves (a one-off build needs none once they are written).
    pub fn forget_copies(&mut self) {
        self.last = HashMap::new();
    }
}

/// How many images the last build showed with copies, how many copies they have, how
/// many of those it made (the rest came from a cache), and how many originals it read to
/// hash them (the others' files were unchanged since).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub images: usize,
    pub copies: usize,
    pub made: usize,
    pub hashed: usize,
}

/// An image shown with copies, and where it is first shown (for a problem found decoding it).
struct Shown<'a> {
    image: Responsive<'a>,
    at: Option<(&'a Source, usize)>,
}

/// Every raster image the bodies show, once, in path order.
fn shown<'a>(site: &'a Site, bodies: &'a Bodies) -> Vec<Shown<'a>> {
    let mut first: BTreeMap<&str, Option<(&Source, usize)>> = BTreeMap::new();
    for (source, rendered) in crate::render::bodies::with_sources(site, bodies) {
        for picture in &rendered.pictures {
            let at = picture.at.map(|at| (source, at));
            let entry = first.entry(picture.rel.as_str()).or_insert(at);
            if entry.is_none() {
                *entry = at;
            }
        }
    }
    first
        .into_iter()
        .filter_map(|(rel, at)| {
            let size = crate::responsive::inspect(&site.root, rel).ok()??;
            Some(Shown {
                image: Responsive::new(rel, size)?,
                at,
            })
        })
        .collect()
}

/// The path of every copy the site will have, and what it is, for the check that every path
/// has one owner (made before any image is resized).
pub fn claims(site: &Site, bodies: &Bodies) -> Vec<(String, String)> {
    shown(site, bodies)
        .iter()
        .flat_map(|shown| {
            let what = format!("a resized copy of content/{}", shown.image.rel);
            shown
                .image
                .copies()
                .into_iter()
                .map(move |copy| (copy.rel, what.clone()))
        })
        .collect()
}

/// Makes (or finds in a cache) every copy of every image the pages show. With a `sink` and a
/// `place` (a one-off build), each copy is written into the new output at once, linked from
/// the cache where it is there, and not kept in memory.
pub fn make(
    site: &Site,
    bodies: &Bodies,
    cache: &mut ImageCache,
    (sink, place): (Option<&Sink<'_>>, Option<&Place<'_>>),
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let shown = shown(site, bodies);
    let problem: Mutex<Option<Diagnostic>> = Mutex::new(None);
    let listed: HashSet<String> = cache_dir::names(&site.root, "image-")
        .unwrap_or_else(|e| {
            note_cache_problem(&problem, e);
            Vec::new()
        })
        .into_iter()
        .collect();
    let folder = cache_dir::Folder::open_if(place.is_some() && !listed.is_empty(), &site.root)
        .unwrap_or_else(|e| {
            note_cache_problem(&problem, e);
            None
        });
    let stamps = cache
        .stamps
        .take()
        .unwrap_or_else(|| read_stamps(site, &problem));
    let context = Context {
        site,
        last: &cache.last,
        stamps: &stamps,
        now: std::time::SystemTime::now(),
        listed: &listed,
        folder: folder.as_ref(),
        sink,
        place,
        problem: &problem,
    };
    let done: Vec<Done> = shown.par_iter().map(|s| context.copies_of(s)).collect();
    let mut stats = Stats {
        images: shown.len(),
        ..Stats::default()
    };
    let mut outputs = Vec::new();
    let mut kept = HashMap::new();
    let mut known = Stamps::default();
    for done in done {
        if let Some((rel, stamp, fingerprint)) = done.stamp {
            known.insert(rel, stamp, fingerprint);
        }
        stats.copies += done.outputs.len();
        stats.made += done.made;
        stats.hashed += usize::from(done.hashed);
        diagnostics.extend(done.diagnostics);
        for (output, entry) in done.outputs {
            if let (OutputData::Bytes(bytes), Some(entry)) = (&output.data, entry) {
                kept.insert(entry, bytes.clone());
            }
            outputs.push(output);
        }
    }
    if known != stamps
        && let Err(e) =
            cache_dir::write(&site.root, image_stamps::ENTRY, known.to_text().as_bytes())
    {
        note_cache_problem(&problem, e);
    }
    diagnostics.extend(problem.into_inner().expect("not poisoned"));
    cache.stamps = Some(known);
    cache.last = kept;
    cache.stats = stats;
    outputs
}

/// What [`make`] shares between the images it does in parallel.
struct Context<'a> {
    site: &'a Site,
    last: &'a HashMap<String, Arc<Vec<u8>>>,
    stamps: &'a Stamps,
    now: std::time::SystemTime,
    listed: &'a HashSet<String>,
    folder: Option<&'a cache_dir::Folder>,
    sink: Option<&'a Sink<'a>>,
    place: Option<&'a Place<'a>>,
    problem: &'a Mutex<Option<Diagnostic>>,
}

/// One image's copies as outputs (with the cache entry a session keeps each under), how
/// many were made, and its problems.
#[derive(Default)]
struct Done {
    outputs: Vec<(Output, Option<String>)>,
    made: usize,
    /// Whether the original was read to hash it.
    hashed: bool,
    diagnostics: Vec<Diagnostic>,
    /// The original's stamp and fingerprint, to keep in the index (when it has settled).
    stamp: Option<(String, Stamp, u128)>,
}

impl Context<'_> {
    fn copies_of(&self, shown: &Shown) -> Done {
        let mut done = Done::default();
        let image = &shown.image;
        let source = format!("content/{}", image.rel);
        let path = self.site.root.join(&source);
        let read = || std::fs::read(&path).map_err(|e| Diagnostic::io("cannot read", &path, &e));
        let stamp = Stamp::of(&path).ok();
        let known = stamp.and_then(|stamp| self.stamps.fingerprint(image.rel, stamp));
        let mut bytes = None;
        let fingerprint = match known {
            Some(fingerprint) => fingerprint,
            None => match read() {
                Ok(read) => {
                    done.hashed = true;
                    fingerprint(bytes.insert(read))
                }
                Err(d) => {
                    done.diagnostics.push(d);
                    return done;
                }
            },
        };
        done.stamp = stamp
            .filter(|stamp| stamp.settled(self.now))
            .map(|stamp| (image.rel.to_string(), stamp, fingerprint));
        let deps = Arc::new(Deps {
            files: [source].into(),
            templates: Default::default(),
        });
        let mut missing = Vec::new();
        for copy in image.copies() {
            let entry = entry_name(fingerprint, &copy);
            match self.found(&copy, &entry) {
                Some(Ok(data)) => done.outputs.push((output(&copy, data, &deps), Some(entry))),
                Some(Err(d)) => done.diagnostics.push(d),
                None => missing.push((copy, entry)),
            }
        }
        if missing.is_empty() {
            return done;
        }
        let bytes = match bytes.map_or_else(read, Ok) {
            Ok(bytes) => bytes,
            Err(d) => {
                done.diagnostics.push(d);
                return done;
            }
        };
        let decoded = match decode(&bytes, image.format) {
            Ok(decoded) => decoded,
            Err(error) => {
                done.diagnostics.push(undecodable(shown, &error));
                return done;
            }
        };
        for (copy, entry) in missing {
            let made = match resized(&decoded, &copy) {
                Ok(made) => made,
                Err(error) => {
                    done.diagnostics.push(undecodable(shown, &error));
                    continue;
                }
            };
            done.made += 1;
            if let Err(e) = cache_dir::write(&self.site.root, &entry, &made) {
                note_cache_problem(self.problem, e);
            }
            let data = match self.sink {
                Some(sink) => match sink(&copy.rel, &made) {
                    Ok(()) => OutputData::Written,
                    Err(d) => {
                        done.diagnostics.push(d);
                        continue;
                    }
                },
                None => OutputData::Bytes(Arc::new(made)),
            };
            done.outputs.push((output(&copy, data, &deps), Some(entry)));
        }
        done
    }

    /// A copy from the session's last build or from `.centerview-cache/`: linked into the
    /// new output (a one-off build), or its bytes; `None` when it is in neither.
    fn found(&self, copy: &Resized, entry: &str) -> Option<Result<OutputData, Diagnostic>> {
        if let Some(bytes) = self.last.get(entry) {
            return Some(Ok(match self.sink {
                Some(sink) => match sink(&copy.rel, bytes) {
                    Ok(()) => OutputData::Written,
                    Err(d) => return Some(Err(d)),
                },
                None => OutputData::Bytes(bytes.clone()),
            }));
        }
        if !self.listed.contains(entry) {
            return None;
        }
        if let (Some(place), Some(folder)) = (self.place, self.folder) {
            let dest = match place(&copy.rel) {
                Ok(dest) => dest,
                Err(d) => return Some(Err(d)),
            };
            return match folder.link_to(entry, &dest) {
                Ok(()) => Some(Ok(OutputData::Written)),
                Err(e) => {
                    note_cache_problem(self.problem, e);
                    None
                }
            };
        }
        match cache_dir::read(&self.site.root, entry) {
            Ok(Some(bytes)) => Some(Ok(OutputData::Bytes(Arc::new(bytes)))),
            Ok(None) => None,
            Err(e) => {
                note_cache_problem(self.problem, e);
                None
            }
        }
    }
}

fn output(copy: &Resized, data: OutputData, deps: &Arc<Deps>) -> Output {
    Output {
        path: copy.rel.clone(),
        data,
        deps: deps.clone(),
    }
}

/// The fingerprint of an image's copies: its bytes and the settings they are made with.
fn fingerprint(bytes: &[u8]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(SETTINGS.as_bytes());
    hasher.update(bytes);
    hasher.digest128()
}

/// `image-<fingerprint>-<width>.<webp|jpg|png>`.
fn entry_name(fingerprint: u128, copy: &Resized) -> String {
    let extension = match copy.format {
        Format::Webp => "webp",
        Format::Jpeg => "jpg",
        Format::Png => "png",
    };
    format!("image-{fingerprint:032x}-{}.{extension}", copy.width)
}

/// An image's pixels, 8 bits a channel, with alpha only where it has some.
struct Decoded {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    alpha: bool,
}

/// An image's pixels as it is drawn: a JPEG turned as its EXIF orientation says (the copies
/// carry no EXIF, so they are turned here, as a browser turns the original; the same rule
/// as [`crate::image_size`] gives its size by).
fn decode(bytes: &[u8], format: Format) -> Result<Decoded, String> {
    let mut image = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .decode()
        .map_err(|e| e.to_string())?;
    let orientation = (format == Format::Jpeg)
        .then(|| crate::image_size::exif_orientation(bytes))
        .flatten()
        .and_then(|o| image::metadata::Orientation::from_exif(o as u8));
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let pixels = match alpha {
        true => image.into_rgba8().into_raw(),
        false => image.into_rgb8().into_raw(),
    };
    Ok(Decoded {
        pixels,
        width,
        height,
        alpha,
    })
}

/// One copy: resized, then encoded in its format.
fn resized(decoded: &Decoded, copy: &Resized) -> Result<Vec<u8>, String> {
    use fast_image_resize as fr;
    let pixel_type = match decoded.alpha {
        true => fr::PixelType::U8x4,
        false => fr::PixelType::U8x3,
    };
    let pixels: std::borrow::Cow<[u8]> = if (copy.width, copy.height)
        == (decoded.width, decoded.height)
    {
        std::borrow::Cow::Borrowed(&decoded.pixels)
    } else {
        let source =
            fr::images::ImageRef::new(decoded.width, decoded.height, &decoded.pixels, pixel_type)
                .map_err(|e| e.to_string())?;
        let mut target = fr::images::Image::new(copy.width, copy.height, pixel_type);
        let options = fr::ResizeOptions::new()
            .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
        fr::Resizer::new()
            .resize(&source, &mut target, &options)
            .map_err(|e| e.to_string())?;
        std::borrow::Cow::Owned(target.into_vec())
    };
    encode(&pixels, copy, decoded.alpha)
}

fn encode(pixels: &[u8], copy: &Resized, alpha: bool) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let (width, height) = (copy.width, copy.height);
    let color = match alpha {
        true => image::ExtendedColorType::Rgba8,
        false => image::ExtendedColorType::Rgb8,
    };
    let mut out = Vec::new();
    match copy.format {
        Format::Webp => {
            let encoder = match alpha {
                true => webp::Encoder::from_rgba(pixels, width, height),
                false => webp::Encoder::from_rgb(pixels, width, height),
            };
            let encoded = encoder
                .encode_simple(false, WEBP_QUALITY)
                .map_err(|e| format!("{e:?}"))?;
            out.extend_from_slice(&encoded);
        }
        Format::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .write_image(pixels, width, height, color)
            .map_err(|e| e.to_string())?,
        Format::Png => image::codecs::png::PngEncoder::new(&mut out)
            .write_image(pixels, width, height, color)
            .map_err(|e| e.to_string())?,
    }
    Ok(out)
}

/// An image whose header could be read but whose pixels cannot: at the line that shows it.
fn undecodable(shown: &Shown, error: &str) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "the image `content/{}` cannot be read: {error}",
        shown.image.rel
    ))
    .help("open it in an image editor and save it again as a PNG, JPEG or WebP file");
    match shown.at {
        Some((source, at)) => {
            let end = source.text[at..]
                .find(['\n', ')', '"'])
                .map_or(source.text.len(), |i| at + i.max(1));
            d.at(source, at..end)
        }
        None => d.in_file(format!("content/{}", shown.image.rel)),
    }
}

/// The index of the originals' fingerprints kept by the last build (empty when there is none).
fn read_stamps(site: &Site, problem: &Mutex<Option<Diagnostic>>) -> Stamps {
    match cache_dir::read(&site.root, image_stamps::ENTRY) {
        Ok(Some(text)) => Stamps::from_text(&String::from_utf8_lossy(&text)),
        Ok(None) => Stamps::default(),
        Err(e) => {
            note_cache_problem(problem, e);
            Stamps::default()
        }
    }
}

/// The first problem with the cache, as a warning: the copies are still made, only not kept.
fn note_cache_problem(problem: &Mutex<Option<Diagnostic>>, error: cache_dir::Error) {
    let mut problem = problem.lock().expect("not poisoned");
    if problem.is_none() {
        *problem = Some(
            Diagnostic::warning(format!(
                "the resized images could not be kept for the next build: {error}"
            ))
            .help(error.help()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_entries_are_named_by_fingerprint_width_and_format() {
        let copy = Resized {
            rel: "assets/x-480.webp".into(),
            width: 480,
            height: 320,
            format: Format::Webp,
        };
        assert_eq!(
            entry_name(0xabc, &copy),
            "image-00000000000000000000000000000abc-480.webp"
        );
        assert_ne!(fingerprint(b"one"), fingerprint(b"two"));
    }
}
