//! The statement outbox and its sender.
//!
//! Delivery is at least once and in order per learner. One sender at a time (of the server's
//! schedule, `xapi send-due` and other instances) holds the lease (`xapi_sender_lease`) and
//! sends batches of the oldest due statements; of each learner it takes only statements with
//! no earlier one still unsent, so a learner's later statement never goes before an earlier
//! one. A batch the store refuses for a statement it already has (409), or for one it cannot
//! take (400), is sent again one statement at a time: 409 then means "already stored" and
//! counts as sent, which is how a statement sent twice (its answer lost, or the sender dying
//! before marking it) is stored once, by its id. Failures are retried with the backoff of
//! `crate::delivery`; a sender that dies holds the lease no longer than `delivery::lease`.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::send::{Lrs, Posted};
use super::statements::Statement;
use crate::config::XapiConfig;
use crate::delivery::{backoff, lease, problem};
use crate::entities::xapi_outbox::{self, Column, Entity};
use crate::entities::xapi_sender_lease;
use crate::error::{AppError, AppResult};

/// Statements in one post at most.
const BATCH: usize = 50;

/// Batches one pass sends at most (then the lease is let go for a while).
const BATCHES_PER_PASS: usize = 40;

/// Unsent rows read at a time while a batch is picked.
const PAGE: u64 = 500;

/// How long a sent statement is kept (for the status) before it is deleted.
fn kept_after_sending() -> Duration {
    Duration::days(7)
}

