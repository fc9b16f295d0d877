//! The trainers' pages: create, publish, edit (a new version, the old one kept) and analyse
//! an item in the browser; import preview with each broken fixture reported precisely and
//! nothing imported; export downloads; JSON twins; nobody's answers shown.

use std::collections::HashMap;

use genomics_training::assessment::answer::Sureness::{High, Low};
use genomics_training::entities::{item, item_version};
use rocket::http::{ContentType, Header, Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::assessment_flow::create_learner;
use crate::authoring_support::{Says::*, sit_baseline, small_baseline};
use crate::helpers::{Session, TestApp, body_of, spawn_app};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/questions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

const BOUNDARY: &str = "----author-web-test-boundary";

/// A multipart body: text fields, then optionally one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str)>) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    if let Some((file_name, content)) = file {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

async fn post_multipart(
    app: &TestApp,
    session: &Session,
    path: &str,
    body: String,
) -> (Status, Option<String>, String) {
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

async fn item_count(app: &TestApp) -> u64 {
    item::Entity::find().count(app.db()).await.unwrap()
}

/// The single-choice item form as a browser posts it.
fn item_fields<'a>(stem: &'a str, explanation: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("action", "save"),
        ("topic", "samples"),
        ("uid", "web-tube"),
        ("qtype", "single"),
        ("name", "Web tube"),
        ("format", "markdown"),
        ("stem", stem),
        ("options[0].text", "EDTA"),
        ("options[0].fraction", "100"),
        ("options[0].feedback", "Right: EDTA stops clotting."),
        ("options[1].text", "Plain"),
        ("options[1].fraction", "0"),
        ("options[1].feedback", "No: clotted blood is no use."),
        ("options[2].text", ""),
        ("options[2].fraction", ""),
        ("explanation", explanation),
        ("tags", "baseline"),
    ]
}

fn item_id_from(location: Option<&str>) -> i64 {
    location
        .and_then(|l| l.strip_prefix("/author/items/"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location:?}"))
}

#[rocket::async_test]
async fn trainer_creates_publishes_edits_and_analyses_an_item_in_the_browser() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;

    let page = body_of(
        app.get_as(&trainer, "/author/items/new?topic=samples")
            .await,
    )
    .await;
    assert!(page.contains(&format!("value=\"{}\"", trainer.csrf)));

    // A missing explanation re-shows the form with an NHS.UK error summary.
    let response = app
        .post_form_as(&trainer, "/author/items", &item_fields("Which tube?", " "))
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("nhsuk-error-summary"), "{page}");
    assert!(page.contains("href=\"#explanation\""));
    assert!(page.contains("<title>Error: "));

    // The preview renders sanitised Markdown and saves nothing.
    let mut preview = item_fields("Which **tube**? <script>alert(1)</script>", "EDTA.");
    preview[0] = ("action", "preview");
    let response = app.post_form_as(&trainer, "/author/items", &preview).await;
    assert_eq!(response.status(), Status::Ok);
    let page = body_of(response).await;
    assert!(page.contains("<strong>tube</strong>"), "{page}");
    assert!(!page.contains("<script>alert"));
    assert_eq!(item_count(&app).await, item_count(&app).await);
    let before = item_count(&app).await;

    // Create (a draft), then publish.
    let response = app
        .post_form_as(
            &trainer,
            "/author/items",
            &item_fields("Which tube?", "EDTA stops clotting."),
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let id = item_id_from(response.headers().get_one("Location"));
    assert_eq!(item_count(&app).await, before + 1);
    let page = body_of(app.get_as(&trainer, &format!("/author/items/{id}")).await).await;
    assert!(page.contains("draft"));
    let response = app
        .post_form_as(&trainer, &format!("/author/items/{id}/publish"), &[])
        .await;
    assert_eq!(response.status(), Status::SeeOther);

    // Editing the published item makes version 2; version 1 is kept.
    let response = app
        .post_form_as(
            &trainer,
            &format!("/author/items/{id}"),
            &item_fields("Which tube is usual for DNA?", "EDTA stops clotting."),
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let versions = item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(id))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(versions, 2);
    let page = body_of(app.get_as(&trainer, &format!("/author/items/{id}")).await).await;
    assert!(page.contains("published"));
    assert!(page.contains("Earlier (kept)"), "{page}");
    assert!(page.contains("Which tube is usual for DNA?"));
    let edit = body_of(
        app.get_as(&trainer, &format!("/author/items/{id}/edit"))
            .await,
    )
    .await;
    assert!(edit.contains("value=\"EDTA\""));
    let actions = app.audit_actions().await;
    for expected in ["item_created", "item_published", "item_edited"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} audited: {actions:?}"
        );
    }

    // Two learners sit a baseline of just this item: too few to show anything (issue 16).
    small_baseline(app.db(), &["web-tube"]).await;
    let mut learners = Vec::new();
    for i in 0..8 {
        let (role, says) = if i % 2 == 0 {
            ("receptionist", Right(High))
        } else {
            ("porter", Wrong(Low))
        };
        let email = format!("learner{i}@nhs.test");
        let user = create_learner(app.db(), &email, "RA1", role).await;
        learners.push((user, says, email));
    }
    for (user, says, _) in &learners[..2] {
        sit_baseline(app.db(), *user, &HashMap::from([("web-tube", *says)])).await;
    }
    let page = body_of(app.get_as(&trainer, "/author/analysis").await).await;
    assert!(!page.contains("Web tube</a> (v2)"), "{page}");
    assert!(
        page.contains("not shown: fewer than 8 people answered them here"),
        "{page}"
    );
    // Eight: the trainer sees totals, never who answered.
    for (user, says, _) in &learners[2..] {
        sit_baseline(app.db(), *user, &HashMap::from([("web-tube", *says)])).await;
    }
    let page = body_of(app.get_as(&trainer, "/author/analysis").await).await;
    assert!(page.contains("Web tube</a> (v2)"), "{page}");
    assert!(page.contains("0.50"));
    assert!(page.contains("Too few responses"));
    let csv = body_of(app.get_as(&trainer, "/author/analysis.csv").await).await;
    let (status, json) = app.get_json_as(&trainer, "/api/v1/author/analysis").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(json["test"]["n"], 8);
    for shown in [&page, &csv, &json.to_string()] {
        for (_, _, email) in &learners {
            assert!(!shown.contains(email.as_str()), "{email} shown");
        }
        for private in ["user_id", "attempt_id"] {
            assert!(!shown.contains(private), "{private} shown");
        }
    }
    // A staff group split is a GET select.
    let page = body_of(app.get_as(&trainer, "/author/analysis?staff_group=0").await).await;
    assert!(page.contains("Everyone"));
}

