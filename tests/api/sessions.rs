//! Sessions: cookie flags, a new id at sign-in, idle and absolute expiry, and the events that
//! end them (sign-out, password change, disabling, role changes).

use chrono::{Duration, Utc};
use genomics_training::accounts::token;
use genomics_training::entities::session;
use rocket::http::{Method, SameSite, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use crate::helpers::{Grant, Session, spawn_app};

async fn set_session_times(
    app: &crate::helpers::TestApp,
    session: &Session,
    last_seen_ago: Duration,
    expires_in: Duration,
) {
    let id = session.session_id().expect("session id");
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            Expr::value(Utc::now() - last_seen_ago),
        )
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(Utc::now() + expires_in),
        )
        .filter(session::Column::IdHash.eq(token::digest(&id)))
        .exec(app.db())
        .await
        .expect("update session");
}

#[rocket::async_test]
async fn session_cookie_is_http_only_same_site_lax_and_holds_only_a_hash_in_the_database() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let response = app
        .client
        .post("/api/v1/session")
        .header(rocket::http::ContentType::JSON)
        .body(
            json!({ "email": world.learner.email, "password": world.learner.password }).to_string(),
        )
        .dispatch()
        .await;
    let cookie = response
        .cookies()
        .get("gt_session")
        .expect("cookie")
        .clone();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.value().len(), 64, "256-bit id");
    let stored = session::Entity::find()
        .all(app.db())
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].id_hash, cookie.value());
    assert_eq!(stored[0].id_hash, token::digest(cookie.value()));
}

#[rocket::async_test]
async fn signing_in_again_gives_a_new_session_id_and_the_old_one_still_names_only_its_own_session()
{
    let app = spawn_app().await;
    let world = app.given_world().await;
    let first = app.sign_in_as(&world.learner).await;
    // A browser that still sends the old cookie while signing in gets a different id.
    let visitor = app.visitor().await;
    let mut cookies = visitor.cookies.clone();
    cookies.extend(first.cookies.clone());
    let response = app
        .client
        .post("/login")
        .cookies(cookies)
        .header(rocket::http::ContentType::Form)
        .body(format!(
            "csrf_token={}&email={}&password={}",
            first.csrf,
            crate::helpers::urlencode(&world.learner.email),
            crate::helpers::urlencode(&world.learner.password)
        ))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let new_id = response
        .cookies()
        .get("gt_session")
        .expect("new cookie")
        .value()
        .to_owned();
    assert_ne!(Some(new_id), first.session_id());
}

#[rocket::async_test]
async fn idle_session_expires() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    let idle = i64::from(app.config().session_idle_minutes);
    set_session_times(
        &app,
        &session,
        Duration::minutes(idle - 1),
        Duration::hours(1),
    )
    .await;
    assert!(
        app.is_signed_in(&session).await,
        "still within the idle limit"
    );
    set_session_times(
        &app,
        &session,
        Duration::minutes(idle + 1),
        Duration::hours(1),
    )
    .await;
    assert!(!app.is_signed_in(&session).await, "idle too long");
    let (status, body) = app.get_json_as(&session, "/api/v1/me").await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(body["status"], 401);
}

#[rocket::async_test]
async fn session_expires_at_its_absolute_limit_even_when_in_use() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    set_session_times(&app, &session, Duration::zero(), Duration::seconds(-1)).await;
    assert!(!app.is_signed_in(&session).await);
    let remaining = session::Entity::find()
        .all(app.db())
        .await
        .expect("sessions");
    assert!(remaining.is_empty(), "expired session is deleted");
}

#[rocket::async_test]
async fn expired_session_sends_pages_to_sign_in() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    set_session_times(&app, &session, Duration::hours(2), Duration::hours(1)).await;
    let response = app.get_as(&session, "/account").await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=%2Faccount")
    );
}

#[rocket::async_test]
async fn sign_out_ends_the_session() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    let response = app.post_form_as(&session, "/logout", &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(!app.is_signed_in(&session).await);
}

#[rocket::async_test]
async fn json_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.sign_in_as(&world.learner).await;
    let (status, _) = app
        .send_json_as(&session, Method::Delete, "/api/v1/session", json!({}))
        .await;
    assert_eq!(status, Status::Ok);
    assert!(!app.is_signed_in(&session).await);
}

