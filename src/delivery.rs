//! What the two outboxes (mail in `accounts::outbox`, xAPI statements in `xapi::outbox`) share
//! about delivering at least once: how long a sender's claim lasts, how far apart the retries
//! of a failing delivery are, and how much of a failure is kept to show an admin.

use chrono::Duration;

/// How long a claim is left to its sender before another may take it over: a sender that dies
/// mid-send holds nothing for longer than this.
pub fn lease() -> Duration {
    Duration::minutes(5)
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
