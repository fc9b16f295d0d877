//! `verify`: recomputes every aggregate (report_cells and report_totals, item_stats,
//! item_option_counts, assessment_stats) and every score on the calibrated scale
//! (attempt_topic_abilities) from the raw data and lists every stored value that differs.
//!
//! Independent of the incremental path on purpose: it decides afresh which attempts count
//! (first submitted baseline, latest submitted post), rebuilds each learner × topic from the
//! attempt's responses, ratings, the current role targets and module completions, and adds the
//! contributions up with the pure `measures` sums. It shares only the scoring of one attempt
//! (`assessment::aggregates::load_attempt_topics`) and the pure measure functions.

use std::collections::{HashMap, HashSet};
use std::fmt;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::aggregates::read::{self, KeyedRows, without_period};
use crate::aggregates::{CellKey, Period, Table, stored_values};
use crate::assessment::aggregates::{AttemptTopics, load_attempt_topics};
use crate::assessment::calibrated_gain::all_pairs;
use crate::entities::{Phase, attempt, module_progress, module_topic, role_target};
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
    let submitted = submitted_attempts(db).await?;
    let counted = counted_attempts(&submitted);
    let mut differences = Vec::new();
    for a in &submitted {
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
    let mut scored: HashMap<i64, AttemptTopics> = HashMap::new();
    for a in submitted.iter().filter(|a| counted.contains(&a.id)) {
        scored.insert(a.id, load_attempt_topics(db, a.id).await?);
    }
    let counted: Vec<&attempt::Model> = submitted
        .iter()
        .filter(|a| counted.contains(&a.id))
        .collect();
    let expected = expected_cells(db, &counted, &scored).await?;
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
    super::verify_items::check(db, &counted, &scored, &mut differences).await?;
    super::verify_calibrated::check(db, &mut differences).await?;
    Ok(differences)
}

/// Every submitted baseline and post-assessment, ordered by user, time and id.
pub(super) async fn submitted_attempts(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .filter(attempt::Column::Phase.is_in([Phase::Baseline, Phase::Post]))
        .order_by_asc(attempt::Column::UserId)
        .order_by_asc(attempt::Column::SubmittedAt)
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await?)
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

/// The attempts reports count: per learner the first submitted baseline and the most recent
/// submitted post-assessment (docs/design.md §4). `submitted` is ordered by user, time, id.
pub(super) fn counted_attempts(submitted: &[attempt::Model]) -> HashSet<i64> {
    let mut first_baseline: HashMap<i64, i64> = HashMap::new();
    let mut last_post: HashMap<i64, i64> = HashMap::new();
    for a in submitted {
        match a.phase {
            Phase::Baseline => {
                first_baseline.entry(a.user_id).or_insert(a.id);
            }
            _ => {
                last_post.insert(a.user_id, a.id);
            }
        }
    }
    first_baseline
        .into_values()
        .chain(last_post.into_values())
        .collect()
}

async fn expected_cells(
    db: &impl ConnectionTrait,
    counted: &[&attempt::Model],
    scored: &HashMap<i64, AttemptTopics>,
) -> AppResult<KeyedRows> {
    Ok(expected_sums(db, counted, scored)
        .await?
        .into_iter()
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
        .collect())
}

/// Each report cell's sums recomputed from the `counted` attempts (scored in `scored`), the
/// current role targets and module completions.
pub(super) async fn expected_sums(
    db: &impl ConnectionTrait,
    counted: &[&attempt::Model],
    scored: &HashMap<i64, AttemptTopics>,
) -> AppResult<HashMap<CellKey, CellSums>> {
    let targets: HashMap<(i64, i64), (f64, f64)> = role_target::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let value = (f64::from(t.required_level), f64::from(t.importance));
            ((t.job_role_id, t.topic_id), value)
        })
        .collect();
    let done = done_topics(db).await?;
    let calibrated = all_pairs(db).await?;
    let baseline_of: HashMap<i64, i64> = counted
        .iter()
        .filter(|a| a.phase == Phase::Baseline)
        .map(|a| (a.user_id, a.id))
        .collect();
    let mut cells: HashMap<CellKey, CellSums> = HashMap::new();
    for a in counted {
        let (Some(organisation), Some(role), Some(at), Some(topics)) = (
            a.organisation_id,
            a.job_role_id,
            a.submitted_at,
            scored.get(&a.id),
        ) else {
            continue;
        };
        let pre = (a.phase == Phase::Post)
            .then(|| baseline_of.get(&a.user_id).and_then(|b| scored.get(b)))
            .flatten();
        for (&topic, score) in &topics.scored.topics {
            // The submit path's rule for a role without a target: target 0, importance 1.
            let (target, importance) = targets.get(&(role, topic)).copied().unwrap_or((0.0, 1.0));
            let mut learner = LearnerTopic {
                knowledge: score.knowledge,
                rating: topics
                    .ratings
                    .get(&topic)
                    .and_then(|r| u8::try_from(*r).ok()),
                target,
                importance,
                completed: false,
            };
            learner.completed = a.phase == Phase::Baseline
                && (learner.at_target()
                    || done.get(&a.user_id).is_some_and(|d| d.contains(&topic)));
            let mut sums = learner.sums() + CellSums::from_responses(score.responses);
            if let Some(pre) = pre.and_then(|p| p.scored.topics.get(&topic)) {
                sums += CellSums::gain_pair(pre.knowledge, score.knowledge);
                if let Some(&(pre, post)) = calibrated.get(&a.id).and_then(|p| p.get(&topic)) {
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
    Ok(cells)
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
