//! Issue 22, point 6 in the browser and the JSON twin: the import preview of a real Moodle bank
//! shows the drafts needing an explanation, the skipped questions and the replaced ids before
//! anything is written; the item page marks such a draft and publishing it is refused.

use genomics_training::entities::item;
use rocket::http::{ContentType, Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{Session, TestApp, body_of, spawn_app};
use crate::moodle_banks::fixture;

const BOUNDARY: &str = "----moodle-banks-boundary";

async fn post_upload(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let mut body = String::new();
    for (name, value) in fields {
        let disposition = if *name == "upload" {
            "name=\"file\"; filename=\"questions.gift.txt\"\r\nContent-Type: text/plain".to_owned()
        } else {
            format!("name=\"{name}\"")
        };
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let response = app
        .client
        .post(path.to_owned())
        .cookies(session.cookies.clone())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(body)
        .dispatch()
        .await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    (status, location, body_of(response).await)
}

async fn items_in_samples(app: &TestApp) -> u64 {
    let samples = genomics_training::entities::topic::Entity::find()
        .filter(genomics_training::entities::topic::Column::Slug.eq("samples"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    item::Entity::find()
        .filter(item::Column::TopicId.eq(samples.id))
        .count(app.db())
        .await
        .unwrap()
}

#[rocket::async_test]
async fn preview_page_shows_drafts_skipped_and_nothing_is_written_until_confirmed() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let csrf = trainer.csrf.clone();
    let before = items_in_samples(&app).await;
    let source = fixture("moodle_gift/questions.gift.txt");

    let (status, _, page) = post_upload(
        &app,
        &trainer,
        "/author/import",
        &[
            ("csrf_token", &csrf),
            ("topic", "samples"),
            ("upload", &source),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(
        page.contains(
            "8 new, 0 changed (a new version or new tags), 0 unchanged; 7 without an \
             explanation will be drafts that need one before they can be published."
        ),
        "{page}"
    );
    assert_eq!(
        page.matches("Draft: needs an explanation before it can be published")
            .count(),
        7
    );
    assert!(page.contains("Skipped: questions the service cannot score"));
    assert!(
        page.contains("<td class=\"nhsuk-table__cell\">1. Q8</td>"),
        "{page}"
    );
    assert!(page.contains("essay answers are marked by a person"));
    assert!(!page.contains("Ids replaced"));
    assert!(page.contains("Import these questions"));
    assert_eq!(
        items_in_samples(&app).await,
        before,
        "a preview writes nothing"
    );

    let (status, location, _) = post_upload(
        &app,
        &trainer,
        "/author/import/apply",
        &[
            ("csrf_token", &csrf),
            ("topic", "samples"),
            ("file_name", "questions.gift.txt"),
            ("publish", "true"),
            ("file", &source),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/author"));
    assert_eq!(items_in_samples(&app).await, before + 8);

    // The draft's page says what it needs and offers no Publish button; posting anyway is
    // refused with the same words.
    let draft = item::Entity::find()
        .filter(item::Column::Status.eq("draft"))
        .filter(item::Column::Origin.eq("import"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let page = body_of(
        app.get_as(&trainer, &format!("/author/items/{}", draft.id))
            .await,
    )
    .await;
    assert!(
        page.contains("Needs an explanation before it can be published"),
        "{page}"
    );
    assert!(!page.contains(&format!("/author/items/{}/publish", draft.id)));
    let response = app
        .post_form_as(
            &trainer,
            &format!("/author/items/{}/publish", draft.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let refusal = body_of(response).await;
    assert!(
        refusal.contains("needs an explanation before it can be published"),
        "{refusal}"
    );
    let topic_page = body_of(app.get_as(&trainer, "/author/topics/samples").await).await;
    assert_eq!(topic_page.matches("Needs an explanation").count(), 7);

    // A file of essays only has nothing to import, and says so.
    let (status, _, page) = post_upload(
        &app,
        &trainer,
        "/author/import",
        &[
            ("csrf_token", &csrf),
            ("topic", "samples"),
            ("upload", "::Consent:: Describe consent. {}\n"),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(
        page.contains("Nothing in this file can be imported"),
        "{page}"
    );
    assert!(page.contains("1. Consent"));
    assert!(!page.contains("Import these questions"));
}

#[rocket::async_test]
async fn json_preview_lists_skipped_questions_and_replaced_ids() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let before = items_in_samples(&app).await;
    let body = serde_json::json!({
        "source": fixture("moodle_xml/html_chars_in_idnumbers.xml"),
        "file_name": "html_chars_in_idnumbers.xml",
        "topic": "samples",
    });
    let (status, preview) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/import/preview",
            body.clone(),
        )
        .await;
    assert_eq!(status, Status::Ok, "{preview}");
    assert_eq!(preview["errors"], serde_json::json!([]));
    assert_eq!(preview["skipped"], serde_json::json!([]));
    assert_eq!(preview["questions"][0]["id"], "T-F-8ad718fa");
    assert_eq!(preview["questions"][0]["needs_explanation"], true);
    assert_eq!(
        preview["renamed"][0]["from"], "T & F",
        "{}",
        preview["renamed"]
    );
    assert_eq!(preview["renamed"][0]["line"], 15);
    assert_eq!(preview["renamed"][0]["position"], 1);
    assert_eq!(items_in_samples(&app).await, before);

    let (status, summary) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/import", body)
        .await;
    assert_eq!(status, Status::Ok, "{summary}");
    assert_eq!(
        summary,
        serde_json::json!({
            "created": 1, "new_versions": 0, "unchanged": 0, "published": 0,
            "needs_explanation": 1, "skipped": 0, "renamed": 1,
        })
    );

    let essays = serde_json::json!({
        "source": fixture("moodle_xml/nested_categories_with_questions.xml"),
        "file_name": "nested.xml",
        "topic": "samples",
    });
    let (_, preview) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/import/preview",
            essays,
        )
        .await;
    assert_eq!(preview["skipped"][0]["type"], "essay");
    assert_eq!(preview["skipped"][0]["position"], 2);
    assert_eq!(preview["skipped"][0]["line"], 55);
    assert_eq!(preview["questions"].as_array().map(Vec::len), Some(4));
}
