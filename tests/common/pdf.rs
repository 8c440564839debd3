//! A printed PDF read back with poppler-utils, as a reader would see it: each page's lines of
//! text with their places (`pdftotext -bbox-layout`), and where ink is (`pdftoppm`, in grey
//! at a low resolution), so that images and rules count as well as text.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

const INSTALL: &str = "print tests need poppler-utils (pdftotext, pdfinfo, pdftoppm): on Debian \
or Ubuntu run `sudo apt-get install poppler-utils` (bash .ci/run does this)";

/// The resolution of the ink map, in dots per inch: enough to find a rule's row.
const INK_DPI: f64 = 36.0;

pub struct Pdf {
    pub pages: Vec<Page>,
}

pub struct Page {
    /// In points (1/72 inch).
    pub width: f64,
    pub height: f64,
    pub lines: Vec<Line>,
    ink: Grey,
}

/// A run of words on one baseline, without a gap wider than a space or two: a table row's
/// cells are separate lines.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Line {
    pub fn middle(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }

    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// A page rendered in grey: one byte a pixel, 0 black.
struct Grey {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Pdf {
    /// Reads `pdf`; panics with the install line when poppler-utils is missing.
    pub fn read(pdf: &Path) -> Pdf {
        let layout = run("pdftotext", |c| c.arg("-bbox-layout").arg(pdf).arg("-"));
        let texts = pages_of_layout(&String::from_utf8_lossy(&layout));
        let greys = render_grey(pdf);
        assert_eq!(
            texts.len(),
            greys.len(),
            "pdftotext and pdftoppm disagree on the pages of {}",
            pdf.display()
        );
        let pages = texts
            .into_iter()
            .zip(greys)
            .map(|((width, height, lines), ink)| Page {
                width,
                height,
                lines,
                ink,
            })
            .collect();
        Pdf { pages }
    }

    /// The page count `pdfinfo` gives, and its page size line (`612 x 792 pts (letter)`).
    pub fn info(pdf: &Path) -> (usize, String) {
        let out = run("pdfinfo", |c| c.arg(pdf));
        let out = String::from_utf8_lossy(&out);
        let field = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        (field("Pages:").parse().unwrap_or(0), field("Page size:"))
    }
}

impl Page {
    /// The lines whose middle is between `top` and `bottom` (points from the top).
    pub fn lines_between(&self, top: f64, bottom: f64) -> Vec<&Line> {
        let inside = |l: &&Line| l.middle() > top && l.middle() < bottom;
        self.lines.iter().filter(inside).collect()
    }

    /// The lowest point with ink between `top` and `bottom` (points from the top): text,
    /// image or rule.
    pub fn lowest_ink(&self, top: f64, bottom: f64) -> Option<f64> {
        let scale = INK_DPI / 72.0;
        let first = (top * scale).ceil() as usize;
        let last = ((bottom * scale).floor() as usize).min(self.ink.height);
        (first..last)
            .rev()
            .find(|&row| {
                let start = row * self.ink.width;
                self.ink.pixels[start..start + self.ink.width]
                    .iter()
                    .any(|&p| p < 200)
            })
            .map(|row| (row + 1) as f64 / scale)
    }
}

fn run(program: &str, args: impl FnOnce(&mut Command) -> &mut Command) -> Vec<u8> {
    let mut command = Command::new(program);
    let output = args(&mut command)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {INSTALL}"));
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

type PageText = (f64, f64, Vec<Line>);

/// Each `<page>` of pdftotext's XHTML: its size and lines.
fn pages_of_layout(xhtml: &str) -> Vec<PageText> {
    xhtml
        .split("<page ")
        .skip(1)
        .map(|page| {
            let head = &page[..page.find('>').unwrap_or(0)];
            let lines = page
                .split("<line ")
                .skip(1)
                .flat_map(|line| line_runs(line.split("</line>").next().unwrap_or("")))
                .collect();
            (attr(head, "width"), attr(head, "height"), lines)
        })
        .collect()
}

/// A pdftotext line's words, cut where the gap between two words is wider than half their
/// height (a space is about a quarter).
fn line_runs(line: &str) -> Vec<Line> {
    let mut runs: Vec<Line> = Vec::new();
    let mut last_right = f64::NEG_INFINITY;
    for word in line.split("<word ").skip(1) {
        let Some((head, rest)) = word.split_once('>') else {
            continue;
        };
        let text = decode(rest.split("</word>").next().unwrap_or(""));
        let (left, top, right, bottom) = (
            attr(head, "xMin"),
            attr(head, "yMin"),
            attr(head, "xMax"),
            attr(head, "yMax"),
        );
        match runs.last_mut() {
            Some(run) if left - last_right <= 0.5 * (bottom - top) => {
                run.text.push(' ');
                run.text.push_str(&text);
                run.bottom = run.bottom.max(bottom);
            }
            _ => runs.push(Line {
                text,
                left,
                top,
                bottom,
            }),
        }
        last_right = right;
    }
    runs
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in <{tag}>"))
        + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every page of `pdf` in grey at [`INK_DPI`], in order.
fn render_grey(pdf: &Path) -> Vec<Grey> {
    let dir = tempfile::tempdir().unwrap();
    run("pdftoppm", |c| {
        c.args(["-gray", "-r", &INK_DPI.to_string()])
            .arg(pdf)
            .arg(dir.path().join("page"))
    });
    // `page-1.pgm`, or `page-01.pgm` when there are ten pages or more.
    let mut files: Vec<(usize, std::path::PathBuf)> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let number = name
                .strip_prefix("page-")?
                .strip_suffix(".pgm")?
                .parse()
                .ok()?;
            Some((number, e.path()))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(_, path)| parse_pgm(&std::fs::read(path).unwrap()))
        .collect()
}

/// A binary PGM (`P5`, 8 bits).
fn parse_pgm(bytes: &[u8]) -> Grey {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5", "pdftoppm -gray writes binary PGM");
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height, "a whole PGM");
    Grey {
        width,
        height,
        pixels,
    }
}
