//! Test helpers: a tolerance check and a small seeded generator for property tests.
//!
//! The generator is hand-rolled (SplitMix64) rather than proptest so the module's tests build
//! with no dev-dependency wherever the module is mounted; failures print the seed to replay.

/// Tolerance for comparing hand-computed values.
pub(super) const TOLERANCE: f64 = 1e-9;

#[track_caller]
pub(super) fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= TOLERANCE * expected.abs().max(1.0),
        "expected {expected}, got {actual}"
    );
}

#[track_caller]
pub(super) fn assert_close_opt(actual: Option<f64>, expected: f64) {
    match actual {
        Some(actual) => assert_close(actual, expected),
        None => panic!("expected {expected}, got None"),
    }
}

/// SplitMix64: tiny, seedable, good enough to draw test data.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
