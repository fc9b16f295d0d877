//! `verify`: recomputes every aggregate (report_cells and report_totals, item_stats,
//! item_option_counts, assessment_stats) and every score on the calibrated scale
//! (attempt_topic_abilities) from the raw data and lists every stored value that differs.
//!
//! Independent of the incremental path on purpose: it decides afresh which attempts count
//! (first submitted baseline, latest submitted post), rebuilds each learner × topic from the
//! attempt's responses, ratings, the current role targets and module completions, and adds the
//! contributions up with the pure `measures` sums. It shares only the scoring of one attempt
//! (`assessment::scoring`) and the pure measure functions. The raw data are read a range of
//! learners at a time with set-based queries ([`super::counted`]), so the time grows linearly
//! with the population and the memory with the number of aggregate rows only.

use std::collections::{HashMap, HashSet};
use std::fmt;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::counted::{Ranges, Sitting};
use super::lookups::keyed_targets;
use super::verify_items::ItemContributions;
use crate::aggregates::read::{self, KeyedRows, without_period};
use crate::aggregates::{CellKey, Period, Table, stored_values};
use crate::assessment::calibrated_gain::{Pairs, all_pairs};
use crate::entities::{Phase, module_progress, module_topic, role_target};
use crate::error::AppResult;
use crate::measures::{CellSums, LearnerTopic};

/// Values closer than this, relative to their size (at least 1), are equal: running sums
/// added in another order differ in the last bits.
pub const TOLERANCE: f64 = 1e-6;

/// One stored value that differs from the recomputed one (a missing row counts as zeros).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub table: String,
    /// The row's key columns, e.g. "organisation_id=1 job_role_id=2 …".
    pub key: String,
    pub column: String,
    pub stored: f64,
    pub expected: f64,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: stored {} but recomputed {}",
            self.table, self.key, self.column, self.stored, self.expected
        )
    }
}

/// Every difference between the stored aggregates and the raw data; empty when consistent.
#[tracing::instrument(skip(db))]
pub async fn verify(db: &impl ConnectionTrait) -> AppResult<Vec<Difference>> {
    let against = Against::load(db).await?;
    let mut differences = Vec::new();
    let mut sums = HashMap::new();
    let mut items = ItemContributions::default();
    let mut ranges = Ranges::start(db).await?;
    while let Some(range) = ranges.next(db).await? {
        let counted: HashSet<i64> = range.counted.iter().map(|s| s.attempt.id).collect();
        for a in &range.submitted {
            let expected = counted.contains(&a.id);
            if a.is_reported != expected {
                differences.push(Difference {
                    table: "attempts".into(),
                    key: format!("id={}", a.id),
                    column: "is_reported".into(),
                    stored: f64::from(u8::from(a.is_reported)),
                    expected: f64::from(u8::from(expected)),
                });
            }
        }
        against.add(&range.counted, &mut sums);
        // Attempts whose responses retention removed are counted through what it kept instead.
        for s in range.counted.iter().filter(|s| {
            s.attempt.phase == Phase::Baseline && s.attempt.responses_removed_at.is_none()
        }) {
            items.add_attempt(&s.attempt, s.scored.total(), &s.responses);
        }
    }
    let expected = keyed_cells(sums);
    let columns = Table::ReportCells.measures();
    let stored = read::keyed_rows(db, Table::ReportCells, &columns).await?;
    compare(
        Table::ReportCells.name(),
        &columns,
        &expected,
        &stored,
        &mut differences,
    );
    let stored = read::keyed_rows(db, Table::ReportTotals, &columns).await?;
    compare(
        Table::ReportTotals.name(),
        &columns,
        &over_all_months(&expected),
        &stored,
        &mut differences,
    );
    super::verify_publication::check(db, &expected, &mut differences).await?;
    super::verify_items::check(db, items, &mut differences).await?;
    super::verify_calibrated::check(db, &mut differences).await?;
    Ok(differences)
}

/// `cells` added up over their months: the expected `report_totals`.
pub(super) fn over_all_months(cells: &KeyedRows) -> KeyedRows {
    let mut totals = KeyedRows::new();
    for (key, values) in cells {
        let row = totals
            .entry(without_period(key).to_owned())
            .or_insert_with(|| vec![0.0; values.len()]);
        for (total, value) in row.iter_mut().zip(values) {
            *total += value;
        }
    }
    totals
}

fn keyed_cells(sums: HashMap<CellKey, CellSums>) -> KeyedRows {
    sums.into_iter()
        .map(|(key, sums)| {
            let key = read::row_key(
                Table::ReportCells,
                &[
                    key.organisation_id.to_string(),
                    key.job_role_id.to_string(),
                    key.band,
                    key.topic_id.to_string(),
                    key.phase.to_string(),
                    key.team_id.to_string(),
                    key.period.to_string(),
                ],
            );
            (key, stored_values(&sums))
        })
        .collect()
}

