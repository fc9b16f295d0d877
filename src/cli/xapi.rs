//! `xapi send-due` and `xapi status`: the statement outbox from the command line, for a cron
//! job, a deployment that runs the server without its in-process sender, or an admin checking
//! that statements reach the learning record store.

use std::process::ExitCode;

use super::{fail, open_database};
use crate::xapi::outbox;

pub(super) async fn send_due() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let Some(xapi) = &config.xapi else {
        return fail("xAPI is off: set app.xapi.endpoint, key and secret (docs/xapi.md)");
    };
    match outbox::deliver_due(&db, xapi).await {
        Ok(done) => {
            println!(
                "sent {} statement(s); {} failed and wait for a retry",
                done.sent, done.failed
            );
            if done.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => fail(error),
    }
}

pub(super) async fn status() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let status = match outbox::status(&db).await {
        Ok(status) => status,
        Err(error) => return fail(error),
    };
    match &config.xapi {
        Some(xapi) => println!("xAPI: on, sending to {}", xapi.endpoint),
        None => println!("xAPI: off (app.xapi.endpoint is not set); nothing is recorded"),
    }
    println!(
        "queued {}, failing {}, sent in the last 7 days {}",
        status.queued, status.failing, status.sent
    );
    if let Some(oldest) = status.oldest_unsent {
        println!("oldest unsent statement queued at {}", oldest.to_rfc3339());
    }
    if let Some(error) = status.last_error {
        println!("last failure: {error}");
    }
    ExitCode::SUCCESS
}
