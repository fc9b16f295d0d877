//! Failed sign-ins (and other guessable requests) are slowed by growing delays, per account
//! (email) and per client address, instead of a hard lockout: a lockout lets anyone lock
//! anyone out by guessing wrong on purpose, while a delay only slows the guesser down, and the
//! person with the right password gets in as soon as the current delay has passed.
//!
//! Each key counts failures while they keep coming (the count starts again after a quiet
//! `window`). The first `free` failures cost nothing; from then on each failure makes the key
//! wait 1 s, 2 s, 4 s, ... doubling up to `cap` before the next attempt is even looked at.
//! Attempts made while a key waits are refused (429, saying how long) without being checked or
//! counted, so they neither reveal anything nor make the wait longer.
//!
//! - account: 5 free failures, then delays up to 5 minutes, window 1 hour (about 25 guesses an
//!   hour at most at one account);
//! - address: 20 free failures (a whole NHS site often reaches the service through one
//!   address), then delays up to 15 minutes, window 1 hour: this stops one address spraying
//!   guesses across many accounts;
//! - one-time links (activation, reset) that do not work, per address: 10 free, then delays up
//!   to 15 minutes (links that work are never counted: a site's staff share one address);
//! - certificate references that match no certificate, per address (the public check at
//!   `/certificates/check`): 10 free, then delays up to 15 minutes, like links;
//! - password-reset emails: 3 per account and 20 per address in 15 minutes, then none for 15
//!   minutes (a fixed stop, not a delay: nobody is kept out of their account by it).
//!
//! Keys are stored as hashes so the table holds no email addresses.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Set};

use super::token;
use crate::entities::sign_in_throttle::{self, Column};
use crate::error::AppResult;

/// Failures one account may have before delays start.
pub const ACCOUNT_FREE: i32 = 5;
/// Failures one address may have before delays start.
pub const ADDRESS_FREE: i32 = 20;

/// What is throttled.
#[derive(Debug, Clone)]
pub enum Key {
    /// Sign-in and current-password checks for one account.
    Account(String),
    /// Sign-in and current-password checks from one address.
    Address(String),
    /// Uses of activation and password-reset links from one address.
    LinkAddress(String),
    /// Certificate references checked from one address that matched no certificate.
    CertificateAddress(String),
    /// Password-reset emails asked for one account.
    ResetAccount(String),
    /// Password-reset emails asked for from one address.
    ResetAddress(String),
}

/// How a key is slowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Policy {
    /// Failures allowed before the first wait.
    free: i32,
    /// The longest wait.
    cap: Duration,
    /// Quiet time after which the count starts again.
    window: Duration,
    /// Waits double from one second up to `cap`; otherwise every wait is `cap`.
    grows: bool,
}

impl Policy {
    /// How long to wait after the `failures`-th failure.
    fn wait(self, failures: i32) -> Duration {
        if failures < self.free {
            return Duration::zero();
        }
        if !self.grows {
            return self.cap;
        }
        let doublings = Ord::min(u32::try_from(failures - self.free).unwrap_or(0), 30);
        std::cmp::min(self.cap, Duration::seconds(1_i64 << doublings))
    }
}

impl Key {
    fn stored(&self) -> String {
        match self {
            Self::Account(email) => format!("account:{}", token::digest(email)),
            Self::Address(address) => format!("address:{}", token::digest(address)),
            Self::LinkAddress(address) => format!("link-address:{}", token::digest(address)),
            Self::CertificateAddress(address) => {
                format!("certificate-address:{}", token::digest(address))
            }
            Self::ResetAccount(email) => format!("reset-account:{}", token::digest(email)),
            Self::ResetAddress(address) => format!("reset-address:{}", token::digest(address)),
        }
    }

    fn policy(&self) -> Policy {
        let growing = |free, cap_minutes| Policy {
            free,
            cap: Duration::minutes(cap_minutes),
            window: Duration::hours(1),
            grows: true,
        };
        let stop = |free| Policy {
            free,
            cap: Duration::minutes(15),
            window: Duration::minutes(15),
            grows: false,
        };
        match self {
            Self::Account(_) => growing(ACCOUNT_FREE, 5),
            Self::Address(_) => growing(ADDRESS_FREE, 15),
            Self::LinkAddress(_) | Self::CertificateAddress(_) => growing(10, 15),
            Self::ResetAccount(_) => stop(3),
            Self::ResetAddress(_) => stop(ADDRESS_FREE),
        }
    }
}

/// Until when the first waiting key in `keys` must wait, if any waits now.
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

/// Counts a failure (or, for reset requests and links, a request) for `key` and sets the wait
/// it has earned; returns the wait (zero while failures are free).
///
/// The count is raised by one upsert whose `failures + 1` the database evaluates, so a burst
/// of concurrent failures is counted in full (a read-then-write would let the burst share one
/// count and so allow more guesses than the policy).
pub async fn record_failure(db: &impl ConnectionTrait, key: &Key) -> AppResult<Duration> {
    let now = Utc::now();
    let stored = key.stored();
    let policy = key.policy();
    let old = |column: Column| Expr::col((sign_in_throttle::Entity, column));
    let running = old(Column::LastFailureAt).gt(now - policy.window);
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
                Expr::case(running, old(Column::Failures).add(1)).finally(1),
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
    let wait = policy.wait(failures);
    if wait > Duration::zero() {
        sign_in_throttle::Entity::update_many()
            .col_expr(Column::LockedUntil, Expr::value(Some(now + wait)))
            .filter(Column::Key.eq(stored.as_str()))
            .exec(db)
            .await?;
    }
    Ok(wait)
}

/// Forgets the failures of `key` (after a successful sign-in).
pub async fn clear(db: &impl ConnectionTrait, key: &Key) -> AppResult<()> {
    sign_in_throttle::Entity::delete_by_id(key.stored())
        .exec(db)
        .await?;
    Ok(())
}

/// "Wait 30 seconds" / "Wait 5 minutes": how long until `until`, for messages.
pub fn wait_phrase(until: DateTime<Utc>) -> String {
    // Rounded up: "Wait 1 second" for 1.9 s would send someone back too early.
    let millis = (until - Utc::now()).num_milliseconds();
    let seconds = Ord::max((millis + 999) / 1000, 1);
    if seconds < 60 {
        format!(
            "Wait {seconds} second{}",
            if seconds == 1 { "" } else { "s" }
        )
    } else {
        let minutes = (seconds + 59) / 60;
        format!(
            "Wait {minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_waits_double_after_five_failures_up_to_five_minutes() {
        let policy = Key::Account(String::new()).policy();
        let waits: Vec<i64> = (1..=15).map(|n| policy.wait(n).num_seconds()).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
        );
        assert_eq!(policy.wait(i32::MAX).num_seconds(), 300);
    }

    #[test]
    fn reset_emails_stop_for_a_quarter_hour_after_three() {
        let policy = Key::ResetAccount(String::new()).policy();
        assert_eq!(policy.wait(2), Duration::zero());
        assert_eq!(policy.wait(3), Duration::minutes(15));
    }

    #[test]
    fn wait_phrase_rounds_up_to_whole_minutes() {
        let now = Utc::now();
        assert_eq!(wait_phrase(now + Duration::seconds(1)), "Wait 1 second");
        assert_eq!(wait_phrase(now + Duration::seconds(200)), "Wait 4 minutes");
        assert_eq!(wait_phrase(now + Duration::seconds(8)), "Wait 8 seconds");
    }
}
