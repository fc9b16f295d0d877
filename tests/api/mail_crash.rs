//! A crash in the middle of sending neither loses a message nor sends a second one: the claim
//! runs out and the message is sent again, as the same message (its Message-ID), which the
//! transport keeps once. Run over the database alone, with no server (and so no background
//! sender) to take the message first.

use chrono::{Duration, Utc};
use genomics_training::accounts::mail::{self, Letter};
use genomics_training::accounts::outbox;
use genomics_training::config::AppConfig;
use genomics_training::db;
use genomics_training::entities::mail_outbox;
use sea_orm::EntityTrait;

use crate::helpers::{TestDatabase, test_figment};

fn letter() -> Letter {
    Letter {
        subject: "Reminder".into(),
        text: "Due soon.".into(),
        html: Some("<p>Due soon.</p>".into()),
    }
}

fn files(config: &AppConfig) -> Vec<String> {
    std::fs::read_dir(mail::outbox_dir(config))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| std::fs::read_to_string(e.path()).expect("file"))
                .collect()
        })
        .unwrap_or_default()
}

#[rocket::async_test]
async fn a_crash_mid_send_neither_loses_nor_repeats_a_message() {
    let database = TestDatabase::create().await;
    let config = AppConfig::from_figment(&test_figment(&database)).expect("config");
    let conn = db::connect(&config).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");

    // Dies before the enqueuing transaction commits: nothing was promised, nothing queued.
    let txn = db::begin_write(&conn).await.expect("txn");
    outbox::enqueue(&txn, "pat@example.nhs.uk", letter())
        .await
        .expect("enqueue");
    drop(txn);
    assert!(
        mail_outbox::Entity::find()
            .all(&conn)
            .await
            .expect("rows")
            .is_empty()
    );

    outbox::enqueue(&conn, "pat@example.nhs.uk", letter())
        .await
        .expect("enqueue");
    let now = Utc::now();
    let claimed = outbox::claim_due(&conn, now).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    mail::send(&config, &claimed[0]).await.expect("sent");
    // ... and the process dies here, before marking the message sent.

    assert_eq!(
        outbox::deliver_due_at(&conn, &config, now)
            .await
            .expect("pass"),
        0,
        "while the claim lasts nobody else sends it"
    );
    let later = now + Duration::minutes(6);
    assert_eq!(
        outbox::deliver_due_at(&conn, &config, later)
            .await
            .expect("pass"),
        1,
        "not lost: once the claim runs out it is sent"
    );
    assert_eq!(
        outbox::deliver_due_at(&conn, &config, later)
            .await
            .expect("pass"),
        0
    );
    let row = mail_outbox::Entity::find()
        .one(&conn)
        .await
        .expect("row")
        .expect("kept");
    assert!(row.sent_at.is_some());

    let written = files(&config);
    assert_eq!(written.len(), 1, "sent twice, delivered once");
    let id = mail::message_id(&config, &row).expect("id");
    assert!(
        written[0].contains(&format!("Message-ID: {id}")),
        "{}",
        written[0]
    );
    assert!(written[0].contains("multipart/alternative"));
}