/// What report cells are summed against besides the attempts: the current role targets, the
/// module completions and the calibrated scores.
pub(super) struct Against {
    targets: HashMap<(i64, i64), (f64, f64)>,
    done: HashMap<i64, HashSet<i64>>,
    calibrated: HashMap<i64, Pairs>,
}

impl Against {
    pub(super) async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(Self {
            targets: keyed_targets(role_target::Entity::find().all(db).await?),
            done: done_topics(db).await?,
            calibrated: all_pairs(db).await?,
        })
    }

    /// Adds each report cell's sums recomputed from one range's `counted` attempts to `cells`.
    pub(super) fn add(&self, counted: &[Sitting], cells: &mut HashMap<CellKey, CellSums>) {
        let baseline_of: HashMap<i64, &Sitting> = counted
            .iter()
            .filter(|s| s.attempt.phase == Phase::Baseline)
            .map(|s| (s.attempt.user_id, s))
            .collect();
        for sitting in counted {
            let a = &sitting.attempt;
            let (Some(organisation), Some(role), Some(at)) =
                (a.organisation_id, a.job_role_id, a.submitted_at)
            else {
                continue;
            };
            let pre = (a.phase == Phase::Post)
                .then(|| baseline_of.get(&a.user_id))
                .flatten();
            for (&topic, score) in &sitting.scored.topics {
                // The submit path's rule for a role without a target: target 0, importance 1.
                let (target, importance) = self
                    .targets
                    .get(&(role, topic))
                    .copied()
                    .unwrap_or((0.0, 1.0));
                let mut learner = LearnerTopic {
                    knowledge: score.knowledge,
                    rating: sitting
                        .ratings
                        .get(&topic)
                        .and_then(|r| u8::try_from(*r).ok()),
                    target,
                    importance,
                    completed: false,
                };
                learner.completed = a.phase == Phase::Baseline
                    && (learner.at_target()
                        || self
                            .done
                            .get(&a.user_id)
                            .is_some_and(|d| d.contains(&topic)));
                let mut sums = learner.sums() + CellSums::from_responses(score.responses);
                if let Some(pre) = pre.and_then(|p| p.scored.topics.get(&topic)) {
                    sums += CellSums::gain_pair(pre.knowledge, score.knowledge);
                    if let Some(&(pre, post)) =
                        self.calibrated.get(&a.id).and_then(|p| p.get(&topic))
                    {
                        sums += CellSums::calibrated_pair(pre, post);
                    }
                }
                let key = CellKey {
                    organisation_id: organisation,
                    job_role_id: role,
                    band: a.band.clone().unwrap_or_default(),
                    topic_id: topic,
                    phase: a.phase,
                    team_id: a.team_id.unwrap_or(0),
                    period: Period::of(at),
                };
                *cells.entry(key).or_default() += sums;
            }
        }
    }
}

/// Per learner, the topics of the modules they completed (at the version they completed).
async fn done_topics(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, HashSet<i64>>> {
    let mut by_version: HashMap<i64, Vec<i64>> = HashMap::new();
    for t in module_topic::Entity::find().all(db).await? {
        by_version
            .entry(t.module_version_id)
            .or_default()
            .push(t.topic_id);
    }
    let mut done: HashMap<i64, HashSet<i64>> = HashMap::new();
    for p in module_progress::Entity::find()
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
    {
        let topics = by_version.get(&p.module_version_id).into_iter().flatten();
        done.entry(p.user_id).or_default().extend(topics);
    }
    Ok(done)
}

/// Adds a difference for every column of every key (in either table) that differs; a row
/// missing on one side counts as all zeros, which is what an untouched row would hold.
pub(super) fn compare(
    table: &str,
    columns: &[&str],
    expected: &KeyedRows,
    stored: &KeyedRows,
    out: &mut Vec<Difference>,
) {
    let zeros = vec![0.0; columns.len()];
    let keys: std::collections::BTreeSet<&String> = expected.keys().chain(stored.keys()).collect();
    for key in keys {
        let e = expected.get(key).unwrap_or(&zeros);
        let s = stored.get(key).unwrap_or(&zeros);
        for (i, column) in columns.iter().enumerate() {
            let (e, s) = (
                e.get(i).copied().unwrap_or(0.0),
                s.get(i).copied().unwrap_or(0.0),
            );
            if (e - s).abs() > TOLERANCE * e.abs().max(s.abs()).max(1.0) {
                out.push(Difference {
                    table: table.into(),
                    key: key.clone(),
                    column: (*column).into(),
                    stored: s,
                    expected: e,
                });
            }
        }
    }
}
