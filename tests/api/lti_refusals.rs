//! Every launch the tool must refuse, made by the independent platform (`tests/lti`): a clear
//! 4xx page saying what happened, and no session.

use genomics_training::entities::session;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::lti_support::{Launched, Platform, initiate, launch, post_launch, ready};

const LTI: &str = "https://purl.imsglobal.org/spec/lti/claim/";

/// Sessions begun by a launch (the admin who registered the platform has one of their own).
async fn sessions(app: &TestApp) -> u64 {
    session::Entity::find()
        .filter(session::Column::LtiView.is_not_null())
        .count(app.db())
        .await
        .expect("count")
}

fn assert_refused(launched: &Launched, status: Status, says: &str) {
    assert_eq!(launched.status, status, "{}", launched.body);
    assert!(
        launched.body.contains(says),
        "{says:?} in {}",
        launched.body
    );
    assert!(
        launched
            .body
            .contains("Genomics training could not be opened")
    );
    assert!(launched.session_cookie.is_none(), "no session cookie");
}

/// A launch by nurse@trust.nhs.uk with `extra` overrides.
async fn as_nurse(app: &TestApp, platform: &Platform, extra: Value) -> Launched {
    launch(app, platform, "nurse", nurse(extra)).await
}

fn nurse(extra: Value) -> Value {
    let mut overrides = json!({ "email": "nurse@trust.nhs.uk" });
    if let (Some(target), Some(more)) = (overrides.as_object_mut(), extra.as_object()) {
        target.extend(more.clone());
    }
    overrides
}

#[rocket::async_test]
async fn a_token_signed_by_another_key_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = as_nurse(&app, &platform, json!({ "foreignKey": true })).await;
    assert_refused(
        &launched,
        Status::Unauthorized,
        "not signed by your learning platform",
    );
    let launched = as_nurse(&app, &platform, json!({ "kid": "made-up" })).await;
    assert_refused(
        &launched,
        Status::Unauthorized,
        "not signed by your learning platform",
    );
    assert_eq!(sessions(&app).await, 0);
}

#[rocket::async_test]
async fn an_unknown_issuer_or_deployment_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let response = app
        .get("/lti/login?iss=https%3A%2F%2Fmoodle.elsewhere.example&login_hint=x&target_link_uri=http%3A%2F%2F127.0.0.1%3A8000%2Flti%2Flaunch")
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let page = crate::helpers::body_of(response).await;
    assert!(
        page.contains("not registered with Genomics training"),
        "{page}"
    );
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "claims": { format!("{LTI}deployment_id"): "deployment-9" } }),
    )
    .await;
    assert_refused(&launched, Status::Forbidden, "deployment");
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "claims": { "iss": "https://evil.example" } }),
    )
    .await;
    assert_refused(&launched, Status::Forbidden, "issuer");
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "claims": { "aud": "another-tool" } }),
    )
    .await;
    assert_refused(&launched, Status::Forbidden, "another tool");
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "claims": { "aud": ["gt-tool-client", "another-tool"], "azp": "another-tool" } }),
    )
    .await;
    assert_refused(&launched, Status::Forbidden, "another tool");
    assert_eq!(sessions(&app).await, 0);
}

#[rocket::async_test]
async fn a_replayed_launch_or_nonce_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    platform.next_launch(nurse(json!({}))).await;
    let initiated = initiate(&app, &platform, "nurse").await;
    let (id_token, state) = platform
        .authorize(initiated.location.as_deref().expect("location"))
        .await;
    let first = post_launch(&app, initiated.state_cookie.clone(), &id_token, &state).await;
    assert_eq!(first.status, Status::SeeOther, "{}", first.body);
    // The same post again: the state is used up.
    let again = post_launch(&app, initiated.state_cookie, &id_token, &state).await;
    assert_refused(&again, Status::BadRequest, "used already or has expired");
    // The captured token under a fresh login: its nonce is not this login's.
    let fresh = initiate(&app, &platform, "nurse").await;
    let location = fresh.location.expect("location");
    let new_state = location
        .split("state=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("state in the redirect")
        .to_owned();
    let replayed = post_launch(&app, fresh.state_cookie, &id_token, &new_state).await;
    assert_refused(&replayed, Status::BadRequest, "not made for this launch");
    assert_eq!(sessions(&app).await, 1, "only the first launch");
}

#[rocket::async_test]
async fn a_launch_from_another_browser_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    platform.next_launch(nurse(json!({}))).await;
    let initiated = initiate(&app, &platform, "nurse").await;
    let (id_token, state) = platform
        .authorize(initiated.location.as_deref().expect("location"))
        .await;
    let launched = post_launch(&app, None, &id_token, &state).await;
    assert_refused(
        &launched,
        Status::BadRequest,
        "did not start in this browser",
    );
    let launched = post_launch(&app, initiated.state_cookie, "", &state).await;
    assert_refused(&launched, Status::BadRequest, "could not be read");
    assert_eq!(sessions(&app).await, 0);
}

#[rocket::async_test]
async fn an_expired_token_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = as_nurse(&app, &platform, json!({ "expiresIn": -300 })).await;
    assert_refused(&launched, Status::Unauthorized, "has expired");
    assert_eq!(sessions(&app).await, 0);
}

#[rocket::async_test]
async fn a_wrong_message_type_or_version_is_refused() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "messageType": "LtiSubmissionReviewRequest" }),
    )
    .await;
    assert_refused(&launched, Status::BadRequest, "kind of launch");
    let launched = as_nurse(
        &app,
        &platform,
        json!({ "claims": { format!("{LTI}version"): "1.1.0" } }),
    )
    .await;
    assert_refused(&launched, Status::BadRequest, "other than 1.3.0");
    assert_eq!(sessions(&app).await, 0);
}

#[rocket::async_test]
async fn a_token_missing_a_claim_is_refused_naming_it() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    for claim in [
        "sub".to_owned(),
        "nonce".to_owned(),
        format!("{LTI}message_type"),
        format!("{LTI}version"),
        format!("{LTI}deployment_id"),
        format!("{LTI}roles"),
        format!("{LTI}resource_link"),
    ] {
        let launched = launch(
            &app,
            &platform,
            "nurse",
            nurse(json!({ "claims": { claim.clone(): null } })),
        )
        .await;
        let says = if claim == "nonce" {
            "not made for this launch"
        } else {
            claim.as_str()
        };
        assert_refused(&launched, Status::BadRequest, says);
    }
    assert_eq!(sessions(&app).await, 0);
}
