//! A person's journey in the browser: imported, activate, sign in, sign out; reset by emailed
//! link; and the first admin's one-time set-up link.

use genomics_training::accounts::{mail, setup};
use genomics_training::entities::mail_outbox;
use rocket::http::{Method, Status};
use serde_json::json;

use crate::helpers::{Session, TestApp, TestUser, body_of, spawn_app};
use crate::import::{HEADER, given_import_setup};

/// The activation link path for a newly imported person.
async fn import_one(app: &TestApp, admin: &Session, email: &str) -> String {
    let csv =
        format!("{HEADER}\n2001,{email},Pat Doe,RX1,administrative-and-clerical,receptionist,2\n");
    let (status, report) = app
        .send_json_as(
            admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": csv }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{report}");
    let link = report["created"][0]["link"]
        .as_str()
        .expect("link")
        .to_owned();
    link.trim_start_matches(&app.config().public_url).to_owned()
}

#[rocket::async_test]
async fn imported_person_activates_signs_in_and_signs_out_in_the_browser() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let path = import_one(&app, &admin, "pat@example.nhs.uk").await;

    let visitor = app.visitor().await;
    let page = app.get_as(&visitor, &path).await;
    assert_eq!(page.status(), Status::Ok);
    assert!(body_of(page).await.contains("Set your password"));

    let common = app
        .post_form_as(
            &visitor,
            &path,
            &[("password", "password123"), ("confirm", "password123")],
        )
        .await;
    assert_eq!(common.status(), Status::UnprocessableEntity);
    assert!(body_of(common).await.contains("too common"));

    let set = app
        .post_form_as(
            &visitor,
            &path,
            &[
                ("password", "pat's long passphrase"),
                ("confirm", "pat's long passphrase"),
            ],
        )
        .await;
    assert_eq!(set.status(), Status::SeeOther);
    assert_eq!(set.headers().get_one("Location"), Some("/login"));
    assert_eq!(
        app.get_as(&visitor, &path).await.status(),
        Status::NotFound,
        "the link works once"
    );

    let signed_in = app
        .post_form_as(
            &visitor,
            "/login",
            &[
                ("email", "pat@example.nhs.uk"),
                ("password", "pat's long passphrase"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), Status::SeeOther);
    assert_eq!(signed_in.headers().get_one("Location"), Some("/account"));
    let cookie = signed_in
        .cookies()
        .get("gt_session")
        .expect("session")
        .clone()
        .into_owned();
    let browser = Session {
        cookies: vec![cookie],
        csrf: String::new(),
    };
    let account = body_of(app.get_as(&browser, "/account").await).await;
    assert!(account.contains("Pat Doe"));
    assert!(account.contains("Receptionist"));
    let csrf = account
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("sign-out form carries the token")
        .to_owned();
    let browser = Session { csrf, ..browser };
    let signed_out = app.post_form_as(&browser, "/logout", &[]).await;
    assert_eq!(signed_out.status(), Status::SeeOther);
    assert!(!app.is_signed_in(&browser).await);
}

#[rocket::async_test]
async fn wrong_sign_in_shows_the_same_message_for_unknown_email() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let visitor = app.visitor().await;
    let wrong = body_of(
        app.post_form_as(
            &visitor,
            "/login",
            &[
                ("email", &world.learner.email),
                ("password", "nope nope nope"),
            ],
        )
        .await,
    )
    .await;
    let unknown = body_of(
        app.post_form_as(
            &visitor,
            "/login",
            &[("email", "ghost@a.nhs.uk"), ("password", "nope nope nope")],
        )
        .await,
    )
    .await;
    assert!(wrong.contains("Enter a correct email address and password"));
    assert_eq!(
        wrong.replace(&world.learner.email, "X"),
        unknown.replace("ghost@a.nhs.uk", "X")
    );
}

