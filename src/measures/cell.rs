//! Report cell measures (docs/design.md §4 "Per report cell": group × topic × phase), computed from
//! the additive sums the pre-aggregated tables store, so a report costs O(cells).

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use super::stats::{mean, sample_variance};
use super::summary::ResponseSums;

/// z for a two-sided 95 % normal interval (docs/design.md §4: mean ± 1.96 × SD / √n).
const Z_95: f64 = 1.96;

/// Below this distance from 100 a pre-score counts as 100: no room to gain, so g is undefined.
const FULL_MARKS_EPSILON: f64 = 1e-9;

/// Self-confidence ratings at or above this (on the 1–5 scale) count as "rating 4–5".
const HIGH_RATING: u8 = 4;

/// Additive sums for one report cell. Adding two cells' sums gives the sums of their union,
/// which is how a staff group is built from its job roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CellSums {
    /// Learners in the cell.
    pub n_learners: u64,
    /// Σ learner knowledge (0–100).
    pub sum_knowledge: f64,
    /// Σ learner knowledge², for the SD.
    pub sum_knowledge_sq: f64,
    /// Learners who gave a 1–5 self-confidence rating.
    pub n_rated: u64,
    /// Σ ratings (1–5) of the learners who rated.
    pub sum_rating: u64,
    /// Learners rating 4–5.
    pub n_rating_high: u64,
    /// Learners rating 4–5 whose knowledge is below their own role's target.
    pub n_high_below_target: u64,
    /// Learners whose knowledge is at or above their own role's target.
    pub n_at_target: u64,
    /// Learners for whom the topic is done (tested out at baseline or module(s) completed).
    pub n_completed: u64,
    /// The cell's responses, for calibration bias and confidently wrong rate.
    pub responses: ResponseSums,
    /// Learners with both a baseline and a post knowledge.
    pub n_paired: u64,
    /// Σ baseline knowledge of the paired learners.
    pub sum_paired_pre: f64,
    /// Σ post knowledge of the paired learners.
    pub sum_paired_post: f64,
    /// Paired learners with an individual g (pre below 100).
    pub n_gain: u64,
    /// Σ individual g of those learners.
    pub sum_gain: f64,
    /// Paired learners whose baseline and post were scored on the calibrated scale under the
    /// same calibration run.
    pub n_calibrated: u64,
    /// Σ (calibrated post − calibrated baseline) of those learners, in points.
    pub sum_calibrated_gain: f64,
    /// Σ each learner's own role target (0–100), for the learner-weighted mean target.
    pub sum_target: f64,
    /// Σ each learner's own role importance (1–7), for the learner-weighted mean importance.
    pub sum_importance: f64,
}

impl CellSums {
    /// The contribution of one baseline/post pair (docs/design.md §4 "gain": learners with both).
    pub fn gain_pair(pre: f64, post: f64) -> Self {
        let (pre, post) = (clamp_percent(pre), clamp_percent(post));
        let gain = individual_gain(pre, post);
        Self {
            n_paired: 1,
            sum_paired_pre: pre,
            sum_paired_post: post,
            n_gain: u64::from(gain.is_some()),
            sum_gain: gain.unwrap_or(0.0),
            ..Self::default()
        }
    }

    /// The contribution of one pair of calibrated scores (0–100) under the same run.
    pub fn calibrated_pair(pre: f64, post: f64) -> Self {
        Self {
            n_calibrated: 1,
            sum_calibrated_gain: clamp_percent(post) - clamp_percent(pre),
            ..Self::default()
        }
    }

    /// The contribution of a set of responses.
    pub fn from_responses(responses: ResponseSums) -> Self {
        Self {
            responses,
            ..Self::default()
        }
    }
}

impl Add for CellSums {
    type Output = Self;
    fn add(mut self, other: Self) -> Self {
        self += other;
        self
    }
}

