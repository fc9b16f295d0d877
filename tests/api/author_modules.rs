//! Module and topic authoring in the browser: a draft module nobody else sees, a sanitised
//! preview that saves nothing, errors beside each field, publishing once the quiz has a
//! question, edits as new versions with learners' progress kept, retiring, the JSON twins,
//! and content files that no longer overwrite what trainers changed in the app.

use genomics_training::authoring;
use genomics_training::content;
use genomics_training::entities::{item, item_version, module, module_progress, module_version};
use rocket::http::{Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{Session, TestApp, body_of, spawn_app};

fn in_a_year() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(365)).to_string()
}

/// A complete module form; `extra` fields override or add to it.
fn module_fields<'a>(review_by: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("slug", "sickle-cell-carriers"),
        ("title", "Sickle cell carriers"),
        ("summary", "What being a carrier means, in everyday words."),
        ("minutes", "6"),
        ("topics", "inheritance-family-history"),
        (
            "outcomes",
            "Explain what a carrier is\nSay where to find the screening programme",
        ),
        ("review_by", review_by),
        ("pass_mark", "70"),
        ("sources[0].title", "Sickle cell and thalassaemia screening"),
        ("sources[0].publisher", "NHS England"),
        (
            "sources[0].url",
            "https://www.gov.uk/topic/population-screening-programmes/sickle-cell-thalassaemia",
        ),
        ("pages[0].title", "Being a carrier"),
        (
            "pages[0].body",
            "# Being a carrier\n\nA **carrier** has one changed copy of a gene.",
        ),
    ];
    for (key, value) in extra {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    fields
}

async fn post(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let response = app.post_form_as(session, path, fields).await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    (status, location, body_of(response).await)
}

