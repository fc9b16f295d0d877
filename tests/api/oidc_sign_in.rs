//! Single sign-on through a real OpenID Provider (`oidc-provider`, scripted through its login
//! and consent pages): imported people sign in and see their own history, links survive a
//! changed email, cancelling and replaying are refused, keys rotate, sign-out reaches the
//! provider. Skipped (with a message) where node is missing, except in CI.

use genomics_training::entities::{identity_link, user};
use rocket::http::{Cookie, Method, Status};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app_with};
use crate::import::{HEADER, given_import_setup};
use crate::oidc_support::{APP_URL, AtProvider, ProviderBrowser, RealProvider, node_tools};
use crate::reports_support::{sit, sitting};

/// Starts a sign-in at `provider` as the browser holding `cookies`: the provider's
/// authorization URL and the sign-in cookie.
pub async fn start(
    app: &TestApp,
    provider: &str,
    cookies: &[Cookie<'static>],
) -> (String, Cookie<'static>) {
    let response = app
        .client
        .get(format!("/login/sso/{provider}?next=/learn"))
        .cookies(cookies.to_vec())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther, "start {provider}");
    let location = response
        .headers()
        .get_one("Location")
        .expect("location")
        .to_owned();
    let cookie = response
        .cookies()
        .get("gt_sso")
        .expect("sign-in cookie")
        .clone()
        .into_owned();
    (location, cookie)
}

/// The app's answer to the provider's callback `path`.
pub async fn callback<'a>(
    app: &'a TestApp,
    path: &str,
    cookies: Vec<Cookie<'static>>,
) -> LocalResponse<'a> {
    app.client
        .get(path.to_owned())
        .cookies(cookies)
        .dispatch()
        .await
}

/// The session a successful callback answer started.
pub async fn session_from(app: &TestApp, response: LocalResponse<'_>) -> Session {
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap_or_default();
    assert!(["/learn", "/account/job"].contains(&location), "{location}");
    let id = response
        .cookies()
        .get("gt_session")
        .expect("session cookie")
        .value()
        .to_owned();
    let mut session = Session {
        cookies: vec![Cookie::new("gt_session", id)],
        csrf: String::new(),
    };
    let (status, me) = app.get_json_as(&session, "/api/v1/me").await;
    assert_eq!(status, Status::Ok);
    session.csrf = me["csrf_token"].as_str().expect("csrf").to_owned();
    session
}

/// Signs in through `provider` as the provider's account `login`.
async fn sign_in(app: &TestApp, provider: &str, login: &str) -> Session {
    let (authorization, cookie) = start(app, provider, &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs(login))
        .await;
    session_from(app, callback(app, &path, vec![cookie]).await).await
}

async fn me(app: &TestApp, session: &Session) -> Value {
    app.get_json_as(session, "/api/v1/me").await.1
}

fn assert_no_session(response: &LocalResponse<'_>) {
    assert!(
        response.cookies().get("gt_session").is_none(),
        "a refused sign-in must not start a session"
    );
}

#[rocket::async_test]
async fn person_imported_by_csv_signs_in_through_the_provider_and_sees_their_own_history() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "ann-at-provider": { "email": "Ann.Smith@Example.NHS.uk", "email_verified": true, "name": "Ann Smith" } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let admin = given_import_setup(&app).await;
    let csv = format!(
        "{HEADER}\n1001,ann.smith@example.nhs.uk,Ann Smith,RX1,Administrative and Clerical,Receptionist,3\n"
    );
    let (status, report) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": csv }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{report}");
    let ann = user::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "ann.smith@example.nhs.uk")
        .expect("imported");
    sit(
        app.db(),
        ann.id,
        "baseline",
        sitting(2, genomics_training::assessment::answer::Sureness::High, 3),
    )
    .await;

    let page = body_of(app.get("/login").await).await;
    assert!(page.contains("href=\"/login/sso/op\""), "{page}");
    assert!(page.contains("Sign in with the test provider"));

    let session = sign_in(&app, "op", "ann-at-provider").await;
    assert_eq!(me(&app, &session).await["id"], json!(ann.id));
    let (status, export) = app.get_json_as(&session, "/api/v1/record/export").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        export["data"]["responses"].as_array().map(Vec::len),
        Some(24)
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"identity_linked".to_owned()),
        "{actions:?}"
    );
    assert!(actions.contains(&"sign_in".to_owned()));
}

