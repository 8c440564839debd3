//! SVG charts drawn at build time: horizontal bars and vertical columns.
//!
//! No JavaScript and no library at view time: the chart is inline SVG with a `viewBox`, so it
//! scales with the page. Bars start at a zero baseline and their lengths are proportional to
//! the values; each carries its value as a label. Category labels are wrapped to the space
//! they have (text width is estimated from the advance widths of the charts' typeface, the
//! theme's Source Sans 3), so they are never cut off and never overlap.
//!
//! Each chart comes in two layouts: [`Layout::Wide`] for screens and paper, and
//! [`Layout::Narrow`] for phones, where a horizontal bar chart puts each label above its bar
//! so that the text stays legible instead of shrinking with the drawing.

use crate::data::{ChartType, DataTable};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Narrow,
}

impl Layout {
    /// The width of the drawing, in SVG units (≈ CSS pixels at its natural size).
    pub fn width(self) -> f64 {
        match self {
            Layout::Wide => 640.0,
            Layout::Narrow => 340.0,
        }
    }
}

const FONT: f64 = 14.0;
const LINE: f64 = FONT * 1.25;
const BAR: f64 = 22.0;
const INK: &str = "#1c2530";
const BAR_FILL: &str = "#0b5566";
const NEGATIVE_FILL: &str = "#a4471a";

/// The typeface the charts are set in (the theme's sans, shipped as a web font), then what a
/// reader's system has when it is missing. Label widths are estimated for it.
pub const FONT_FAMILY: &str =
    "'Source Sans 3', system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

/// Source Sans 3's advance widths, in thousandths of the font size, of the printable ASCII
/// characters (from the space to `~`), regular (400) and bold (700): measured from the
/// theme's font file in Chromium.
const REGULAR: [u16; 95] = [
    200, 289, 426, 497, 497, 824, 609, 249, 303, 303, 418, 497, 249, 311, 249, 350, //
    497, 497, 497, 497, 497, 497, 497, 497, 497, 497, 249, 249, 497, 497, 497, 425, //
    847, 543, 588, 571, 615, 527, 494, 617, 652, 263, 479, 579, 486, 727, 647, 664, //
    566, 664, 569, 534, 536, 645, 515, 786, 513, 476, 539, 303, 350, 303, 497, 500, //
    542, 504, 553, 456, 555, 496, 292, 504, 544, 246, 247, 495, 255, 829, 547, 542, //
    555, 555, 347, 419, 338, 544, 467, 719, 446, 467, 425, 303, 241, 303, 497,
];
const BOLD: [u16; 95] = [
    200, 340, 537, 528, 528, 857, 667, 300, 344, 344, 457, 528, 300, 332, 300, 339, //
    528, 528, 528, 528, 528, 528, 528, 528, 528, 528, 300, 300, 528, 528, 528, 463, //
    902, 573, 605, 582, 635, 548, 524, 638, 674, 301, 509, 614, 518, 762, 665, 684, //
    596, 684, 613, 556, 556, 665, 556, 813, 567, 525, 541, 344, 339, 344, 528, 500, //
    555, 527, 573, 468, 573, 518, 341, 534, 571, 276, 278, 548, 286, 857, 572, 555, //
    573, 573, 398, 443, 383, 568, 523, 776, 514, 521, 460, 344, 268, 344, 528,
];

/// How much wider than the sum of its characters' advances a text may be drawn: the sum
/// leaves out kerning, which narrows a text, so this only covers rounding.
const MARGIN: f64 = 1.02;

/// The weight of a chart's text: category labels are regular, value labels bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The width of one character as a share of the font size.
fn char_width(c: char, weight: Weight) -> f64 {
    let table = match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    };
    let thousandths = match c {
        ' '..='~' => table[c as usize - ' ' as usize],
        '’' | '‘' | '·' => table[usize::from(b'\'' - b' ')],
        '“' | '”' => table[usize::from(b'"' - b' ')],
        '–' => 480,
        '—' => 800,
        '…' => 3 * table[usize::from(b'.' - b' ')] + 200,
        '×' | '€' | '£' => table[usize::from(b'0' - b' ')],
        // A letter with an accent is as wide as its letter (é as e).
        c => match base_letter(c) {
            Some(base @ ' '..='~') => table[base as usize - ' ' as usize],
            // Other scripts come from the reader's system fonts: counted as wide as a CJK
            // character, so their labels wrap early rather than overflow.
            _ => 1000,
        },
    };
    f64::from(thousandths) / 1000.0
}

