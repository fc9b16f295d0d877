//! JSON twins under `/api/v1/author`: items (list, get, create, edit, publish, retire) and
//! import preview/apply. The item body is the item form's fields (or `qtype: "gift"` with
//! `gift`); analysis is in `analysis.rs`.

use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post, put};
use serde::Deserialize;

use super::item_form::ItemForm;
use crate::authoring::{self, ImportPreview, ImportSummary, overview};
use crate::error::{AppError, AppResult};
use crate::questions::Question;
use crate::state::AppState;
use crate::web::csrf::{CsrfHeader, CsrfJson, CsrfUpload};
use crate::web::guards::Trainer;

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

#[get("/api/v1/author/topics/<slug>/items")]
pub async fn api_list_items(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "topic": slug, "items": authoring::list_items(&state.db, slug).await? }),
    ))
}

#[get("/api/v1/author/items/<id>")]
pub async fn api_show_item(
    _trainer: Trainer,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Json<Value>> {
    let item = overview::item_summary(&state.db, id).await?;
    let question = authoring::current_question(&state.db, id).await?;
    let versions = overview::item_versions(&state.db, id).await?;
    Ok(Json(
        json!({ "item": item, "question": question, "versions": versions }),
    ))
}

#[post("/api/v1/author/items", data = "<body>")]
pub async fn api_create_item(
    trainer: Trainer,
    state: &State<AppState>,
    body: CsrfJson<ItemForm>,
) -> AppResult<Json<Value>> {
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
    Ok(Json(json!({ "item": item })))
}

#[put("/api/v1/author/items/<id>", data = "<body>")]
pub async fn api_edit_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    body: CsrfJson<ItemForm>,
) -> AppResult<Json<Value>> {
    overview::item_summary(&state.db, id).await?;
    let question = question_of(&body.0)?;
    let outcome =
        authoring::edit_item(&state.db, Some(trainer.0.account.id), id, &question).await?;
    let item = overview::item_summary(&state.db, id).await?;
    Ok(Json(json!({ "outcome": outcome, "item": item })))
}

#[post("/api/v1/author/items/<id>/publish")]
pub async fn api_publish_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<Value>> {
    let item = authoring::publish_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Json(json!({ "item": item })))
}

#[post("/api/v1/author/items/<id>/retire")]
pub async fn api_retire_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<Value>> {
    let item = authoring::retire_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Json(json!({ "item": item })))
}

/// A question file's text, its name (for file:line errors) and the topic to import into.
#[derive(Debug, Deserialize)]
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