#[rocket::async_test]
async fn password_change_ends_the_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let here = app.sign_in_as(&world.learner).await;
    let elsewhere = app.sign_in_as(&world.learner).await;
    let response = app
        .post_form_as(
            &here,
            "/account/password",
            &[
                ("current", &world.learner.password),
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(app.is_signed_in(&here).await);
    assert!(!app.is_signed_in(&elsewhere).await);
    let mut changed = world.learner.clone();
    changed.password = "a brand new passphrase".into();
    app.sign_in_as(&changed).await;
}

#[rocket::async_test]
async fn password_change_with_wrong_current_password_is_refused() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let here = app.sign_in_as(&world.learner).await;
    let response = app
        .post_form_as(
            &here,
            "/account/password",
            &[
                ("current", "not my password"),
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = crate::helpers::body_of(response).await;
    assert!(body.contains("nhsuk-error-summary"));
    assert!(body.contains("Your current password is not correct"));
}

#[rocket::async_test]
async fn disabling_an_account_ends_its_sessions_and_stops_sign_in() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    let admin = app.sign_in_as(&world.admin).await;
    let response = app
        .post_form_as(
            &admin,
            &format!("/admin/users/{}/disable", world.learner.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(!app.is_signed_in(&learner).await);
    let (status, _) = crate::helpers::json_of(
        app.client
            .post("/api/v1/session")
            .header(rocket::http::ContentType::JSON)
            .body(
                json!({ "email": world.learner.email, "password": world.learner.password })
                    .to_string(),
            )
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(status, Status::Unauthorized);
}

#[rocket::async_test]
async fn role_change_ends_the_persons_sessions_and_applies_at_next_sign_in() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    let admin = app.sign_in_as(&world.admin).await;
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Put,
            &format!("/api/v1/admin/users/{}/roles", world.learner.id),
            json!({ "trainer": true, "manager_organisation_ids": [world.org_a] }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert!(!app.is_signed_in(&learner).await);
    let again = app.sign_in_as(&world.learner).await;
    let (_, me) = app.get_json_as(&again, "/api/v1/me").await;
    assert_eq!(me["roles"]["trainer"], true);
    assert_eq!(me["roles"]["manager"], true);
    assert_eq!(me["manager_organisation_ids"], json!([world.org_a]));
    assert!(
        app.audit_actions()
            .await
            .contains(&"roles_changed".to_owned())
    );
}

#[rocket::async_test]
async fn me_returns_the_user_with_roles_and_current_job() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.sign_in_as(&world.manager_a).await;
    let (status, me) = app.get_json_as(&manager, "/api/v1/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(me["email"], "manager@a.nhs.uk");
    assert_eq!(
        me["roles"],
        json!({ "learner": true, "trainer": false, "manager": true, "admin": false })
    );
    assert_eq!(me["current_job"]["organisation_code"], "RA1");
    assert_eq!(me["csrf_token"], manager.csrf.as_str());
}

#[rocket::async_test]
async fn admin_cannot_disable_themselves() {
    let app = spawn_app().await;
    let admin_user = app
        .given_user(
            "only-admin@nhs.uk",
            Grant {
                admin: true,
                ..Grant::default()
            },
        )
        .await;
    let admin = app.sign_in_as(&admin_user).await;
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Post,
            &format!("/api/v1/admin/users/{}/disable", admin_user.id),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Conflict);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot disable your own")
    );
}

#[rocket::async_test]
async fn signing_in_again_ends_the_earlier_session() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let first = app.sign_in_as(&world.learner).await;
    let response = app
        .client
        .post("/api/v1/session")
        .cookies(first.cookies.clone())
        .header(rocket::http::ContentType::JSON)
        .body(
            json!({ "email": world.learner.email, "password": world.learner.password }).to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert!(
        !app.is_signed_in(&first).await,
        "the session held before signing in again is over"
    );
    let left = session::Entity::find()
        .filter(session::Column::UserId.eq(world.learner.id))
        .all(app.db())
        .await
        .expect("sessions");
    assert_eq!(left.len(), 1, "only the new session remains");
}

#[rocket::async_test]
async fn sign_in_with_a_next_that_is_not_a_plain_path_goes_home_with_a_session() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for next in ["/a b", "/a\tb", "/a\nb", "/café", "/x\r\nSet-Cookie: y=z"] {
        let visitor = app.visitor().await;
        let response = app
            .post_form_as(
                &visitor,
                "/login",
                &[
                    ("email", &world.learner.email),
                    ("password", &world.learner.password),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{next:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/"),
            "{next:?}"
        );
        assert!(response.cookies().get("gt_session").is_some(), "{next:?}");
    }
    let page = app.get("/login?next=%2Fa%20b").await;
    assert_eq!(page.status(), Status::Ok);
}
