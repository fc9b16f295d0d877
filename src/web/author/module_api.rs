//! JSON twins under `/api/v1/author` for modules, topics, the overview, the blueprint and a
//! module's quiz. Bodies are the services' own types (`ModuleDraft`, `TopicDraft`).

use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post, put};
use serde::Deserialize;

use crate::authoring::modules::{self, ModuleDraft};
use crate::authoring::topics::{self, TopicDraft};
use crate::authoring::{self, overview};
use crate::content::markdown::render;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csrf::{CsrfHeader, CsrfJson};
use crate::web::guards::Trainer;

#[get("/api/v1/author")]
pub async fn api_overview(_trainer: Trainer, state: &State<AppState>) -> AppResult<Json<Value>> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(json!({
        "topics": overview::topic_overview(&state.db).await?,
        "modules": modules::list_modules(&state.db).await?,
        "review_due": authoring::review_due(&state.db, today).await?,
        "quizzes": overview::quizzes(&state.db).await?,
    })))
}

#[get("/api/v1/author/blueprint")]
pub async fn api_blueprint(_trainer: Trainer, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "blueprint": authoring::blueprint(&state.db).await? }),
    ))
}

#[get("/api/v1/author/quizzes/<slug>")]
pub async fn api_quiz(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<Value>> {
    let quiz = overview::quiz_of(&state.db, slug).await?;
    let items = overview::assessment_item_uids(&state.db, &quiz.assessment_slug).await?;
    Ok(Json(json!({ "quiz": quiz, "items": items })))
}

#[get("/api/v1/author/modules")]
pub async fn api_list_modules(
    _trainer: Trainer,
    state: &State<AppState>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "modules": modules::list_modules(&state.db).await? }),
    ))
}

#[get("/api/v1/author/modules/<slug>")]
pub async fn api_show_module(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "module": modules::module_detail(&state.db, slug).await? }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct NewModule {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    draft: ModuleDraft,
}

#[post("/api/v1/author/modules", data = "<body>")]
pub async fn api_create_module(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<NewModule>,
) -> AppResult<Json<Value>> {
    let body = body.0;
    let row = modules::create_module(
        &state.db,
        Some(trainer.0.account.id),
        body.slug.trim(),
        &body.draft,
    )
    .await?;
    Ok(Json(json!({ "module": row })))
}

#[put("/api/v1/author/modules/<slug>", data = "<body>")]
pub async fn api_edit_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    body: CsrfJson<ModuleDraft>,
) -> AppResult<Json<Value>> {
    let outcome =
        modules::edit_module(&state.db, Some(trainer.0.account.id), slug, &body.0).await?;
    let detail = modules::module_detail(&state.db, slug).await?;
    Ok(Json(json!({ "outcome": outcome, "module": detail.row })))
}

#[post("/api/v1/author/modules/<slug>/publish")]
pub async fn api_publish_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _csrf: CsrfHeader,
) -> AppResult<Json<Value>> {
    let row = modules::publish_module(&state.db, Some(trainer.0.account.id), slug).await?;
    Ok(Json(json!({ "module": row })))
}

#[post("/api/v1/author/modules/<slug>/retire")]
pub async fn api_retire_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _csrf: CsrfHeader,
) -> AppResult<Json<Value>> {
    let row = modules::retire_module(&state.db, Some(trainer.0.account.id), slug).await?;
    Ok(Json(json!({ "module": row })))
}

#[derive(Debug, Deserialize)]
pub struct MarkdownBody {
    #[serde(default)]
    markdown: String,
}

/// The sanitised HTML a page's Markdown becomes, as learners would see it.
#[post("/api/v1/author/preview", data = "<body>")]
pub async fn api_preview_markdown(_trainer: Trainer, body: CsrfJson<MarkdownBody>) -> Json<Value> {
    Json(json!({ "html": render(&body.0.markdown) }))
}

#[derive(Debug, Deserialize)]
pub struct NewTopic {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    draft: TopicDraft,
}

#[post("/api/v1/author/topics", data = "<body>")]
pub async fn api_create_topic(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<NewTopic>,
) -> AppResult<Json<Value>> {
    let body = body.0;
    let row = topics::create_topic(
        &state.db,
        Some(trainer.0.account.id),
        body.slug.trim(),
        &body.draft,
    )
    .await?;
    Ok(Json(
        json!({ "topic": { "slug": row.slug, "name": row.name, "description": row.description } }),
    ))
}

#[put("/api/v1/author/topics/<slug>", data = "<body>")]
pub async fn api_edit_topic(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    body: CsrfJson<TopicDraft>,
) -> AppResult<Json<Value>> {
    let row = topics::edit_topic(&state.db, Some(trainer.0.account.id), slug, &body.0).await?;
    Ok(Json(
        json!({ "topic": { "slug": row.slug, "name": row.name, "description": row.description } }),
    ))
}
