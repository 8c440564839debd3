//! A generated CenterView site for benchmarks and scale tests, deterministic from a seed.
//! Used by centerview's tests, benchmarks and `examples/corpus.rs`; not part of the
//! generator itself.
//!
//! Pages carry ~8 KB of varied prose over the five sections, with front matter (topics,
//! authors, summaries, series, districts), headings, lists, a GFM table every few pages,
//! endnotes, relative links between pages, data tables with figures, and reports that embed
//! case studies. Words follow a Zipf distribution over a few hundred real words and a long
//! tail of made-up ones, so the vocabulary, and with it the search index, grows as real
//! text does.

use fastrand::Rng;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

const COMMON: &str = "the of and to in a that is for districts teachers district students standards school leaders on with as are their this by from instruction support learning implementation state schools professional teacher classroom be or at have they it was more an which new these math coaches principals also system work staff data practice across other how each about through all year who not can many education technical assistance providers partnership capacity common core california county office interviews site sites team teams vision plan plans funding grants time money people resources curriculum materials assessment assessments units lessons tasks discourse equity access english learners mathematics science literacy collaboration network networks inquiry improvement leadership coaching observation rubric calibration evidence policy policies local control formula budget bargaining schedule hours summer institute research findings report brief series case study field region valley bay area central southern northern rural urban small large superintendent superintendents administrators department departments central office level levels grade grades middle elementary high k-12 student achievement gaps outcomes progress challenges lessons learned approach approaches structures structure role roles meetings meeting conversation participants panel panelists understanding shifts shift strategies strategy design designed developed development build building built capacity-building internal external partners partner sustain sustaining ongoing continuous reflection trust messaging message communication families parents community";

const NAMES: &[&str] = &[
    "Pamela Fong",
    "Robert Sheffield",
    "Rebecca Perry",
    "Kathryn Reade",
    "Sandy Marple",
    "Joel Knudson",
    "Ana Morales",
    "David Chen",
    "Maria Lopez",
    "James Wright",
    "Linh Tran",
    "Grace Kim",
    "Samuel Ortiz",
    "Olivia Brooks",
    "Hector Ramirez",
    "Priya Natarajan",
    "Thomas Reid",
    "Elena Vasquez",
    "Marcus Hill",
    "Sofia Rossi",
    "Daniel Park",
    "Rachel Green",
    "Omar Haddad",
    "Julia Novak",
];

const TOPICS: &[&str] = &[
    "Common Core",
    "Teacher leaders",
    "Technical assistance",
    "Professional learning",
    "Mathematics",
    "District leadership",
    "Coaching",
    "Equity",
    "Funding",
    "Instructional materials",
    "Assessment",
    "English learners",
    "Science",
    "Literacy",
    "Principals",
    "Rural districts",
    "Data use",
    "Continuous improvement",
    "Early learning",
    "Teacher preparation",
    "School climate",
    "Family engagement",
    "Curriculum",
    "Policy",
];

const REGIONS: &[&str] = &[
    "Bay Area",
    "Central Valley",
    "Southern California",
    "Northern California",
    "Central Coast",
    "Inland Empire",
];

const SECTIONS: &[(&str, u32)] = &[
    ("briefs", 30),
    ("posts", 25),
    ("case-studies", 20),
    ("insights", 15),
    ("reports", 10),
];

/// A vocabulary ranked by frequency: real words first, then made-up ones.
fn vocabulary(rng: &mut Rng, size: usize) -> Vec<String> {
    let mut words: Vec<String> = COMMON.split_whitespace().map(str::to_string).collect();
    let onsets = [
        "b", "br", "c", "ch", "cl", "d", "f", "fr", "g", "gr", "h", "j", "k", "l", "m", "n", "p",
        "pl", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w",
    ];
    let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"];
    let codas = [
        "", "n", "r", "l", "s", "t", "nd", "rt", "st", "m", "ck", "x",
    ];
    let suffixes = [
        "", "", "", "s", "ing", "ed", "er", "ation", "ity", "ment", "ness", "al", "ive", "ly",
    ];
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    while words.len() < size {
        let syllables = rng.usize(1..=3);
        let mut word = String::new();
        for _ in 0..syllables {
            word.push_str(onsets[rng.usize(..onsets.len())]);
            word.push_str(vowels[rng.usize(..vowels.len())]);
            word.push_str(codas[rng.usize(..codas.len())]);
        }
        word.push_str(suffixes[rng.usize(..suffixes.len())]);
        if word.len() > 3 && seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

/// Samples ranks 0.. from a Zipf distribution (s = 1.07) by inverting a precomputed CDF.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 1..=n {
            total += 1.0 / (rank as f64).powf(1.07);
            cdf.push(total);
        }
        for v in &mut cdf {
            *v /= total;
        }
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let x = rng.f64();
        self.cdf.partition_point(|&c| c < x).min(self.cdf.len() - 1)
    }
}