fn outbox_messages(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(mail::outbox_dir(app.config()))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The messages the background sender has written, once there are at least `count` (polled,
/// with a deadline, since they are sent after the response).
async fn wait_for_messages(app: &TestApp, count: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let messages = outbox_messages(app);
        if messages.len() >= count || std::time::Instant::now() > deadline {
            return messages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The rows of the mail outbox, oldest first.
async fn queued_mail(app: &TestApp) -> Vec<mail_outbox::Model> {
    use sea_orm::{EntityTrait, QueryOrder};
    mail_outbox::Entity::find()
        .order_by_asc(mail_outbox::Column::Id)
        .all(app.db())
        .await
        .expect("outbox rows")
}

/// The reset link path in an .eml message (quoted-printable may wrap long lines).
fn reset_path(message: &str) -> String {
    let unwrapped = message.replace("=\r\n", "").replace("=\n", "");
    let start = unwrapped.find("/password-reset/").expect("reset link");
    unwrapped[start..start + "/password-reset/".len() + 64].to_owned()
}

#[rocket::async_test]
async fn password_reset_link_arrives_in_the_outbox_and_works_once() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let old_session = app.sign_in_as(&world.learner).await;
    let visitor = app.visitor().await;
    let sent = app
        .post_form_as(
            &visitor,
            "/password-reset",
            &[("email", &world.learner.email)],
        )
        .await;
    assert_eq!(sent.status(), Status::Ok);
    let sent_page = body_of(sent).await;
    let unknown = body_of(
        app.post_form_as(&visitor, "/password-reset", &[("email", "ghost@a.nhs.uk")])
            .await,
    )
    .await;
    assert_eq!(
        sent_page.replace(&world.learner.email, "X"),
        unknown.replace("ghost@a.nhs.uk", "X"),
        "same page either way"
    );

    assert_eq!(
        queued_mail(&app).await.len(),
        1,
        "one message queued, to the registered address only"
    );
    let messages = wait_for_messages(&app, 1).await;
    assert_eq!(messages.len(), 1, "and delivered after the response");
    assert!(messages[0].contains(&world.learner.email));
    let path = reset_path(&messages[0]);

    let reset = app
        .post_form_as(
            &visitor,
            &path,
            &[
                ("password", "a fresh passphrase"),
                ("confirm", "a fresh passphrase"),
            ],
        )
        .await;
    assert_eq!(reset.status(), Status::SeeOther);
    assert!(
        !app.is_signed_in(&old_session).await,
        "reset ends every session"
    );
    let again = app
        .post_form_as(
            &visitor,
            &path,
            &[
                ("password", "another passphrase"),
                ("confirm", "another passphrase"),
            ],
        )
        .await;
    assert_eq!(again.status(), Status::NotFound);
    app.sign_in_as(&TestUser {
        password: "a fresh passphrase".into(),
        ..world.learner.clone()
    })
    .await;
}

#[rocket::async_test]
async fn first_admin_setup_link_works_once() {
    let app = spawn_app().await;
    let token = setup::first_admin_token(app.db())
        .await
        .expect("token")
        .expect("no admin yet");
    let path = format!("/setup/{token}");
    let visitor = app.visitor().await;
    assert_eq!(app.get_as(&visitor, &path).await.status(), Status::Ok);
    let fields = [
        ("email", "boss@example.nhs.uk"),
        ("display_name", "Sam Boss"),
        ("password", "the boss's passphrase"),
        ("confirm", "the boss's passphrase"),
    ];
    let created = app.post_form_as(&visitor, &path, &fields).await;
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(app.get_as(&visitor, &path).await.status(), Status::NotFound);
    assert_eq!(
        app.post_form_as(&visitor, &path, &fields).await.status(),
        Status::NotFound
    );
    assert!(
        setup::first_admin_token(app.db())
            .await
            .expect("query")
            .is_none(),
        "an admin exists now"
    );
    let admin = TestUser {
        id: 0,
        email: "boss@example.nhs.uk".into(),
        password: "the boss's passphrase".into(),
    };
    let session = app.sign_in_as(&admin).await;
    let (_, me) = app.get_json_as(&session, "/api/v1/me").await;
    assert_eq!(me["roles"]["admin"], true);
}

#[rocket::async_test]
async fn admin_pages_render_for_an_admin() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.sign_in_as(&world.admin).await;
    for path in [
        "/admin",
        "/admin/organisations",
        "/admin/users",
        "/admin/users/import",
        "/admin/audit",
        "/account",
        "/account/password",
    ] {
        let response = app.get_as(&admin, path).await;
        assert_eq!(response.status(), Status::Ok, "{path}");
        let body = body_of(response).await;
        assert_eq!(body.matches("<h1").count(), 1, "{path} has one h1");
    }
    let person = body_of(
        app.get_as(&admin, &format!("/admin/users/{}", world.learner.id))
            .await,
    )
    .await;
    assert!(person.contains("Save roles"));
    let added = app
        .post_form_as(
            &admin,
            "/admin/organisations",
            &[("code", "rc3"), ("name", "Trust C")],
        )
        .await;
    assert_eq!(added.status(), Status::SeeOther);
    assert!(
        app.audit_actions()
            .await
            .contains(&"organisation_created".to_owned())
    );
    let duplicate = app
        .post_form_as(
            &admin,
            "/admin/organisations",
            &[("code", "RC3"), ("name", "Trust C again")],
        )
        .await;
    assert_eq!(duplicate.status(), Status::UnprocessableEntity);
    assert!(body_of(duplicate).await.contains("already exists"));
}

#[rocket::async_test]
async fn password_reset_emails_stop_after_three_in_a_quarter_hour() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let visitor = app.visitor().await;
    let mut pages = Vec::new();
    for _ in 0..5 {
        let response = app
            .post_form_as(
                &visitor,
                "/password-reset",
                &[("email", &world.learner.email)],
            )
            .await;
        assert_eq!(response.status(), Status::Ok);
        pages.push(body_of(response).await);
    }
    assert_eq!(queued_mail(&app).await.len(), 3, "three emails, then none");
    assert_eq!(wait_for_messages(&app, 3).await.len(), 3);
    assert_eq!(pages[0], pages[4], "the page never says it stopped sending");
}

#[rocket::async_test]
async fn manager_sees_only_the_jobs_a_newcomer_held_in_their_organisations() {
    use genomics_training::entities::{job_assignment, job_role};
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    let app = spawn_app().await;
    let world = app.given_world().await;
    let role = job_role::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let earlier = chrono::Utc::now() - chrono::Duration::days(400);
    job_assignment::ActiveModel {
        user_id: Set(world.subject.id),
        organisation_id: Set(world.org_b),
        job_role_id: Set(role.id),
        band: Set(Some("4".into())),
        started_at: Set(earlier),
        ended_at: Set(Some(earlier + chrono::Duration::days(300))),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    let path = format!("/api/v1/admin/users/{}", world.subject.id);

    let manager = app.sign_in_as(&world.manager_a).await;
    let (status, body) = app.get_json_as(&manager, &path).await;
    assert_eq!(status, Status::Ok);
    let orgs: Vec<i64> = body["job_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["organisation_id"].as_i64().unwrap())
        .collect();
    assert_eq!(orgs, vec![world.org_a], "no job from the previous employer");
    let page = body_of(
        app.get_as(&manager, &format!("/admin/users/{}", world.subject.id))
            .await,
    )
    .await;
    assert!(!page.contains("Trust B"), "{page}");

    let admin = app.sign_in_as(&world.admin).await;
    let (_, body) = app.get_json_as(&admin, &path).await;
    assert_eq!(body["job_history"].as_array().unwrap().len(), 2);
}

#[rocket::async_test]
async fn new_password_made_of_the_services_own_words_is_refused() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    for weak in ["genomics", "nhs12345", "Genomics2025!"] {
        let response = app
            .post_form_as(
                &learner,
                "/account/password",
                &[
                    ("current", &world.learner.password),
                    ("password", weak),
                    ("confirm", weak),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{weak}");
        assert!(body_of(response).await.contains("too common"), "{weak}");
    }
}

#[rocket::async_test]
async fn reset_email_waits_in_the_outbox_while_the_relay_is_down() {
    use genomics_training::config;
    // Nothing listens on the discard port: every send fails at once.
    let app = crate::helpers::spawn_app_with(|figment| {
        config::with_app_setting(figment, "smtp_url", "smtp://127.0.0.1:9")
    })
    .await;
    let world = app.given_world().await;
    let visitor = app.visitor().await;
    let response = app
        .post_form_as(
            &visitor,
            "/password-reset",
            &[("email", &world.learner.email)],
        )
        .await;
    assert_eq!(
        response.status(),
        Status::Ok,
        "the answer does not wait for the relay"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let tried = loop {
        let rows = queued_mail(&app).await;
        if rows.iter().any(|m| m.attempts > 0) || std::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(tried.len(), 1);
    let message = &tried[0];
    assert_eq!(message.recipient, world.learner.email);
    assert_eq!(message.attempts, 1, "{message:?}");
    assert!(message.sent_at.is_none(), "not lost, not marked sent");
    assert!(message.last_error.is_some());
    assert!(
        message.next_attempt_at > chrono::Utc::now() + chrono::Duration::seconds(20),
        "retried later, not in a tight loop"
    );
}
