//! One pass of the scheduled mail: queue what is due today (assignment notices, reminders,
//! the weekly summaries) in one transaction, then deliver. Run by `genomics-training mail
//! send-due` and by the server's schedule (`web::mail_schedule`); running it again, or on
//! two instances at once, queues nothing twice (`notify::sent`).

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::{assignment_mail, preferences, summary};
use crate::accounts::outbox;
use crate::config::AppConfig;
use crate::error::AppResult;

/// What one pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueReport {
    pub assignments: assignment_mail::Queued,
    pub summaries: usize,
}

impl DueReport {
    pub fn total(&self) -> usize {
        self.assignments.notices
            + self.assignments.before
            + self.assignments.overdue
            + self.summaries
    }
}

/// Queues the messages due on `today`. Nothing is queued unless everything is: a pass that
/// fails part-way leaves no record, and the next pass does it all.
pub async fn enqueue_due(
    db: &DatabaseConnection,
    config: &AppConfig,
    today: NaiveDate,
) -> AppResult<DueReport> {
    let txn = crate::db::begin_write(db).await?;
    let report = enqueue_due_in(&txn, config, today).await?;
    txn.commit().await?;
    Ok(report)
}

/// [`enqueue_due`] inside the caller's transaction (which the caller commits, or not).
pub async fn enqueue_due_in(
    db: &impl sea_orm::ConnectionTrait,
    config: &AppConfig,
    today: NaiveDate,
) -> AppResult<DueReport> {
    let choices = preferences::all(db).await?;
    Ok(DueReport {
        assignments: assignment_mail::enqueue_due(db, &config.public_url, today, &choices).await?,
        summaries: summary::enqueue_due(db, config, today, &choices).await?,
    })
}

/// Queues what is due, then delivers every message that is due now; returns what was queued
/// and how many messages went.
pub async fn send_due(
    db: &DatabaseConnection,
    config: &AppConfig,
    today: NaiveDate,
) -> AppResult<(DueReport, usize)> {
    let report = enqueue_due(db, config, today).await?;
    let mut delivered = 0;
    loop {
        let sent = outbox::deliver_due(db, config).await?;
        if sent == 0 {
            break;
        }
        delivered += sent;
    }
    Ok((report, delivered))
}
