//! What the benchmarks share: medians, a scratch folder on a RAM disk, a generated corpus,
//! and running a command while measuring its wall time, CPU time and peak memory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Page counts from the command line (`cargo bench --bench x -- 1000 10000`), or `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    let given: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if given.is_empty() {
        default.to_vec()
    } else {
        given
    }
}

/// A scratch folder on a RAM disk where there is one, so that the disk's speed does not hide
/// the generator's own cost.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

/// A generated site of `pages` pages (seed 42) in `dir`/site.
pub fn corpus(dir: &Path, pages: usize) -> PathBuf {
    let root = dir.join("site");
    eprintln!("generating {pages} pages…");
    centerview_corpus::generate(&root, pages, 42).unwrap();
    root
}

/// What a finished command cost.
pub struct Cost {
    pub wall_ms: f64,
    /// User plus system time, of the command and every child it waited for.
    pub cpu_ms: f64,
    /// Peak resident memory, in MB.
    pub peak_mb: f64,
}

/// Runs a command to its end and measures it (wait4's resource usage); it must succeed.
pub fn measure(command: &mut Command) -> Cost {
    let (cost, code) = measure_any(command);
    assert_eq!(code, 0, "{command:?} failed");
    cost
}

/// Runs a command to its end and measures it, whatever its exit status (which it returns).
// The child is reaped by wait4, not by `Child::wait`, which cannot report resource usage.
#[allow(clippy::zombie_processes)]
pub fn measure_any(command: &mut Command) -> (Cost, i32) {
    let started = Instant::now();
    let child = command.spawn().expect("the command starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it in for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(libc::WIFEXITED(status), "{command:?} was killed");
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cost = Cost {
        wall_ms: ms(wall),
        cpu_ms: (seconds(usage.ru_utime) + seconds(usage.ru_stime)) * 1000.0,
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    };
    (cost, libc::WEXITSTATUS(status))
}

/// The total size of the files under `dir`, and how many there are.
pub fn size_of(dir: &Path) -> (u64, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(bytes, files), e| {
            (bytes + e.metadata().unwrap().len(), files + 1)
        })
}
