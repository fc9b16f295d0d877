//! Issue 22 point 7: a database that accepts connections but hangs cannot hold requests. Another
//! connection holds a lock the request needs (on PostgreSQL an exclusive table lock, on SQLite
//! the write lock); the request is answered 503 once `statement_timeout_seconds` has passed,
//! and works again as soon as the lock goes. Nothing here measures time: the lock is held until
//! the answer has come, however long that takes.

use genomics_training::{config, db};
use rocket::http::{ContentType, Status};
use sea_orm::{ConnectionTrait, Database, DbBackend};

use crate::helpers::{Grant, json_of, spawn_app_with};

async fn sign_in(app: &crate::helpers::TestApp, email: &str, password: &str) -> (Status, String) {
    let response = app
        .client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(serde_json::json!({ "email": email, "password": password }).to_string())
        .dispatch()
        .await;
    let (status, body) = json_of(response).await;
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[rocket::async_test]
async fn a_statement_stuck_behind_a_lock_is_answered_503_and_the_service_recovers() {
    let app = spawn_app_with(|f| config::with_app_setting(f, "statement_timeout_seconds", 1)).await;
    let user = app.given_user("stuck@a.nhs.uk", Grant::default()).await;

    let other = Database::connect(app.database_url())
        .await
        .expect("second connection");
    // On SQLite this takes the one write lock at once and keeps it until the transaction ends.
    let holder = db::begin_write(&other).await.expect("begin");
    if other.get_database_backend() == DbBackend::Postgres {
        holder
            .execute_unprepared("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
            .await
            .expect("lock sessions");
    }

    let (status, message) = sign_in(&app, &user.email, &user.password).await;
    assert_eq!(status, Status::ServiceUnavailable, "{message}");
    assert_eq!(
        message,
        "The service is temporarily unavailable. Please try again in a minute."
    );

    holder.rollback().await.expect("release");
    let (status, message) = sign_in(&app, &user.email, &user.password).await;
    assert_eq!(status, Status::Ok, "{message}");
}

#[test]
fn the_statement_timeout_is_checked_at_start() {
    let figment = config::with_app_setting(config::figment(), "statement_timeout_seconds", 0);
    let error = config::AppConfig::from_figment(&figment)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("invalid setting app.statement_timeout_seconds: must be between 1 and 600 (got 0)")
    );
}