#[rocket::async_test]
async fn three_sign_ins_with_a_changed_email_leave_one_account() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "bo": { "email": "bo@example.nhs.uk", "email_verified": true } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let bo = app.given_user("bo@example.nhs.uk", Grant::default()).await;
    let people = user::Entity::find().count(app.db()).await.unwrap();
    for email in [
        "bo@example.nhs.uk",
        "bo.new@example.nhs.uk",
        "robert@nhs.net",
    ] {
        provider.set_accounts(json!({ "bo": { "email": email, "email_verified": true } }));
        let session = sign_in(&app, "op", "bo").await;
        assert_eq!(
            me(&app, &session).await["id"],
            json!(bo.id),
            "signed in with {email}"
        );
    }
    assert_eq!(user::Entity::find().count(app.db()).await.unwrap(), people);
    assert_eq!(
        identity_link::Entity::find().count(app.db()).await.unwrap(),
        1
    );
}

#[rocket::async_test]
async fn cancelling_at_the_provider_signs_nobody_in() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "cy": { "email": "cy@example.nhs.uk" } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    app.given_user("cy@example.nhs.uk", Grant::default()).await;
    let (authorization, cookie) = start(&app, "op", &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::Cancel)
        .await;
    assert!(path.contains("error=access_denied"), "{path}");
    let response = callback(&app, &path, vec![cookie]).await;
    assert_eq!(response.status(), Status::BadRequest);
    assert_no_session(&response);
    assert!(body_of(response).await.contains("You cancelled signing in"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"sign_in_failed".to_owned())
    );
}

#[rocket::async_test]
async fn callback_with_a_missing_or_wrong_state_or_used_twice_is_refused() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "di": { "email": "di@example.nhs.uk" } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    app.given_user("di@example.nhs.uk", Grant::default()).await;

    // state wrong, then state missing: each on a sign-in of its own.
    for tamper in [
        |p: &str| p.replace("state=", "state=x"),
        |p: &str| {
            p.split('&')
                .filter(|part| !part.contains("state="))
                .collect::<Vec<_>>()
                .join("&")
        },
    ] {
        let (authorization, cookie) = start(&app, "op", &[]).await;
        let path = ProviderBrowser::default()
            .visit(&authorization, AtProvider::SignInAs("di"))
            .await;
        let response = callback(&app, &tamper(&path), vec![cookie]).await;
        assert_eq!(response.status(), Status::BadRequest, "{path}");
        assert_no_session(&response);
    }

    // A callback from another browser (no sign-in cookie) is refused.
    let (authorization, cookie) = start(&app, "op", &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("di"))
        .await;
    let response = callback(&app, &path, vec![]).await;
    assert_eq!(response.status(), Status::BadRequest);
    assert_no_session(&response);

    // The code used twice: the first use signs in, the second is refused.
    let (authorization, cookie2) = start(&app, "op", &[]).await;
    drop(cookie);
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("di"))
        .await;
    session_from(&app, callback(&app, &path, vec![cookie2.clone()]).await).await;
    let again = callback(&app, &path, vec![cookie2]).await;
    assert_eq!(again.status(), Status::BadRequest);
    assert_no_session(&again);
}

#[rocket::async_test]
async fn provider_signing_key_rotation_is_followed() {
    let Some(dir) = node_tools() else { return };
    let mut provider = RealProvider::start(
        &dir,
        json!({ "ed": { "email": "ed@example.nhs.uk" } }),
        "first-key",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let ed = app.given_user("ed@example.nhs.uk", Grant::default()).await;
    sign_in(&app, "op", "ed").await;
    provider.rotate_key("second-key");
    let session = sign_in(&app, "op", "ed").await;
    assert_eq!(me(&app, &session).await["id"], json!(ed.id));
}

#[rocket::async_test]
async fn private_key_jwt_client_links_by_employee_number() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "fi": { "email": "someone.else@nhs.net", "employee_number": "20417" } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let org = app.given_organisation("RA1", "Trust A").await;
    let fi = app
        .given_user(
            "fi@example.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Grant::default()
            },
        )
        .await;
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db(),
        &format!(
            "UPDATE users SET employee_number = '20417' WHERE id = {}",
            fi.id
        ),
    )
    .await
    .unwrap();
    let session = sign_in(&app, "cis2", "fi").await;
    assert_eq!(me(&app, &session).await["id"], json!(fi.id));
}