/// The letter an accented letter is made from (`e` for `é`), if it has one.
fn base_letter(c: char) -> Option<char> {
    let mut first = None;
    unicode_normalization::char::decompose_canonical(c, |part| {
        first.get_or_insert(part);
    });
    first.filter(|&base| base != c)
}

/// The estimated rendered width of regular `text` at `size`: never less than drawn in the
/// chart's typeface.
pub fn text_width(text: &str, size: f64) -> f64 {
    weighted_width(text, size, Weight::Regular)
}

/// The estimated rendered width of `text` at `size` in `weight`.
pub fn weighted_width(text: &str, size: f64, weight: Weight) -> f64 {
    text.chars().map(|c| char_width(c, weight)).sum::<f64>() * size * MARGIN
}

/// Splits `text` into lines no wider than `width`, at spaces and after hyphens
/// (`non-profit` may become `non-` and `profit`); a word too wide for a line of its own is
/// broken (with a hyphen) only as a last resort: callers first try a smaller size or another
/// layout (see [`wrap_words`]).
pub fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    wrap_words(text, width, size).unwrap_or_else(|| break_words(text, width, size))
}

/// The pieces of `text` a line may end after: each word, cut after its hyphens, with
/// whether a space comes before it.
fn pieces(text: &str) -> impl Iterator<Item = (bool, &str)> {
    text.split_whitespace().flat_map(|word| {
        let mut start = 0;
        let mut parts = Vec::new();
        for (i, c) in word.char_indices() {
            if matches!(c, '-' | '–' | '/') && i + c.len_utf8() < word.len() && i > 0 {
                parts.push((start == 0, &word[start..i + c.len_utf8()]));
                start = i + c.len_utf8();
            }
        }
        parts.push((start == 0, &word[start..]));
        parts
    })
}

