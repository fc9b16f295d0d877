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
use crate::assessment::calibrated::{Scale, answers_of_attempt, rows, scale_of, scored_attempts};
use crate::entities::{attempt_topic_ability, calibration_run};
use crate::error::AppResult;

const TABLE: &str = "attempt_topic_abilities";
/// A missing value is 0 with its `has_*` column 0, so that "none" and "0" differ.
const COLUMNS: [&str; 6] = [
    "row",
    "calibration_run_id",
    "n_items",
    "has_theta",
    "theta",
    "expected_percent",
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
    ]
}

/// The rows' values, as [`values`] gives them, recomputed.
fn expected_values(attempt_id: i64, scale: &Scale, answers: &[(i64, i64, bool)]) -> KeyedRows {
    rows(attempt_id, scale, answers)
        .iter()
        .map(|row| (key(row.attempt_id, row.topic_id), values(row)))
        .collect()
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
        let answers = answers_of_attempt(db, a.id).await?;
        expected.extend(expected_values(a.id, &scales[&run], &answers));
    }
    // Rows of attempts that are not submitted baselines or post-assessments.
    for row in stored_by_attempt.values().flatten() {
        stored.insert(key(row.attempt_id, row.topic_id), values(row));
    }
    compare(TABLE, &COLUMNS, &expected, &stored, out);
    Ok(())
}