impl AddAssign for CellSums {
    fn add_assign(&mut self, o: Self) {
        self.n_learners += o.n_learners;
        self.sum_knowledge += o.sum_knowledge;
        self.sum_knowledge_sq += o.sum_knowledge_sq;
        self.n_rated += o.n_rated;
        self.sum_rating += o.sum_rating;
        self.n_rating_high += o.n_rating_high;
        self.n_high_below_target += o.n_high_below_target;
        self.n_at_target += o.n_at_target;
        self.n_completed += o.n_completed;
        self.responses += o.responses;
        self.n_paired += o.n_paired;
        self.sum_paired_pre += o.sum_paired_pre;
        self.sum_paired_post += o.sum_paired_post;
        self.n_gain += o.n_gain;
        self.sum_gain += o.sum_gain;
        self.n_calibrated += o.n_calibrated;
        self.sum_calibrated_gain += o.sum_calibrated_gain;
        self.sum_target += o.sum_target;
        self.sum_importance += o.sum_importance;
    }
}

/// One learner × topic × phase, with the learner's own role target and importance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LearnerTopic {
    /// 100 × mean fraction over the topic's items (0–100).
    pub knowledge: f64,
    /// Self-confidence 1–5; `None` when not given. Values outside 1–5 are not ratings and are
    /// counted as not given.
    pub rating: Option<u8>,
    /// Required knowledge (0–100) for the learner's job role.
    pub target: f64,
    /// Importance (1–7) of the topic for the learner's job role.
    pub importance: f64,
    /// The topic is done: tested out at baseline (baseline knowledge ≥ target) or module(s)
    /// completed. The caller decides, as it needs the baseline and module records.
    pub completed: bool,
}

impl LearnerTopic {
    /// Knowledge at or above target ("tested out" when this is the baseline).
    pub fn at_target(&self) -> bool {
        clamp_percent(self.knowledge) >= clamp_percent(self.target)
    }

    /// This learner's contribution to its cell. Gain and responses are added separately
    /// ([`CellSums::gain_pair`], [`CellSums::from_responses`]).
    pub fn sums(&self) -> CellSums {
        let knowledge = clamp_percent(self.knowledge);
        let rating = self.rating.filter(|r| (1..=5).contains(r));
        let high = rating.is_some_and(|r| r >= HIGH_RATING);
        CellSums {
            n_learners: 1,
            sum_knowledge: knowledge,
            sum_knowledge_sq: knowledge * knowledge,
            n_rated: u64::from(rating.is_some()),
            sum_rating: rating.map_or(0, u64::from),
            n_rating_high: u64::from(high),
            n_high_below_target: u64::from(high && !self.at_target()),
            n_at_target: u64::from(self.at_target()),
            n_completed: u64::from(self.completed),
            sum_target: clamp_percent(self.target),
            sum_importance: self.importance,
            ..CellSums::default()
        }
    }
}

/// Individual normalised gain g = (post − pre) / (100 − pre); `None` when pre = 100 (no room
/// to gain), which is how docs/design.md §4's "mean individual g (excluding pre = 100)" excludes
/// them.
pub fn individual_gain(pre: f64, post: f64) -> Option<f64> {
    let room = 100.0 - pre;
    (room >= FULL_MARKS_EPSILON).then(|| (post - pre) / room)
}

/// A 95 % interval for mean knowledge, clipped to 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Interval {
    /// Lower end, ≥ 0.
    pub low: f64,
    /// Upper end, ≤ 100.
    pub high: f64,
}