struct Writer<'a> {
    rng: Rng,
    words: &'a [String],
    zipf: &'a Zipf,
}

impl Writer<'_> {
    fn word(&mut self) -> &str {
        let i = self.zipf.sample(&mut self.rng);
        &self.words[i]
    }

    fn sentence(&mut self, out: &mut String) {
        let n = self.rng.usize(8..=22);
        for i in 0..n {
            let word = self.word().to_string();
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(&word);
            }
            if i + 1 < n {
                out.push_str(if self.rng.u8(..) < 18 { ", " } else { " " });
            }
        }
        out.push_str(". ");
    }

    fn title_between(&mut self, fewest: usize, most: usize) -> String {
        let words = self.rng.usize(fewest..=most);
        self.title(words)
    }

    fn title(&mut self, words: usize) -> String {
        let mut t = String::new();
        for i in 0..words {
            if i > 0 {
                t.push(' ');
            }
            let w = self.word().to_string();
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    t.extend(f.to_uppercase());
                    t.push_str(c.as_str());
                }
            } else {
                t.push_str(&w);
            }
        }
        t
    }
}

fn yaml_text(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes a site of `pages` pages into `dir` (which must not exist or be empty).
pub fn generate(dir: &Path, pages: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng::with_seed(seed);
    let words = vocabulary(&mut rng, 6_000 + pages * 3);
    let zipf = Zipf::new(words.len());
    let content = dir.join("content");
    for (section, _) in SECTIONS {
        std::fs::create_dir_all(content.join(section))?;
    }
    std::fs::create_dir_all(content.join("data"))?;
    std::fs::write(
        dir.join("site.yaml"),
        "title: CenterView\ndescription: A generated CenterView site\nbase_url: https://example.org/\n",
    )?;
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: Generated CenterView\n---\n\nA generated site for benchmarks.\n",
    )?;
    let tables = data_tables(&content, pages, seed, &words, &zipf)?;
    let plan = Plan::new(&mut rng, pages);
    // Pages are independent given the plan: write them in parallel.
    use rayon::prelude::*;
    (0..pages)
        .into_par_iter()
        .try_for_each(|i| -> io::Result<()> {
            let mut w = Writer {
                rng: Rng::with_seed(seed.wrapping_mul(31).wrapping_add(i as u64 * 7919)),
                words: &words,
                zipf: &zipf,
            };
            let front = front_matter(&mut w, &plan, i);
            let body = body(&mut w, &plan, i, tables);
            std::fs::write(
                content.join(&plan.pages[i].1),
                format!("---\n{front}---\n{body}"),
            )
        })
}

/// The data tables, with figures: how many there are.
fn data_tables(
    content: &Path,
    pages: usize,
    seed: u64,
    words: &[String],
    zipf: &Zipf,
) -> io::Result<usize> {
    let tables = (pages / 200).clamp(2, 50);
    for t in 0..tables {
        let mut w = Writer {
            rng: Rng::with_seed(seed ^ ((t as u64 + 1) * 0x9e37)),
            words,
            zipf,
        };
        let mut yaml = format!(
            "title: {}\nsource: Generated interviews {}\nn: {}\ncolumns:\n  - {{ key: label, label: Category }}\n  - {{ key: value, label: Share, type: percent }}\nrows:\n",
            yaml_text(&w.title(6)),
            2010 + t % 14,
            20 + t * 3
        );
        for _ in 0..w.rng.usize(3..=8) {
            let label = w.title_between(1, 4);
            let _ = writeln!(
                yaml,
                "  - {{ label: {}, value: {} }}",
                yaml_text(&label),
                w.rng.u8(1..=100)
            );
        }
        yaml.push_str(if t % 2 == 0 {
            "chart: { type: bar, label: label, value: value }\n"
        } else {
            "chart: { type: column, label: label, value: value }\n"
        });
        std::fs::write(content.join("data").join(format!("table-{t}.yaml")), yaml)?;
    }

    Ok(tables)
}

