//! `mail send-due`: one pass of the scheduled mail, for a cron job or a deployment that runs
//! the server without its in-process schedule.

use std::process::ExitCode;

use super::{fail, open_database};
use crate::notify::due;

pub(super) async fn send_due() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let today = chrono::Utc::now().date_naive();
    match due::send_due(&db, &config, today).await {
        Ok((report, delivered)) => {
            let a = report.assignments;
            println!(
                "queued {} assignment notice(s), {} reminder(s) before the due date, {} overdue \
                 reminder(s), {} weekly summary(ies); sent {delivered} message(s)",
                a.notices, a.before, a.overdue, report.summaries
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
