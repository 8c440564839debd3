//! Writes a generated CenterView site: `cargo run --release --example corpus -- <pages> <dir> [seed] [photos]`
//! (`photos`: that many generated 2400×1600 JPEG photographs, each shown by one page).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pages), Some(dir)) = (args.get(1).and_then(|p| p.parse().ok()), args.get(2)) else {
        eprintln!("usage: corpus <pages> <dir> [seed]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let started = std::time::Instant::now();
    centerview_corpus::generate(std::path::Path::new(dir), pages, seed).expect("write the corpus");
    if let Some(photos) = args.get(4).and_then(|p| p.parse().ok()) {
        centerview_corpus::add_photos(std::path::Path::new(dir), photos, seed)
            .expect("write the photos");
    }
    eprintln!(
        "wrote {pages} pages to {dir} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
