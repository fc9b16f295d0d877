//! The mail outbox. A message is written in the same transaction as what it announces (the
//! reset link it carries), and the server's background sender (`web::mail_sender`) delivers
//! it after the response: a request never waits for the relay, so its timing cannot show
//! whether an address is registered, and a relay outage delays mail instead of losing it.
//!
//! Delivery is at least once: a message is claimed for a few minutes, sent, then marked sent;
//! if the process dies between sending and marking, the claim runs out and it is sent again.
//! That second sending is the same message, not a second one: it carries the Message-ID of its
//! row (`mail::message_id`), so the file transport keeps one file and mail systems that keep
//! Message-IDs show it once. Marking before sending would avoid the resend, but a crash after
//! marking would then lose the message: a reset link that never comes is worse than one that
//! comes twice with the same identity. A failed send is retried after 30 s, 1 min, 2 min, ...
//! up to an hour between tries.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rocket::tokio::sync::Notify;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::mail::{self, Letter};
use crate::config::AppConfig;
use crate::delivery::{self, OutboxColumns, backoff, problem};
use crate::entities::mail_outbox::{self, Column, Entity};
use crate::error::AppResult;

/// Wakes the background sender after a message is queued (cheap; a wake with nothing queued
/// is harmless, and a wake while the sender is busy is kept for its next wait).
#[derive(Debug, Clone, Default)]
pub struct MailWake(Arc<Notify>);

impl MailWake {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for the next [`MailWake::wake`].
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Messages one pass delivers at most; the next pass takes the rest.
const BATCH: u64 = 20;

/// Queues `letter` to `to` (inside the caller's transaction).
pub async fn enqueue(db: &impl ConnectionTrait, to: &str, letter: Letter) -> AppResult<()> {
    let now = Utc::now();
    mail_outbox::ActiveModel {
        recipient: Set(to.to_owned()),
        subject: Set(letter.subject),
        body: Set(letter.text),
        html_body: Set(letter.html),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How long a sent message is kept (to answer "did it go?") before it is deleted: it holds a
/// name and an email address, which the service should not keep for longer than it needs.
fn kept_after_sending() -> Duration {
    Duration::days(7)
}

/// Removes every message to `email`, sent or not (erasing a leaver).
pub async fn forget_recipient(db: &impl ConnectionTrait, email: &str) -> AppResult<()> {
    Entity::delete_many()
        .filter(Column::Recipient.eq(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Sends the messages that are due; returns how many went. Also deletes messages sent longer
/// ago than they are kept.
pub async fn deliver_due(db: &impl ConnectionTrait, config: &AppConfig) -> AppResult<usize> {
    deliver_due_at(db, config, Utc::now()).await
}

/// [`deliver_due`] as if it were `now` (tests step past a claim's lease this way).
pub async fn deliver_due_at(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    Entity::delete_many()
        .filter(Column::SentAt.lt(now - kept_after_sending()))
        .exec(db)
        .await?;
    let mut sent = 0;
    for message in claim_due(db, now).await? {
        let outcome = mail::send(config, &message).await;
        if finish(db, &message, outcome).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The messages waiting to be sent, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backlog {
    pub unsent: u64,
    /// When the oldest of them was queued.
    pub oldest: Option<DateTime<Utc>>,
}

pub async fn backlog(db: &impl ConnectionTrait) -> AppResult<Backlog> {
    let unsent = Entity::find()
        .filter(Column::SentAt.is_null())
        .count(db)
        .await?;
    let oldest = Entity::find()
        .select_only()
        .column(Column::CreatedAt)
        .filter(Column::SentAt.is_null())
        .order_by_asc(Column::CreatedAt)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok(Backlog { unsent, oldest })
}

/// Claims the messages due at `now` (up to a batch) for this sender. Of several instances,
/// only the one whose update finds a message still due gets it; the claim lasts a lease, after
/// which a message not marked sent is due again.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<mail_outbox::Model>> {
    delivery::claim_due::<Entity>(db, &COLUMNS, |m| m.id, now, BATCH).await
}

const COLUMNS: OutboxColumns<Column> = OutboxColumns {
    id: Column::Id,
    sent_at: Column::SentAt,
    next_attempt_at: Column::NextAttemptAt,
};

/// Records how sending a claimed message went: sent, or to be tried again later. True if sent.
async fn finish(
    db: &impl ConnectionTrait,
    message: &mail_outbox::Model,
    outcome: AppResult<()>,
) -> AppResult<bool> {
    let attempts = message.attempts.saturating_add(1);
    let mut update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .filter(Column::Id.eq(message.id));
    let sent = outcome.is_ok();
    match outcome {
        Ok(()) => {
            update = update
                .col_expr(Column::SentAt, Expr::value(Some(Utc::now())))
                .col_expr(Column::LastError, Expr::value(Option::<String>::None));
        }
        Err(error) => {
            tracing::warn!(%error, id = message.id, attempts, "could not send mail; will retry");
            update = update
                .col_expr(
                    Column::NextAttemptAt,
                    Expr::value(Utc::now() + backoff(attempts)),
                )
                .col_expr(Column::LastError, Expr::value(Some(problem(&error))));
        }
    }
    update.exec(db).await?;
    Ok(sent)
}
