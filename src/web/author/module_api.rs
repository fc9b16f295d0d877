//! JSON twins under `/api/v1/author` for modules, topics, the overview, the blueprint and a
//! module's quiz. Bodies are the services' own types (`ModuleDraft`, `TopicDraft`).

use rocket::serde::json::Json;
use rocket::{State, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::authoring::curriculum::{BlueprintRow, ReviewDue};
use crate::authoring::modules::{self, ModuleDetail, ModuleDraft, ModuleRow, SaveOutcome};
use crate::authoring::overview::{QuizChoice, TopicOverview};
use crate::authoring::topics::{self, Topic, TopicDraft};
use crate::authoring::{self, overview};
use crate::content::local_details::{LocalTexts, render_page};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csrf::{CsrfHeader, CsrfJson};
use crate::web::guards::Trainer;

#[derive(OpenApi)]
#[openapi(paths(
    api_overview,
    api_blueprint,
    api_quiz,
    api_list_modules,
    api_show_module,
    api_create_module,
    api_edit_module,
    api_publish_module,
    api_retire_module,
    api_preview_markdown,
    api_create_topic,
    api_edit_topic
))]
pub struct ApiDoc;

/// The authoring overview: topics, modules, what is due for review, quizzes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorOverview {
    pub topics: Vec<TopicOverview>,
    pub modules: Vec<ModuleRow>,
    pub review_due: Vec<ReviewDue>,
    pub quizzes: Vec<QuizChoice>,
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = AuthorOverview)))]
#[get("/api/v1/author")]
pub async fn api_overview(
    _trainer: Trainer,
    state: &State<AppState>,
) -> AppResult<Json<AuthorOverview>> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(AuthorOverview {
        topics: overview::topic_overview(&state.db).await?,
        modules: modules::list_modules(&state.db).await?,
        review_due: authoring::review_due(&state.db, today).await?,
        quizzes: overview::quizzes(&state.db).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Blueprint {
    pub blueprint: Vec<BlueprintRow>,
}

/// How many items each topic's assessments draw, against how many it has.
#[utoipa::path(tag = "authoring", responses((status = 200, body = Blueprint)))]
#[get("/api/v1/author/blueprint")]
pub async fn api_blueprint(
    _trainer: Trainer,
    state: &State<AppState>,
) -> AppResult<Json<Blueprint>> {
    Ok(Json(Blueprint {
        blueprint: authoring::blueprint(&state.db).await?,
    }))
}

/// A module's quiz and the ids of the items in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuizJson {
    pub quiz: QuizChoice,
    pub items: Vec<String>,
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = QuizJson)))]
#[get("/api/v1/author/quizzes/<slug>")]
pub async fn api_quiz(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<QuizJson>> {
    let quiz = overview::quiz_of(&state.db, slug).await?;
    let items = overview::assessment_item_uids(&state.db, &quiz.assessment_slug).await?;
    Ok(Json(QuizJson { quiz, items }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleRows {
    pub modules: Vec<ModuleRow>,
}

#[utoipa::path(
    tag = "authoring",
    operation_id = "api_author_list_modules",
    responses((status = 200, body = ModuleRows))
)]
#[get("/api/v1/author/modules")]
pub async fn api_list_modules(
    _trainer: Trainer,
    state: &State<AppState>,
) -> AppResult<Json<ModuleRows>> {
    Ok(Json(ModuleRows {
        modules: modules::list_modules(&state.db).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleJson {
    pub module: ModuleDetail,
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ModuleJson)))]
#[get("/api/v1/author/modules/<slug>")]
pub async fn api_show_module(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<ModuleJson>> {
    Ok(Json(ModuleJson {
        module: modules::module_detail(&state.db, slug).await?,
    }))
}

/// A module after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleRowJson {
    pub module: ModuleRow,
}

/// What an edit did and the module after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleEdited {
    pub outcome: SaveOutcome,
    pub module: ModuleRow,
}

/// A new module: its slug and the draft's fields.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewModule {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    draft: ModuleDraft,
}

#[utoipa::path(tag = "authoring", request_body = NewModule, responses((status = 200, body = ModuleRowJson)))]
#[post("/api/v1/author/modules", data = "<body>")]
pub async fn api_create_module(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<NewModule>,
) -> AppResult<Json<ModuleRowJson>> {
    let body = body.0;
    let row = modules::create_module(
        &state.db,
        Some(trainer.0.account.id),
        body.slug.trim(),
        &body.draft,
    )
    .await?;
    Ok(Json(ModuleRowJson { module: row }))
}

#[utoipa::path(tag = "authoring", request_body = ModuleDraft, responses((status = 200, body = ModuleEdited)))]
#[put("/api/v1/author/modules/<slug>", data = "<body>")]
pub async fn api_edit_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    body: CsrfJson<ModuleDraft>,
) -> AppResult<Json<ModuleEdited>> {
    let outcome =
        modules::edit_module(&state.db, Some(trainer.0.account.id), slug, &body.0).await?;
    let detail = modules::module_detail(&state.db, slug).await?;
    Ok(Json(ModuleEdited {
        outcome,
        module: detail.row,
    }))
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ModuleRowJson)))]
#[post("/api/v1/author/modules/<slug>/publish")]
pub async fn api_publish_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _csrf: CsrfHeader,
) -> AppResult<Json<ModuleRowJson>> {
    let row = modules::publish_module(&state.db, Some(trainer.0.account.id), slug).await?;
    Ok(Json(ModuleRowJson { module: row }))
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ModuleRowJson)))]
#[post("/api/v1/author/modules/<slug>/retire")]
pub async fn api_retire_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _csrf: CsrfHeader,
) -> AppResult<Json<ModuleRowJson>> {
    let row = modules::retire_module(&state.db, Some(trainer.0.account.id), slug).await?;
    Ok(Json(ModuleRowJson { module: row }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkdownBody {
    #[serde(default)]
    markdown: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Html {
    /// Sanitised HTML.
    pub html: String,
}

/// The sanitised HTML a page's Markdown becomes, as learners would see it.
#[utoipa::path(tag = "authoring", request_body = MarkdownBody, responses((status = 200, body = Html)))]
#[post("/api/v1/author/preview", data = "<body>")]
pub async fn api_preview_markdown(_trainer: Trainer, body: CsrfJson<MarkdownBody>) -> Json<Html> {
    Json(Html {
        html: render_page(&body.0.markdown, &LocalTexts::default()),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicJson {
    pub topic: Topic,
}

/// A new topic: its slug and wording.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTopic {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    draft: TopicDraft,
}

#[utoipa::path(tag = "authoring", request_body = NewTopic, responses((status = 200, body = TopicJson)))]
#[post("/api/v1/author/topics", data = "<body>")]
pub async fn api_create_topic(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<NewTopic>,
) -> AppResult<Json<TopicJson>> {
    let body = body.0;
    let topic = topics::create_topic(
        &state.db,
        Some(trainer.0.account.id),
        body.slug.trim(),
        &body.draft,
    )
    .await?;
    Ok(Json(TopicJson { topic }))
}

#[utoipa::path(tag = "authoring", request_body = TopicDraft, responses((status = 200, body = TopicJson)))]
#[put("/api/v1/author/topics/<slug>", data = "<body>")]
pub async fn api_edit_topic(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    body: CsrfJson<TopicDraft>,
) -> AppResult<Json<TopicJson>> {
    let topic = topics::edit_topic(&state.db, Some(trainer.0.account.id), slug, &body.0).await?;
    Ok(Json(TopicJson { topic }))
}
