//! `lti show|add|remove|rotate-key|send-scores`: the command-line twin of `/admin/lti`, and a
//! way to send queued scores now (the server's outbox sender does it by itself).

use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::targets::{problems, with_database};
use super::{fail, open_database};
use crate::lti::platforms::{self, Actor, NewPlatform, PlatformInput};
use crate::lti::{PlatformKeys, ToolUrls, keys, scores};

pub(super) async fn show() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    match platforms::list(&db).await {
        Ok(list) => {
            let shown = serde_json::json!({
                "tool": ToolUrls::new(&config.public_url),
                "platforms": list,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&shown).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

pub(super) async fn add(input: PlatformInput) -> ExitCode {
    let new = match NewPlatform::try_from(input) {
        Ok(new) => new,
        Err(bad) => return problems(&bad),
    };
    let work = async |db: DatabaseConnection| platforms::register(&db, new, Actor::default()).await;
    with_database(work, |platform| {
        println!("registered \"{}\" (id {})", platform.name, platform.id);
        ExitCode::SUCCESS
    })
    .await
}

pub(super) async fn remove(id: i64) -> ExitCode {
    let work = async |db: DatabaseConnection| platforms::remove(&db, id, Actor::default()).await;
    with_database(work, |removed| {
        println!("removed \"{}\"", removed.name);
        ExitCode::SUCCESS
    })
    .await
}

pub(super) async fn rotate_key() -> ExitCode {
    let work = async |db: DatabaseConnection| keys::rotate(&db, Actor::default()).await;
    with_database(work, |kid| {
        println!("new signing key {kid}; the old one stays published for a day");
        ExitCode::SUCCESS
    })
    .await
}

pub(super) async fn send_scores() -> ExitCode {
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let http = match PlatformKeys::new(std::time::Duration::from_secs(u64::from(
        config.database_timeout_seconds,
    ))) {
        Ok(http) => http,
        Err(error) => return fail(error),
    };
    match scores::deliver_due(&db, &http).await {
        Ok(sent) => {
            let waiting = scores::unsent(&db).await.unwrap_or_default();
            println!("sent {sent} scores; {waiting} waiting for a retry");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
