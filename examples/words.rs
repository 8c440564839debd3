//! Times the search index's word pass alone, on one thread: every markdown file under a
//! folder, read as one text, through `tokens::terms` three times (the first fills the word
//! cache). `cargo run --release --example words -- <content folder>`.
use centerview::search::tokens::{Interner, StemCache, terms};
use std::sync::Arc;
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut text = String::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap());
            text.push('\n');
        }
    }
    let interner = Arc::new(Interner::default());
    let mut stems = StemCache::new(interner.clone());
    for round in 0..3 {
        let t = Instant::now();
        let mut n = 0u64;
        let mut sum = 0u64;
        let end = terms(&text, 0, &mut stems, |id, p| {
            n += 1;
            sum += (id ^ p) as u64;
        });
        let el = t.elapsed();
        println!(
            "round {round}: {} bytes, {end} tokens, {n} indexed, {:.1} ms, {:.1} ns/token ({sum})",
            text.len(),
            el.as_secs_f64() * 1e3,
            el.as_secs_f64() * 1e9 / end as f64
        );
    }
}
