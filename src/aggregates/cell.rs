//! A report cell: its key (the grain of `report_cells`), what one learner adds to it
//! ([`CellDelta`]), and the mapping between [`CellSums`] and the stored columns, so the submit,
//! the reports and `verify` cannot disagree about it.

use super::Period;
use super::increments::{Increments, Key};
use super::publication;
use super::tables::Table;
use crate::entities::Phase;
use crate::error::AppResult;
use crate::measures::{CellSums, ResponseSums};

/// The grain of the report tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub organisation_id: i64,
    pub job_role_id: i64,
    pub band: String,
    pub topic_id: i64,
    pub phase: Phase,
    /// 0: no team.
    pub team_id: i64,
    pub period: Period,
}

impl CellKey {
    pub fn key(&self) -> Vec<Key> {
        vec![
            self.organisation_id.into(),
            self.job_role_id.into(),
            self.band.as_str().into(),
            self.topic_id.into(),
            self.phase.as_str().into(),
            self.team_id.into(),
            self.period.to_string().into(),
        ]
    }
}

/// One learner's contribution to one report cell (all additive, so it can be taken away).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellDelta {
    counts: Vec<(&'static str, i64)>,
    sums: Vec<(&'static str, f64)>,
}

/// What a reported attempt shows about one topic: what [`CellDelta::of_learner`] adds up.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerCell<'a> {
    pub knowledge: f64,
    /// Confidence 1–5, if the learner gave one.
    pub rating: Option<i16>,
    pub at_target: bool,
    /// Counts as done (a baseline's topic at target or covered by a completed module).
    pub completed: bool,
    pub responses: &'a ResponseSums,
    /// The learner's baseline knowledge of the topic, for a post-assessment.
    pub pre: Option<f64>,
    /// A post-assessment's calibrated scores (baseline, post) under one calibration run.
    pub calibrated: Option<(f64, f64)>,
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl CellDelta {
    /// One learner's topic as the submit adds it.
    pub fn of_learner(learner: &LearnerCell<'_>) -> Self {
        let LearnerCell {
            knowledge,
            rating,
            at_target,
            completed,
            responses,
            pre,
            calibrated,
        } = *learner;
        let high = rating.is_some_and(|r| r >= 4);
        let mut counts = vec![
            ("n_learners", 1),
            ("n_rated", i64::from(rating.is_some())),
            ("n_rating_high", i64::from(high)),
            ("n_high_below_target", i64::from(high && !at_target)),
            ("n_at_target", i64::from(at_target)),
            ("n_completed", i64::from(completed)),
            ("n_responses", count(responses.n_responses)),
            ("n_answered", count(responses.n_answered)),
            ("n_dont_know", count(responses.n_dont_know)),
            ("n_confidently_wrong", count(responses.n_confidently_wrong)),
        ];
        let mut sums = vec![
            ("sum_knowledge", knowledge),
            ("sum_knowledge_sq", knowledge * knowledge),
            ("sum_rating", rating.map_or(0.0, f64::from)),
            ("sum_stated_probability", responses.sum_stated_probability),
            ("sum_answered_fraction", responses.sum_fraction_answered),
            ("sum_brier", responses.sum_brier),
        ];
        if let Some(pre_knowledge) = pre {
            counts.push(("n_paired", 1));
            sums.push(("sum_paired_pre", pre_knowledge));
            sums.push(("sum_paired_post", knowledge));
            if let Some(g) = crate::measures::individual_gain(pre_knowledge, knowledge) {
                counts.push(("n_gain", 1));
                sums.push(("sum_gain", g));
            }
            if let Some((pre, post)) = calibrated {
                counts.push(("n_calibrated", 1));
                sums.push(("sum_calibrated_gain", post - pre));
            }
        }
        Self { counts, sums }
    }

    /// A topic of the learner's baseline newly done by completing a module.
    pub fn completion() -> Self {
        Self {
            counts: vec![("n_completed", 1)],
            sums: Vec::new(),
        }
    }

    /// The same contribution taken away.
    pub fn negated(&self) -> Self {
        Self {
            counts: self.counts.iter().map(|(c, v)| (*c, -v)).collect(),
            sums: self.sums.iter().map(|(c, v)| (*c, -v)).collect(),
        }
    }
}

/// Adds `delta` to the cell at `key` in `batch`, to its all-months total, and to what waits
/// to be published for its atom ([`publication`]).
pub fn add_cell(batch: &mut Increments, key: &CellKey, delta: &CellDelta) -> AppResult<()> {
    let mut cell = key.key();
    batch.add(Table::ReportCells, cell.clone(), &delta.counts, &delta.sums)?;
    publication::add_pending(batch, &cell, &delta.counts, &delta.sums)?;
    cell.pop();
    batch.add(Table::ReportTotals, cell, &delta.counts, &delta.sums)
}

/// The stored columns' values for `sums`: counts then sums, as
/// [`super::tables::COUNT_COLUMNS`] and [`super::tables::SUM_COLUMNS`] name them. Target,
/// importance and CBM mark are not stored: targets are the roles' current ones, joined at
/// report time.
pub fn stored_values(s: &CellSums) -> Vec<f64> {
    let r = &s.responses;
    let counts = [
        s.n_learners,
        s.n_rated,
        s.n_rating_high,
        s.n_high_below_target,
        s.n_at_target,
        s.n_completed,
        r.n_responses,
        r.n_answered,
        r.n_dont_know,
        r.n_confidently_wrong,
        s.n_paired,
        s.n_gain,
        s.n_calibrated,
    ];
    let sums = [
        s.sum_knowledge,
        s.sum_knowledge_sq,
        s.sum_rating as f64,
        r.sum_stated_probability,
        r.sum_fraction_answered,
        r.sum_brier,
        s.sum_paired_pre,
        s.sum_paired_post,
        s.sum_gain,
        s.sum_calibrated_gain,
    ];
    counts.iter().map(|&c| c as f64).chain(sums).collect()
}
