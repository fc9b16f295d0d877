//! LTI 1.3 launches from an independent platform (`tests/lti/platform.mjs`, on `jose`): the
//! admin's registration, a resource link launch that signs the imported person in and opens
//! the module, deep linking signed back to the platform, learner and trainer views (never
//! admin), the frame headers, and key rotation on both sides.

use rocket::http::{Method, SameSite, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{Grant, body_of, spawn_app};
use crate::lti_support::{
    INSTRUCTOR_ROLE, LEARNER_ROLE, Platform, csp_of, given_teacher, hidden_field, launch, ready,
    registered,
};

#[rocket::async_test]
async fn admin_registers_a_platform_and_the_page_shows_what_the_platform_needs() {
    let app = spawn_app().await;
    let Some(platform) = Platform::start() else {
        return;
    };
    let created = registered(&app, &platform).await;
    assert_eq!(created["deployment_ids"], json!(["deployment-1"]));
    let admin = app
        .given_user(
            "second-admin@x.nhs.uk",
            Grant {
                admin: true,
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&admin).await;
    let page = body_of(app.get_as(&session, "/admin/lti").await).await;
    for shown in [
        "http://127.0.0.1:8000/lti/login",
        "http://127.0.0.1:8000/lti/launch",
        "http://127.0.0.1:8000/lti/jwks",
        "Test Moodle",
        platform.issuer(),
    ] {
        assert!(page.contains(shown), "{shown} on the page");
    }
    // The same registration again is refused; a bad address is named.
    let (status, _) = app
        .send_json_as(
            &session,
            Method::Post,
            "/api/v1/admin/lti/platforms",
            platform.registration(),
        )
        .await;
    assert_eq!(status, Status::Conflict);
    let mut bad = platform.registration();
    bad["client_id"] = json!("other");
    bad["jwks_url"] = json!("not an address");
    bad["deployment_ids"] = json!([]);
    let (status, body) = app
        .send_json_as(&session, Method::Post, "/api/v1/admin/lti/platforms", bad)
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    let message = body.to_string();
    assert!(
        message.contains("key set address") && message.contains("deployment id"),
        "{message}"
    );
    // The page form: errors beside the fields, and nothing registered.
    let response = app
        .post_form_as(
            &session,
            "/admin/lti/platforms",
            &[("name", ""), ("issuer", "x")],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("Enter the name."), "{page}");
    let (_, setup) = app.get_json_as(&session, "/api/v1/admin/lti").await;
    assert_eq!(setup["platforms"].as_array().map(Vec::len), Some(1));
    assert_eq!(setup["tool"]["jwks_url"], "http://127.0.0.1:8000/lti/jwks");
}

#[rocket::async_test]
async fn a_resource_link_launch_signs_the_imported_person_in_and_opens_the_module() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let org = app.given_organisation("RY1", "Trust Y").await;
    let grant = Grant {
        admin: true,
        works_in: Some(org),
        ..Default::default()
    };
    let person = app.given_user("matron@trust.nhs.uk", grant).await;
    let launched = launch(
        &app,
        &platform,
        "moodle-user-7",
        json!({ "email": "Matron@Trust.nhs.uk", "custom": { "activity": "module:samples" } }),
    )
    .await;
    assert_eq!(launched.status, Status::SeeOther, "{}", launched.body);
    assert_eq!(launched.location.as_deref(), Some("/learn/modules/samples"));
    let cookie = launched.session_cookie.clone().expect("session cookie");
    assert_eq!(cookie.same_site(), Some(SameSite::None));
    assert_eq!(cookie.secure(), Some(true));
    let session = launched.session.expect("signed in");
    let (status, me) = app.get_json_as(&session, "/api/v1/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(me["email"], person.email);
    // An admin launched from a course is a learner here: never an admin.
    assert_eq!(me["roles"]["admin"], false, "{me}");
    assert_eq!(
        app.get_as(&session, "/admin/lti").await.status(),
        Status::Forbidden
    );
    // The launched session's pages may be framed by the platform only.
    let response = app.get_as(&session, "/learn/modules/samples/pages/1").await;
    assert_eq!(response.status(), Status::Ok);
    let csp = csp_of(&response);
    assert!(
        csp.contains(&format!("frame-ancestors 'self' {}", platform.issuer())),
        "{csp}"
    );
    assert!(response.headers().get_one("X-Frame-Options").is_none());
    // A later launch by the same platform account finds the person through the link, even
    // with no email in the token.
    let again = launch(&app, &platform, "moodle-user-7", json!({ "email": null })).await;
    assert_eq!(again.status, Status::SeeOther, "{}", again.body);
    assert_eq!(
        again.location.as_deref(),
        Some("/learn"),
        "no activity: the baseline"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"identity_linked".to_owned()),
        "{actions:?}"
    );
}

#[rocket::async_test]
async fn everything_else_keeps_todays_frame_headers() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let response = app.get("/login").await;
    let csp = response
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(response.headers().get_one("X-Frame-Options"), Some("DENY"));
    let response = app.get("/lti/jwks").await;
    let csp = response
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default();
    assert!(
        csp.contains(&format!("frame-ancestors 'self' {}", platform.issuer())),
        "{csp}"
    );
    assert!(!csp.contains("127.0.0.1:1 "), "only registered platforms");
}

