//! Writes a generated CenterView site: `cargo run --release --example corpus -- <pages> <dir> [seed]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pages), Some(dir)) = (args.get(1).and_then(|p| p.parse().ok()), args.get(2)) else {
        eprintln!("usage: corpus <pages> <dir> [seed]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let started = std::time::Instant::now();
    centerview_corpus::generate(std::path::Path::new(dir), pages, seed).expect("write the corpus");
    eprintln!(
        "wrote {pages} pages to {dir} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
