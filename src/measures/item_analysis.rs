//! Item statistics per item version (docs/design.md §4 "Item analysis", Moodle's definitions), from
//! running sums over the attempts that included the item.
//!
//! Each attempt contributes f = the item's fraction (0–1), T = the attempt's total on the same
//! scale (Σ item fractions when every item is worth 1), and the rest of the test R = T − f.
//! Moodle correlates an item with the rest of the test, not the total, so an item is not
//! correlated with itself.

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use super::response::{Answer, Certainty, is_confidently_wrong};
use super::stats::{mean, sample_covariance, sample_variance};

/// Additive running sums for one item version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemSums {
    /// Attempts that included the item.
    pub n: u64,
    /// Σ f (the item's fraction, 0–1).
    pub sum_f: f64,
    /// Σ f².
    pub sum_f2: f64,
    /// Σ R (rest of the test: attempt total − f).
    pub sum_r: f64,
    /// Σ R².
    pub sum_r2: f64,
    /// Σ f·R.
    pub sum_fr: f64,
    /// "I don't know" responses.
    pub n_dont_know: u64,
    /// Answered at certainty 1 (low).
    pub n_certainty_1: u64,
    /// Answered at certainty 2 (medium).
    pub n_certainty_2: u64,
    /// Answered at certainty 3 (high).
    pub n_certainty_3: u64,
    /// Answered at certainty 3 with fraction 0.
    pub n_confidently_wrong: u64,
}

impl ItemSums {
    /// The contribution of one attempt: the item's answer and the attempt's total, which
    /// includes this item's fraction.
    pub fn observation(answer: &Answer, attempt_total: f64) -> Self {
        let f = answer.fraction();
        let r = attempt_total - f;
        let certainty = answer.certainty();
        Self {
            n: 1,
            sum_f: f,
            sum_f2: f * f,
            sum_r: r,
            sum_r2: r * r,
            sum_fr: f * r,
            n_dont_know: u64::from(certainty.is_none()),
            n_certainty_1: u64::from(certainty == Some(Certainty::Low)),
            n_certainty_2: u64::from(certainty == Some(Certainty::Medium)),
            n_certainty_3: u64::from(certainty == Some(Certainty::High)),
            n_confidently_wrong: u64::from(is_confidently_wrong(answer)),
        }
    }

    /// Answered (not "I don't know") responses.
    pub fn n_answered(&self) -> u64 {
        self.n_certainty_1 + self.n_certainty_2 + self.n_certainty_3
    }

    /// Facility: mean fraction, as a 0–1 fraction (Moodle's "facility index"; ×100 to show %).
    pub fn facility(&self) -> Option<f64> {
        mean(self.n, self.sum_f)
    }

    /// Sample variance (n − 1) of f; the item's term in Cronbach's α.
    pub fn variance(&self) -> Option<f64> {
        sample_variance(self.n, self.sum_f, self.sum_f2)
    }

    /// Sample variance (n − 1) of the rest score R.
    pub fn rest_variance(&self) -> Option<f64> {
        sample_variance(self.n, self.sum_r, self.sum_r2)
    }

    /// Sample covariance (n − 1) of f and R.
    pub fn covariance(&self) -> Option<f64> {
        sample_covariance(self.n, self.sum_f, self.sum_r, self.sum_fr)
    }

    /// Discrimination index = 100 × Pearson r(f, R) (Moodle); `None` when n < 2 or either
    /// variance is 0.
    pub fn discrimination_index(&self) -> Option<f64> {
        let (var_f, var_r) = (self.variance()?, self.rest_variance()?);
        if var_f <= 0.0 || var_r <= 0.0 {
            return None;
        }
        // Rounding in the sums can push |r| a hair past 1.
        Some((100.0 * self.covariance()? / (var_f * var_r).sqrt()).clamp(-100.0, 100.0))
    }
}

impl Add for ItemSums {
    type Output = Self;
    fn add(mut self, other: Self) -> Self {
        self += other;
        self
    }
}

impl AddAssign for ItemSums {
    fn add_assign(&mut self, o: Self) {
        self.n += o.n;
        self.sum_f += o.sum_f;
        self.sum_f2 += o.sum_f2;
        self.sum_r += o.sum_r;
        self.sum_r2 += o.sum_r2;
        self.sum_fr += o.sum_fr;
        self.n_dont_know += o.n_dont_know;
        self.n_certainty_1 += o.n_certainty_1;
        self.n_certainty_2 += o.n_certainty_2;
        self.n_certainty_3 += o.n_certainty_3;
        self.n_confidently_wrong += o.n_confidently_wrong;
    }
}

/// Something a trainer should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ItemFlag {
    /// Facility > 0.9.
    TooEasy,
    /// Facility < 0.2.
    TooHard,
    /// Discrimination index < 0: stronger candidates do worse on it.
    NegativeDiscrimination,
    /// Fewer responses than the minimum asked for; the other figures are unstable.
    TooFewResponses,
}