/// The measures of one report cell (docs/design.md §4 "Per report cell"). Percentages are 0–100;
/// `None` where the denominator is empty. Suppression is applied separately.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CellMeasures {
    /// Learners in the cell.
    pub n: u64,
    /// Mean learner knowledge (0–100).
    pub knowledge: Option<f64>,
    /// mean ± 1.96 × SD / √n (SD with n − 1), clipped to 0–100; `None` when n < 2.
    pub knowledge_interval: Option<Interval>,
    /// Learner-weighted mean of the learners' own role targets.
    pub target: Option<f64>,
    /// Learner-weighted mean of the learners' own role importances.
    pub importance: Option<f64>,
    /// max(0, target − knowledge), in percentage points.
    pub gap: Option<f64>,
    /// importance / 7 × gap.
    pub priority: Option<f64>,
    /// Learners who rated their confidence.
    pub n_rated: u64,
    /// Mean 1–5 self-confidence over learners who rated.
    pub self_confidence: Option<f64>,
    /// % of learners who rated that rated 4–5.
    pub pct_confident: Option<f64>,
    /// % of all learners in the cell rating 4–5 yet below their target.
    pub unrecognised_need: Option<f64>,
    /// % of learners at or above their target.
    pub pct_at_target: Option<f64>,
    /// Mean stated probability − mean fraction over the cell's answered items.
    pub calibration_bias: Option<f64>,
    /// Share (0–1) of the cell's answered items at certainty 3 with fraction 0.
    pub confidently_wrong_rate: Option<f64>,
    /// % of learners for whom the topic is done.
    pub completion: Option<f64>,
    /// Learners with both baseline and post.
    pub n_paired: u64,
    /// Hake ⟨g⟩ = (mean post − mean pre) / (100 − mean pre) over paired learners; `None` with no
    /// pairs or mean pre = 100.
    pub hake_gain: Option<f64>,
    /// Mean individual g over paired learners with pre below 100.
    pub mean_individual_gain: Option<f64>,
    /// Mean calibrated post − mean calibrated baseline, in points, over the paired learners;
    /// `None` unless every paired learner was scored on the calibrated scale under one run,
    /// so that it describes exactly the people the Hake gain does (docs/managers.md).
    pub calibrated_gain: Option<f64>,
}

impl CellMeasures {
    /// Computes every measure from the cell's sums.
    ///
    /// Unrecognised need divides by all learners in the cell, not only those who rated:
    /// docs/design.md §4 says "% of learners", and the same denominator as completion and % at
    /// target lets a manager compare the three directly. (Learners are asked for a rating before
    /// every topic, so the two denominators differ only for skipped ratings.)
    pub fn from_sums(s: &CellSums) -> Self {
        let per_learner = |sum: f64| mean(s.n_learners, sum);
        let pct = |count: u64, of: u64| mean(of, count as f64).map(|x| 100.0 * x);
        let knowledge = per_learner(s.sum_knowledge);
        let target = per_learner(s.sum_target);
        let importance = per_learner(s.sum_importance);
        let gap = target.zip(knowledge).map(|(t, k)| (t - k).max(0.0));
        let responses = s.responses.summary();
        Self {
            n: s.n_learners,
            knowledge,
            knowledge_interval: knowledge_interval(
                s.n_learners,
                s.sum_knowledge,
                s.sum_knowledge_sq,
            ),
            target,
            importance,
            gap,
            priority: importance.zip(gap).map(|(i, g)| i / 7.0 * g),
            n_rated: s.n_rated,
            self_confidence: mean(s.n_rated, s.sum_rating as f64),
            pct_confident: pct(s.n_rating_high, s.n_rated),
            unrecognised_need: pct(s.n_high_below_target, s.n_learners),
            pct_at_target: pct(s.n_at_target, s.n_learners),
            calibration_bias: responses.calibration_bias,
            confidently_wrong_rate: responses.confidently_wrong_rate,
            completion: pct(s.n_completed, s.n_learners),
            n_paired: s.n_paired,
            hake_gain: hake_gain(s.n_paired, s.sum_paired_pre, s.sum_paired_post),
            mean_individual_gain: mean(s.n_gain, s.sum_gain),
            calibrated_gain: (s.n_calibrated == s.n_paired)
                .then(|| mean(s.n_calibrated, s.sum_calibrated_gain))
                .flatten(),
        }
    }
}

