//! Fingerprints: hashes of what something is made from, which incremental rebuilds compare
//! to know whether it must be made again. Equal inputs, equal fingerprint, within one build
//! of the program.

/// A fast, stable (within one build of the program) hash of bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    std::hash::Hasher::write_usize(&mut hasher, bytes.len());
    std::hash::Hasher::finish(&hasher)
}

/// Hashes the inputs of something rendered.
#[derive(Default)]
pub struct Fingerprint(rustc_hash::FxHasher);

impl Fingerprint {
    pub fn str(&mut self, s: &str) -> &mut Self {
        std::hash::Hasher::write(&mut self.0, s.as_bytes());
        std::hash::Hasher::write_u8(&mut self.0, 0xff);
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        std::hash::Hasher::write_u64(&mut self.0, v);
        self
    }
    pub fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
}
