//! The xAPI sender against a learning record store on 127.0.0.1 (`xapi_support::Store`) that is
//! down (503), takes statements and then does not answer in time, refuses a statement, and
//! answers 409 to statements it already has: nothing is lost, each statement is stored once,
//! a learner's statements arrive in the order they were made, and a sender that dies mid-send
//! leaves its statements to the next one. Run over the database with no background sender (the
//! app under test has xAPI off; these tests send with settings of their own).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use genomics_training::entities::xapi_outbox;
use genomics_training::xapi::outbox::{self, Delivered};
use genomics_training::xapi::statements::{Builder, ItemAnswer, Named, Sitting};
use genomics_training::xapi::{Lrs, Posted};
use genomics_training::{db, measures::response::Answer};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;

use genomics_training::assessment::attempts;

use crate::assessment_flow::create_learner;
use crate::helpers::{Grant, TestApp, spawn_app, spawn_app_with};
use crate::learning_journey::answered;
use crate::xapi_support::{Next, Store, with_store};

/// A sitting of `n` answered items.
fn sitting(n: usize) -> Sitting {
    let topic = Named {
        slug: "samples".into(),
        title: "Samples".into(),
    };
    Sitting {
        attempt_id: 1,
        phase: "baseline",
        assessment: Named {
            slug: "baseline".into(),
            title: "Baseline".into(),
        },
        submitted_at: Utc::now(),
        answers: (0..n)
            .map(|i| ItemAnswer {
                item_uid: format!("item-{i}"),
                interaction: "choice",
                topic: topic.clone(),
                answer: Answer::DontKnow,
                answered_at: Utc::now(),
                time_on_item_ms: Some(1500),
            })
            .collect(),
        ratings: Vec::new(),
        accuracy: Some(0.0),
        score: 0.0,
        items: n as u64,
        dont_know: n as u64,
        module: None,
    }
}

/// Two learners with `per_learner` statements each, queued turn about; returns their ids.
async fn two_learners_queued(app: &TestApp, per_learner: usize) -> [i64; 2] {
    let mut ids = [0; 2];
    for (i, email) in ["a@lrs.test", "b@lrs.test"].into_iter().enumerate() {
        ids[i] = app.given_user(email, Grant::default()).await.id;
    }
    for _ in 0..per_learner {
        for user in ids {
            let builder = Builder {
                home: "https://gt.example",
                actor: json!({ "objectType": "Agent", "account": { "homePage": "https://gt.example", "name": user.to_string() } }),
            };
            // One statement each turn (the sitting's one answer is dropped: its completion is
            // enough), so the two learners' statements interleave.
            let statements = builder.sitting(&sitting(0));
            outbox::enqueue(app.db(), user, &statements).await.unwrap();
        }
    }
    ids
}

/// Each learner's statement ids in the order they were queued.
async fn queued(db: &DatabaseConnection) -> HashMap<i64, Vec<String>> {
    let mut by_learner: HashMap<i64, Vec<String>> = HashMap::new();
    for row in xapi_outbox::Entity::find()
        .order_by_asc(xapi_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
    {
        by_learner
            .entry(row.user_id)
            .or_default()
            .push(row.statement_id);
    }
    by_learner
}

/// Each learner's statements arrived in the order they were queued, and every one arrived once.
fn assert_stored_once_in_order(store: &Store, queued: &HashMap<i64, Vec<String>>) {
    let stored = store.stored_ids();
    let mut unique = stored.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        stored.len(),
        "the store holds each statement once"
    );
    let total: usize = queued.values().map(Vec::len).sum();
    assert_eq!(stored.len(), total, "no statement lost");
    for ids in queued.values() {
        let arrived: Vec<&String> = stored.iter().filter(|id| ids.contains(id)).collect();
        assert_eq!(
            arrived,
            ids.iter().collect::<Vec<_>>(),
            "a learner's statements arrive in order"
        );
    }
}

