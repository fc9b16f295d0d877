//! Failed sign-ins are slowed and then locked, per account (email) and per client address.
//!
//! An account is locked for 15 minutes after 5 failures within 15 minutes. An address gets a
//! higher limit (20) because a whole NHS site often reaches the service through one address,
//! and one person mistyping should not lock out their colleagues. Before the lock each failure
//! adds a short, growing delay. Keys are stored as hashes so the table holds no email addresses.
//! Password-reset requests are counted the same way (3 emails per account and 20 requests per
//! address in 15 minutes); beyond that the page answers as usual but sends nothing.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Set};

use super::token;
use crate::entities::sign_in_throttle::{self, Column};
use crate::error::AppResult;

pub const ACCOUNT_LIMIT: i32 = 5;
pub const ADDRESS_LIMIT: i32 = 20;
/// Reset emails one account may be sent per window: enough for a lost email or two, too few
/// to flood someone's inbox.
pub const RESET_ACCOUNT_LIMIT: i32 = 3;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

/// What is throttled.
#[derive(Debug, Clone)]
pub enum Key {
    Account(String),
    Address(String),
    /// Password-reset emails asked for one account.
    ResetAccount(String),
    /// Password-reset emails asked for from one address.
    ResetAddress(String),
}

impl Key {
    fn stored(&self) -> String {
        match self {
            Self::Account(email) => format!("account:{}", token::digest(email)),
            Self::Address(address) => format!("address:{}", token::digest(address)),
            Self::ResetAccount(email) => format!("reset-account:{}", token::digest(email)),
            Self::ResetAddress(address) => format!("reset-address:{}", token::digest(address)),
        }
    }

    fn limit(&self) -> i32 {
        match self {
            Self::Account(_) => ACCOUNT_LIMIT,
            Self::Address(_) => ADDRESS_LIMIT,
            Self::ResetAccount(_) => RESET_ACCOUNT_LIMIT,
            Self::ResetAddress(_) => ADDRESS_LIMIT,
        }
    }
}

/// When the first locked key in `keys` unlocks, if any is locked now.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    keys: &[Key],
) -> AppResult<Option<DateTime<Utc>>> {
    let now = Utc::now();
    for key in keys {
        if let Some(row) = sign_in_throttle::Entity::find_by_id(key.stored())
            .one(db)
            .await?
            && let Some(until) = row.locked_until
            && until > now
        {
            return Ok(Some(until));
        }
    }
    Ok(None)
}

/// Outcome of recording a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// This failure locked the key.
    pub locked_now: bool,
    /// How long to wait before answering (grows with the failures before the lock).
    pub delay: std::time::Duration,
}

/// Counts a failure (or, for reset requests, a request) for `key`; locks it when it reaches
/// its limit within the window.
///
/// The count is raised by one upsert whose `failures + 1` the database evaluates, so a burst
/// of concurrent failures is counted in full (a read-then-write would let the burst share one
/// count and so allow more guesses than the limit).
pub async fn record_failure(db: &impl ConnectionTrait, key: &Key) -> AppResult<Failure> {
    let now = Utc::now();
    let stored = key.stored();
    let old = |column: Column| Expr::col((sign_in_throttle::Entity, column));
    // The stored count still runs while its window is open and no lock has expired.
    let running = old(Column::LastFailureAt)
        .gt(now - Duration::minutes(WINDOW_MINUTES))
        .and(
            old(Column::LockedUntil)
                .is_null()
                .or(old(Column::LockedUntil).gt(now)),
        );
    sign_in_throttle::Entity::insert(sign_in_throttle::ActiveModel {
        key: Set(stored.clone()),
        failures: Set(1),
        last_failure_at: Set(now),
        locked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(Column::Key)
            .value(
                Column::Failures,
                Expr::case(running.clone(), old(Column::Failures).add(1)).finally(1),
            )
            .value(
                Column::LockedUntil,
                Expr::case(running, old(Column::LockedUntil)).finally(Expr::cust("NULL")),
            )
            .update_column(Column::LastFailureAt)
            .to_owned(),
    )
    .exec(db)
    .await?;
    let failures = sign_in_throttle::Entity::find_by_id(stored.clone())
        .one(db)
        .await?
        .map_or(1, |row| row.failures);
    let locked_now = failures >= key.limit();
    if locked_now {
        sign_in_throttle::Entity::update_many()
            .col_expr(Column::Failures, Expr::value(0))
            .col_expr(
                Column::LockedUntil,
                Expr::value(Some(now + Duration::minutes(LOCK_MINUTES))),
            )
            .filter(Column::Key.eq(stored.as_str()))
            .exec(db)
            .await?;
    }
    let steps = u64::try_from(failures.clamp(0, 4)).unwrap_or(0);
    Ok(Failure {
        locked_now,
        delay: std::time::Duration::from_millis(100 * steps),
    })
}

/// Forgets the failures of `key` (after a successful sign-in).
pub async fn clear(db: &impl ConnectionTrait, key: &Key) -> AppResult<()> {
    sign_in_throttle::Entity::delete_by_id(key.stored())
        .exec(db)
        .await?;
    Ok(())
}