#[rocket::async_test]
async fn unknown_and_disabled_people_get_a_clear_page_and_no_session() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({
            "stranger": { "email": "stranger@example.nhs.uk" },
            "gus": { "email": "gus@example.nhs.uk" },
        }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let (authorization, cookie) = start(&app, "op", &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("stranger"))
        .await;
    let response = callback(&app, &path, vec![cookie]).await;
    assert_eq!(response.status(), Status::Forbidden);
    assert_no_session(&response);
    assert!(
        body_of(response)
            .await
            .contains("has no account for you yet")
    );

    let gus = app.given_user("gus@example.nhs.uk", Grant::default()).await;
    sign_in(&app, "op", "gus").await;
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db(),
        &format!(
            "UPDATE users SET disabled_at = created_at WHERE id = {}",
            gus.id
        ),
    )
    .await
    .unwrap();
    let (authorization, cookie) = start(&app, "op", &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("gus"))
        .await;
    let response = callback(&app, &path, vec![cookie]).await;
    assert_eq!(response.status(), Status::Forbidden);
    assert_no_session(&response);
}

#[rocket::async_test]
async fn sign_in_rotates_the_session_and_sign_out_goes_to_the_provider() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "hal": { "email": "hal@example.nhs.uk" } }),
        "k1",
    );
    let app = spawn_app_with(|f| provider.configure(f)).await;
    let hal = app.given_user("hal@example.nhs.uk", Grant::default()).await;
    let before = app.session_for(&hal).await;
    let (authorization, cookie) = start(&app, "op", &before.cookies).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("hal"))
        .await;
    let mut cookies = before.cookies.clone();
    cookies.push(cookie);
    let session = session_from(&app, callback(&app, &path, cookies).await).await;
    assert_ne!(session.session_id(), before.session_id());
    assert!(
        !app.is_signed_in(&before).await,
        "the old session id must end"
    );

    let response = app.post_form_as(&session, "/logout", &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_owned();
    assert!(
        location.starts_with(&format!("{}/session/end?", provider.issuer())),
        "{location}"
    );
    assert!(location.contains("id_token_hint="));
    let back = format!(
        "post_logout_redirect_uri={}",
        crate::helpers::urlencode(&format!("{APP_URL}/"))
    );
    assert!(
        location.contains(&back)
            || location.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2F"),
        "{location}"
    );
    assert!(!app.is_signed_in(&session).await);
}

#[rocket::async_test]
async fn unknown_person_becomes_a_learner_in_their_organisation_when_the_provider_allows() {
    let Some(dir) = node_tools() else { return };
    let provider = RealProvider::start(
        &dir,
        json!({ "ivy": { "email": "ivy@example.nhs.uk", "name": "Ivy Jones", "org_code": "trust-a" } }),
        "k1",
    );
    let app = spawn_app_with(|f| {
        let f = provider.configure(f);
        let f = genomics_training::config::with_app_setting(f, "oidc.op.create_unknown", true);
        let f = genomics_training::config::with_app_setting(
            f,
            "oidc.op.organisation_claim",
            "org_code",
        );
        genomics_training::config::with_app_setting(
            f,
            "oidc.op.organisations",
            json!({ "trust-a": "RA1" }),
        )
    })
    .await;
    app.given_organisation("RA1", "Trust A").await;
    let (authorization, cookie) = start(&app, "op", &[]).await;
    let path = ProviderBrowser::default()
        .visit(&authorization, AtProvider::SignInAs("ivy"))
        .await;
    let response = callback(&app, &path, vec![cookie]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/account/job"));
    let session = session_from(&app, response).await;
    let page = body_of(app.get_as(&session, "/account/job").await).await;
    assert!(page.contains("You work for Trust A"), "{page}");
    assert!(page.contains("value=\"receptionist\""), "{page}");
    let refused = app
        .post_form_as(&session, "/account/job", &[("job_role", "no-such-role")])
        .await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let chosen = app
        .post_form_as(&session, "/account/job", &[("job_role", "receptionist")])
        .await;
    assert_eq!(chosen.headers().get_one("Location"), Some("/learn"));
    let who = me(&app, &session).await;
    assert_eq!(
        who["current_job"]["organisation_code"],
        json!("RA1"),
        "{who}"
    );
    assert_eq!(
        who["current_job"]["job_role_slug"],
        json!("receptionist"),
        "{who}"
    );
    // Chosen once: the page now sends them on.
    assert_eq!(
        app.get_as(&session, "/account/job").await.status(),
        Status::SeeOther
    );
    assert_eq!(who["email"], json!("ivy@example.nhs.uk"), "{who}");
    assert!(
        app.audit_actions()
            .await
            .contains(&"account_created_by_sso".to_owned())
    );
}