async fn module_row(app: &TestApp, slug: &str) -> module::Model {
    module::Entity::find()
        .filter(module::Column::Slug.eq(slug))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

async fn current_title(app: &TestApp, slug: &str) -> (i32, String) {
    let row = module_row(app, slug).await;
    let version = module_version::Entity::find_by_id(row.current_version_id.unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    (version.version, version.title)
}

async fn reload_content(app: &TestApp) -> content::LoadSummary {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let tree = content::read_and_check(&dir).unwrap();
    content::load_tree(app.db(), &tree).await.unwrap()
}

#[rocket::async_test]
async fn trainer_writes_previews_publishes_edits_and_retires_a_module() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let learner = app.session_for(&world.learner).await;
    let review_by = in_a_year();

    // Preview renders the Markdown safely and saves nothing.
    let before = module::Entity::find().count(app.db()).await.unwrap();
    let (status, _, body) = post(
        &app,
        &trainer,
        "/author/modules",
        &module_fields(
            &review_by,
            &[
                ("action", "preview"),
                (
                    "pages[0].body",
                    "**Carriers** <script>alert(1)</script><img src=x onerror=alert(2)>",
                ),
            ],
        ),
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("<strong>Carriers</strong>"), "{body}");
    assert!(!body.contains("<script>alert(1)"));
    assert!(!body.contains("onerror=alert"));
    assert_eq!(
        module::Entity::find().count(app.db()).await.unwrap(),
        before
    );

    // Each problem is listed and shown beside its field.
    let (status, _, body) = post(
        &app,
        &trainer,
        "/author/modules",
        &module_fields(
            "2001-01-01",
            &[
                ("slug", "Bad Slug"),
                ("title", ""),
                ("minutes", "90"),
                ("sources[0].url", "javascript:alert(1)"),
                ("pages[0].title", ""),
            ],
        ),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    for (id, message) in [
        ("slug", "Enter a short name for the web address"),
        ("title", "Enter a title"),
        ("minutes", "from 1 to 30"),
        ("review_by", "must be in the future"),
        ("sources-0-url", "starting https://"),
        (
            "pages-0-title",
            "Enter a title of up to 150 characters for page 1",
        ),
    ] {
        assert!(
            body.contains(&format!("href=\"#{id}\"")),
            "summary link to {id}"
        );
        assert!(
            body.contains(&format!("id=\"{id}-error\"")),
            "message beside {id}"
        );
        assert!(body.contains(message), "{message}");
    }
    assert!(body.contains("<title>Error: "));
    assert_eq!(
        module::Entity::find().count(app.db()).await.unwrap(),
        before
    );

    // Saved as a draft: learners cannot see it.
    let (status, location, _) = post(
        &app,
        &trainer,
        "/author/modules",
        &module_fields(&review_by, &[]),
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some("/author/modules/sickle-cell-carriers")
    );
    assert_eq!(
        module_row(&app, "sickle-cell-carriers").await.status,
        "draft"
    );
    let page = "/learn/modules/sickle-cell-carriers/pages/1";
    assert_eq!(app.get_as(&learner, page).await.status(), Status::NotFound);
    let shown = body_of(
        app.get_as(&trainer, "/author/modules/sickle-cell-carriers")
            .await,
    )
    .await;
    assert!(shown.contains("<strong>carrier</strong>"), "{shown}");
    // The edit form gives the Markdown back exactly, line for line (no added indentation).
    let form = body_of(
        app.get_as(&trainer, "/author/modules/sickle-cell-carriers/edit")
            .await,
    )
    .await;
    assert!(
        form.contains(
            "># Being a carrier\n\nA **carrier** has one changed copy of a gene.</textarea>"
        ),
        "{form}"
    );

    // A slug is taken once.
    let (status, _, body) = post(
        &app,
        &trainer,
        "/author/modules",
        &module_fields(&review_by, &[]),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("There is already a module"));

    // Publishing needs a published question in the quiz.
    let refused = app
        .post_form_as(
            &trainer,
            "/author/modules/sickle-cell-carriers/publish",
            &[],
        )
        .await;
    assert_eq!(refused.status(), Status::SeeOther);
    let flash = refused
        .cookies()
        .get("_flash")
        .map(|c| c.value().to_owned());
    assert!(
        flash.is_some_and(|f| f.contains("Add at least one published question")),
        "the refusal is flashed on the module page"
    );
    assert_eq!(
        module_row(&app, "sickle-cell-carriers").await.status,
        "draft"
    );
    let (status, _, _) = post(
        &app,
        &trainer,
        "/author/quizzes/sickle-cell-carriers",
        &[("items", "inh-b01"), ("items", "inh-b02")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    post(
        &app,
        &trainer,
        "/author/modules/sickle-cell-carriers/publish",
        &[],
    )
    .await;
    assert_eq!(
        module_row(&app, "sickle-cell-carriers").await.status,
        "published"
    );
    let read = body_of(app.get_as(&learner, page).await).await;
    assert!(read.contains("<strong>carrier</strong>"), "{read}");

    // An edit is a new version; the learner's progress stays with the module.
    let edit = module_fields(
        &review_by,
        &[
            ("title", "Sickle cell carriers (updated)"),
            ("pages[1].title", "Screening"),
            ("pages[1].body", "Screening is offered in pregnancy."),
        ],
    );
    let edit: Vec<(&str, &str)> = edit.into_iter().filter(|(k, _)| *k != "slug").collect();
    let (status, location, _) = post(
        &app,
        &trainer,
        "/author/modules/sickle-cell-carriers",
        &edit,
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some("/author/modules/sickle-cell-carriers")
    );
    assert_eq!(
        current_title(&app, "sickle-cell-carriers").await,
        (2, "Sickle cell carriers (updated)".to_owned())
    );
    let progress = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(world.learner.id))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(progress, 1);
    let page2 = body_of(
        app.get_as(&learner, "/learn/modules/sickle-cell-carriers/pages/2")
            .await,
    )
    .await;
    assert!(page2.contains("Screening is offered in pregnancy."));
    // Saving the same again makes no version.
    post(
        &app,
        &trainer,
        "/author/modules/sickle-cell-carriers",
        &edit,
    )
    .await;
    assert_eq!(current_title(&app, "sickle-cell-carriers").await.0, 2);

    // Retired: gone for learners, kept for trainers.
    post(
        &app,
        &trainer,
        "/author/modules/sickle-cell-carriers/retire",
        &[],
    )
    .await;
    assert_eq!(app.get_as(&learner, page).await.status(), Status::NotFound);
    assert_eq!(
        app.get_as(&trainer, "/author/modules/sickle-cell-carriers")
            .await
            .status(),
        Status::Ok
    );
    let actions = app.audit_actions().await;
    for action in [
        "module_created",
        "module_published",
        "module_edited",
        "module_retired",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[rocket::async_test]
async fn module_json_twins_create_edit_and_refuse_bad_drafts() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let draft = json!({
        "title": "Pharmacogenomics basics",
        "summary": "How genes can change the way medicines work.",
        "minutes": 7,
        "topics": ["genomics-basics"],
        "outcomes": ["Say what pharmacogenomics means"],
        "sources": [{"title": "Pharmacogenomics", "publisher": "NHS Genomics Education Programme", "url": "https://www.genomicseducation.hee.nhs.uk/"}],
        "review_by": in_a_year(),
        "pass_mark": 60,
        "pages": [{"title": "Medicines and genes", "body": "Some medicines work differently."}],
    });
    let mut body = draft.clone();
    body["slug"] = json!("pgx-basics");
    let (status, created) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/modules", body)
        .await;
    assert_eq!(status, Status::Ok, "{created}");
    assert_eq!(created["module"]["status"], "draft");

    let mut bad = draft.clone();
    bad["minutes"] = json!(0);
    bad["pages"] = json!([]);
    let (status, refused) = app
        .send_json_as(
            &trainer,
            Method::Put,
            "/api/v1/author/modules/pgx-basics",
            bad,
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    let message = refused.to_string();
    assert!(
        message.contains("from 1 to 30") && message.contains("at least one page"),
        "{message}"
    );

    let mut changed = draft.clone();
    changed["pass_mark"] = json!(80);
    let (status, edited) = app
        .send_json_as(
            &trainer,
            Method::Put,
            "/api/v1/author/modules/pgx-basics",
            changed,
        )
        .await;
    assert_eq!(status, Status::Ok, "{edited}");
    assert_eq!(
        edited["outcome"],
        json!({"outcome": "new_version", "version": 2})
    );

    let (status, refused) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/modules/pgx-basics/publish",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");

    let (status, shown) = app
        .get_json_as(&trainer, "/api/v1/author/modules/pgx-basics")
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(shown["module"]["draft"]["pass_mark"], 80);
    assert_eq!(shown["module"]["versions"].as_array().unwrap().len(), 2);

    let (status, preview) = app
        .send_json_as(
            &trainer,
            Method::Post,
            "/api/v1/author/preview",
            json!({"markdown": "*x*<script>y</script>"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        preview["html"].as_str().unwrap().trim(),
        "<p><em>x</em></p>"
    );

    let (_, overview) = app.get_json_as(&trainer, "/api/v1/author").await;
    assert!(
        overview["modules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["slug"] == "pgx-basics")
    );
    let (_, blueprint) = app.get_json_as(&trainer, "/api/v1/author/blueprint").await;
    assert_eq!(blueprint["blueprint"].as_array().unwrap().len(), 8);
}

#[rocket::async_test]
async fn content_files_no_longer_overwrite_what_trainers_changed_in_the_app() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let db = app.db();

    // A file-loaded module edited in the app.
    let detail = authoring::modules::module_detail(db, "samples")
        .await
        .unwrap();
    let mut draft = detail.draft.clone();
    draft.title = "Samples (local version)".into();
    draft.review_by = Some(chrono::Utc::now().date_naive() + chrono::Duration::days(30));
    authoring::modules::edit_module(db, None, "samples", &draft)
        .await
        .unwrap();

    // A file-loaded item edited, another retired, in the app.
    let edited = item::Entity::find()
        .filter(item::Column::Uid.eq("samp-b01"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut question = authoring::current_question(db, edited.id).await.unwrap();
    question.general_feedback = "Checked by our lab team.".into();
    authoring::edit_item(db, None, edited.id, &question)
        .await
        .unwrap();
    let retired = item::Entity::find()
        .filter(item::Column::Uid.eq("samp-b02"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    authoring::retire_item(db, None, retired.id).await.unwrap();

    // A topic reworded and a new one added, in the browser.
    let (status, _, _) = post(
        &app,
        &trainer,
        "/author/topics/samples",
        &[
            ("name", "Samples for genomic tests"),
            ("description", "Taking and sending samples."),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let (status, location, _) = post(
        &app,
        &trainer,
        "/author/topics",
        &[
            ("slug", "pharmacogenomics"),
            ("name", "Pharmacogenomics"),
            ("description", "Genes and medicines."),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/author/topics/pharmacogenomics"));
    let (status, _, body) = post(
        &app,
        &trainer,
        "/author/topics",
        &[
            ("slug", "pharmacogenomics"),
            ("name", ""),
            ("description", ""),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Enter a name") && body.contains("Enter a description"));

    // The next start loads the files again: every change above stands.
    let summary = reload_content(&app).await;
    assert!(summary.app_edits_kept >= 3, "{summary:?}");
    assert_eq!(
        current_title(&app, "samples").await.1,
        "Samples (local version)"
    );
    let now = item::Entity::find_by_id(edited.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let version = item_version::Entity::find_by_id(now.current_version_id.unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version.explanation, "Checked by our lab team.");
    let still = item::Entity::find_by_id(retired.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, "retired");
    let topics = authoring::overview::topic_overview(db).await.unwrap();
    assert!(
        topics
            .iter()
            .any(|t| t.slug == "samples" && t.name == "Samples for genomic tests")
    );
    assert!(topics.iter().any(|t| t.slug == "pharmacogenomics"));
    let blueprint = authoring::blueprint(db).await.unwrap();
    assert!(
        blueprint
            .iter()
            .any(|r| r.topic_slug == "pharmacogenomics" && r.item_count == 0)
    );

    // Untouched content still follows the files, and a second load changes nothing.
    assert_eq!(reload_content(&app).await.module_versions_created, 0);
}
