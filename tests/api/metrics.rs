//! `/metrics`: off without a token, refused without the right one, and with it the Prometheus
//! text with every family, counters that move after the requests they count.
//!
//! The counters are process-wide (other tests' apps count into them too), so the tests check
//! that a counter went up by at least what the test did, never an exact value.

use chrono::{Duration, Utc};
use genomics_training::assessment::answer::Sureness;
use genomics_training::entities::mail_outbox;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::reports_support::{sit, sitting};

const TOKEN: &str = "0123456789abcdef0123456789abcdef-metrics";

async fn app_with_token() -> TestApp {
    spawn_app_with(|figment| {
        genomics_training::config::with_app_setting(figment, "metrics_token", TOKEN)
    })
    .await
}

async fn scrape(app: &TestApp, authorization: Option<&str>) -> (Status, String, Option<String>) {
    let mut request = app.client.get("/metrics");
    if let Some(value) = authorization {
        request = request.header(Header::new("Authorization", value.to_owned()));
    }
    let response = request.dispatch().await;
    let status = response.status();
    let challenge = response
        .headers()
        .get_one("WWW-Authenticate")
        .map(str::to_owned);
    (
        status,
        response.into_string().await.unwrap_or_default(),
        challenge,
    )
}

async fn metrics_text(app: &TestApp) -> String {
    let (status, text, _) = scrape(app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(status, Status::Ok, "{text}");
    text
}

/// The value of the sample of `name` carrying every one of `labels` (0 when there is none yet).
fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[rocket::async_test]
async fn metrics_answer_404_to_everyone_while_no_token_is_set() {
    let app = spawn_app().await;
    assert_eq!(scrape(&app, None).await.0, Status::NotFound);
    let guess = format!("Bearer {TOKEN}");
    assert_eq!(scrape(&app, Some(&guess)).await.0, Status::NotFound);
}

#[rocket::async_test]
async fn metrics_refuse_a_missing_or_wrong_token() {
    let app = app_with_token().await;
    let (status, text, challenge) = scrape(&app, None).await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(challenge.as_deref(), Some("Bearer realm=\"metrics\""));
    assert!(!text.contains("gt_"), "{text}");
    for wrong in [
        "Bearer wrong".to_owned(),
        format!("Bearer {TOKEN}x"),
        format!("Basic {TOKEN}"),
        TOKEN.to_owned(),
    ] {
        let (status, text, _) = scrape(&app, Some(&wrong)).await;
        assert_eq!(status, Status::Unauthorized, "{wrong}");
        assert!(!text.contains("gt_"), "{text}");
    }
}

#[rocket::async_test]
async fn metrics_give_every_family_in_the_prometheus_text_format() {
    let app = app_with_token().await;
    app.get("/healthz").await;
    let response = app
        .client
        .get("/metrics")
        .header(Header::new("Authorization", format!("Bearer {TOKEN}")))
        .dispatch()
        .await;
    assert_eq!(
        response.content_type().map(|c| c.to_string()).as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = response.into_string().await.unwrap_or_default();
    for family in [
        "# TYPE gt_http_requests_total counter",
        "# TYPE gt_http_request_duration_seconds histogram",
        "# TYPE gt_db_pool_connections gauge",
        "# TYPE gt_db_pool_max_connections gauge",
        "# TYPE gt_mail_outbox_unsent_messages gauge",
        "# TYPE gt_mail_outbox_oldest_unsent_age_seconds gauge",
    ] {
        assert!(text.contains(family), "{family} missing from\n{text}");
    }
    // The test app's pool: 4 connections at most, at least one kept open.
    assert_eq!(sample(&text, "gt_db_pool_max_connections", &[]), 4.0);
    let open = sample(&text, "gt_db_pool_connections", &[]);
    assert!((1.0..=4.0).contains(&open), "{open}");
    assert_eq!(sample(&text, "gt_mail_outbox_unsent_messages", &[]), 0.0);
    assert!(text.contains("gt_http_request_duration_seconds_bucket{"));
}

#[rocket::async_test]
async fn requests_are_counted_by_route_template_and_status() {
    let app = app_with_token().await;
    let world = app.given_world().await;
    let learner = app.session_for(&world.learner).await;
    let labels = [
        "method=\"GET\"",
        "route=\"/learn/modules/<slug>/pages/<number>\"",
        "status=\"200\"",
    ];
    let before = sample(&metrics_text(&app).await, "gt_http_requests_total", &labels);
    let page = app
        .get_as(&learner, "/learn/modules/genomics-basics/pages/1")
        .await;
    assert_eq!(page.status(), Status::Ok);
    let text = metrics_text(&app).await;
    assert!(sample(&text, "gt_http_requests_total", &labels) >= before + 1.0);
    assert!(
        !text.contains("genomics-basics"),
        "the template, not the address"
    );
    let unmatched = ["route=\"unmatched\"", "status=\"404\""];
    let before = sample(&text, "gt_http_requests_total", &unmatched);
    app.get("/no/such/page/12345").await;
    let text = metrics_text(&app).await;
    assert!(sample(&text, "gt_http_requests_total", &unmatched) >= before + 1.0);
    assert!(!text.contains("12345"));
}

#[rocket::async_test]
async fn sign_ins_submits_and_the_outbox_are_counted() {
    let app = app_with_token().await;
    let world = app.given_world().await;
    let text = metrics_text(&app).await;
    let failed = ["method=\"password\"", "outcome=\"failure\""];
    let succeeded = ["method=\"password\"", "outcome=\"success\""];
    let submitted = ["outcome=\"success\""];
    let (failures, successes) = (
        sample(&text, "gt_sign_ins_total", &failed),
        sample(&text, "gt_sign_ins_total", &succeeded),
    );
    let submits = sample(&text, "gt_quiz_submits_total", &submitted);

    let wrong = app
        .client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(json!({ "email": world.learner.email, "password": "not the password" }).to_string())
        .dispatch()
        .await;
    assert_eq!(wrong.status(), Status::Unauthorized);
    app.sign_in_as(&world.learner).await;
    sit(
        app.db(),
        world.learner.id,
        "baseline",
        sitting(1, Sureness::High, 3),
    )
    .await;
    // A message queued an hour ago and waiting for a retry, so the sender leaves it alone.
    let queued = Utc::now() - Duration::hours(1);
    mail_outbox::ActiveModel {
        recipient: Set("someone@example.nhs.uk".into()),
        subject: Set("Hello".into()),
        body: Set("Body".into()),
        created_at: Set(queued),
        attempts: Set(3),
        next_attempt_at: Set(Utc::now() + Duration::hours(1)),
        sent_at: Set(None),
        last_error: Set(Some("relay refused".into())),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();

    let text = metrics_text(&app).await;
    assert!(sample(&text, "gt_sign_ins_total", &failed) >= failures + 1.0);
    assert!(sample(&text, "gt_sign_ins_total", &succeeded) >= successes + 1.0);
    assert!(sample(&text, "gt_quiz_submits_total", &submitted) >= submits + 1.0);
    assert_eq!(sample(&text, "gt_mail_outbox_unsent_messages", &[]), 1.0);
    assert!(sample(&text, "gt_mail_outbox_oldest_unsent_age_seconds", &[]) >= 3600.0);
}
