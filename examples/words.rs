//! Times the search index's word pass alone: every markdown file under a folder, read as
//! one text, through `tokens::terms` three times (the first fills the word cache), on one
//! thread, then split in two halves on two threads, each with its own word cache as the
//! build's are. `cargo run --release --example words -- <content folder>`.
use centerview::search::tokens::{Interner, StemCache, terms};
use std::sync::Arc;
use std::time::Instant;

/// Runs the word pass over `text` three times; returns the first round's ns per token (the
/// cache cold, as in a one-off build) and the last's (warm).
fn rounds(text: &str, stems: &mut StemCache) -> (f64, f64) {
    let mut per_token = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut sum = 0u64;
        let end = terms(text, 0, stems, |id, p| sum += (id ^ p) as u64);
        per_token.push(started.elapsed().as_secs_f64() * 1e9 / end as f64);
        std::hint::black_box(sum);
    }
    (per_token[0], per_token[2])
}

fn main() {
    let dir = std::env::args().nth(1).expect("a content folder");
    let mut text = String::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap());
            text.push('\n');
        }
    }
    let interner = Arc::new(Interner::default());
    let one = rounds(&text, &mut StemCache::new(interner.clone()));
    println!(
        "one thread: {:.1} ns a token cold, {:.1} warm",
        one.0, one.1
    );
    let half = text.len() / 2;
    let cut = half + text[half..].find('\n').unwrap_or(0);
    let (a, b) = text.split_at(cut);
    let two: Vec<(f64, f64)> = std::thread::scope(|s| {
        let runs = [a, b].map(|part| {
            let interner = interner.clone();
            s.spawn(move || rounds(part, &mut StemCache::new(interner)))
        });
        runs.map(|r| r.join().unwrap()).to_vec()
    });
    println!(
        "two threads, a half each: {:.1} and {:.1} ns a token cold, {:.1} and {:.1} warm",
        two[0].0, two[1].0, two[0].1, two[1].1
    );
}
