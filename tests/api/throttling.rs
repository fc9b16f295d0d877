//! Failed sign-ins are slowed by growing waits per account and per address (never a hard
//! lockout), with audit entries; the answers never reveal whether an email address is registered.

use std::net::SocketAddr;

use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{TestApp, json_of, spawn_app};

async fn try_sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    from: Option<&str>,
) -> (Status, serde_json::Value) {
    let mut request = app
        .client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(json!({ "email": email, "password": password }).to_string());
    if let Some(address) = from {
        request = request.remote(address.parse::<SocketAddr>().expect("address"));
    }
    json_of(request.dispatch().await).await
}

#[rocket::async_test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let wrong = try_sign_in(&app, &world.learner.email, "not the password", None).await;
    let unknown = try_sign_in(&app, "nobody@nowhere.nhs.uk", "not the password", None).await;
    assert_eq!(wrong.0, Status::Unauthorized);
    assert_eq!(
        wrong.1["error"],
        "Enter a correct email address and password."
    );
    assert_eq!(wrong, unknown);
}

/// Lets every wait the throttle has set end now, as if the time had passed.
async fn let_the_waits_pass(app: &TestApp) {
    use genomics_training::entities::sign_in_throttle::{Column, Entity};
    use sea_orm::{EntityTrait, sea_query::Expr};
    Entity::update_many()
        .col_expr(
            Column::LockedUntil,
            Expr::value(Some(chrono::Utc::now() - chrono::Duration::seconds(1))),
        )
        .exec(app.db())
        .await
        .expect("end the waits");
}

#[rocket::async_test]
async fn after_five_failures_the_account_waits_and_then_the_right_password_gets_in() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for attempt in 1..=5 {
        let (status, _) = try_sign_in(&app, &world.learner.email, "wrong guess here", None).await;
        assert_eq!(status, Status::Unauthorized, "attempt {attempt}");
    }
    let (status, body) =
        try_sign_in(&app, &world.learner.email, &world.learner.password, None).await;
    assert_eq!(
        status,
        Status::TooManyRequests,
        "not even checked while waiting"
    );
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Wait 1 second"),
        "{body}"
    );
    let_the_waits_pass(&app).await;
    let (status, _) = try_sign_in(&app, &world.learner.email, &world.learner.password, None).await;
    assert_eq!(
        status,
        Status::Ok,
        "the right password gets in once the wait is over"
    );
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_failed").count(), 6);
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_locked").count(), 1);
}

#[rocket::async_test]
async fn each_further_failure_doubles_the_wait() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for _ in 0..5 {
        try_sign_in(&app, &world.learner.email, "wrong guess here", None).await;
    }
    let mut waits = Vec::new();
    for _ in 0..3 {
        let_the_waits_pass(&app).await;
        try_sign_in(&app, &world.learner.email, "wrong guess here", None).await;
        let (_, body) = try_sign_in(&app, &world.learner.email, "anything", None).await;
        waits.push(body["error"].as_str().unwrap_or_default().to_owned());
    }
    assert!(waits[0].contains("Wait 2 seconds"), "{waits:?}");
    assert!(waits[1].contains("Wait 4 seconds"), "{waits:?}");
    assert!(waits[2].contains("Wait 8 seconds"), "{waits:?}");
    // Another account is unaffected.
    app.sign_in_as(&world.trainer).await;
}

#[rocket::async_test]
async fn unknown_email_is_locked_the_same_way() {
    let app = spawn_app().await;
    let mut last = (Status::Ok, json!(null));
    for _ in 0..6 {
        last = try_sign_in(&app, "nobody@nowhere.nhs.uk", "wrong guess here", None).await;
    }
    assert_eq!(last.0, Status::TooManyRequests);
}

#[rocket::async_test]
async fn locked_sign_in_page_shows_the_message() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for _ in 0..5 {
        try_sign_in(&app, &world.learner.email, "wrong guess here", None).await;
    }
    let visitor = app.visitor().await;
    let response = app
        .post_form_as(
            &visitor,
            "/login",
            &[
                ("email", &world.learner.email),
                ("password", &world.learner.password),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::TooManyRequests);
    let body = crate::helpers::body_of(response).await;
    assert!(body.contains("too many failed attempts"), "{body}");
    assert!(body.contains("<title>Error: Sign in"));
}

