//! The service's foundation: pages, probes, error pages and headers.

use rocket::http::{Method, Status};
use serde_json::json;

use genomics_training::{app, config};

use crate::helpers::{Grant, TestDatabase, body_of, spawn_app, test_figment};

#[rocket::async_test]
async fn home_page_explains_the_service_with_nhs_styles() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().await.unwrap_or_default();
    assert!(body.contains("<h1"), "home page has a heading");
    assert!(
        body.contains("/static/nhsuk/"),
        "links the vendored NHS.UK frontend"
    );
    assert!(body.contains("Genomics training"));
}

#[rocket::async_test]
async fn healthz_answers_while_process_is_up() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["status"], "ok");
}

#[rocket::async_test]
async fn readyz_is_200_when_database_answers() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["database"], "ok");
}

#[rocket::async_test]
async fn readyz_is_503_when_database_is_closed() {
    let app = spawn_app().await;
    app.db().clone().close().await.ok();
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, Status::ServiceUnavailable);
    assert_eq!(body["status"], "unavailable");
}

#[rocket::async_test]
async fn database_outage_is_a_clear_503_on_pages_and_the_api() {
    let app = spawn_app().await;
    let learner = app.given_user("outage@y.nhs.uk", Grant::default()).await;
    let session = app.session_for(&learner).await;
    app.db().clone().close().await.ok();

    // Through the session guard: a page and a JSON twin.
    let response = app.get_as(&session, "/learn").await;
    assert_eq!(response.status(), Status::ServiceUnavailable);
    let page = body_of(response).await;
    assert!(page.contains("temporarily unavailable"), "{page}");
    let (status, body) = app
        .send_json_as(
            &session,
            Method::Post,
            "/api/v1/assessments/baseline/attempts",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|m| m.contains("temporarily unavailable"))
    );

    // Through a handler's own query: signing in.
    let (status, body) = app
        .send_json_as(
            &app.visitor().await,
            Method::Post,
            "/api/v1/session",
            json!({ "email": "outage@y.nhs.uk", "password": "whatever-it-is" }),
        )
        .await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");
    assert_eq!(body["status"], 503);
}

#[rocket::async_test]
async fn unknown_page_gets_styled_404() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), Status::NotFound);
    let body = response.into_string().await.unwrap_or_default();
    assert!(body.contains("Page not found"));
    assert!(body.contains("/static/nhsuk/"));
}

#[rocket::async_test]
async fn unknown_api_path_gets_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["status"], 404);
    assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()));
}

#[rocket::async_test]
async fn every_response_carries_security_headers_and_request_id() {
    let app = spawn_app().await;
    for path in ["/", "/no/such/page", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get_one("Content-Security-Policy")
            .unwrap_or_default();
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("base-uri 'none'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        let nosniff: Vec<&str> = headers.get("X-Content-Type-Options").collect();
        assert_eq!(nosniff, ["nosniff"], "{path}");
        assert!(headers.get_one("Referrer-Policy").is_some(), "{path}");
        assert_eq!(
            headers.get_one("X-Request-Id").map(str::len),
            Some(16),
            "{path}"
        );
    }
}

#[rocket::async_test]
async fn static_files_are_served_with_long_caching() {
    let app = spawn_app().await;
    let response = app.get("/static/app.css").await;
    assert_eq!(response.status(), Status::Ok);
    let cache = response
        .headers()
        .get_one("Cache-Control")
        .unwrap_or_default()
        .to_owned();
    assert!(cache.contains("max-age=31536000"), "{cache}");
    let page = app.get("/").await;
    assert_eq!(page.headers().get_one("Cache-Control"), Some("no-store"));
}

#[rocket::async_test]
async fn nhsuk_licence_is_vendored_beside_the_styles() {
    let app = spawn_app().await;
    assert_eq!(app.get("/static/nhsuk/LICENSE").await.status(), Status::Ok);
}

#[rocket::async_test]
async fn bad_setting_stops_launch_with_one_line_naming_it() {
    let database = TestDatabase::create().await;
    let figment = config::with_app_setting(test_figment(&database), "min_cell_size", 1);
    let error = app::build(figment)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(
        error,
        "invalid setting app.min_cell_size: must be between 2 and 1000 (got 1)"
    );
}

#[rocket::async_test]
async fn unreachable_database_stops_launch_with_one_line() {
    let database = TestDatabase::create().await;
    let figment = config::with_app_setting(
        test_figment(&database),
        "database_url",
        "postgres://x@127.0.0.1:1/none",
    );
    let error = app::build(figment)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("cannot connect to the database at postgres://***@127.0.0.1:1/none"),
        "{error}"
    );
    assert!(!error.contains('\n'), "{error}");
}
