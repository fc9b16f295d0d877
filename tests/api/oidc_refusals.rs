//! ID tokens the OpenID Foundation's relying-party certification tests expect refused
//! (rp-id_token-bad-sig-rs256, rp-id_token-sig-none, rp-id_token-iss-mismatch,
//! rp-id_token-aud-mismatch, rp-nonce-invalid, rp-id_token-kid-absent-multiple-jwks, expiry, an
//! unknown kid after fetching the keys again), from a stand-in provider made to misbehave; a
//! provider that does not answer; and password sign-in turned off.

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use rocket::http::{Cookie, Status};
use serde_json::json;

use crate::helpers::{Grant, TestApp, body_of, spawn_app_with};
use crate::oidc_sign_in::{callback, start};
use crate::oidc_support::{configure_op, node_tools, standin};

/// Follows the stand-in's immediate answer at `authorization` to the app's callback path.
async fn callback_path(authorization: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = http
        .get(authorization)
        .send()
        .await
        .expect("stand-in answers");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned();
    let url = url::Url::parse(&location).expect("callback URL");
    url[url::Position::BeforePath..].to_owned()
}

/// One sign-in through the stand-in: the callback's status and whether it made a session.
async fn attempt(app: &TestApp) -> (Status, bool, String) {
    let (authorization, cookie): (String, Cookie<'static>) = start(app, "op", &[]).await;
    let path = callback_path(&authorization).await;
    let response = callback(app, &path, vec![cookie]).await;
    let status = response.status();
    let session = response.cookies().get("gt_session").is_some();
    (status, session, body_of(response).await)
}

#[rocket::async_test]
async fn id_tokens_the_certification_tests_reject_are_refused_with_no_session() {
    let Some(dir) = node_tools() else { return };
    // Each mode and what the refusal names (the openidconnect crate's own words).
    for (mode, why) in [
        ("good", ""),
        ("bad-sig", "Crypto error"),
        ("alg-none", "No signature found"),
        ("iss-mismatch", "Invalid issuer"),
        ("aud-mismatch", "Invalid audiences"),
        ("nonce-invalid", "Invalid nonce"),
        ("expired", "expired"),
        ("kid-absent-multiple", "Ambiguous key identification"),
        ("hmac-public-key", "Disallowed signature algorithm"),
    ] {
        let provider = standin(&dir, mode, "sub-1", "jo@example.nhs.uk");
        let app = spawn_app_with(|f| configure_op(f, &provider.issuer)).await;
        app.given_user("jo@example.nhs.uk", Grant::default()).await;
        let (status, session, page) = attempt(&app).await;
        if mode == "good" {
            assert_eq!(
                (status, session),
                (Status::SeeOther, true),
                "{mode}: {page}"
            );
            continue;
        }
        assert_eq!(status, Status::Unauthorized, "{mode}: {page}");
        assert!(!session, "{mode} made a session");
        assert!(page.contains("You have not been signed in"), "{mode}");
        let details = genomics_training::audit::query(
            app.db(),
            &genomics_training::audit::Filter {
                action: Some("sign_in_failed".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("audit");
        let detail = details[0].detail.clone().unwrap_or_default();
        assert!(
            detail.contains(r#""provider":"op""#) && detail.contains("id_token_invalid"),
            "{mode}: {detail}"
        );
        assert!(detail.contains(why), "{mode}: {detail}");
        assert!(
            !detail.contains("eyJ"),
            "a token must never reach the audit log: {detail}"
        );
    }
}

#[rocket::async_test]
async fn unknown_kid_fetches_the_keys_again_at_most_once_a_minute_then_refuses() {
    let Some(dir) = node_tools() else { return };
    let provider = standin(&dir, "unknown-kid", "sub-2", "kim@example.nhs.uk");
    let app = spawn_app_with(|f| configure_op(f, &provider.issuer)).await;
    app.given_user("kim@example.nhs.uk", Grant::default()).await;
    let stats = format!("{}/stats", provider.issuer);
    let fetches = || async {
        reqwest::get(&stats)
            .await
            .expect("stats")
            .json::<serde_json::Value>()
            .await
            .expect("json")["jwksFetches"]
            .as_i64()
            .unwrap_or_default()
    };
    for round in 0..2 {
        let (status, session, _) = attempt(&app).await;
        assert_eq!(
            (status, session),
            (Status::Unauthorized, false),
            "round {round}"
        );
    }
    // Discovery fetched the keys once; the first unknown kid once more; the second, within the
    // minute, not again.
    assert_eq!(fetches().await, 2);
}

#[rocket::async_test]
async fn provider_that_does_not_answer_gets_a_503_page_within_the_bound() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // Accepts connections and never answers.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(8).flatten() {
            let mut stream = stream;
            let mut buffer = [0_u8; 1024];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
            let _ = stream.read(&mut buffer);
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let app = spawn_app_with(|f| {
        let f = configure_op(f, &format!("http://127.0.0.1:{port}"));
        genomics_training::config::with_app_setting(f, "database_timeout_seconds", 2)
    })
    .await;
    let began = Instant::now();
    let response = app.get("/login/sso/op").await;
    assert_eq!(response.status(), Status::ServiceUnavailable);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
    assert!(response.cookies().get("gt_sso").is_none());
    assert!(body_of(response).await.contains("did not answer in time"));
}

#[rocket::async_test]
async fn unknown_provider_is_a_404() {
    let app = spawn_app_with(|f| configure_op(f, "http://127.0.0.1:9")).await;
    assert_eq!(
        app.get("/login/sso/nobody").await.status(),
        Status::NotFound
    );
    assert_eq!(
        app.get("/login/sso/nobody/callback?code=x&state=y")
            .await
            .status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn password_sign_in_turned_off_hides_the_form_and_lets_only_admins_in() {
    let app = spawn_app_with(|f| {
        let f = configure_op(f, "http://127.0.0.1:9");
        genomics_training::config::with_app_setting(f, "password_sign_in", false)
    })
    .await;
    let page = body_of(app.get("/login").await).await;
    assert!(page.contains("href=\"/login/sso/op\""));
    assert!(
        !page.contains("name=\"password\""),
        "the password form is hidden"
    );
    let glass = body_of(app.get("/login?break_glass=true").await).await;
    assert!(glass.contains("name=\"password\""));

    let learner = app.given_user("lee@example.nhs.uk", Grant::default()).await;
    let admin = app
        .given_user(
            "root@example.nhs.uk",
            Grant {
                admin: true,
                ..Grant::default()
            },
        )
        .await;
    let visitor = app.visitor().await;
    let refused = app
        .post_form_as(
            &visitor,
            "/login",
            &[("email", &learner.email), ("password", &learner.password)],
        )
        .await;
    assert_eq!(refused.status(), Status::Forbidden);
    assert!(refused.cookies().get("gt_session").is_none());
    let (status, _) = crate::helpers::json_of(
        app.client
            .post("/api/v1/session")
            .header(rocket::http::ContentType::JSON)
            .body(json!({ "email": learner.email, "password": learner.password }).to_string())
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(status, Status::Forbidden);
    let visitor = app.visitor().await;
    let admitted = app
        .post_form_as(
            &visitor,
            "/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(admitted.status(), Status::SeeOther);
    assert!(admitted.cookies().get("gt_session").is_some());
}

#[rocket::async_test]
async fn failed_callbacks_from_one_address_are_slowed_like_failed_passwords() {
    let app = spawn_app_with(|f| configure_op(f, "http://127.0.0.1:9")).await;
    let from = "203.0.113.9:4000"
        .parse::<std::net::SocketAddr>()
        .expect("address");
    let mut statuses = Vec::new();
    for _ in 0..21 {
        let response = app
            .client
            .get("/login/sso/op/callback?code=c&state=forged")
            .remote(from)
            .dispatch()
            .await;
        assert!(response.cookies().get("gt_session").is_none());
        statuses.push(response.status().code);
    }
    assert!(statuses[..20].iter().all(|s| *s == 400), "{statuses:?}");
    assert_eq!(statuses[20], 429);
    // Another address is not slowed.
    let other = app
        .client
        .get("/login/sso/op/callback?code=c&state=forged")
        .remote("198.51.100.7:4000".parse().expect("address"))
        .dispatch()
        .await;
    assert_eq!(other.status(), Status::BadRequest);
}