#[rocket::async_test]
async fn import_preview_in_the_browser_reports_each_broken_question_and_imports_nothing() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let before = item_count(&app).await;
    let csrf = trainer.csrf.clone();

    let source = fixture("authoring/broken_syntax.gift");
    let body = multipart(
        &[("csrf_token", &csrf), ("topic", "samples")],
        Some(("broken_syntax.gift", &source)),
    );
    let (status, _, page) = post_multipart(&app, &trainer, "/author/import", body).await;
    assert_eq!(status, Status::UnprocessableEntity);
    for line in [6, 8, 10] {
        assert!(
            page.contains(&format!("broken_syntax.gift:{line}: ")),
            "{page}"
        );
    }
    assert!(page.contains("33%"));
    assert!(!page.contains("Import these questions"));

    let source = fixture("moodle_xml/error_invalid_grades.xml");
    let body = multipart(
        &[("csrf_token", &csrf), ("topic", "samples")],
        Some(("error_invalid_grades.xml", &source)),
    );
    let (status, _, page) = post_multipart(&app, &trainer, "/author/import", body).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("error_invalid_grades.xml:"), "{page}");

    // Confirming a broken file anyway imports nothing.
    let source = fixture("authoring/broken_syntax.gift");
    let body = multipart(
        &[
            ("csrf_token", &csrf),
            ("topic", "samples"),
            ("file_name", "broken_syntax.gift"),
            ("file", &source),
        ],
        None,
    );
    let (status, _, _) = post_multipart(&app, &trainer, "/author/import/apply", body).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(item_count(&app).await, before);

    // A good file: the preview lists each question as new, then the confirm imports them all.
    let source = fixture("authoring/all_types.gift");
    let body = multipart(
        &[("csrf_token", &csrf), ("topic", "")],
        Some(("all_types.gift", &source)),
    );
    let (status, _, page) = post_multipart(&app, &trainer, "/author/import", body).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("Import these questions"));
    assert!(page.contains("rt-mc"));
    assert!(page.contains("name=\"file\" value=\""));
    assert_eq!(item_count(&app).await, before);
    let body = multipart(
        &[
            ("csrf_token", &csrf),
            ("topic", ""),
            ("file_name", "all_types.gift"),
            ("file", &source.replace('\n', "\r\n")),
        ],
        None,
    );
    let (status, location, _) = post_multipart(&app, &trainer, "/author/import/apply", body).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/author"));
    assert!(item_count(&app).await > before);

    // Importing the same file again changes nothing.
    let body = multipart(
        &[("csrf_token", &csrf), ("topic", "")],
        Some(("all_types.gift", &source)),
    );
    let (status, _, page) = post_multipart(&app, &trainer, "/author/import", body).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("0 new, 0 changed"), "{page}");
}

