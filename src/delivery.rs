//! What the outboxes (mail in `accounts::outbox`, xAPI statements in `xapi::outbox`, LTI
//! scores in `lti::scores`) share about delivering at least once: how long a sender's claim
//! lasts, how rows are claimed, how far apart the retries of a failing delivery are, and how
//! much of a failure is kept to show an admin.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::AppResult;

/// How long a claim is left to its sender before another may take it over: a sender that dies
/// mid-send holds nothing for longer than this.
pub fn lease() -> Duration {
    Duration::minutes(5)
}

/// The columns of an outbox table that claiming reads and writes.
pub struct OutboxColumns<C> {
    pub id: C,
    pub sent_at: C,
    pub next_attempt_at: C,
}

/// Claims the rows of `E` due at `now` (up to `batch`, oldest first) for this sender. Of
/// several senders, only the one whose update finds a row still due gets it; the claim lasts
/// a [`lease`], after which a row not marked sent is due again.
pub async fn claim_due<E>(
    db: &impl ConnectionTrait,
    columns: &OutboxColumns<E::Column>,
    id_of: impl Fn(&E::Model) -> i64,
    now: DateTime<Utc>,
    batch: u64,
) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Column: Copy,
{
    let due = E::find()
        .filter(columns.sent_at.is_null())
        .filter(columns.next_attempt_at.lte(now))
        .order_by_asc(columns.id)
        .limit(batch)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for row in due {
        let won = E::update_many()
            .col_expr(columns.next_attempt_at, Expr::value(now + lease()))
            .filter(columns.id.eq(id_of(&row)))
            .filter(columns.sent_at.is_null())
            .filter(columns.next_attempt_at.lte(now))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if won {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// How long to wait before the next try after `attempts` failed ones: 30 s, 1 min, 2 min, ...
/// up to an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = Ord::min(u32::try_from(attempts - 1).unwrap_or(0), 7);
    Ord::min(Duration::seconds(30 << doublings), Duration::hours(1))
}

/// The failure as kept with the row: its first 500 characters.
pub fn problem(error: &impl std::fmt::Display) -> String {
    error.to_string().chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_half_a_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
