//! Measures over a set of responses (an attempt, a learner's topic, a report cell):
//! docs/design.md §4 "Per response" aggregated. Reports store running sums, so every measure is
//! computed from [`ResponseSums`]; a list of answers is summarised by summing it first.

use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use super::response::{Answer, Certainty, cbm_mark, is_confidently_wrong, stated_probability};
use super::stats::mean;

/// Additive running sums over responses, as the pre-aggregated tables store them.
///
/// `n_responses = n_answered + n_dont_know`. Sums marked "answered" skip "I don't know";
/// `sum_cbm_mark` covers all responses ("I don't know" adds 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseSums {
    /// All responses.
    pub n_responses: u64,
    /// Responses with an answer and a certainty.
    pub n_answered: u64,
    /// "I don't know" responses.
    pub n_dont_know: u64,
    /// Answered at certainty 3 with fraction 0.
    pub n_confidently_wrong: u64,
    /// Σ fraction over answered items (equal to Σ over all, since "I don't know" scores 0).
    pub sum_fraction_answered: f64,
    /// Σ stated probability over answered items.
    pub sum_stated_probability: f64,
    /// Σ (stated probability − fraction)² over answered items.
    pub sum_brier: f64,
    /// Σ CBM mark over all responses; needed for mean CBM mark and CBM bonus.
    pub sum_cbm_mark: f64,
}

impl ResponseSums {
    /// The contribution of one response.
    pub fn from_answer(answer: &Answer) -> Self {
        let mut sums = Self {
            n_responses: 1,
            sum_cbm_mark: cbm_mark(answer),
            ..Self::default()
        };
        match answer.certainty() {
            None => sums.n_dont_know = 1,
            Some(certainty) => {
                let fraction = answer.fraction();
                let p = stated_probability(certainty);
                sums.n_answered = 1;
                sums.n_confidently_wrong = u64::from(is_confidently_wrong(answer));
                sums.sum_fraction_answered = fraction;
                sums.sum_stated_probability = p;
                sums.sum_brier = (p - fraction).powi(2);
            }
        }
        sums
    }

    /// Sums over a list of responses.
    pub fn from_answers<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Self {
        answers
            .into_iter()
            .map(Self::from_answer)
            .fold(Self::default(), Add::add)
    }

    /// Removes `other`, or `None` if `other` was not part of `self` (a count would go negative).
    pub fn checked_sub(&self, other: &Self) -> Option<Self> {
        Some(Self {
            n_responses: self.n_responses.checked_sub(other.n_responses)?,
            n_answered: self.n_answered.checked_sub(other.n_answered)?,
            n_dont_know: self.n_dont_know.checked_sub(other.n_dont_know)?,
            n_confidently_wrong: self
                .n_confidently_wrong
                .checked_sub(other.n_confidently_wrong)?,
            sum_fraction_answered: self.sum_fraction_answered - other.sum_fraction_answered,
            sum_stated_probability: self.sum_stated_probability - other.sum_stated_probability,
            sum_brier: self.sum_brier - other.sum_brier,
            sum_cbm_mark: self.sum_cbm_mark - other.sum_cbm_mark,
        })
    }

    /// The measures these sums describe.
    pub fn summary(&self) -> ResponseSummary {
        let all = |sum: f64| mean(self.n_responses, sum);
        let answered = |sum: f64| mean(self.n_answered, sum);
        let accuracy = all(self.sum_fraction_answered);
        let mean_cbm_mark = all(self.sum_cbm_mark);
        ResponseSummary {
            n: self.n_responses,
            n_answered: self.n_answered,
            n_dont_know: self.n_dont_know,
            accuracy,
            mean_cbm_mark,
            cbm_bonus: mean_cbm_mark
                .zip(accuracy)
                .map(|(mark, acc)| cbm_bonus(mark, acc)),
            calibration_bias: answered(self.sum_stated_probability - self.sum_fraction_answered),
            brier_score: answered(self.sum_brier),
            confidently_wrong_rate: answered(self.n_confidently_wrong as f64),
        }
    }
}