async fn pass(db: &DatabaseConnection, store: &Store, at: DateTime<Utc>) -> Delivered {
    outbox::deliver_due_at(db, &store.config(), at)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn an_outage_loses_nothing_and_the_statements_go_in_order_once_it_ends() {
    let app = spawn_app().await;
    let store = Store::start().await;
    two_learners_queued(&app, 3).await;
    let queued = queued(app.db()).await;
    let now = Utc::now();

    store.then(Next::Unavailable);
    assert_eq!(
        pass(app.db(), &store, now).await,
        Delivered { sent: 0, failed: 6 }
    );
    let status = outbox::status(app.db()).await.unwrap();
    assert_eq!((status.queued, status.failing, status.sent), (0, 6, 0));
    assert!(status.last_error.unwrap_or_default().contains("503"));
    assert_eq!(
        pass(app.db(), &store, now).await,
        Delivered::default(),
        "nothing is tried again before the backoff"
    );
    assert_eq!(store.seen(|s| s.posts.len()), 1);

    let later = now + Duration::seconds(31);
    assert_eq!(
        pass(app.db(), &store, later).await,
        Delivered { sent: 6, failed: 0 }
    );
    assert_stored_once_in_order(&store, &queued);
    let status = outbox::status(app.db()).await.unwrap();
    assert_eq!((status.queued, status.failing, status.sent), (0, 0, 6));
    // Basic auth with the configured key and secret, and the xAPI version, on every post.
    store.seen(|s| {
        for (auth, version) in &s.headers {
            assert_eq!(auth, "Basic Z3Q6bHJzLXNlY3JldA==");
            assert_eq!(version, "1.0.3");
        }
    });
}

#[rocket::async_test]
async fn a_store_that_keeps_statements_but_answers_too_late_gets_them_again_and_keeps_one_of_each()
{
    let app = spawn_app().await;
    let store = Store::start().await;
    let [a, _] = two_learners_queued(&app, 2).await;
    let now = Utc::now();

    store.then(Next::StoreThenHang);
    assert_eq!(
        pass(app.db(), &store, now).await,
        Delivered { sent: 0, failed: 4 }
    );
    let status = outbox::status(app.db()).await.unwrap();
    assert!(status.last_error.unwrap_or_default().contains("in time"));
    // More of learner A's statements come while the first ones wait for their retry.
    let builder = Builder {
        home: "https://gt.example",
        actor: json!({ "objectType": "Agent", "account": { "homePage": "https://gt.example", "name": a.to_string() } }),
    };
    outbox::enqueue(app.db(), a, &builder.sitting(&sitting(2)))
        .await
        .unwrap();
    let queued = queued(app.db()).await;

    let later = now + Duration::seconds(31);
    assert_eq!(
        pass(app.db(), &store, later).await,
        Delivered { sent: 7, failed: 0 }
    );
    assert_stored_once_in_order(&store, &queued);
    let posted: usize = store.seen(|s| s.posts.iter().map(Vec::len).sum());
    assert!(
        posted > 7,
        "the store was sent some statements twice ({posted} in all)"
    );
}

#[rocket::async_test]
async fn a_refused_statement_holds_back_only_its_own_learners_later_ones() {
    let app = spawn_app().await;
    let store = Store::start().await;
    let [a, b] = two_learners_queued(&app, 3).await;
    let queued = queued(app.db()).await;
    store.refuse_once(&queued[&a][1]);
    let now = Utc::now();

    assert_eq!(
        pass(app.db(), &store, now).await,
        Delivered { sent: 4, failed: 1 }
    );
    let stored = store.stored_ids();
    assert_eq!(
        stored.iter().filter(|id| queued[&b].contains(id)).count(),
        3
    );
    assert_eq!(
        stored
            .iter()
            .filter(|id| queued[&a].contains(id))
            .collect::<Vec<_>>(),
        vec![&queued[&a][0]],
        "A's statements after the refused one wait for it"
    );
    assert_eq!(
        pass(app.db(), &store, now + Duration::seconds(31)).await,
        Delivered { sent: 2, failed: 0 }
    );
    assert_stored_once_in_order(&store, &queued);
}

#[rocket::async_test]
async fn a_crash_mid_send_loses_nothing_and_the_store_keeps_one_copy() {
    let app = spawn_app().await;
    let store = Store::start().await;
    let [a, _] = two_learners_queued(&app, 2).await;
    let queued = queued(app.db()).await;

    // Dies before the event's transaction commits: no statement, as no event.
    let txn = db::begin_write(app.db()).await.unwrap();
    let builder = Builder {
        home: "https://gt.example",
        actor: json!({ "objectType": "Agent", "mbox": "mailto:a@lrs.test" }),
    };
    outbox::enqueue(&txn, a, &builder.sitting(&sitting(1)))
        .await
        .unwrap();
    drop(txn);
    assert_eq!(
        xapi_outbox::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        4
    );

    // A sender takes the outbox, posts the batch, and dies before marking it sent.
    let now = Utc::now();
    let batch = outbox::claim(app.db(), "dead sender", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(batch.len(), 4);
    let lrs = Lrs::new(&store.config()).unwrap();
    let bodies: Vec<&str> = batch.iter().map(|row| row.statement.as_str()).collect();
    assert_eq!(lrs.post(&bodies).await, Posted::Stored);

    assert_eq!(
        pass(app.db(), &store, now).await,
        Delivered::default(),
        "while its lease lasts nobody else sends"
    );
    assert_eq!(store.seen(|s| s.posts.len()), 1);
    assert_eq!(
        pass(app.db(), &store, now + Duration::minutes(6)).await,
        Delivered { sent: 4, failed: 0 },
        "once the lease runs out the statements go again"
    );
    assert_stored_once_in_order(&store, &queued);
    assert_eq!(
        pass(app.db(), &store, now + Duration::minutes(7)).await,
        Delivered::default()
    );
}

#[rocket::async_test]
async fn the_running_server_sends_what_a_submit_queued() {
    let store = Store::start().await;
    let url = store.url.clone();
    let app = spawn_app_with(move |figment| with_store(figment, &url)).await;
    let user = create_learner(app.db(), "server@lrs.test", "RX1", "receptionist").await;
    let attempt = answered(app.db(), user, "quiz-data-protection-sharing", &[]).await;
    attempts::submit(app.db(), app.state().xapi(), user.into(), attempt.id.into())
        .await
        .unwrap();
    let queued = queued(app.db()).await;
    // The quiz completed, the module passed and completed, the certificate earned.
    assert_eq!(queued[&user].len(), 4);

    // The server's own sender looks every 10 seconds; wait until it has sent them all.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while outbox::status(app.db()).await.unwrap().sent < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "not sent within a minute"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_stored_once_in_order(&store, &queued);
}

/// Runs the binary with xAPI sending to `store` (or off), off the async runtime so the store
/// can answer meanwhile; returns the exit success and standard output and error.
async fn xapi_command(
    app: &TestApp,
    store: Option<&Store>,
    command: &'static str,
) -> (bool, String) {
    let database = crate::cli_people::app_database(app);
    let xapi = store.map_or_else(String::new, |store| {
        format!(
            ", xapi={{endpoint=\"{}\", key=\"gt\", secret=\"lrs-secret\"}}",
            store.url
        )
    });
    let mut binary = crate::cli_people::binary(&database);
    binary.env(
        "ROCKET_APP",
        format!("{{data_dir=\"{}\"{xapi}}}", database.data_dir().display()),
    );
    binary.args(["xapi", command]);
    let output = tokio::task::spawn_blocking(move || binary.output().unwrap())
        .await
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[rocket::async_test]
async fn an_admin_sends_and_sees_the_outbox_from_the_command_line() {
    let app = spawn_app().await;
    let store = Store::start().await;
    two_learners_queued(&app, 2).await;

    let (ok, said) = xapi_command(&app, None, "send-due").await;
    assert!(!ok, "{said}");
    assert!(said.contains("xAPI is off"), "{said}");
    let (ok, said) = xapi_command(&app, Some(&store), "status").await;
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("xAPI: on, sending to {}", store.url)),
        "{said}"
    );
    assert!(
        said.contains("queued 4, failing 0, sent in the last 7 days 0"),
        "{said}"
    );

    let (ok, said) = xapi_command(&app, Some(&store), "send-due").await;
    assert!(ok, "{said}");
    assert!(said.contains("sent 4 statement(s)"), "{said}");
    assert_eq!(store.stored_ids().len(), 4);
    let (_, said) = xapi_command(&app, Some(&store), "status").await;
    assert!(
        said.contains("queued 0, failing 0, sent in the last 7 days 4"),
        "{said}"
    );
}
