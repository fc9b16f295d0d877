//! Activation links sent by the service after an import, downloaded as a CSV for trusts that
//! mail their own staff, and sent again when a link has run out; audited, never logging a link.

use genomics_training::entities::{audit_log, one_time_token};
use rocket::http::{ContentType, Method, Status};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{Session, TestApp, body_of};
use crate::import::{HEADER, given_import_setup};
use crate::mail_work::queued;

/// Imports two people; their ids and the paths of the links the import gave.
async fn import_two(app: &TestApp, admin: &Session) -> Vec<(i64, String)> {
    let csv = format!(
        "{HEADER}\n3001,ann@example.nhs.uk,<b>Ann</b> & Co,RX1,administrative-and-clerical,receptionist,2\n\
         3002,bob@example.nhs.uk,Bob Roe,RX1,administrative-and-clerical,receptionist,2\n"
    );
    let (status, report) = app
        .send_json_as(
            admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": csv }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{report}");
    report["created"]
        .as_array()
        .expect("created")
        .iter()
        .map(|c| {
            let link = c["link"].as_str().expect("link");
            (
                c["person_id"].as_i64().expect("id"),
                link.trim_start_matches(&app.config().public_url).to_owned(),
            )
        })
        .collect()
}

/// The activation link paths in `text`.
fn link_paths(text: &str) -> Vec<String> {
    let unwrapped = text.replace("=\r\n", "").replace("=\n", "");
    unwrapped
        .match_indices("/activate/")
        .map(|(at, _)| unwrapped[at..at + "/activate/".len() + 64].to_owned())
        .collect()
}

async fn audit_details(app: &TestApp) -> String {
    audit_log::Entity::find()
        .all(app.db())
        .await
        .expect("audit")
        .into_iter()
        .map(|e| format!("{} {:?} {:?}", e.action, e.subject, e.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

#[rocket::async_test]
async fn imported_people_are_emailed_fresh_links_and_nothing_logs_them() {
    let app = crate::helpers::spawn_app().await;
    let admin = given_import_setup(&app).await;
    let people = import_two(&app, &admin).await;
    let ids: Vec<String> = people.iter().map(|(id, _)| id.to_string()).collect();
    let page = app
        .post_form_as(
            &admin,
            "/admin/users/activation/email",
            &[("person", &ids[0]), ("person", &ids[1])],
        )
        .await;
    assert_eq!(page.status(), Status::Ok);
    assert!(body_of(page).await.contains("2 activation email(s) queued"));

    let mail: Vec<_> = queued(&app)
        .await
        .into_iter()
        .filter(|m| m.subject == "Activate your Genomics training account")
        .collect();
    assert_eq!(mail.len(), 2);
    let ann = mail
        .iter()
        .find(|m| m.recipient == "ann@example.nhs.uk")
        .expect("ann");
    assert!(
        ann.body.contains("Hello <b>Ann</b> & Co,"),
        "plain text as written"
    );
    let html = ann.html_body.clone().expect("html");
    assert!(
        html.contains("Hello &lt;b&gt;Ann&lt;/b&gt; &amp; Co,"),
        "{html}"
    );
    let emailed = link_paths(&ann.body);
    assert_eq!(emailed.len(), 1);

    let visitor = app.visitor().await;
    assert_eq!(
        app.get_as(&visitor, &people[0].1).await.status(),
        Status::NotFound,
        "the old link stops"
    );
    assert_eq!(
        app.get_as(&visitor, &emailed[0]).await.status(),
        Status::Ok,
        "the emailed one works"
    );
    let log = audit_details(&app).await;
    assert!(log.contains("activation_emailed"));
    for path in people.iter().map(|(_, p)| p).chain(&emailed) {
        let token = path.trim_start_matches("/activate/");
        assert!(!log.contains(token), "the audit log never holds a link");
    }

    let skipped = app
        .post_form_as(
            &admin,
            "/admin/users/activation/email",
            &[("person", &admin_id(&app).await)],
        )
        .await;
    assert!(
        body_of(skipped)
            .await
            .contains("0 activation email(s) queued")
    );
    let nobody = app
        .post_form_as(&admin, "/admin/users/activation/email", &[])
        .await;
    assert_eq!(nobody.status(), Status::UnprocessableEntity);
    let forged = app
        .post_raw_form(
            &admin,
            "/admin/users/activation/email",
            &[("person", &ids[0])],
        )
        .await;
    assert_eq!(forged.status(), Status::Forbidden);
}

async fn admin_id(app: &TestApp) -> String {
    genomics_training::entities::user::Entity::find()
        .filter(genomics_training::entities::user::Column::Email.eq("admin@nhs.uk"))
        .one(app.db())
        .await
        .expect("query")
        .expect("admin")
        .id
        .to_string()
}

#[rocket::async_test]
async fn links_download_as_csv_and_expired_ones_are_sent_again() {
    let app = crate::helpers::spawn_app().await;
    let admin = given_import_setup(&app).await;
    let people = import_two(&app, &admin).await;
    let bob = people[1].0.to_string();
    let response = app
        .post_form_as(
            &admin,
            "/admin/users/activation/links.csv",
            &[("person", &bob)],
        )
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::CSV));
    let csv = body_of(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "email,display_name,employee_number,link,expires_on"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("bob@example.nhs.uk,Bob Roe,3002,"));
    let fresh = link_paths(&csv);
    let visitor = app.visitor().await;
    assert_eq!(app.get_as(&visitor, &fresh[0]).await.status(), Status::Ok);
    assert_eq!(
        app.get_as(&visitor, &people[1].1).await.status(),
        Status::NotFound
    );
    assert!(
        audit_details(&app)
            .await
            .contains("activation_links_exported")
    );

    // Ann's link runs out unused.
    one_time_token::Entity::update_many()
        .col_expr(
            one_time_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(1)),
        )
        .filter(one_time_token::Column::UserId.eq(people[0].0))
        .exec(app.db())
        .await
        .expect("expire");
    let page = body_of(app.get_as(&admin, "/admin/users/import").await).await;
    assert!(
        page.contains("1 person or people did not use their activation link"),
        "{page}"
    );
    let before = queued(&app).await.len();
    let sent = app
        .post_form_as(
            &admin,
            "/admin/users/activation/email",
            &[("expired", "true")],
        )
        .await;
    assert!(body_of(sent).await.contains("1 activation email(s) queued"));
    let mail = queued(&app).await;
    assert_eq!(mail.len(), before + 1);
    assert_eq!(mail[before].recipient, "ann@example.nhs.uk");
    let page = body_of(app.get_as(&admin, "/admin/users/import").await).await;
    assert!(!page.contains("did not use their activation link"));
}