#[rocket::async_test]
async fn many_failures_from_one_address_make_that_address_wait() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let address = "203.0.113.7:5000";
    let mut statuses = Vec::new();
    for i in 0..21 {
        statuses.push(
            try_sign_in(
                &app,
                &format!("guess{i}@a.nhs.uk"),
                "wrong guess here",
                Some(address),
            )
            .await
            .0,
        );
    }
    assert!(
        statuses[..20].iter().all(|s| *s == Status::Unauthorized),
        "{statuses:?}"
    );
    assert_eq!(statuses[20], Status::TooManyRequests, "spraying is stopped");
    let (status, _) = try_sign_in(
        &app,
        &world.learner.email,
        &world.learner.password,
        Some(address),
    )
    .await;
    assert_eq!(status, Status::TooManyRequests, "the address waits");
    let (status, _) = try_sign_in(
        &app,
        &world.learner.email,
        &world.learner.password,
        Some("198.51.100.1:5000"),
    )
    .await;
    assert_eq!(status, Status::Ok, "other addresses do not");
}

#[rocket::async_test]
async fn successful_sign_in_is_audited_with_the_address() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let (status, _) = try_sign_in(
        &app,
        &world.learner.email,
        &world.learner.password,
        Some("192.0.2.4:1000"),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let admin = app.sign_in_as(&world.admin).await;
    let (_, body) = app
        .get_json_as(&admin, "/api/v1/admin/audit?action=sign_in&subject=learner")
        .await;
    let entries = body["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{body}");
    assert_eq!(entries[0]["client_address"], "192.0.2.4");
    assert_eq!(entries[0]["actor_user_id"], world.learner.id);
}

#[rocket::async_test]
async fn concurrent_failures_are_each_counted() {
    use genomics_training::accounts::throttle::{self, ACCOUNT_FREE, Key};
    let app = spawn_app().await;
    let key = Key::Account("burst@a.nhs.uk".into());
    let db = app.db();
    let failures = (0..ACCOUNT_FREE).map(|_| throttle::record_failure(db, &key));
    let results = rocket::futures::future::join_all(failures).await;
    let waits = results
        .into_iter()
        .filter(|r| !r.as_ref().expect("counted").is_zero())
        .count();
    assert!(
        waits >= 1,
        "a burst of {ACCOUNT_FREE} failures makes the account wait"
    );
    assert!(throttle::locked_until(db, &[key]).await.unwrap().is_some());
}

#[rocket::async_test]
async fn wrong_current_passwords_make_the_account_wait_like_sign_in() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    let change = |current: &'static str| {
        let learner = learner.clone();
        let app = &app;
        async move {
            app.post_form_as(
                &learner,
                "/account/password",
                &[
                    ("current", current),
                    ("password", "a new long passphrase"),
                    ("confirm", "a new long passphrase"),
                ],
            )
            .await
            .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(change("not my password").await, Status::UnprocessableEntity);
    }
    assert_eq!(
        change(crate::helpers::PASSWORD).await,
        Status::TooManyRequests,
        "the sixth guess waits"
    );
    let (status, _) = try_sign_in(&app, &world.learner.email, &world.learner.password, None).await;
    assert_eq!(status, Status::TooManyRequests, "and so does sign-in");
}

#[rocket::async_test]
async fn guessed_reset_and_activation_links_are_throttled_per_address() {
    let app = spawn_app().await;
    let visitor = app.visitor().await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let path = if i % 2 == 0 {
            format!("/password-reset/{}", "a".repeat(64))
        } else {
            format!("/activate/{}", "b".repeat(64))
        };
        let response = app
            .client
            .post(path)
            .remote("203.0.113.8:4000".parse::<SocketAddr>().expect("address"))
            .cookies(visitor.cookies.clone())
            .header(ContentType::Form)
            .body(format!(
                "csrf_token={}&password=a+long+new+passphrase&confirm=a+long+new+passphrase",
                visitor.csrf
            ))
            .dispatch()
            .await;
        statuses.push(response.status());
    }
    assert!(
        statuses[..10].iter().all(|s| *s == Status::NotFound),
        "{statuses:?}"
    );
    assert_eq!(statuses[11], Status::TooManyRequests, "{statuses:?}");
}
