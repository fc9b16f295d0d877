//! Retention of raw responses: old responses go, recent ones stay, every report number and item
//! statistic is unchanged, `verify` stays clean, and later submits that build on a cleared
//! attempt (a new post-assessment replacing one, gain against a cleared baseline) stay right.

use chrono::Utc;
use genomics_training::assessment::answer::Sureness::{High, Low, Medium};
use genomics_training::entities::{attempt, response};
use genomics_training::retention;
use rocket::http::Status;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::data_support::numbers;
use crate::helpers::{TestUser, assert_aggregates_consistent, body_of, spawn_app};
use crate::reports_support::{group, sit, sitting};

/// What reports are built from; `attempts` is left out because retention stamps it.
const REPORTED: &[&str] = &[
    "report_cells",
    "item_stats",
    "item_option_counts",
    "assessment_stats",
    "item_rest_histogram",
    "topic_ratings",
    "module_progress",
];

async fn responses_of(db: &DatabaseConnection, users: &[i64]) -> u64 {
    let attempts: Vec<i64> = attempt::Entity::find()
        .filter(attempt::Column::UserId.is_in(users.to_vec()))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    response::Entity::find()
        .filter(response::Column::AttemptId.is_in(attempts))
        .count(db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn retention_removes_old_responses_and_changes_no_report_number() {
    let app = spawn_app().await;
    let db = app.db();
    let old = group(db, "RT1", "porter", "Band 2", 8, sitting(2, Medium, 3)).await;
    for user in &old[..4] {
        sit(db, *user, "post", sitting(3, High, 4)).await;
    }
    sit(db, old[0], "quiz-samples", sitting(8, Low, 0)).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let cutoff = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let recent = group(db, "RT1", "midwife", "Band 6", 8, sitting(1, High, 4)).await;
    assert_aggregates_consistent(&app).await;
    let before = numbers(&app, REPORTED).await;
    let recent_responses = responses_of(db, &recent).await;
    assert_eq!(recent_responses, 8 * 24);

    let removed = retention::apply(db, cutoff).await.unwrap();
    assert_eq!(removed.attempts, 8 + 4 + 1, "baselines, posts and the quiz");
    // The samples quiz has 9 items since issue 20 added one on why DNA is stored.
    assert_eq!(removed.responses, (8 + 4) * 24 + 9);
    assert_eq!(responses_of(db, &old).await, 0, "old responses are gone");
    assert_eq!(
        responses_of(db, &recent).await,
        recent_responses,
        "recent kept"
    );
    assert_eq!(numbers(&app, REPORTED).await, before, "reports unchanged");
    assert_aggregates_consistent(&app).await;
    let again = retention::apply(db, cutoff).await.unwrap();
    assert_eq!(
        (again.attempts, again.responses),
        (0, 0),
        "a second run finds nothing"
    );

    // The learner still sees their results by topic, and is told where the answers went.
    let baseline = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(old[0]))
        .filter(attempt::Column::Phase.eq("baseline"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let learner = TestUser {
        id: old[0],
        email: String::new(),
        password: String::new(),
    };
    let session = app.session_for(&learner).await;
    let page = app
        .get_as(&session, &format!("/learn/attempts/{}/result", baseline.id))
        .await;
    assert_eq!(page.status(), Status::Ok);
    let page = body_of(page).await;
    assert!(page.contains("67%"), "topic knowledge is kept: {page}");
    assert!(page.contains("Your answers to each question were removed on"));
    let (_, export) = app.get_json_as(&session, "/api/v1/record/export").await;
    assert_eq!(
        export["data"]["responses"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        export["data"]["attempts"][0]["topics"]
            .as_array()
            .map(Vec::len),
        Some(8)
    );

    // A new post-assessment replaces a cleared one and pairs with a cleared baseline.
    sit(db, old[0], "post", sitting(1, Medium, 2)).await;
    sit(db, old[5], "post", sitting(3, High, 5)).await;
    assert_aggregates_consistent(&app).await;

    // Everything older than now: the rest goes too, and still nothing changes.
    let before = numbers(&app, REPORTED).await;
    let rest = retention::apply(db, Utc::now()).await.unwrap();
    assert_eq!(rest.attempts, 8 + 2);
    assert_eq!(responses_of(db, &recent).await, 0);
    assert_eq!(numbers(&app, REPORTED).await, before);
    assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn retention_command_follows_the_setting_and_deletes_old_unfinished_attempts() {
    let app = spawn_app().await;
    let db = app.db();
    let users = group(db, "RT2", "porter", "Band 2", 1, sitting(2, Medium, 3)).await;
    let unfinished =
        genomics_training::assessment::attempts::start_or_resume(db, users[0].into(), "post")
            .await
            .unwrap();
    let long_ago = Utc::now() - chrono::Duration::days(3 * 365);
    attempt::Entity::update_many()
        .col_expr(
            attempt::Column::StartedAt,
            sea_orm::sea_query::Expr::value(long_ago),
        )
        .filter(attempt::Column::Id.eq(unfinished.id))
        .exec(db)
        .await
        .unwrap();
    let run = |settings: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_genomics-training"))
            .args(["retention", "apply"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", app.database_url())
            .env("ROCKET_APP", settings)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let off = run("{}");
    assert!(off.status.success());
    assert!(String::from_utf8_lossy(&off.stdout).contains("is not set"));
    assert!(
        attempt::Entity::find_by_id(unfinished.id)
            .one(db)
            .await
            .unwrap()
            .is_some()
    );

    let on = run("{response_retention_months=24}");
    let said = String::from_utf8_lossy(&on.stdout);
    assert!(
        on.status.success(),
        "{}",
        String::from_utf8_lossy(&on.stderr)
    );
    assert!(
        said.starts_with("retention: removed 0 responses of 0 attempts submitted before"),
        "{said}"
    );
    assert!(said.contains("and 1 unfinished attempts"), "{said}");
    assert!(
        attempt::Entity::find_by_id(unfinished.id)
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        responses_of(db, &users).await,
        24,
        "the recent baseline is kept"
    );
    assert_aggregates_consistent(&app).await;

    let bad = run("{response_retention_months=0}");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("app.response_retention_months"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