/// Percentages (0–100) of an item's n responses at each certainty and "I don't know".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CertaintyMix {
    /// % "I don't know".
    pub dont_know: f64,
    /// % at certainty 1.
    pub low: f64,
    /// % at certainty 2.
    pub medium: f64,
    /// % at certainty 3.
    pub high: f64,
}

/// One item version's statistics (without discriminative efficiency, which needs a rest-score
/// histogram: see [`discriminative_efficiency`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemStatistics {
    /// Attempts that included the item.
    pub n: u64,
    /// Mean fraction, 0–1.
    pub facility: Option<f64>,
    /// SD of f (n − 1).
    pub sd: Option<f64>,
    /// 100 × r(f, R).
    pub discrimination_index: Option<f64>,
    /// `None` when n = 0.
    pub certainty_mix: Option<CertaintyMix>,
    /// Share (0–1) of answered responses at certainty 3 with fraction 0.
    pub confidently_wrong_rate: Option<f64>,
    /// Raised flags, in the order of [`ItemFlag`]'s variants.
    pub flags: Vec<ItemFlag>,
}

impl ItemStatistics {
    /// Computes the statistics; `min_responses` (e.g. 30) sets [`ItemFlag::TooFewResponses`].
    pub fn from_sums(sums: &ItemSums, min_responses: u64) -> Self {
        let facility = sums.facility();
        let discrimination_index = sums.discrimination_index();
        let pct = |count: u64| 100.0 * count as f64 / sums.n as f64;
        let certainty_mix = (sums.n > 0).then(|| CertaintyMix {
            dont_know: pct(sums.n_dont_know),
            low: pct(sums.n_certainty_1),
            medium: pct(sums.n_certainty_2),
            high: pct(sums.n_certainty_3),
        });
        let flags = [
            (facility.is_some_and(|p| p > 0.9), ItemFlag::TooEasy),
            (facility.is_some_and(|p| p < 0.2), ItemFlag::TooHard),
            (
                discrimination_index.is_some_and(|d| d < 0.0),
                ItemFlag::NegativeDiscrimination,
            ),
            (sums.n < min_responses, ItemFlag::TooFewResponses),
        ]
        .into_iter()
        .filter_map(|(raised, flag)| raised.then_some(flag))
        .collect();
        Self {
            n: sums.n,
            facility,
            sd: sums.variance().map(f64::sqrt),
            discrimination_index,
            certainty_mix,
            confidently_wrong_rate: mean(sums.n_answered(), sums.n_confidently_wrong as f64),
            flags,
        }
    }
}

/// Discriminative efficiency = 100 × cov(f, R) / max_cov (Moodle), where max_cov is the
/// covariance when the highest f values go with the highest R values.
///
/// `rest_histogram` lists (R, count) over the same n attempts, in any order; `None` when its
/// counts do not add up to n, n < 2, or max_cov is 0 (as in Moodle).
///
/// Exact and approximate parts:
/// - cov(f, R) is exact (from the sums).
/// - Running sums do not keep the sorted f values Moodle pairs with the sorted R values, so
///   max_cov is taken as the pairing that puts Σf "units" of f on the highest rest scores.
///   For 0/1 items (Σf = number right) that is exactly Moodle's pairing. For partial-credit
///   items it is the largest covariance any f values with that sum could reach, so max_cov is
///   at least Moodle's and the efficiency is never larger in size than Moodle's.
/// - max_cov is exact when the histogram's R values are the exact rest scores of this item
///   (whole numbers on a test of 0/1 items); with binned R it is as good as the bins, and the
///   efficiency may then stray slightly past ±100.
pub fn discriminative_efficiency(sums: &ItemSums, rest_histogram: &[(f64, u64)]) -> Option<f64> {
    let (var_f, var_r, cov) = (sums.variance()?, sums.rest_variance()?, sums.covariance()?);
    // A constant f or R has max_cov 0, which the sums would show as rounding noise.
    if var_f <= 0.0 || var_r <= 0.0 {
        return None;
    }
    let max_cov = max_covariance(sums, rest_histogram)?;
    (max_cov > 0.0).then(|| 100.0 * cov / max_cov)
}

/// The max_cov of [`discriminative_efficiency`].
fn max_covariance(sums: &ItemSums, rest_histogram: &[(f64, u64)]) -> Option<f64> {
    let total: u64 = rest_histogram.iter().map(|&(_, count)| count).sum();
    if total != sums.n || sums.n < 2 {
        return None;
    }
    let mut highest_first = rest_histogram.to_vec();
    highest_first.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut units_left = sums.sum_f;
    let mut top_pairing = 0.0;
    for (r, count) in highest_first {
        let taken = units_left.min(count as f64).max(0.0);
        top_pairing += taken * r;
        units_left -= taken;
    }
    // The histogram's own ΣR, so that binning errors cancel between the two terms.
    let sum_r: f64 = rest_histogram
        .iter()
        .map(|&(r, count)| r * count as f64)
        .sum();
    sample_covariance(sums.n, sums.sum_f, sum_r, top_pairing)
}
