//! `verify` for the scores on the calibrated scale (`attempt_topic_abilities`): every submitted
//! baseline's and post-assessment's rows, recomputed from its responses under the calibration
//! run the rows name, or, for an attempt without rows, under the latest run made before it
//! was submitted (it must have none if there was no run yet). After `bank rescore` every row
//! names the latest run, and this agrees with them. Attempts whose responses retention
//! removed keep their rows unchecked: there is nothing left to recompute them from.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::verify::{Difference, compare};
use crate::aggregates::read::KeyedRows;
use crate::assessment::aggregates::reported_baseline;
use crate::assessment::calibrated::{Scale, answers_of_attempt, rows, scale_of, scored_attempts};
use crate::assessment::calibrated_gain::attach_baseline;
use crate::entities::{Phase, attempt, attempt_topic_ability, calibration_run};
use crate::error::AppResult;

const TABLE: &str = "attempt_topic_abilities";
/// A missing value is 0 with its `has_*` column 0, so that "none" and "0" differ.
const COLUMNS: [&str; 8] = [
    "row",
    "calibration_run_id",
    "n_items",
    "has_theta",
    "theta",
    "expected_percent",
    "has_pre_expected_percent",
    "pre_expected_percent",
];

fn key(attempt_id: i64, topic_id: i64) -> String {
    format!("attempt_id={attempt_id} topic_id={topic_id}")
}

fn values(row: &attempt_topic_ability::Model) -> Vec<f64> {
    vec![
        1.0,
        row.calibration_run_id as f64,
        row.n_items as f64,
        f64::from(u8::from(row.theta.is_some())),
        row.theta.unwrap_or(0.0),
        row.expected_percent.unwrap_or(0.0),
        f64::from(u8::from(row.pre_expected_percent.is_some())),
        row.pre_expected_percent.unwrap_or(0.0),
    ]
}

/// The rows of attempt `a`, as [`values`] gives them, recomputed under `scale`. A post's
/// baseline score is checked where it can be: not on rows written before it was kept
/// (`stored` has none), nor once retention has removed the baseline's answers.
async fn expected_values(
    db: &impl ConnectionTrait,
    a: &attempt::Model,
    scale: &Scale,
    stored: &[attempt_topic_ability::Model],
) -> AppResult<KeyedRows> {
    let answers = answers_of_attempt(db, a.id).await?;
    let mut rows = rows(a.id, scale, &answers);
    attach_baseline(db, a, scale, &mut rows).await?;
    if a.phase == Phase::Post {
        let unchecked = reported_baseline(db, a.user_id)
            .await?
            .is_some_and(|b| b.responses_removed_at.is_some());
        for row in &mut rows {
            let kept = stored
                .iter()
                .find(|s| s.topic_id == row.topic_id)
                .and_then(|s| s.pre_expected_percent);
            if unchecked || kept.is_none() {
                row.pre_expected_percent = kept;
            }
        }
    }
    Ok(rows
        .iter()
        .map(|row| (key(row.attempt_id, row.topic_id), values(row)))
        .collect())
}

pub(super) async fn check(db: &impl ConnectionTrait, out: &mut Vec<Difference>) -> AppResult<()> {
    let runs = calibration_run::Entity::find()
        .order_by_asc(calibration_run::Column::Id)
        .all(db)
        .await?;
    let mut stored_by_attempt: HashMap<i64, Vec<attempt_topic_ability::Model>> = HashMap::new();
    for row in attempt_topic_ability::Entity::find().all(db).await? {
        stored_by_attempt
            .entry(row.attempt_id)
            .or_default()
            .push(row);
    }
    let attempts = scored_attempts(db).await?;
    let mut scales: HashMap<i64, Scale> = HashMap::new();
    let mut expected = KeyedRows::new();
    let mut stored = KeyedRows::new();
    for a in &attempts {
        let rows = stored_by_attempt.remove(&a.id).unwrap_or_default();
        if a.responses_removed_at.is_some() {
            continue;
        }
        let run = match rows.first() {
            Some(row) => Some(row.calibration_run_id),
            None => runs
                .iter()
                .rev()
                .find(|r| a.submitted_at.is_some_and(|at| r.created_at <= at))
                .map(|r| r.id),
        };
        for row in &rows {
            stored.insert(key(row.attempt_id, row.topic_id), values(row));
        }
        let Some(run) = run else { continue };
        if let Entry::Vacant(entry) = scales.entry(run) {
            entry.insert(scale_of(db, run).await?);
        }
        expected.extend(expected_values(db, a, &scales[&run], &rows).await?);
    }
    // Rows of attempts that are not submitted baselines or post-assessments.
    for row in stored_by_attempt.values().flatten() {
        stored.insert(key(row.attempt_id, row.topic_id), values(row));
    }
    compare(TABLE, &COLUMNS, &expected, &stored, out);
    Ok(())
}