/// Which section each page goes in, and its path, decided up front so pages can link to
/// each other and reports can embed case studies; and the series.
struct Plan {
    /// Each page's section and path under `content/`.
    pages: Vec<(&'static str, String)>,
    /// The pages that are case studies.
    cases: Vec<usize>,
    /// Each page's series and part, if it has one.
    series: Vec<Option<(usize, usize)>>,
}

impl Plan {
    fn new(rng: &mut Rng, pages: usize) -> Plan {
        let weights: u32 = SECTIONS.iter().map(|s| s.1).sum();
        let mut plan: Vec<(&str, String)> = Vec::with_capacity(pages);
        for i in 0..pages {
            let mut pick = rng.u32(..weights);
            let section = SECTIONS
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map(|s| s.0)
                .unwrap_or("posts");
            plan.push((section, format!("{section}/page-{i}.md")));
        }
        let cases: Vec<usize> = (0..pages)
            .filter(|&i| plan[i].0 == "case-studies")
            .collect();
        // Series: the first three briefs of every ten pages, numbered 1 to 3 in order.
        let mut series: Vec<Option<(usize, usize)>> = vec![None; pages];
        for group in 0..pages.div_ceil(10) {
            let briefs =
                (group * 10..(group * 10 + 10).min(pages)).filter(|&i| plan[i].0 == "briefs");
            for (part, i) in briefs.take(3).enumerate() {
                series[i] = Some((group, part + 1));
            }
        }

        Plan {
            pages: plan,
            cases,
            series,
        }
    }
}

/// A page's front matter.
fn front_matter(w: &mut Writer, plan: &Plan, i: usize) -> String {
    let (section, _) = &plan.pages[i];
    let series = &plan.series;
    let mut front = format!("title: {}\n", yaml_text(&w.title_between(4, 9)));
    let year = 2010 + w.rng.u32(..15);
    let _ = writeln!(
        front,
        "date: {year}-{:02}-{:02}",
        w.rng.u32(1..=12),
        w.rng.u32(1..=28)
    );
    if w.rng.bool() {
        let _ = writeln!(front, "subtitle: {}", yaml_text(&w.title_between(3, 6)));
    }
    let authors: Vec<&str> = (0..w.rng.usize(1..=3))
        .map(|_| NAMES[w.rng.usize(..NAMES.len())])
        .collect();
    let mut authors_unique = authors.clone();
    authors_unique.dedup();
    let _ = writeln!(front, "authors: [{}]", authors_unique.join(", "));
    let mut topics: Vec<&str> = (0..w.rng.usize(1..=4))
        .map(|_| TOPICS[w.rng.usize(..TOPICS.len())])
        .collect();
    topics.sort();
    topics.dedup();
    let _ = writeln!(front, "topics: [{}]", topics.join(", "));
    if w.rng.bool() {
        let mut summary = String::new();
        w.sentence(&mut summary);
        let _ = writeln!(front, "summary: {}", yaml_text(summary.trim()));
    }
    if let Some((group, part)) = series[i] {
        let _ = writeln!(front, "series: Generated series {group}\npart: {part}");
    }
    if *section == "case-studies" {
        let _ = writeln!(
            front,
            "district: {} Unified School District\nregion: {}",
            w.title(1),
            REGIONS[i % REGIONS.len()]
        );
    }

    front
}

/// A page's body: sections of prose with lists, endnotes and links, and now and then a
/// table, a figure or an embedded case study.
fn body(w: &mut Writer, plan: &Plan, i: usize, tables: usize) -> String {
    let (section, _) = &plan.pages[i];
    let cases = &plan.cases;
    let mut body = String::with_capacity(9_000);
    let mut notes = 0;
    let mut paragraph_count = 0;
    while body.len() < 6_400 {
        if paragraph_count % 3 == 0 {
            let _ = write!(body, "\n## {}\n\n", w.title_between(2, 6));
        } else if w.rng.u8(..) < 40 {
            let _ = write!(body, "\n### {}\n\n", w.title_between(2, 5));
        }
        for _ in 0..w.rng.usize(3..=7) {
            w.sentence(&mut body);
        }
        if w.rng.u8(..) < 30 && notes < 3 {
            notes += 1;
            let _ = write!(body, "[^{notes}]");
        }
        if w.rng.u8(..) < 40 && i > 0 {
            let target = &plan.pages[w.rng.usize(..i)].1;
            let _ = write!(body, " See [a related publication](../{target}).");
        }
        body.push_str("\n\n");
        if w.rng.u8(..) < 45 {
            for _ in 0..w.rng.usize(2..=5) {
                body.push_str("- ");
                let mut item = String::new();
                w.sentence(&mut item);
                body.push_str(item.trim_end());
                body.push('\n');
            }
            body.push('\n');
        }
        paragraph_count += 1;
    }
    if i.is_multiple_of(5) {
        body.push_str("| Measure | Districts | Share |\n|---|---|---|\n");
        for _ in 0..4 {
            let _ = writeln!(
                body,
                "| {} | {} | {}% |",
                w.title(2),
                w.rng.u32(1..60),
                w.rng.u32(1..100)
            );
        }
        body.push('\n');
    }
    if i.is_multiple_of(20) {
        let _ = write!(
            body,
            "{{{{ figure(data=\"table-{}\") }}}}\n\n",
            i / 20 % tables
        );
    }
    if *section == "reports" && !cases.is_empty() {
        let case = cases[w.rng.usize(..cases.len())];
        let slug = format!("page-{case}");
        let full = i.is_multiple_of(5);
        let _ = write!(
            body,
            "{{{{ case_study(id=\"{slug}\"{}) }}}}\n\n",
            if full { ", full=true" } else { "" }
        );
    }
    for n in 1..=notes {
        let mut note = String::new();
        w.sentence(&mut note);
        let _ = writeln!(
            body,
            "[^{n}]: {} <https://example.org/source/{i}/{n}>",
            note.trim_end()
        );
    }
    body
}

/// Adds `count` generated photographs (noisy gradients, 2400×1600 JPEG, about 1 MB each) to a
/// generated site in `dir`: `content/assets/photo-<n>.jpg`, each shown by one page (the
/// first `count` pages of the sections, in path order), below its text.
pub fn add_photos(dir: &Path, count: usize, seed: u64) -> io::Result<()> {
    use rayon::prelude::*;
    let content = dir.join("content");
    let assets = content.join("assets");
    std::fs::create_dir_all(&assets)?;
    let mut pages = Vec::new();
    for (section, _) in SECTIONS {
        for entry in std::fs::read_dir(content.join(section))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "md")
                && path.file_name().is_some_and(|n| n != "_index.md")
            {
                pages.push(path);
            }
        }
    }
    pages.sort();
    if pages.len() < count {
        return Err(io::Error::other(format!(
            "{count} photos need as many pages; the site has {}",
            pages.len()
        )));
    }
    pages[..count]
        .par_iter()
        .enumerate()
        .try_for_each(|(n, page)| -> io::Result<()> {
            let name = format!("photo-{n}.jpg");
            std::fs::write(
                assets.join(&name),
                photo(2400, 1600, seed.wrapping_add(n as u64)),
            )?;
            let mut text = std::fs::read_to_string(page)?;
            text.push_str(&format!(
                "\n![A generated photograph]({}{name})\n",
                "../assets/"
            ));
            std::fs::write(page, text)
        })
}

/// A noisy gradient photograph as JPEG: smooth colour with grain, like a photograph's.
fn photo(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let mut rng = Rng::with_seed(seed);
    let (r, g, b) = (rng.u8(..), rng.u8(..), rng.u8(..));
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let t = (x + y) as f32 / (width + height) as f32;
        let grain = rng.u8(..24);
        let channel = |c: u8| ((f32::from(c) * (1.0 - t) + 200.0 * t) as u8).saturating_add(grain);
        image::Rgb([channel(r), channel(g), channel(b)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("a JPEG in memory");
    out
}
