//! Retention of raw responses (`app.response_retention_months`). Responses of attempts
//! submitted before the cut-off are deleted; what the aggregates and the learner's own results
//! need of them is kept first, in the same transaction:
//!
//! - the attempt's per-topic response sums (`attempt_topic_scores`), from which reports, the
//!   learner's plan and results and `verify` rebuild every report cell as before, since they
//!   never needed more than those sums, the topic ratings and the attempt row;
//! - for an attempt counted in item analysis (a learner's first baseline), what its responses
//!   added to item_stats, item_option_counts and assessment_stats (`removed_response_sums`),
//!   computed from the responses exactly as `verify` computes them.
//!
//! The aggregate tables themselves are not touched, so every report is unchanged, and `verify`
//! stays clean: it rebuilds the remaining raw data as before and adds what was kept. Attempts
//! started before the cut-off and never submitted count nowhere; they are deleted whole.
//!
//! Each attempt is claimed by setting `responses_removed_at` where it is still empty, so
//! overlapping runs (cron and a start, two instances) never count an attempt twice.

use chrono::{DateTime, Months, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::aggregates::Increments;
use crate::aggregates::items;
use crate::assessment::aggregates::{kept_row, load_attempt_topics};
use crate::audit::{self, Event, action};
use crate::entities::{attempt, response};
use crate::error::{AppError, AppResult};
use crate::reports::ItemContributions;

/// Attempts handled per transaction, so the database is never locked for long.
const BATCH: u64 = 100;

/// What a run removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed {
    pub cutoff: DateTime<Utc>,
    /// Submitted attempts whose responses were removed.
    pub attempts: u64,
    pub responses: u64,
    /// Unfinished attempts started before the cut-off, deleted whole.
    pub unfinished: u64,
}

/// The moment `months` calendar months before `now`.
pub fn cutoff(now: DateTime<Utc>, months: u32) -> AppResult<DateTime<Utc>> {
    now.checked_sub_months(Months::new(months))
        .ok_or_else(|| AppError::Unprocessable(format!("{months} months is too long ago")))
}

/// Removes the responses of attempts submitted before `cutoff`; see the module documentation.
#[tracing::instrument(skip(db))]
pub async fn apply(db: &DatabaseConnection, cutoff: DateTime<Utc>) -> AppResult<Removed> {
    let mut removed = Removed {
        cutoff,
        ..Removed::default()
    };
    loop {
        let batch = attempt::Entity::find()
            .filter(attempt::Column::SubmittedAt.lt(cutoff))
            .filter(attempt::Column::ResponsesRemovedAt.is_null())
            .order_by_asc(attempt::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        if batch.is_empty() {
            break;
        }
        let txn = crate::db::begin_write(db).await?;
        for a in &batch {
            if let Some(responses) = remove_responses(&txn, a).await? {
                removed.attempts += 1;
                removed.responses += responses;
            }
        }
        txn.commit().await?;
    }
    removed.unfinished = attempt::Entity::delete_many()
        .filter(attempt::Column::SubmittedAt.is_null())
        .filter(attempt::Column::StartedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected;
    if removed.attempts + removed.unfinished > 0 {
        audit::record(
            db,
            Event::new(action::RESPONSES_REMOVED)
                .subject(format!("before {}", cutoff.format("%Y-%m-%d")))
                .detail(serde_json::json!({
                    "before": cutoff.format("%Y-%m-%d").to_string(),
                    "responses": removed.responses,
                    "attempts": removed.attempts,
                    "unfinished": removed.unfinished,
                })),
        )
        .await?;
    }
    Ok(removed)
}

/// Keeps the sums of one attempt's responses and deletes them; `None` if another run got there
/// first.
async fn remove_responses(db: &impl ConnectionTrait, a: &attempt::Model) -> AppResult<Option<u64>> {
    let claimed = attempt::Entity::update_many()
        .col_expr(attempt::Column::ResponsesRemovedAt, Expr::val(Utc::now()))
        .filter(attempt::Column::Id.eq(a.id))
        .filter(attempt::Column::ResponsesRemovedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(None);
    }
    let topics = load_attempt_topics(db, a.id).await?;
    for (topic_id, score) in &topics.scored.topics {
        kept_row(a.id, *topic_id, &score.responses)
            .insert(db)
            .await?;
    }
    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(a.id))
        .all(db)
        .await?;
    if a.is_reported && a.phase == crate::entities::Phase::Baseline {
        let mut contributions = ItemContributions::default();
        contributions.add_attempt(a, topics.scored.total(), &responses);
        let mut batch = Increments::default();
        for (table, rows) in contributions.tables() {
            for (key, values) in rows {
                items::keep_removed(&mut batch, table, &key, &values)?;
            }
        }
        batch.write(db).await?;
    }
    let deleted = response::Entity::delete_many()
        .filter(response::Column::AttemptId.eq(a.id))
        .exec(db)
        .await?
        .rows_affected;
    Ok(Some(deleted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_is_calendar_months_back() {
        let now = DateTime::parse_from_rfc3339("2026-03-31T12:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let expected = DateTime::parse_from_rfc3339("2025-02-28T12:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(cutoff(now, 13).ok(), Some(expected));
    }
}