/// Queues `statements` of `user_id` (inside the caller's transaction), in the order given.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    user_id: i64,
    statements: &[Statement],
) -> AppResult<()> {
    if statements.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = statements.iter().map(|s| xapi_outbox::ActiveModel {
        statement_id: Set(s.id.to_string()),
        user_id: Set(user_id),
        verb: Set(s.verb.word.to_owned()),
        statement: Set(s.json.to_string()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    });
    Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Takes (or renews) the sender's lease for `holder` until `now` plus the lease; false while
/// another sender holds it.
async fn take_lease(
    db: &impl ConnectionTrait,
    holder: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    xapi_sender_lease::Entity::insert(xapi_sender_lease::ActiveModel {
        id: Set(1),
        holder: Set(None),
        held_until: Set(DateTime::<Utc>::UNIX_EPOCH),
    })
    .on_conflict(
        OnConflict::column(xapi_sender_lease::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let taken = xapi_sender_lease::Entity::update_many()
        .col_expr(
            xapi_sender_lease::Column::Holder,
            Expr::value(Some(holder.to_owned())),
        )
        // A long pass renews its lease as it goes, by the clock as well as `now`.
        .col_expr(
            xapi_sender_lease::Column::HeldUntil,
            Expr::value(Ord::max(now, Utc::now()) + lease()),
        )
        .filter(xapi_sender_lease::Column::Id.eq(1))
        .filter(
            Condition::any()
                .add(xapi_sender_lease::Column::HeldUntil.lte(now))
                .add(xapi_sender_lease::Column::Holder.eq(holder)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

async fn release_lease(db: &impl ConnectionTrait, holder: &str) -> AppResult<()> {
    xapi_sender_lease::Entity::update_many()
        .col_expr(
            xapi_sender_lease::Column::Holder,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            xapi_sender_lease::Column::HeldUntil,
            Expr::value(DateTime::<Utc>::UNIX_EPOCH),
        )
        .filter(xapi_sender_lease::Column::Id.eq(1))
        .filter(xapi_sender_lease::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// The next batch: the oldest unsent statements due at `now`, each learner's only while none
/// of their earlier ones is waiting for a retry.
async fn next_batch(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<xapi_outbox::Model>> {
    let mut waiting: HashSet<i64> = HashSet::new();
    let mut batch = Vec::new();
    let mut after = 0;
    loop {
        let page = Entity::find()
            .filter(Column::SentAt.is_null())
            .filter(Column::Id.gt(after))
            .order_by_asc(Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        let Some(last) = page.last().map(|row| row.id) else {
            return Ok(batch);
        };
        after = last;
        for row in page {
            if waiting.contains(&row.user_id) {
                continue;
            }
            if row.next_attempt_at > now {
                waiting.insert(row.user_id);
                continue;
            }
            batch.push(row);
            if batch.len() == BATCH {
                return Ok(batch);
            }
        }
    }
}

/// Takes the lease for `holder` and returns the next batch to send; `None` while another
/// sender holds the lease. (`deliver_due` does this and sends; a test stops between the two.)
pub async fn claim(
    db: &impl ConnectionTrait,
    holder: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Vec<xapi_outbox::Model>>> {
    if !take_lease(db, holder, now).await? {
        return Ok(None);
    }
    Ok(Some(next_batch(db, now).await?))
}

/// How a pass went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends the statements that are due; deletes sent ones older than they are kept.
pub async fn deliver_due(db: &impl ConnectionTrait, config: &XapiConfig) -> AppResult<Delivered> {
    deliver_due_at(db, config, Utc::now()).await
}

/// [`deliver_due`] as if it were `now` (tests step past a lease or a backoff this way).
pub async fn deliver_due_at(
    db: &impl ConnectionTrait,
    config: &XapiConfig,
    now: DateTime<Utc>,
) -> AppResult<Delivered> {
    Entity::delete_many()
        .filter(Column::SentAt.lt(now - kept_after_sending()))
        .exec(db)
        .await?;
    let lrs = Lrs::new(config).map_err(AppError::internal)?;
    let holder = uuid::Uuid::new_v4().to_string();
    let mut delivered = Delivered::default();
    for _ in 0..BATCHES_PER_PASS {
        let Some(batch) = claim(db, &holder, now).await? else {
            return Ok(delivered);
        };
        if batch.is_empty() {
            break;
        }
        let (sent, failed, store_down) = send_batch(db, &lrs, &batch, now).await?;
        delivered.sent += sent;
        delivered.failed += failed;
        if store_down {
            break;
        }
    }
    release_lease(db, &holder).await?;
    Ok(delivered)
}

/// Sends one batch and records the outcome: (sent, failed, whether the store is down).
async fn send_batch(
    db: &impl ConnectionTrait,
    lrs: &Lrs,
    batch: &[xapi_outbox::Model],
    now: DateTime<Utc>,
) -> AppResult<(usize, usize, bool)> {
    if batch.len() == 1 {
        return one_at_a_time(db, lrs, batch, now).await;
    }
    let bodies: Vec<&str> = batch.iter().map(|row| row.statement.as_str()).collect();
    match lrs.post(&bodies).await {
        Posted::Stored => {
            mark_sent(db, batch, now).await?;
            Ok((batch.len(), 0, false))
        }
        Posted::Unavailable(why) => {
            tracing::warn!(%why, statements = batch.len(), "could not send xAPI statements; will retry");
            for row in batch {
                mark_failed(db, row, &why, now).await?;
            }
            Ok((0, batch.len(), true))
        }
        Posted::Conflict(_) | Posted::Refused(_) => one_at_a_time(db, lrs, batch, now).await,
    }
}

/// Sends statements one at a time, in order (a batch the store would not take whole, or a
/// single one), skipping a learner's later statements once one of theirs fails.
async fn one_at_a_time(
    db: &impl ConnectionTrait,
    lrs: &Lrs,
    batch: &[xapi_outbox::Model],
    now: DateTime<Utc>,
) -> AppResult<(usize, usize, bool)> {
    let (mut sent, mut failed) = (0, 0);
    let mut stopped: HashSet<i64> = HashSet::new();
    for row in batch {
        if stopped.contains(&row.user_id) {
            continue;
        }
        match lrs.post(&[row.statement.as_str()]).await {
            Posted::Stored | Posted::Conflict(_) => {
                mark_sent(db, std::slice::from_ref(row), now).await?;
                sent += 1;
            }
            Posted::Refused(why) => {
                tracing::warn!(%why, id = %row.statement_id, "the store refused an xAPI statement; will retry");
                mark_failed(db, row, &why, now).await?;
                stopped.insert(row.user_id);
                failed += 1;
            }
            Posted::Unavailable(why) => {
                mark_failed(db, row, &why, now).await?;
                return Ok((sent, failed + 1, true));
            }
        }
    }
    Ok((sent, failed, false))
}

async fn mark_sent(
    db: &impl ConnectionTrait,
    rows: &[xapi_outbox::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::SentAt, Expr::value(Some(now)))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .filter(Column::Id.is_in(rows.iter().map(|row| row.id)))
        .exec(db)
        .await?;
    Ok(())
}

async fn mark_failed(
    db: &impl ConnectionTrait,
    row: &xapi_outbox::Model,
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let attempts = row.attempts.saturating_add(1);
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::NextAttemptAt, Expr::value(now + backoff(attempts)))
        .col_expr(Column::LastError, Expr::value(Some(problem(&why))))
        .filter(Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// The outbox at a glance, for `xapi status` and the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Unsent, never tried or not yet failed.
    pub queued: u64,
    /// Unsent after at least one failed try.
    pub failing: u64,
    /// Sent in the last 7 days (older ones are deleted).
    pub sent: u64,
    pub oldest_unsent: Option<DateTime<Utc>>,
    /// The failure of the oldest failing statement.
    pub last_error: Option<String>,
}

pub async fn status(db: &impl ConnectionTrait) -> AppResult<Status> {
    let unsent = || Entity::find().filter(Column::SentAt.is_null());
    let failing = || unsent().filter(Column::Attempts.gt(0));
    Ok(Status {
        queued: unsent().filter(Column::Attempts.eq(0)).count(db).await?,
        failing: failing().count(db).await?,
        sent: Entity::find()
            .filter(Column::SentAt.is_not_null())
            .count(db)
            .await?,
        oldest_unsent: unsent()
            .select_only()
            .column(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .into_tuple::<DateTime<Utc>>()
            .one(db)
            .await?,
        last_error: failing()
            .select_only()
            .column(Column::LastError)
            .order_by_asc(Column::Id)
            .into_tuple::<Option<String>>()
            .one(db)
            .await?
            .flatten(),
    })
}
