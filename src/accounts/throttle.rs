//! Failed sign-ins are slowed and then locked, per account (email) and per client address.
//!
//! An account is locked for 15 minutes after 5 failures within 15 minutes. An address gets a
//! higher limit (20) because a whole NHS site often reaches the service through one address,
//! and one person mistyping should not lock out their colleagues. Before the lock each failure
//! adds a short, growing delay. Keys are stored as hashes so the table holds no email addresses.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use super::token;
use crate::entities::sign_in_throttle;
use crate::error::AppResult;

pub const ACCOUNT_LIMIT: i32 = 5;
pub const ADDRESS_LIMIT: i32 = 20;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

/// What is throttled.
#[derive(Debug, Clone)]
pub enum Key {
    Account(String),
    Address(String),
}

impl Key {
    fn stored(&self) -> String {
        match self {
            Self::Account(email) => format!("account:{}", token::digest(email)),
            Self::Address(address) => format!("address:{}", token::digest(address)),
        }
    }

    fn limit(&self) -> i32 {
        match self {
            Self::Account(_) => ACCOUNT_LIMIT,
            Self::Address(_) => ADDRESS_LIMIT,
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

/// Counts a failure for `key`; locks it when it reaches its limit within the window.
pub async fn record_failure(db: &impl ConnectionTrait, key: &Key) -> AppResult<Failure> {
    let now = Utc::now();
    let window = Duration::minutes(WINDOW_MINUTES);
    let existing = sign_in_throttle::Entity::find_by_id(key.stored())
        .one(db)
        .await?;
    let failures = match &existing {
        Some(row)
            if row.last_failure_at + window > now && row.locked_until.is_none_or(|u| u > now) =>
        {
            row.failures + 1
        }
        _ => 1,
    };
    let locked_now = failures >= key.limit();
    let locked_until = locked_now.then(|| now + Duration::minutes(LOCK_MINUTES));
    match existing {
        Some(row) => {
            let mut active = row.into_active_model();
            active.failures = Set(if locked_now { 0 } else { failures });
            active.last_failure_at = Set(now);
            active.locked_until = Set(locked_until);
            active.update(db).await?;
        }
        None => {
            sign_in_throttle::ActiveModel {
                key: Set(key.stored()),
                failures: Set(if locked_now { 0 } else { failures }),
                last_failure_at: Set(now),
                locked_until: Set(locked_until),
            }
            .insert(db)
            .await?;
        }
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
