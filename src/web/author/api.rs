//! JSON twins under `/api/v1/author`: items (list, get, create, edit, publish, retire) and
//! import preview/apply. The item body is the item form's fields (or `qtype: "gift"` with
//! `gift`); analysis is in `analysis.rs`.

use rocket::serde::json::Json;
use rocket::{State, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::item_form::ItemForm;
use crate::authoring::overview::VersionEntry;
use crate::authoring::{self, EditOutcome, ImportPreview, ImportSummary, ItemSummary, overview};
use crate::error::{AppError, AppResult};
use crate::questions::Question;
use crate::state::AppState;
use crate::web::csrf::{CsrfHeader, CsrfJson, CsrfUpload};
use crate::web::guards::Trainer;

#[derive(OpenApi)]
#[openapi(paths(
    api_list_items,
    api_show_item,
    api_create_item,
    api_edit_item,
    api_publish_item,
    api_retire_item,
    api_preview_import,
    api_apply_import
))]
pub struct ApiDoc;

/// A topic's items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList {
    /// The topic's slug.
    pub topic: String,
    pub items: Vec<ItemSummary>,
}

/// An item with its current question and every version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDetail {
    pub item: ItemSummary,
    pub question: Question,
    pub versions: Vec<VersionEntry>,
}

/// An item after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemJson {
    pub item: ItemSummary,
}

/// What an edit did (a new version, or nothing when the question is unchanged) and the item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemEdited {
    pub outcome: EditOutcome,
    pub item: ItemSummary,
}

fn question_of(form: &ItemForm) -> AppResult<Question> {
    form.to_question().map_err(|errors| {
        AppError::Unprocessable(
            errors
                .0
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ItemList)))]
#[get("/api/v1/author/topics/<slug>/items")]
pub async fn api_list_items(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<ItemList>> {
    Ok(Json(ItemList {
        items: authoring::list_items(&state.db, slug).await?,
        topic: slug.to_owned(),
    }))
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ItemDetail)))]
#[get("/api/v1/author/items/<id>")]
pub async fn api_show_item(
    _trainer: Trainer,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Json<ItemDetail>> {
    let item = overview::item_summary(&state.db, id).await?;
    let question = authoring::current_question(&state.db, id).await?;
    let versions = overview::item_versions(&state.db, id).await?;
    Ok(Json(ItemDetail {
        item,
        question,
        versions,
    }))
}

/// Create an item (a draft) from the item form's fields, or `qtype: "gift"` with `gift`.
#[utoipa::path(tag = "authoring", request_body = ItemForm, responses((status = 200, body = ItemJson)))]
#[post("/api/v1/author/items", data = "<body>")]
pub async fn api_create_item(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<ItemForm>,
) -> AppResult<Json<ItemJson>> {
    let form = body.0;
    let question = question_of(&form)?;
    if form.topic.trim().is_empty() {
        return Err(AppError::Unprocessable(
            "Choose the topic the item tests.".into(),
        ));
    }
    let uid = Some(form.uid.trim()).filter(|u| !u.is_empty());
    let item = authoring::create_item(
        &state.db,
        Some(trainer.0.account.id),
        form.topic.trim(),
        uid,
        &question,
    )
    .await?;
    Ok(Json(ItemJson { item }))
}

/// Edit an item: a changed question becomes a new draft version.
#[utoipa::path(tag = "authoring", request_body = ItemForm, responses((status = 200, body = ItemEdited)))]
#[put("/api/v1/author/items/<id>", data = "<body>")]
pub async fn api_edit_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    body: CsrfJson<ItemForm>,
) -> AppResult<Json<ItemEdited>> {
    overview::item_summary(&state.db, id).await?;
    let question = question_of(&body.0)?;
    let outcome =
        authoring::edit_item(&state.db, Some(trainer.0.account.id), id, &question).await?;
    let item = overview::item_summary(&state.db, id).await?;
    Ok(Json(ItemEdited { outcome, item }))
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ItemJson)))]
#[post("/api/v1/author/items/<id>/publish")]
pub async fn api_publish_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<ItemJson>> {
    let item = authoring::publish_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Json(ItemJson { item }))
}

#[utoipa::path(tag = "authoring", responses((status = 200, body = ItemJson)))]
#[post("/api/v1/author/items/<id>/retire")]
pub async fn api_retire_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<ItemJson>> {
    let item = authoring::retire_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Json(ItemJson { item }))
}

/// A question file's text, its name (for file:line errors) and the topic to import into.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportBody {
    #[serde(default)]
    source: String,
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    publish: bool,
}

impl ImportBody {
    fn checked(&self) -> AppResult<(&str, &str, Option<&str>)> {
        if self.source.trim().is_empty() {
            return Err(AppError::Unprocessable(
                "Send the file's text as `source`.".into(),
            ));
        }
        Ok((
            self.source.as_str(),
            self.file_name.as_deref().unwrap_or("upload"),
            self.topic.as_deref().filter(|t| !t.is_empty()),
        ))
    }
}

/// What importing a GIFT or Moodle XML file would do; nothing is written.
#[utoipa::path(tag = "authoring", request_body = ImportBody, responses((status = 200, body = ImportPreview)))]
#[post("/api/v1/author/import/preview", data = "<body>")]
pub async fn api_preview_import(
    _trainer: Trainer,
    state: &State<AppState>,
    body: CsrfUpload<ImportBody>,
) -> AppResult<Json<ImportPreview>> {
    let (source, file_name, topic) = body.0.checked()?;
    Ok(Json(
        authoring::preview_import(&state.db, source, file_name, topic).await?,
    ))
}

/// Import a GIFT or Moodle XML file; a file with any error imports nothing.
#[utoipa::path(tag = "authoring", request_body = ImportBody, responses((status = 200, body = ImportSummary)))]
#[post("/api/v1/author/import", data = "<body>")]
pub async fn api_apply_import(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfUpload<ImportBody>,
) -> AppResult<Json<ImportSummary>> {
    let (source, file_name, topic) = body.0.checked()?;
    Ok(Json(
        authoring::apply_import(
            &state.db,
            Some(trainer.0.account.id),
            source,
            file_name,
            topic,
            body.0.publish,
        )
        .await?,
    ))
}
