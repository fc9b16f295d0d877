//! What a learner's role tells us before they answer: the prior of the test-out decision
//! ([`super::decision`]), fitted to earlier learners' first baselines (docs/measurement.md,
//! "What a learner's role tells us").
//!
//! Each earlier learner of a role scored `s` of `n` items on a topic. Taking the share of the
//! topic they knew, `p`, as drawn from Beta(a, b) across the role's learners, one learner's
//! answers have likelihood B(a + s, b + n − s) / B(a, b) (the beta-binomial, without the
//! binomial coefficient, which does not depend on a and b). [`fit`] maximises the product over
//! the role's learners. The likelihood does not depend on the stopping rule, so learners
//! whose baseline asked more items because their answers were mixed are used as they are.
//!
//! The prior's strength a + b counts as that many answers. It is kept between 2 (as weak as
//! the uniform prior) and [`MAX_STRENGTH`], so a learner's own answers to a topic's longest
//! baseline always count at least as much as what their role's history says.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decision::ln_gamma;

/// A Beta(alpha, beta) prior on the share of a topic a learner knows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Prior {
    pub alpha: f64,
    pub beta: f64,
}

/// Learners' topic scores as [`fit`] reads them: (items, score, how many learners had both).
pub type Scores = Vec<(u64, f64, u64)>;

/// First baselines of a role (or staff group) needed before its prior is fitted.
pub const MIN_LEARNERS: usize = 30;

/// The strongest prior, in answers: the most items a baseline asks of one topic
/// ([`super::decision::FollowUp::BASELINE`]'s cap).
pub const MAX_STRENGTH: f64 = 6.0;

/// The weakest prior, in answers: as strong as the uniform prior.
const MIN_STRENGTH: f64 = 2.0;

impl Prior {
    /// Beta(1, 1): every share equally likely; used until a role has [`MIN_LEARNERS`].
    pub const UNIFORM: Self = Self {
        alpha: 1.0,
        beta: 1.0,
    };

    /// The prior's mean share known, 0–1.
    pub fn mean(self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// How many answers the prior counts as.
    pub fn strength(self) -> f64 {
        self.alpha + self.beta
    }
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Log-likelihood of `groups` ((n, s) → learners) under Beta(mean × strength, (1 − mean) ×
/// strength).
fn log_likelihood(groups: &BTreeMap<(u64, u64), f64>, mean: f64, strength: f64) -> f64 {
    let (a, b) = (mean * strength, (1.0 - mean) * strength);
    let base = ln_beta(a, b);
    groups
        .iter()
        .map(|(&(n, s_thousandths), weight)| {
            let s = s_thousandths as f64 / 1000.0;
            weight * (ln_beta(a + s, b + n as f64 - s) - base)
        })
        .sum()
}

/// The maximum-likelihood prior for `learners` learners each scoring `sum` of `n` items (a
/// partly right answer counts its fraction), with its strength kept within
/// 2–[`MAX_STRENGTH`]; `None` with fewer than [`MIN_LEARNERS`] who answered at least one item.
pub fn fit(scores: impl IntoIterator<Item = (u64, f64, u64)>) -> Option<Prior> {
    // Learners with the same n and score (to a thousandth) add the same term.
    let mut groups: BTreeMap<(u64, u64), f64> = BTreeMap::new();
    let mut learners = 0;
    for (n, sum, count) in scores {
        if n == 0 || count == 0 {
            continue;
        }
        let s = (sum.clamp(0.0, n as f64) * 1000.0).round() as u64;
        *groups.entry((n, s)).or_default() += count as f64;
        learners += usize::try_from(count).unwrap_or(usize::MAX);
    }
    if learners < MIN_LEARNERS {
        return None;
    }
    // A grid over the mean (0.01–0.99) and the strength (quarter answers), then the mean to a
    // thousandth around the best: enough for a prior, and no search can wander off. The mean
    // stays within 0.01–0.99 even when every learner was all right (or all wrong), where the
    // likelihood keeps growing towards 1 (or 0) and would leave no room for anyone else.
    let strengths: Vec<f64> = (0..)
        .map(|k| MIN_STRENGTH + 0.25 * f64::from(k))
        .take_while(|s| *s <= MAX_STRENGTH + 1e-9)
        .collect();
    let mut best = (f64::NEG_INFINITY, 0.5, MIN_STRENGTH);
    for m in 1..100 {
        let mean = f64::from(m) / 100.0;
        for &strength in &strengths {
            let ll = log_likelihood(&groups, mean, strength);
            if ll > best.0 {
                best = (ll, mean, strength);
            }
        }
    }
    let (_, coarse, strength) = best;
    for k in -10..=10 {
        let mean = (coarse + f64::from(k) / 1000.0).clamp(0.01, 0.99);
        let ll = log_likelihood(&groups, mean, strength);
        if ll > best.0 {
            best = (ll, mean, strength);
        }
    }
    let (_, mean, strength) = best;
    Some(Prior {
        alpha: mean * strength,
        beta: (1.0 - mean) * strength,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_learners_fit_nothing() {
        assert_eq!(fit([(3, 2.0, 29)]), None);
        // Learners who answered nothing do not count.
        assert_eq!(fit([(0, 2.0, 11), (3, 2.0, 29)]), None);
    }

    #[test]
    fn a_role_that_agrees_gets_a_strong_prior_at_its_mean() {
        // 60 learners, each right on 2 of 3: every learner knows about two thirds, so the
        // likelihood grows with the strength and stops at the cap, where the best mean is
        // near (not exactly at) two thirds.
        let prior = fit([(3, 2.0, 60)]).unwrap();
        assert!((prior.strength() - MAX_STRENGTH).abs() < 1e-9, "{prior:?}");
        assert!((prior.mean() - 2.0 / 3.0).abs() < 0.03, "{prior:?}");
    }

    #[test]
    fn a_role_that_splits_gets_the_weakest_prior() {
        // Half all right, half all wrong on 6 items: the shares known are far apart, so the
        // data want a U-shaped prior; it is kept as weak as the uniform one, at the mean.
        let scores = [(6, 6.0, 20), (6, 0.0, 20)];
        let prior = fit(scores).unwrap();
        assert!((prior.strength() - MIN_STRENGTH).abs() < 1e-9, "{prior:?}");
        assert!((prior.mean() - 0.5).abs() < 0.01, "{prior:?}");
    }

    #[test]
    fn the_fit_maximises_the_likelihood_by_hand() {
        // Beta-binomial with a known answer: 30 learners each scoring 0, 1 and 2 of 2 have mean
        // 0.5; the grid must find the same maximum as a fine scan.
        let prior = fit([(2, 0.0, 30), (2, 1.0, 30), (2, 2.0, 30)]).unwrap();
        let groups = BTreeMap::from([((2, 0), 30.0), ((2, 1000), 30.0), ((2, 2000), 30.0)]);
        let found = log_likelihood(&groups, prior.mean(), prior.strength());
        for m in 1..1000 {
            for k in 0..=40 {
                let strength = MIN_STRENGTH + f64::from(k) * 0.1;
                let ll = log_likelihood(&groups, f64::from(m) / 1000.0, strength);
                assert!(
                    ll <= found + 1e-6,
                    "m {m} strength {strength}: {ll} > {found}"
                );
            }
        }
        assert!((prior.mean() - 0.5).abs() < 1e-9);
    }
}
