//! `retention apply`: removes raw responses older than `app.response_retention_months`, keeping
//! their sums so reports and `verify` do not change. Safe to run daily from cron.

use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::{fail, open_database};
use crate::config::AppConfig;
use crate::error::AppResult;
use crate::retention::{self, Removed};

/// Applies the retention setting, if there is one; `None` when it is not set.
pub(super) async fn apply_setting(
    db: &DatabaseConnection,
    config: &AppConfig,
) -> AppResult<Option<Removed>> {
    let Some(months) = config.response_retention_months else {
        return Ok(None);
    };
    let cutoff = retention::cutoff(chrono::Utc::now(), months)?;
    retention::apply(db, cutoff).await.map(Some)
}

pub(super) fn describe(removed: &Removed) -> String {
    format!(
        "retention: removed {} responses of {} attempts submitted before {} (their sums are \
         kept) and {} unfinished attempts",
        removed.responses,
        removed.attempts,
        removed.cutoff.format("%Y-%m-%d %H:%M UTC"),
        removed.unfinished
    )
}

pub(super) async fn apply() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    match apply_setting(&db, &config).await {
        Ok(Some(removed)) => {
            println!("{}", describe(&removed));
            ExitCode::SUCCESS
        }
        Ok(None) => {
            println!(
                "app.response_retention_months is not set: responses are kept; nothing removed"
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
