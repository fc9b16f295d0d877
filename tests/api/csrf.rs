//! CSRF: forms and JSON requests without the right token get a 403 with a clear message.

use rocket::http::{ContentType, Header, Method, Status};
use serde_json::json;

use crate::helpers::{body_of, json_of, spawn_app};

const CLEAR_MESSAGE: &str = "The form has expired or was not sent from this site";

#[rocket::async_test]
async fn form_without_token_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    let response = app.post_raw_form(&session, "/logout", &[]).await;
    assert_eq!(response.status(), Status::Forbidden);
    let body = body_of(response).await;
    assert!(body.contains(CLEAR_MESSAGE), "{body}");
    assert!(app.is_signed_in(&session).await, "nothing happened");
}

#[rocket::async_test]
async fn form_with_wrong_token_is_refused() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.admin).await;
    let response = app
        .post_raw_form(
            &session,
            "/admin/organisations",
            &[("csrf_token", "0000"), ("code", "RX9"), ("name", "Trust X")],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    assert!(body_of(response).await.contains(CLEAR_MESSAGE));
    let (_, body) = app
        .get_json_as(&session, "/api/v1/admin/organisations")
        .await;
    assert!(
        !body.to_string().contains("RX9"),
        "organisation not created"
    );
}

#[rocket::async_test]
async fn token_of_another_session_is_refused() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let mine = app.sign_in_as(&world.learner).await;
    let theirs = app.sign_in_as(&world.trainer).await;
    let response = app
        .post_raw_form(&mine, "/logout", &[("csrf_token", &theirs.csrf)])
        .await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn json_request_without_header_gets_json_403() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.admin).await;
    let response = app
        .client
        .put(format!("/api/v1/admin/users/{}/roles", world.learner.id))
        .cookies(session.cookies.clone())
        .header(ContentType::JSON)
        .body(json!({ "admin": true }).to_string())
        .dispatch()
        .await;
    let (status, body) = json_of(response).await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(body["status"], 403);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains(CLEAR_MESSAGE),
        "{body}"
    );
}

#[rocket::async_test]
async fn json_request_with_wrong_header_gets_403() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    let response = app
        .client
        .delete("/api/v1/session")
        .cookies(session.cookies.clone())
        .header(Header::new("X-CSRF-Token", "wrong"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    assert!(app.is_signed_in(&session).await);
    let mut good = session.clone();
    good.csrf = session.csrf.clone();
    let (status, _) = app
        .send_json_as(&good, Method::Delete, "/api/v1/session", json!({}))
        .await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn anonymous_sign_in_form_needs_the_pre_session_token() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let visitor = app.visitor().await;
    let credentials = [
        ("email", world.learner.email.as_str()),
        ("password", world.learner.password.as_str()),
    ];
    let refused = app.post_raw_form(&visitor, "/login", &credentials).await;
    assert_eq!(refused.status(), Status::Forbidden);
    let accepted = app.post_form_as(&visitor, "/login", &credentials).await;
    assert_eq!(accepted.status(), Status::SeeOther);
    assert!(accepted.cookies().get("gt_session").is_some());
}

#[rocket::async_test]
async fn every_form_on_the_sign_in_page_carries_the_token() {
    let app = spawn_app().await;
    let response = app.get("/login").await;
    let token = response
        .cookies()
        .get("gt_csrf")
        .expect("cookie")
        .value()
        .to_owned();
    let body = body_of(response).await;
    assert!(body.contains(&format!("name=\"csrf_token\" value=\"{token}\"")));
}

#[rocket::async_test]
async fn error_responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    let forbidden = app.get_as(&learner, "/admin").await;
    let csrf = app.post_raw_form(&learner, "/logout", &[]).await;
    let unauthorised = app.get_json("/api/v1/me").await.0;
    assert_eq!(unauthorised, Status::Unauthorized);
    let unauthorised = app.client.get("/api/v1/me").dispatch().await;
    let invalid = app.post_form_as(&learner, "/account/password", &[]).await;
    for response in [&forbidden, &csrf, &unauthorised, &invalid] {
        let headers = response.headers();
        let csp = headers
            .get_one("Content-Security-Policy")
            .unwrap_or_default();
        assert!(
            csp.contains("object-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{}",
            response.status()
        );
        assert_eq!(headers.get_one("X-Content-Type-Options"), Some("nosniff"));
        assert!(headers.get_one("Referrer-Policy").is_some());
    }
    assert_eq!(forbidden.status(), Status::Forbidden);
    assert_eq!(invalid.status(), Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn a_pre_session_cookie_the_service_did_not_issue_is_refused() {
    use rocket::http::{ContentType, Cookie};
    let app = spawn_app().await;
    let world = app.given_world().await;
    let body = format!(
        "csrf_token=abc&email={}&password={}",
        world.learner.email.replace('@', "%40"),
        world.learner.password.replace(' ', "+")
    );
    let planted = app
        .client
        .post("/login")
        .cookie(Cookie::new("gt_csrf", "abc"))
        .header(ContentType::Form)
        .body(body.clone())
        .dispatch()
        .await;
    assert_eq!(planted.status(), Status::Forbidden);
    // A well-formed random value is no better than `abc`: it must be signed by the service.
    let random = "a".repeat(64);
    let planted = app
        .client
        .post("/login")
        .cookie(Cookie::new("gt_csrf", random.clone()))
        .header(ContentType::Form)
        .body(body.replace("csrf_token=abc", &format!("csrf_token={random}")))
        .dispatch()
        .await;
    assert_eq!(planted.status(), Status::Forbidden);
    // The page replaces a planted cookie with one it signed.
    let page = app
        .client
        .get("/login")
        .cookie(Cookie::new("gt_csrf", "abc"))
        .dispatch()
        .await;
    let fresh = page.cookies().get("gt_csrf").map(|c| c.value().to_owned());
    assert!(fresh.is_some_and(|v| v != "abc" && v.contains('.')));
}