impl Add for ResponseSums {
    type Output = Self;
    fn add(mut self, other: Self) -> Self {
        self += other;
        self
    }
}

impl AddAssign for ResponseSums {
    fn add_assign(&mut self, other: Self) {
        self.n_responses += other.n_responses;
        self.n_answered += other.n_answered;
        self.n_dont_know += other.n_dont_know;
        self.n_confidently_wrong += other.n_confidently_wrong;
        self.sum_fraction_answered += other.sum_fraction_answered;
        self.sum_stated_probability += other.sum_stated_probability;
        self.sum_brier += other.sum_brier;
        self.sum_cbm_mark += other.sum_cbm_mark;
    }
}

/// Subtraction for undoing a contribution. Counts saturate at 0 instead of panicking; use
/// [`ResponseSums::checked_sub`] where removing too much must be detected.
impl Sub for ResponseSums {
    type Output = Self;
    fn sub(mut self, other: Self) -> Self {
        self -= other;
        self
    }
}

impl SubAssign for ResponseSums {
    fn sub_assign(&mut self, other: Self) {
        self.n_responses = self.n_responses.saturating_sub(other.n_responses);
        self.n_answered = self.n_answered.saturating_sub(other.n_answered);
        self.n_dont_know = self.n_dont_know.saturating_sub(other.n_dont_know);
        self.n_confidently_wrong = self
            .n_confidently_wrong
            .saturating_sub(other.n_confidently_wrong);
        self.sum_fraction_answered -= other.sum_fraction_answered;
        self.sum_stated_probability -= other.sum_stated_probability;
        self.sum_brier -= other.sum_brier;
        self.sum_cbm_mark -= other.sum_cbm_mark;
    }
}

/// Measures over a set of responses (docs/design.md §4 "Per response"). `None` where the
/// denominator is empty: no responses for accuracy and CBM, no answered items for the calibration
/// measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseSummary {
    /// All responses.
    pub n: u64,
    /// Responses with an answer and a certainty.
    pub n_answered: u64,
    /// "I don't know" responses.
    pub n_dont_know: u64,
    /// Accuracy = Σ fraction / n, "I don't know" counting as 0; a 0–1 fraction.
    pub accuracy: Option<f64>,
    /// Mean CBM mark over all n responses ("I don't know" → 0).
    pub mean_cbm_mark: Option<f64>,
    /// See [`cbm_bonus`].
    pub cbm_bonus: Option<f64>,
    /// Mean stated probability − mean fraction, over answered items (> 0: over-confident).
    pub calibration_bias: Option<f64>,
    /// Mean (stated probability − fraction)², over answered items.
    pub brier_score: Option<f64>,
    /// Share (0–1) of answered items at certainty 3 with fraction 0.
    pub confidently_wrong_rate: Option<f64>,
}

impl ResponseSummary {
    /// Summarises a list of responses (through [`ResponseSums`], so both paths agree).
    pub fn from_answers<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Self {
        ResponseSums::from_answers(answers).summary()
    }
}

/// CBM bonus (docs/design.md §4, as Moodle):
/// `0.1 × (mean CBM mark − max_C[acc·right_C + (1−acc)·wrong_C])`, right = 1,2,3 and
/// wrong = 0,−2,−6: how much better the learner did than by using one fixed certainty
/// (the best for this accuracy) on every item.
pub fn cbm_bonus(mean_cbm_mark: f64, accuracy: f64) -> f64 {
    let expected_at_best_fixed_certainty = Certainty::ALL
        .iter()
        .map(|c| accuracy * c.cbm_right() + (1.0 - accuracy) * c.cbm_wrong())
        .fold(f64::NEG_INFINITY, f64::max);
    0.1 * (mean_cbm_mark - expected_at_best_fixed_certainty)
}
