//! What hostile input costs: each case at n and 4n, so that time and memory that grow faster
//! than the input show as a ratio well over 4. Cases: mistakes in one file (quoted numbers in
//! a data table, broken links, unknown shortcodes), endnotes, repeated heading texts, pages
//! sharing one URL, and YAML aliases that would expand a small file enormously.
//!
//! `cargo bench --bench hostile [-- <n>]` (default n = 4,000). Medians of 5 runs of the real
//! binary, on a RAM disk.

mod common;

use common::{measure_any, median, scratch, sizes};
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_centerview");
const RUNS: usize = 5;

type Make = fn(&Path, usize);

fn site(root: &Path) {
    std::fs::create_dir_all(root.join("content/briefs")).unwrap();
    std::fs::create_dir_all(root.join("content/data")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: https://example.org/\n",
    )
    .unwrap();
}

fn page(root: &Path, name: &str, body: &str) {
    std::fs::write(
        root.join(format!("content/briefs/{name}.md")),
        format!("---\ntitle: A\ndate: 2017-01-01\n---\n{body}\n"),
    )
    .unwrap();
}

const CASES: &[(&str, Make)] = &[
    ("quoted numbers in a table", |root, n| {
        let rows: String = (0..n)
            .map(|i| format!("  - {{ support: \"S{i}\", districts: \"{i}\" }}\n"))
            .collect();
        std::fs::write(
            root.join("content/data/t.yaml"),
            format!("title: T\nsource: S\ncolumns:\n  - key: support\n    label: S\n  - key: districts\n    label: D\n    type: number\nrows:\n{rows}"),
        )
        .unwrap();
    }),
    ("broken links in a page", |root, n| {
        let body: String = (0..n)
            .map(|i| format!("[x{i}](missing-{i}.md)\n\n"))
            .collect();
        page(root, "a", &body);
    }),
    ("unknown shortcodes", |root, n| {
        let body: String = (0..n)
            .map(|i| format!("{{{{ nosuch{i}() }}}}\n\n"))
            .collect();
        page(root, "a", &body);
    }),
    ("endnotes", |root, n| {
        let refs: String = (0..n).map(|i| format!("Claim[^n{i}]. ")).collect();
        let defs: String = (0..n).map(|i| format!("[^n{i}]: Source {i}.\n")).collect();
        page(root, "a", &format!("{refs}\n\n{defs}"));
    }),
    ("headings of one text", |root, n| {
        page(root, "a", &"## Same heading\n\n".repeat(n));
    }),
    ("pages of one URL", |root, n| {
        for i in 0..n / 4 {
            std::fs::write(
                root.join(format!("content/briefs/p{i}.md")),
                "---\ntitle: P\ndate: 2017-01-01\nslug: same\n---\nx\n",
            )
            .unwrap();
        }
    }),
    ("aliases of a long list", |root, n| {
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        let copies = "    - *big\n".repeat(n);
        std::fs::write(
            root.join("content/briefs/a.md"),
            format!(
                "---\ntitle: A\ndate: 2017-01-01\nextra:\n  big: &big [{}]\n  copies:\n{copies}---\nText.\n",
                words.join(", ")
            ),
        )
        .unwrap();
    }),
];

fn main() {
    let n = sizes(&[4000])[0];
    let dir = scratch();
    println!("case                          n        median ms   peak MB   ratio 4n/n (time)");
    for (name, make) in CASES {
        let mut results = Vec::new();
        for size in [n, 4 * n] {
            let root = dir
                .path()
                .join(format!("{}-{size}", name.replace(' ', "-")));
            site(&root);
            make(&root, size);
            let mut times = Vec::new();
            let mut peaks = Vec::new();
            for _ in 0..RUNS {
                let (cost, _) = measure_any(
                    Command::new(BIN)
                        .args(["build", "--quiet", "--root"])
                        .arg(&root)
                        .stderr(Stdio::null()),
                );
                times.push(cost.wall_ms);
                peaks.push(cost.peak_mb);
            }
            results.push((size, median(times), median(peaks)));
        }
        for (i, (size, time, peak)) in results.iter().enumerate() {
            let ratio = if i == 1 {
                format!("{:.1}", time / results[0].1)
            } else {
                String::new()
            };
            println!("{name:<28} {size:>7} {time:>12.1} {peak:>9.1}   {ratio}");
        }
    }
}
