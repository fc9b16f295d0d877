//! Erasing a leaver (pseudonymisation): every report number, item statistic and `verify` stay
//! exactly as before; the person's name, email and employee number are nowhere in the database
//! afterwards (every text column of every table, the audit log included); the erasure is
//! audited under the pseudonym; the completion view shows the placeholder.

use genomics_training::assessment::answer::Sureness::{High, Medium};
use genomics_training::audit::action;
use rocket::http::{ContentType, Method, Status};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::data_support::{AGGREGATES, mentions_anywhere, numbers};
use crate::helpers::{Grant, TestApp, TestUser, assert_aggregates_consistent, body_of, spawn_app};
use crate::reports_support::{group, sit, sitting};

const NAME: &str = "Lena Leaver";
const EMAIL: &str = "lena.leaver@a.nhs.uk";
const EMPLOYEE_NUMBER: &str = "E99123";

/// A leaver with a baseline, a post-assessment, a free-text mention of their name, a failed
/// sign-in, a password reset request and a role change: their details are in many tables.
async fn given_leaver(app: &TestApp, org: i64, admin: &TestUser) -> TestUser {
    let db = app.db();
    let works = Grant {
        works_in: Some(org),
        ..Grant::default()
    };
    let leaver = app.given_user(EMAIL, works).await;
    db.execute(
        &Query::update()
            .table(Alias::new("users"))
            .value(Alias::new("display_name"), NAME)
            .value(Alias::new("employee_number"), EMPLOYEE_NUMBER)
            .and_where(Expr::col(Alias::new("id")).eq(leaver.id))
            .take(),
    )
    .await
    .unwrap();
    sit(db, leaver.id, "baseline", sitting(2, Medium, 4)).await;
    sit(db, leaver.id, "post", sitting(3, High, 5)).await;
    // A free-text part of an answer that names them (the chosen option is unchanged).
    db.execute_unprepared(&format!(
        "UPDATE responses SET answer = '{{\"choice\":0,\"text\":\"signed {NAME}\"}}' \
         WHERE id = (SELECT MIN(r.id) FROM responses r JOIN attempts a ON a.id = r.attempt_id \
         WHERE a.user_id = {} AND r.answer LIKE '{{\"choice\":0%')",
        leaver.id
    ))
    .await
    .unwrap();
    let session = app.sign_in_as(&leaver).await;
    assert!(app.is_signed_in(&session).await);
    let failed = app
        .client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(
            serde_json::json!({ "email": "Lena.Leaver@A.nhs.uk", "password": "wrong password" })
                .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(failed.status(), Status::Unauthorized);
    let visitor = app.visitor().await;
    let reset = app
        .post_form_as(&visitor, "/password-reset", &[("email", EMAIL)])
        .await;
    assert_eq!(reset.status(), Status::Ok);
    let admin = app.session_for(admin).await;
    let roles = app
        .post_form_as(
            &admin,
            &format!("/admin/users/{}/roles", leaver.id),
            &[("trainer", "true")],
        )
        .await;
    assert_eq!(roles.status(), Status::SeeOther);
    leaver
}

#[rocket::async_test]
async fn erasing_a_leaver_changes_no_report_number_and_leaves_no_trace_of_them() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    group(db, "RA1", "porter", "Band 2", 8, sitting(2, Medium, 3)).await;
    let leaver_user = given_leaver(&app, world.org_a, &world.admin).await;
    let leaver = leaver_user.id;
    let named = mentions_anywhere(db, NAME).await;
    for table in ["users.display_name", "responses.answer"] {
        assert!(named.iter().any(|m| m.starts_with(table)), "{named:#?}");
    }
    let emailed = mentions_anywhere(db, EMAIL).await;
    for table in ["users.email", "audit_log.subject"] {
        assert!(emailed.iter().any(|m| m.starts_with(table)), "{emailed:#?}");
    }
    assert!(!mentions_anywhere(db, EMPLOYEE_NUMBER).await.is_empty());
    assert_aggregates_consistent(&app).await;
    let before = numbers(&app, AGGREGATES).await;
    let leaver_session = app.sign_in_as(&leaver_user).await;

    // The confirmation step: the page says what happens; without the box ticked, nothing does.
    let admin = app.session_for(&world.admin).await;
    let erase = format!("/admin/users/{leaver}/erase");
    let page = body_of(app.get_as(&admin, &erase).await).await;
    assert!(page.contains(&format!("Erase {NAME}")), "{page}");
    assert!(page.contains("name=\"csrf_token\""));
    let refused = app.post_form_as(&admin, &erase, &[]).await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert!(body_of(refused).await.contains("There is a problem"));
    assert!(app.is_signed_in(&leaver_session).await, "not erased yet");
    let forged = app
        .post_raw_form(&admin, &erase, &[("confirm", "true")])
        .await;
    assert_eq!(forged.status(), Status::Forbidden, "CSRF token required");

    let done = app
        .post_form_as(&admin, &erase, &[("confirm", "true")])
        .await;
    assert_eq!(done.status(), Status::SeeOther);
    assert_eq!(
        done.headers().get_one("Location"),
        Some(format!("/admin/users/{leaver}").as_str())
    );

    assert_eq!(
        numbers(&app, AGGREGATES).await,
        before,
        "every report number is unchanged"
    );
    assert_aggregates_consistent(&app).await;
    for needle in [NAME, EMAIL, EMPLOYEE_NUMBER, "lena", "leaver"] {
        let found = mentions_anywhere(db, needle).await;
        assert!(found.is_empty(), "{needle} is still in {found:#?}");
    }
    assert!(!app.is_signed_in(&leaver_session).await, "sessions ended");

    let (_, person) = app
        .get_json_as(&admin, &format!("/api/v1/admin/users/{leaver}"))
        .await;
    let placeholder = person["display_name"].as_str().unwrap().to_owned();
    assert!(
        placeholder.starts_with("Former member of staff P-"),
        "{placeholder}"
    );
    let pseudonym = placeholder.trim_start_matches("Former member of staff ");
    assert_eq!(person["employee_number"], serde_json::Value::Null);
    assert_eq!(person["erased"], true);
    assert_eq!(person["disabled"], true);
    assert_eq!(person["is_trainer"], false);

    let (_, audit) = app
        .get_json_as(&admin, "/api/v1/admin/audit?action=account_erased")
        .await;
    let entry = &audit["entries"][0];
    assert_eq!(entry["action"], action::ACCOUNT_ERASED);
    assert_eq!(entry["actor_user_id"], world.admin.id);
    assert_eq!(entry["subject"], pseudonym);
    // The rows that named them are still there, naming the placeholder instead.
    let (_, roles) = app
        .get_json_as(&admin, "/api/v1/admin/audit?action=roles_changed")
        .await;
    assert!(
        roles["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"] == placeholder.as_str()),
        "{roles}"
    );

    let manager = app.session_for(&world.manager_a).await;
    let (_, completion) = app
        .get_json_as(&manager, "/api/v1/reports/completion")
        .await;
    assert!(
        completion.to_string().contains(&placeholder),
        "the completion view shows the placeholder: {completion}"
    );

    // Once only, and never yourself.
    let again = app
        .post_form_as(&admin, &erase, &[("confirm", "true")])
        .await;
    assert_eq!(again.status(), Status::SeeOther);
    let (status, _) = app
        .send_json_as(
            &admin,
            Method::Post,
            &format!("/api/v1/admin/users/{}/erase", world.admin.id),
            serde_json::json!({ "confirm": true }),
        )
        .await;
    assert_eq!(status, Status::Conflict);
}

#[rocket::async_test]
async fn the_command_line_erases_by_employee_number_after_confirmation() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let leaver = given_leaver(&app, world.org_a, &world.admin).await.id;
    let before = numbers(&app, AGGREGATES).await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_genomics-training"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", app.database_url())
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let asked = run(&["users", "erase", EMPLOYEE_NUMBER]);
    assert!(!asked.status.success());
    let said = String::from_utf8_lossy(&asked.stdout);
    assert!(
        said.contains(&format!("would erase user {leaver}: {NAME}")),
        "{said}"
    );
    assert!(
        !mentions_anywhere(app.db(), NAME).await.is_empty(),
        "nothing changed"
    );

    let done = run(&["users", "erase", EMPLOYEE_NUMBER, "--yes"]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(
        said.starts_with(&format!("erased user {leaver} as P-")),
        "{said}"
    );
    assert!(said.contains("2 attempts kept"), "{said}");
    assert_eq!(numbers(&app, AGGREGATES).await, before);
    assert!(mentions_anywhere(app.db(), NAME).await.is_empty());

    let unknown = run(&["users", "erase", "nobody@nowhere.nhs.uk", "--yes"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Nobody has the email"));
}
