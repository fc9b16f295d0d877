//! Calibrated gain (docs/managers.md, "Scores on the calibrated scale"): a post-assessment's
//! scores on the calibrated scale carry the learner's reported baseline scored under the same
//! calibration run, so that the two can be subtracted whichever runs came between. The pair
//! is fixed when the post is scored (at submit, or by `bank rescore`), so what a submit adds
//! to the report cells and what a resit later takes away are the same.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::calibrated::{Scale, answers_of_attempt, rows};
use crate::entities::{Phase, attempt, attempt_topic_ability};
use crate::error::AppResult;

/// Topic → (calibrated baseline, calibrated post) of a post-assessment's rows that have both.
pub type Pairs = HashMap<i64, (f64, f64)>;

/// The pairs in `rows`.
pub fn pairs(rows: &[attempt_topic_ability::Model]) -> Pairs {
    rows.iter()
        .filter_map(|r| Some((r.topic_id, (r.pre_expected_percent?, r.expected_percent?))))
        .collect()
}

/// The pairs of a stored attempt.
pub async fn stored_pairs(db: &impl ConnectionTrait, attempt_id: i64) -> AppResult<Pairs> {
    let rows = attempt_topic_ability::Entity::find()
        .filter(attempt_topic_ability::Column::AttemptId.eq(attempt_id))
        .filter(attempt_topic_ability::Column::PreExpectedPercent.is_not_null())
        .all(db)
        .await?;
    Ok(pairs(&rows))
}

/// Every stored pair, by attempt: what `verify` and the report rebuild add up.
pub async fn all_pairs(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Pairs>> {
    let mut by_attempt: HashMap<i64, Pairs> = HashMap::new();
    for row in attempt_topic_ability::Entity::find()
        .filter(attempt_topic_ability::Column::PreExpectedPercent.is_not_null())
        .all(db)
        .await?
    {
        if let (Some(pre), Some(post)) = (row.pre_expected_percent, row.expected_percent) {
            by_attempt
                .entry(row.attempt_id)
                .or_default()
                .insert(row.topic_id, (pre, post));
        }
    }
    Ok(by_attempt)
}

/// The calibrated scores of `baseline` under `scale`, by topic: from its answers, or, once
/// retention has removed them, from its stored rows if they were scored under the same run.
/// A topic with neither has no score.
pub async fn baseline_under(
    db: &impl ConnectionTrait,
    baseline: &attempt::Model,
    scale: &Scale,
) -> AppResult<HashMap<i64, f64>> {
    let scored = if baseline.responses_removed_at.is_none() {
        rows(
            baseline.id,
            scale,
            &answers_of_attempt(db, baseline.id).await?,
        )
    } else {
        attempt_topic_ability::Entity::find()
            .filter(attempt_topic_ability::Column::AttemptId.eq(baseline.id))
            .filter(attempt_topic_ability::Column::CalibrationRunId.eq(scale.run_id))
            .all(db)
            .await?
    };
    Ok(scored
        .into_iter()
        .filter_map(|r| Some((r.topic_id, r.expected_percent?)))
        .collect())
}

/// Sets `pre_expected_percent` on a post-assessment's `rows` (all under `scale`) from the
/// learner's reported baseline; leaves them `None` for a baseline, or without one.
pub async fn attach_baseline(
    db: &impl ConnectionTrait,
    attempt: &attempt::Model,
    scale: &Scale,
    rows: &mut [attempt_topic_ability::Model],
) -> AppResult<()> {
    if attempt.phase != Phase::Post || rows.is_empty() {
        return Ok(());
    }
    let Some(baseline) = super::aggregates::reported_baseline(db, attempt.user_id).await? else {
        return Ok(());
    };
    let pre = baseline_under(db, &baseline, scale).await?;
    for row in rows {
        row.pre_expected_percent = pre.get(&row.topic_id).copied();
    }
    Ok(())
}