#[rocket::async_test]
async fn someone_nobody_imported_is_refused_with_no_session() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = launch(
        &app,
        &platform,
        "stranger",
        json!({ "email": "stranger@x.nhs.uk" }),
    )
    .await;
    assert_eq!(launched.status, Status::Forbidden);
    assert!(
        launched.body.contains("has no account for you yet"),
        "{}",
        launched.body
    );
    assert!(launched.session.is_none());
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"sign_in_failed".to_owned()),
        "{actions:?}"
    );
}

#[rocket::async_test]
async fn the_employee_number_links_someone_whose_email_differs() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let person = app
        .given_user("porter@trust.nhs.uk", Grant::default())
        .await;
    genomics_training::entities::user::Entity::update_many()
        .col_expr(
            genomics_training::entities::user::Column::EmployeeNumber,
            sea_orm::sea_query::Expr::value("E-1234"),
        )
        .filter(genomics_training::entities::user::Column::Id.eq(person.id))
        .exec(app.db())
        .await
        .expect("set employee number");
    let launched = launch(
        &app,
        &platform,
        "moodle-9",
        json!({ "email": "someone.else@gmail.com", "custom": { "employee_number": "E-1234" } }),
    )
    .await;
    assert_eq!(launched.status, Status::SeeOther, "{}", launched.body);
    let (_, me) = app
        .get_json_as(&launched.session.expect("session"), "/api/v1/me")
        .await;
    assert_eq!(me["email"], person.email);
}

#[rocket::async_test]
async fn an_instructor_who_is_a_trainer_gets_the_trainer_view() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    given_teacher(&app).await;
    let overrides = json!({
        "email": "teacher@trust.nhs.uk",
        "roles": [INSTRUCTOR_ROLE],
        "custom": { "activity": "module:samples" },
    });
    let launched = launch(&app, &platform, "teacher", overrides).await;
    assert_eq!(
        launched.location.as_deref(),
        Some("/author/modules/samples")
    );
    // The same trainer launching as a learner gets the learner's view.
    let overrides = json!({ "email": "teacher@trust.nhs.uk", "roles": [LEARNER_ROLE] });
    let launched = launch(&app, &platform, "teacher", overrides).await;
    assert_eq!(launched.location.as_deref(), Some("/learn"));
    let session = launched.session.expect("session");
    assert_eq!(
        app.get_as(&session, "/author/modules").await.status(),
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn an_instructor_picks_a_module_by_deep_linking_and_the_platform_accepts_the_signed_answer() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    given_teacher(&app).await;
    let overrides = json!({
        "email": "teacher@trust.nhs.uk",
        "roles": [INSTRUCTOR_ROLE],
        "messageType": "LtiDeepLinkingRequest",
        "data": "course-1-section-2",
    });
    let launched = launch(&app, &platform, "teacher", overrides).await;
    assert_eq!(launched.status, Status::Ok, "{}", launched.body);
    assert!(launched.body.contains("Choose what the link opens"));
    assert!(
        launched.body.contains("value=\"module:samples\""),
        "{}",
        launched.body
    );
    let context = hidden_field(&launched.body, "context").expect("context");
    let session = launched.session.expect("session");
    let response = app
        .post_form_as(
            &session,
            "/lti/deep-link",
            &[("context", &context), ("activity", "module:samples")],
        )
        .await;
    assert_eq!(response.status(), Status::Ok);
    let csp = csp_of(&response);
    assert!(
        csp.contains(&format!("form-action 'self' {}", platform.issuer())),
        "{csp}"
    );
    let page = body_of(response).await;
    let jwt = hidden_field(&page, "JWT").expect("signed answer");
    let return_url = format!("{}/deep-link-return", platform.issuer());
    assert!(page.contains(&format!("action=\"{return_url}\"")), "{page}");
    platform.take_tool_keys(&app).await;
    let (status, answer) = platform.post_deep_link(&return_url, &jwt).await;
    assert_eq!(status, 200, "{answer}");
    let received = platform.deep_links().await;
    assert_eq!(received[0]["data"], "course-1-section-2");
    let item = &received[0]["items"][0];
    assert_eq!(item["type"], "ltiResourceLink");
    assert_eq!(item["url"], "http://127.0.0.1:8000/lti/launch");
    assert_eq!(item["custom"]["activity"], "module:samples");
    // The choice is used once.
    let again = app
        .post_form_as(
            &session,
            "/lti/deep-link",
            &[("context", &context), ("activity", "baseline")],
        )
        .await;
    assert_eq!(again.status(), Status::BadRequest);
    // A learner may not deep link.
    app.given_user("learner@trust.nhs.uk", Grant::default())
        .await;
    let overrides = json!({
        "email": "learner@trust.nhs.uk",
        "messageType": "LtiDeepLinkingRequest",
    });
    let refused = launch(&app, &platform, "learner", overrides).await;
    assert_eq!(refused.status, Status::Forbidden);
    assert!(refused.session.is_none());
}