#[rocket::async_test]
async fn trainer_downloads_a_topic_as_gift_moodle_xml_and_a_content_file() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    for (query, disposition, marker) in [
        (
            "format=gift&topic=samples",
            "samples.gift",
            "$CATEGORY: samples",
        ),
        ("format=moodle-xml&topic=samples", "samples.xml", "<quiz>"),
        (
            "format=content&topic=samples",
            "samples.gift",
            "$CATEGORY: samples",
        ),
        (
            "format=gift",
            "question-bank.gift",
            "$CATEGORY: genomics-basics",
        ),
    ] {
        let response = app
            .get_as(&trainer, &format!("/author/export?{query}"))
            .await;
        assert_eq!(response.status(), Status::Ok, "{query}");
        let header = response
            .headers()
            .get_one("Content-Disposition")
            .unwrap_or_default()
            .to_owned();
        assert!(header.contains(disposition), "{query}: {header}");
        assert!(body_of(response).await.contains(marker), "{query}");
    }
    let response = app.get_as(&trainer, "/author/export?format=csv").await;
    assert_eq!(response.status(), Status::BadRequest);
}

#[rocket::async_test]
async fn learners_and_managers_get_403_on_trainer_pages_and_trainers_see_authoring_in_the_menu() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    for person in [&world.learner, &world.manager_a] {
        let session = app.session_for(person).await;
        for path in [
            "/author",
            "/author/analysis",
            "/author/items/new",
            "/author/import",
        ] {
            assert_eq!(app.get_as(&session, path).await.status(), Status::Forbidden);
        }
        let page = body_of(app.get_as(&session, "/learn").await).await;
        assert!(!page.contains("href=\"/author\""));
    }
    let trainer = app.session_for(&world.trainer).await;
    let page = body_of(app.get_as(&trainer, "/author").await).await;
    assert!(page.contains("href=\"/author\">Authoring</a>"));
    assert!(page.contains("/author/topics/samples"));
}

#[rocket::async_test]
async fn json_twins_create_publish_edit_and_retire_an_item() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let item = serde_json::json!({
        "topic": "samples",
        "uid": "api-tf",
        "qtype": "gift",
        "gift": "::API TF::Germline variants can be inherited. {T####They are present from conception.}",
    });
    let (status, body) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/items", item)
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let id = body["item"]["item_id"].as_i64().unwrap();
    assert_eq!(body["item"]["status"], "draft");
    let path = format!("/api/v1/author/items/{id}/publish");
    let (status, body) = app
        .send_json_as(&trainer, Method::Post, &path, serde_json::json!({}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["item"]["status"], "published");
    let edit = serde_json::json!({
        "qtype": "truefalse",
        "name": "API TF",
        "stem": "Germline variants can be passed on.",
        "format": "markdown",
        "tf_correct": "true",
        "explanation": "They are present from conception.",
    });
    let (status, body) = app
        .send_json_as(
            &trainer,
            Method::Put,
            &format!("/api/v1/author/items/{id}"),
            edit,
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["item"]["version"], 2);
    let (status, body) = app
        .get_json_as(&trainer, &format!("/api/v1/author/items/{id}"))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["versions"].as_array().map(Vec::len), Some(2));
    let (_, body) = app
        .get_json_as(&trainer, "/api/v1/author/topics/samples/items")
        .await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["uid"] == "api-tf")
    );
    let path = format!("/api/v1/author/items/{id}/retire");
    let (status, body) = app
        .send_json_as(&trainer, Method::Post, &path, serde_json::json!({}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["item"]["status"], "retired");

    // Import preview and apply as JSON: errors located, nothing written on error.
    let broken = serde_json::json!({
        "source": fixture("authoring/broken_syntax.gift"),
        "file_name": "broken_syntax.gift",
        "topic": "samples",
    });
    let (status, body) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/import/preview",
            broken.clone(),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(3));
    let (status, _) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/import", broken)
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    let response = app
        .client
        .post("/api/v1/author/import")
        .cookies(trainer.cookies.clone())
        .header(ContentType::JSON)
        .header(Header::new("X-CSRF-Token", "wrong"))
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
}