/// [`wrap`] without breaking a word: `None` when a piece of a word cannot fit on a line.
pub fn wrap_words(text: &str, width: f64, size: f64) -> Option<Vec<String>> {
    let fits = |s: &str| text_width(s, size) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (after_space, piece) in pieces(text) {
        let joint = if after_space && !line.is_empty() {
            " "
        } else {
            ""
        };
        let candidate = format!("{line}{joint}{piece}");
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !fits(piece) {
            return None;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line = piece.to_string();
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Some(lines)
}

/// Lines no wider than `width`, words broken with a hyphen where they cannot fit whole.
fn break_words(text: &str, width: f64, size: f64) -> Vec<String> {
    let fits = |s: &str| text_width(s, size) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        // Each round takes at least one character, so even a width too small for any (a
        // column chart of hundreds of rows) ends.
        while !rest.is_empty() && !fits(&rest) {
            let mut head = String::new();
            for c in rest.chars() {
                let mut next = head.clone();
                next.push(c);
                next.push('-');
                if !fits(&next) && !head.is_empty() {
                    break;
                }
                head.push(c);
            }
            rest = rest.chars().skip(head.chars().count()).collect();
            lines.push(format!("{head}-"));
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest of `sizes` at which every label wraps into `width` without breaking a word,
/// with the labels' lines.
fn fit_labels(data: &[Datum], width: f64, sizes: &[f64]) -> Option<(f64, Vec<Vec<String>>)> {
    sizes.iter().find_map(|&size| {
        let lines: Option<Vec<Vec<String>>> = data
            .iter()
            .map(|d| wrap_words(&d.label, width, size))
            .collect();
        lines.map(|lines| (size, lines))
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar: its category label, value and value label.
struct Datum {
    label: String,
    value: f64,
    shown: String,
}

fn data(table: &DataTable) -> Option<(Vec<Datum>, ChartType)> {
    let chart = table.chart.as_ref()?;
    let data = table
        .rows
        .iter()
        .map(|row| Datum {
            label: table.display(chart.label, &row[chart.label]),
            value: row[chart.value].number().unwrap_or(0.0),
            shown: table.display(chart.value, &row[chart.value]),
        })
        .collect();
    Some((data, chart.ty))
}

/// The text for the chart's `<desc>`: what it shows, and its values.
pub fn describe(table: &DataTable) -> String {
    let Some(chart) = &table.chart else {
        return String::new();
    };
    let Some((data, ty)) = data(table) else {
        return String::new();
    };
    let kind = match ty {
        ChartType::Bar => "Horizontal bar chart",
        ChartType::Column => "Column chart",
    };
    let value_label = &table.columns[chart.value].label;
    let label_label = &table.columns[chart.label].label;
    let mut out = format!("{kind} of {value_label} by {label_label}. ");
    let listed: Vec<String> = data
        .iter()
        .map(|d| format!("{}: {}", d.label, d.shown))
        .collect();
    if listed.len() <= 12 {
        out.push_str(&listed.join("; "));
        out.push('.');
    } else {
        let max = data
            .iter()
            .max_by(|a, b| a.value.total_cmp(&b.value))
            .expect("data");
        let min = data
            .iter()
            .min_by(|a, b| a.value.total_cmp(&b.value))
            .expect("data");
        let _ = write!(
            out,
            "{} categories, from {} ({}) to {} ({}); the table below lists every value.",
            data.len(),
            max.label,
            max.shown,
            min.label,
            min.shown
        );
    }
    out
}

/// Draws the table's chart in `layout`, or `None` when the table has no chart. `id` prefixes
/// the ids of the `<title>` and `<desc>`, which must be unique on the page.
pub fn render(table: &DataTable, layout: Layout, id: &str) -> Option<String> {
    let (data, ty) = data(table)?;
    let (body, height) = match (ty, layout) {
        (ChartType::Bar, Layout::Wide) => bars_beside_labels(&data, layout.width()),
        (ChartType::Bar, Layout::Narrow) => bars_under_labels(&data, layout.width()),
        (ChartType::Column, Layout::Wide) => {
            columns(&data, layout.width(), true).expect("columns that may break words")
        }
        (ChartType::Column, Layout::Narrow) => columns(&data, layout.width(), false)
            .unwrap_or_else(|| bars_under_labels(&data, layout.width())),
    };
    let width = layout.width();
    let class = match ty {
        ChartType::Bar => "bar",
        ChartType::Column => "column",
    };
    let layout_class = match layout {
        Layout::Wide => "wide",
        Layout::Narrow => "narrow",
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart chart-{class} chart-{layout_class}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{FONT_FAMILY}\" font-size=\"{FONT}\">"
    );
    let _ = write!(
        svg,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(&table.title),
        escape(&describe(table))
    );
    svg.push_str(&body);
    svg.push_str("</svg>");
    Some(svg)
}

/// The value domain: always includes zero, so bars start at a zero baseline.
fn domain(data: &[Datum]) -> (f64, f64) {
    let lo = data.iter().map(|d| d.value).fold(0.0_f64, f64::min);
    let hi = data.iter().map(|d| d.value).fold(0.0_f64, f64::max);
    if hi - lo <= f64::EPSILON {
        (lo, lo + 1.0)
    } else {
        (lo, hi)
    }
}

fn value_label_width(data: &[Datum]) -> f64 {
    data.iter()
        .map(|d| weighted_width(&d.shown, FONT, Weight::Bold))
        .fold(0.0, f64::max)
}

fn bar_rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, value: f64) {
    let fill = if value < 0.0 { NEGATIVE_FILL } else { BAR_FILL };
    let _ = write!(
        out,
        "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, weight: &str, content: &str) {
    write_text(out, x, y, anchor, weight, None, "", content);
}

/// A line of a category's label (classed, so tests can find the labels).
fn label(out: &mut String, x: f64, y: f64, anchor: &str, size: Option<f64>, content: &str) {
    write_text(out, x, y, anchor, "", size, "chart-label", content);
}

/// Wide horizontal bars: wrapped labels in a column on the left, bars to their right.
fn bars_beside_labels(data: &[Datum], width: f64) -> (String, f64) {
    let pad = 4.0;
    let longest = data
        .iter()
        .map(|d| text_width(&d.label, FONT))
        .fold(0.0, f64::max);
    let label_width = longest.min(width * 0.38);
    let value_width = value_label_width(data) + 8.0;
    let (lo, hi) = domain(data);
    let negative_room = if lo < 0.0 { value_width } else { 0.0 };
    let plot_x = pad + label_width + 12.0 + negative_room;
    let plot_width = width - plot_x - value_width - pad;
    let scale = |v: f64| plot_x + (v - lo) / (hi - lo) * plot_width;
    let zero = scale(0.0);

    let mut out = String::new();
    let mut y = pad;
    for d in data {
        let lines = wrap(&d.label, label_width, FONT);
        let row = (lines.len() as f64 * LINE).max(BAR) + 14.0;
        let mid = y + row / 2.0;
        let first_baseline = mid - (lines.len() as f64 - 1.0) * LINE / 2.0 + FONT * 0.35;
        for (i, line) in lines.iter().enumerate() {
            let y = first_baseline + i as f64 * LINE;
            label(&mut out, pad + label_width, y, "end", None, line);
        }
        let (x0, x1) = (scale(d.value.min(0.0)), scale(d.value.max(0.0)));
        bar_rect(&mut out, x0, mid - BAR / 2.0, x1 - x0, BAR, d.value);
        if d.value < 0.0 {
            text(
                &mut out,
                x0 - 6.0,
                mid + FONT * 0.35,
                "end",
                "700",
                &d.shown,
            );
        } else {
            text(
                &mut out,
                x1 + 6.0,
                mid + FONT * 0.35,
                "start",
                "700",
                &d.shown,
            );
        }
        y += row;
    }
    let height = y + pad;
    let _ = write!(
        out,
        "<line class=\"baseline\" x1=\"{zero:.1}\" y1=\"{pad}\" x2=\"{zero:.1}\" y2=\"{:.1}\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
        height - pad
    );
    (out, height)
}

/// Narrow horizontal bars for phones: each label on its own line(s), its bar below.
fn bars_under_labels(data: &[Datum], width: f64) -> (String, f64) {
    let pad = 4.0;
    let value_width = value_label_width(data) + 8.0;
    let (lo, hi) = domain(data);
    let negative_room = if lo < 0.0 { value_width } else { 0.0 };
    let plot_x = pad + negative_room;
    let plot_width = width - plot_x - value_width - pad;
    let scale = |v: f64| plot_x + (v - lo) / (hi - lo) * plot_width;
    let zero = scale(0.0);

    let mut out = String::new();
    let mut y = pad;
    let mut bar_spans = Vec::new();
    for d in data {
        let lines = wrap(&d.label, width - 2.0 * pad, FONT);
        for (i, line) in lines.iter().enumerate() {
            label(
                &mut out,
                pad,
                y + FONT + i as f64 * LINE,
                "start",
                None,
                line,
            );
        }
        y += lines.len() as f64 * LINE + 6.0;
        let (x0, x1) = (scale(d.value.min(0.0)), scale(d.value.max(0.0)));
        bar_rect(&mut out, x0, y, x1 - x0, BAR, d.value);
        bar_spans.push((y, y + BAR));
        if d.value < 0.0 {
            text(
                &mut out,
                x0 - 6.0,
                y + BAR / 2.0 + FONT * 0.35,
                "end",
                "700",
                &d.shown,
            );
        } else {
            text(
                &mut out,
                x1 + 6.0,
                y + BAR / 2.0 + FONT * 0.35,
                "start",
                "700",
                &d.shown,
            );
        }
        y += BAR + 16.0;
    }
    // The baseline runs beside each bar only, so it never crosses a label.
    for (top, bottom) in bar_spans {
        let _ = write!(
            out,
            "<line class=\"baseline\" x1=\"{zero:.1}\" y1=\"{:.1}\" x2=\"{zero:.1}\" y2=\"{:.1}\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
            top - 3.0,
            bottom + 3.0
        );
    }
    (out, y - 12.0 + pad)
}

/// Vertical columns with wrapped labels centred below each, the labels as large as fits
/// without breaking a word (down to 10). `None` where a word of a label cannot fit
/// its column even at 10 and `may_break` is false: a phone then gets horizontal bars,
/// which give each label the whole width.
fn columns(data: &[Datum], width: f64, may_break: bool) -> Option<(String, f64)> {
    let pad = 4.0;
    let slot = (width - 2.0 * pad) / data.len().max(1) as f64;
    let column_width = (slot * 0.62).min(72.0);
    // Narrow slots (a phone drawing) start smaller: a label of many lines at 14 would tower.
    let sizes: &[f64] = if slot < 130.0 {
        &[12.0, 11.0, 10.0]
    } else {
        &[FONT, 13.0, 12.0, 11.0, 10.0]
    };
    let (label_font, label_lines) = match fit_labels(data, slot - 6.0, sizes) {
        Some(fitted) => fitted,
        None if may_break => (
            10.0,
            data.iter()
                .map(|d| wrap(&d.label, slot - 6.0, 10.0))
                .collect(),
        ),
        None => return None,
    };
    let label_line = label_font * 1.25;
    let label_height = label_lines.iter().map(|l| l.len()).max().unwrap_or(1) as f64 * label_line;
    // Value labels wider than a slot would collide: use a smaller font for them then.
    let value_font = if value_label_width(data) > slot - 4.0 {
        FONT * 0.8
    } else {
        FONT
    };
    let top = pad + value_font + 8.0;
    let plot_height = 220.0;
    let (lo, hi) = domain(data);
    let scale = |v: f64| top + (hi - v) / (hi - lo) * plot_height;
    let zero = scale(0.0);
    let negative_room = if lo < 0.0 { value_font + 8.0 } else { 0.0 };
    let labels_top = top + plot_height + negative_room + 10.0;

    let mut out = String::new();
    for (i, (d, lines)) in data.iter().zip(&label_lines).enumerate() {
        let center = pad + slot * (i as f64 + 0.5);
        let (y0, y1) = (scale(d.value.max(0.0)), scale(d.value.min(0.0)));
        bar_rect(
            &mut out,
            center - column_width / 2.0,
            y0,
            column_width,
            y1 - y0,
            d.value,
        );
        let value_y = if d.value < 0.0 {
            y1 + value_font + 4.0
        } else {
            y0 - 6.0
        };
        sized_text(
            &mut out, center, value_y, "middle", "700", value_font, &d.shown,
        );
        for (j, line) in lines.iter().enumerate() {
            let y = labels_top + label_font + j as f64 * label_line;
            label(&mut out, center, y, "middle", Some(label_font), line);
        }
    }
    let _ = write!(
        out,
        "<line class=\"baseline\" x1=\"{pad}\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
        width - pad
    );
    Some((out, labels_top + label_height + pad + 4.0))
}

/// Text at a size other than the chart's default.
fn sized_text(
    out: &mut String,
    x: f64,
    y: f64,
    anchor: &str,
    weight: &str,
    size: f64,
    content: &str,
) {
    write_text(out, x, y, anchor, weight, Some(size), "", content);
}

/// A `<text>` element: the content escaped; weight and size only when given.
#[allow(clippy::too_many_arguments)]
fn write_text(
    out: &mut String,
    x: f64,
    y: f64,
    anchor: &str,
    weight: &str,
    size: Option<f64>,
    class: &str,
    content: &str,
) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\""
    );
    if !class.is_empty() {
        let _ = write!(out, " class=\"{class}\"");
    }
    if !weight.is_empty() {
        let _ = write!(out, " font-weight=\"{weight}\"");
    }
    if let Some(size) = size {
        let _ = write!(out, " font-size=\"{size:.1}\"");
    }
    let _ = write!(out, " fill=\"{INK}\">{}</text>", escape(content));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Cell, Chart, Column, ColumnType};

    fn table(ty: ChartType, rows: &[(&str, f64)]) -> DataTable {
        DataTable {
            id: "t".into(),
            file: "content/data/t.yaml".into(),
            hash: 0,
            title: "Who districts rely on".into(),
            source: None,
            n: Some(38),
            columns: vec![
                Column {
                    key: "support".into(),
                    label: "Source of support".into(),
                    ty: ColumnType::Text,
                },
                Column {
                    key: "districts".into(),
                    label: "District leaders".into(),
                    ty: ColumnType::Number,
                },
            ],
            rows: rows
                .iter()
                .map(|(l, v)| vec![Cell::Text(l.to_string()), Cell::Number(*v)])
                .collect(),
            chart: Some(Chart {
                ty,
                label: 0,
                value: 1,
            }),
            notes: None,
        }
    }

    /// (x, width) of every bar, or (y, height) for columns.
    fn rects(svg: &str) -> Vec<(f64, f64, f64, f64)> {
        svg.split("<rect class=\"bar\"")
            .skip(1)
            .map(|r| {
                let attr = |name: &str| -> f64 {
                    let start = r.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    r[start..].split('"').next().unwrap().parse().unwrap()
                };
                (attr("x"), attr("y"), attr("width"), attr("height"))
            })
            .collect()
    }

    /// Every text's estimated extent: (left, right, baseline).
    /// Each text's left and right ends, baseline and size.
    fn texts(svg: &str) -> Vec<(f64, f64, f64, f64)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |name: &str| -> String {
                    let start = t.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    t[start..].split('"').next().unwrap().to_string()
                };
                let x: f64 = attr("x").parse().unwrap();
                let y: f64 = attr("y").parse().unwrap();
                let content = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                let size: f64 = if t[..t.find('>').unwrap()].contains("font-size=") {
                    attr("font-size").parse().unwrap()
                } else {
                    FONT
                };
                let weight = if t[..t.find('>').unwrap()].contains("font-weight=\"700\"") {
                    Weight::Bold
                } else {
                    Weight::Regular
                };
                let w = weighted_width(&content.replace("&amp;", "&"), size, weight);
                let (l, r) = match attr("text-anchor").as_str() {
                    "end" => (x - w, x),
                    "middle" => (x - w / 2.0, x + w / 2.0),
                    _ => (x, x + w),
                };
                (l, r, y, size)
            })
            .collect()
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let start = svg.find("viewBox=\"0 0 ").unwrap() + 13;
        let mut parts = svg[start..].split('"').next().unwrap().split(' ');
        (
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        )
    }

    const ROWS: &[(&str, f64)] = &[
        (
            "Teacher leaders (district- or site-based coaches and teachers on special assignment)",
            27.0,
        ),
        ("County office of education", 19.0),
        ("Other internal staff", 12.0),
        ("Institutions of higher education", 4.0),
    ];

    #[test]
    fn labels_wrap_at_spaces_and_hyphens_and_break_words_last() {
        let narrow = text_width("organizations", 12.0) + 1.0;
        assert_eq!(
            wrap("Non-profit organizations", narrow, 12.0),
            ["Non-profit", "organizations"]
        );
        let tiny = text_width("profit", 12.0) + 1.0;
        assert_eq!(
            wrap_words("Non-profit", tiny, 12.0).unwrap(),
            ["Non-", "profit"]
        );
        assert_eq!(wrap_words("Administrators", tiny, 12.0), None);
        let broken = wrap("Administrators", tiny, 12.0);
        assert!(broken.len() > 1 && broken[0].ends_with('-'), "{broken:?}");
    }

    #[test]
    fn a_width_too_small_for_any_character_still_ends() {
        for width in [-5.0, 0.0, 1.0] {
            let lines = wrap("Administrators of schools", width, 12.0);
            assert!(!lines.is_empty() && lines.len() < 40, "{lines:?}");
        }
        let many: Vec<(String, f64)> = (0..300).map(|i| (format!("Row {i}"), i as f64)).collect();
        let rows: Vec<(&str, f64)> = many.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        for layout in [Layout::Wide, Layout::Narrow] {
            assert!(render(&table(ChartType::Column, &rows), layout, "f1").is_some());
        }
    }

    #[test]
    fn phone_columns_whose_words_cannot_fit_become_bars() {
        let long: Vec<(&str, f64)> = [
            "Non-profit organizations",
            "Teachers on special assignment",
            "Administrators",
            "County offices of education",
            "Institutions of higher education",
            "Multi-district collaboratives",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, 5.0 + i as f64))
        .collect();
        let svg = render(&table(ChartType::Column, &long), Layout::Narrow, "f1").unwrap();
        let bars = rects(&svg);
        assert!(
            bars.iter().all(|b| b.3 == bars[0].3) && bars.iter().any(|b| b.2 != bars[0].2),
            "horizontal bars (one height, lengths by value): {bars:?}"
        );
        assert!(!svg.contains("-</text>"), "no word broken");
        let svg = render(&table(ChartType::Column, ROWS), Layout::Wide, "f1").unwrap();
        let columns = rects(&svg);
        assert!(
            columns.iter().all(|c| c.2 == columns[0].2),
            "columns (one width) on a wide screen: {columns:?}"
        );
    }

    #[test]
    fn bar_lengths_are_proportional_to_values_from_zero() {
        for layout in [Layout::Wide, Layout::Narrow] {
            let svg = render(&table(ChartType::Bar, ROWS), layout, "f1").unwrap();
            let bars = rects(&svg);
            assert_eq!(bars.len(), 4);
            let x0 = bars[0].0;
            for (bar, (_, value)) in bars.iter().zip(ROWS) {
                assert!(
                    (bar.0 - x0).abs() < 0.11,
                    "every bar starts at the zero baseline"
                );
                let per_unit = bar.2 / value;
                let first = bars[0].2 / ROWS[0].1;
                assert!(
                    (per_unit - first).abs() / first < 0.01,
                    "{layout:?}: {per_unit} vs {first}"
                );
            }
        }
    }

    #[test]
    fn column_heights_are_proportional_and_share_a_baseline() {
        let svg = render(&table(ChartType::Column, ROWS), Layout::Wide, "f1").unwrap();
        let cols = rects(&svg);
        let bottom = cols[0].1 + cols[0].3;
        for (c, (_, value)) in cols.iter().zip(ROWS) {
            assert!((c.1 + c.3 - bottom).abs() < 0.11);
            assert!(((c.3 / value) - (cols[0].3 / ROWS[0].1)).abs() < 0.05);
        }
    }

    #[test]
    fn every_label_is_inside_the_view_box_and_labels_do_not_overlap() {
        for ty in [ChartType::Bar, ChartType::Column] {
            for layout in [Layout::Wide, Layout::Narrow] {
                let svg = render(&table(ty, ROWS), layout, "f1").unwrap();
                let (w, h) = view_box(&svg);
                let texts = texts(&svg);
                for (l, r, y, _) in &texts {
                    assert!(
                        *l >= 0.0 && *r <= w,
                        "{ty:?} {layout:?}: text {l}..{r} outside 0..{w}"
                    );
                    assert!(
                        *y - FONT >= 0.0 && *y <= h,
                        "{ty:?} {layout:?}: baseline {y} outside 0..{h}"
                    );
                }
                for (i, a) in texts.iter().enumerate() {
                    for b in &texts[i + 1..] {
                        let same_line = (a.2 - b.2).abs() < a.3.min(b.3);
                        let overlap = a.0 < b.1 - 0.5 && b.0 < a.1 - 0.5;
                        assert!(
                            !(same_line && overlap),
                            "{ty:?} {layout:?}: texts overlap: {a:?} {b:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn negative_values_extend_the_other_way() {
        let svg = render(
            &table(ChartType::Bar, &[("Up", 10.0), ("Down", -5.0)]),
            Layout::Wide,
            "f",
        )
        .unwrap();
        let bars = rects(&svg);
        assert!(
            bars[1].0 < bars[0].0,
            "the negative bar starts left of zero"
        );
        assert!(
            (bars[1].0 + bars[1].2 - bars[0].0).abs() < 0.11,
            "and ends at zero"
        );
        assert!((bars[0].2 / 10.0 - bars[1].2 / 5.0).abs() < 0.05);
    }

    #[test]
    fn accessible_title_and_description() {
        let svg = render(&table(ChartType::Bar, ROWS), Layout::Wide, "figure-1").unwrap();
        assert!(svg.contains("role=\"img\" aria-labelledby=\"figure-1-title figure-1-desc\""));
        assert!(svg.contains("<title id=\"figure-1-title\">Who districts rely on</title>"));
        assert!(svg.contains("<desc id=\"figure-1-desc\">Horizontal bar chart of District leaders by Source of support. Teacher leaders"));
        assert!(svg.contains("County office of education: 19"));
    }

    #[test]
    fn widths_are_source_sans_3s_never_less() {
        // Chromium draws these 1000 units high in Source Sans 3 this long (kerned).
        for (text, weight, drawn) in [
            (
                "Teacher leaders (district- or site-based coaches)",
                Weight::Regular,
                19750.1,
            ),
            ("AVATAR Tower", Weight::Regular, 5893.5),
        ] {
            let estimate = weighted_width(text, 1000.0, weight);
            assert!(
                estimate >= drawn && estimate <= drawn * 1.06,
                "{text}: {estimate} for {drawn}"
            );
        }
        assert!(weighted_width("27", 14.0, Weight::Bold) > text_width("27", 14.0));
        assert_eq!(text_width("café", 14.0), text_width("cafe", 14.0));
        assert_eq!(
            text_width("学", 10.0),
            10.0 * MARGIN,
            "other scripts: an em"
        );
    }

    #[test]
    fn wrapping_never_exceeds_the_width() {
        let lines = wrap(
            "Supercalifragilisticexpialidocious words wrap neatly",
            80.0,
            FONT,
        );
        for line in &lines {
            assert!(text_width(line, FONT) <= 80.0 + 0.01, "{line}");
        }
        assert!(
            lines[0].ends_with('-'),
            "a word too long for any line is broken: {lines:?}"
        );
        assert_eq!(
            wrap("Changing organizational structures", 104.0, 12.0),
            ["Changing", "organizational", "structures"]
        );
        assert_eq!(wrap("", 80.0, FONT), vec![String::new()]);
    }
}