#[rocket::async_test]
async fn the_tool_rotates_its_key_and_the_platform_still_checks_answers_signed_before() {
    let app = spawn_app().await;
    let Some(platform) = Platform::start() else {
        return;
    };
    let created = registered(&app, &platform).await;
    let _ = created;
    given_teacher(&app).await;
    let deep_link = async |activity: &str| {
        let overrides = json!({
            "email": "teacher@trust.nhs.uk",
            "roles": [INSTRUCTOR_ROLE],
            "messageType": "LtiDeepLinkingRequest",
        });
        let launched = launch(&app, &platform, "teacher", overrides).await;
        let context = hidden_field(&launched.body, "context").expect("context");
        let session = launched.session.expect("session");
        let response = app
            .post_form_as(
                &session,
                "/lti/deep-link",
                &[("context", &context), ("activity", activity)],
            )
            .await;
        hidden_field(&body_of(response).await, "JWT").expect("jwt")
    };
    let before = deep_link("baseline").await;
    let (_, keys_before) = app.get_json("/lti/jwks").await;
    let admin = app
        .given_user(
            "rotator@x.nhs.uk",
            Grant {
                admin: true,
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&admin).await;
    let (status, rotated) = app
        .send_json_as(
            &session,
            Method::Post,
            "/api/v1/admin/lti/keys/rotate",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let after = deep_link("module:samples").await;
    let (_, keys_after) = app.get_json("/lti/jwks").await;
    let kids: Vec<&str> = keys_after["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert_eq!(kids.len(), 2, "new and old published: {keys_after}");
    assert_eq!(kids[0], rotated["kid"].as_str().expect("kid"));
    assert_eq!(
        kids[1],
        keys_before["keys"][0]["kid"].as_str().expect("old kid")
    );
    platform.take_tool_keys(&app).await;
    let return_url = format!("{}/deep-link-return", platform.issuer());
    for jwt in [&before, &after] {
        let (status, answer) = platform.post_deep_link(&return_url, jwt).await;
        assert_eq!(status, 200, "{answer}");
    }
}

#[rocket::async_test]
async fn the_platform_rotates_its_key_and_the_next_launch_fetches_the_new_one() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let first = launch(
        &app,
        &platform,
        "nurse",
        json!({ "email": "nurse@trust.nhs.uk" }),
    )
    .await;
    assert_eq!(first.status, Status::SeeOther, "{}", first.body);
    platform.rotate_key(false).await;
    let second = launch(
        &app,
        &platform,
        "nurse",
        json!({ "email": "nurse@trust.nhs.uk" }),
    )
    .await;
    assert_eq!(second.status, Status::SeeOther, "{}", second.body);
}
