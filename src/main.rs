use clap::Parser;

/// jemalloc rather than the system allocator: a build frees millions of small objects (page
/// bodies, rendered HTML) between stages, and glibc's malloc spent a tenth of the 10,000-page
/// build sorting them back into its bins (docs/performance.md, "Allocator").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Freed memory goes back to the system within 30 ms: with jemalloc's default ten-second decay
/// the 10,000-page build peaked at 398 MB; with none, at 372 MB (glibc: 380 MB). With none,
/// though, every page freed and faulted in the same memory again (a third of the build's CPU
/// time was the kernel's); 30 ms costs 8 MB of that build's peak and saves 5% of its time.
///
/// Each thread keeps freed blocks of up to 128 KiB for its next allocation (`tcache_max`;
/// jemalloc's default is 32 KiB): without it, a block between the two (the 48 KiB buffer of
/// every YAML parser, a page's HTML as it grows) went back to the system when freed and was
/// faulted in again by the next page, a tenth of the 10,000-page build's CPU time in the
/// kernel for no memory saved (docs/performance.md, "Readers' paths").
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8] = b"dirty_decay_ms:30,muzzy_decay_ms:0,tcache_max:131072\0";

fn main() {
    let cli = centerview::cli::Cli::parse();
    std::process::exit(centerview::cli::run(cli));
}
