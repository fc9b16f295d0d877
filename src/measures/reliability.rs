//! Per-assessment statistics (docs/design.md §4 "Item analysis … per assessment"): n, SD of totals,
//! Cronbach's α and the standard error of measurement, from running sums over attempts.
//!
//! α assumes every attempt answered the same k items, so the item variances passed in must
//! come from the same attempts as the totals. All variances use n − 1.

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use super::stats::{mean, sample_variance};

/// Additive running sums of attempt totals T (Σ item fractions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TestSums {
    /// Attempts.
    pub n: u64,
    /// Σ T.
    pub sum_t: f64,
    /// Σ T².
    pub sum_t2: f64,
}

impl TestSums {
    /// The contribution of one attempt with total `total`.
    pub fn observation(total: f64) -> Self {
        Self {
            n: 1,
            sum_t: total,
            sum_t2: total * total,
        }
    }
}

impl Add for TestSums {
    type Output = Self;
    fn add(mut self, other: Self) -> Self {
        self += other;
        self
    }
}

impl AddAssign for TestSums {
    fn add_assign(&mut self, o: Self) {
        self.n += o.n;
        self.sum_t += o.sum_t;
        self.sum_t2 += o.sum_t2;
    }
}

/// Statistics of one assessment, on the scale of T; `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TestStatistics {
    /// Attempts.
    pub n: u64,
    /// Items.
    pub k: usize,
    /// Mean total.
    pub mean: Option<f64>,
    /// SD of totals (n − 1); `None` when n < 2.
    pub sd: Option<f64>,
    /// Cronbach's α = k/(k−1) × (1 − Σ var_i / var_T) (KR-20 when items are 0/1), a 0–1
    /// coefficient (Moodle shows it ×100 as "coefficient of internal consistency");
    /// `None` when k < 2, n < 2 or var_T = 0.
    pub alpha: Option<f64>,
    /// Standard error of measurement = SD × √(1 − α) (Moodle's "standard error").
    pub standard_error: Option<f64>,
}

impl TestStatistics {
    /// `item_variances`: each item's sample variance (n − 1) over the same attempts
    /// ([`super::item_analysis::ItemSums::variance`]).
    pub fn from_sums(test: &TestSums, item_variances: &[f64]) -> Self {
        let k = item_variances.len();
        let variance = sample_variance(test.n, test.sum_t, test.sum_t2);
        let alpha = variance.filter(|&v| v > 0.0 && k >= 2).map(|var_t| {
            let k = k as f64;
            k / (k - 1.0) * (1.0 - item_variances.iter().sum::<f64>() / var_t)
        });
        let sd = variance.map(f64::sqrt);
        Self {
            n: test.n,
            k,
            mean: mean(test.n, test.sum_t),
            sd,
            alpha,
            // α ≤ 1 in exact arithmetic (var_T ≤ k Σ var_i); the max guards inconsistent input.
            standard_error: sd.zip(alpha).map(|(sd, a)| sd * (1.0 - a).max(0.0).sqrt()),
        }
    }
}