/// Decimal places every figure is first snapped to: far finer than any published precision and
/// far coarser than the 1e-15-scale noise of adding the same sums in another order.
const SNAP_PLACES: u32 = 9;

/// `x` to `places` decimal places (at most [`SNAP_PLACES`]), half away from zero, as by hand.
///
/// Two paths add the same sums in different orders (the gap grid lets the database total the
/// months; the trends add them per month in Rust), so a mean that is exactly a tie in decimal,
/// such as 0.315, comes out as 0.31499999… on one and 0.31500000…1 on the other. Snapping to
/// nine places first and rounding the snapped integer makes every path publish the same figure,
/// and the tie rounds up as arithmetic would.
fn round_to(x: Option<f64>, places: u32) -> Option<f64> {
    x.map(|x| round_decimal(x, places))
}

fn round_decimal(x: f64, places: u32) -> f64 {
    let places = places.min(SNAP_PLACES);
    let snapped = x * 10f64.powi(SNAP_PLACES as i32);
    // Beyond ±1.7e38 / 1e9 no figure of ours can be; keep such values as they are.
    if !snapped.is_finite() || snapped.abs() >= i128::MAX as f64 {
        return x;
    }
    let nanos = snapped.round() as i128;
    let unit = 10i128.pow(SNAP_PLACES - places);
    let rounded = (nanos.abs() + unit / 2) / unit * nanos.signum();
    rounded as f64 / 10f64.powi(places as i32)
}

impl CellMeasures {
    /// The measures as published, in every output alike (`docs/managers.md`, "Precision"):
    /// percentages and percentage points whole, the 1–7 importance, the priority and the 1–5
    /// confidence to one place, rates and gains to two. Coarse enough that `n` × a published
    /// mean leaves each person's contribution uncertain by half a point or more, fine enough
    /// for every decision the dashboard supports.
    pub fn published(self) -> Self {
        let whole = |x| round_to(x, 0);
        Self {
            knowledge: whole(self.knowledge),
            knowledge_interval: self.knowledge_interval.map(|i| Interval {
                low: round_decimal(i.low, 0),
                high: round_decimal(i.high, 0),
            }),
            target: whole(self.target),
            importance: round_to(self.importance, 1),
            gap: whole(self.gap),
            priority: round_to(self.priority, 1),
            self_confidence: round_to(self.self_confidence, 1),
            pct_confident: whole(self.pct_confident),
            unrecognised_need: whole(self.unrecognised_need),
            pct_at_target: whole(self.pct_at_target),
            calibration_bias: round_to(self.calibration_bias, 2),
            confidently_wrong_rate: round_to(self.confidently_wrong_rate, 2),
            completion: whole(self.completion),
            hake_gain: round_to(self.hake_gain, 2),
            mean_individual_gain: round_to(self.mean_individual_gain, 2),
            calibrated_gain: whole(self.calibrated_gain),
            ..self
        }
    }
}

fn knowledge_interval(n: u64, sum: f64, sum_sq: f64) -> Option<Interval> {
    // sample_variance is None for n < 2 and never negative despite rounding.
    let variance = sample_variance(n, sum, sum_sq)?;
    let mean = mean(n, sum)?;
    let half_width = Z_95 * variance.sqrt() / (n as f64).sqrt();
    Some(Interval {
        low: (mean - half_width).clamp(0.0, 100.0),
        high: (mean + half_width).clamp(0.0, 100.0),
    })
}

fn hake_gain(n_paired: u64, sum_pre: f64, sum_post: f64) -> Option<f64> {
    let pre = mean(n_paired, sum_pre)?;
    let post = mean(n_paired, sum_post)?;
    individual_gain(pre, post)
}

/// Keeps a percentage in 0–100; NaN becomes 0 so one bad row cannot poison a cell's sums.
fn clamp_percent(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 100.0) }
}
