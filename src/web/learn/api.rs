//! JSON twins of the learner's pages under `/api/v1`. Items are sent without their answers or
//! feedback until the attempt is submitted; every state change needs `X-CSRF-Token`.

use std::collections::BTreeMap;

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post, put};
use serde::Deserialize;

use super::views::item_view;
use crate::app::AppState;
use crate::assessment::AttemptStatus;
use crate::assessment::answer::{AnswerInput, Sureness};
use crate::assessment::attempts::{self, Indices, SaveItem};
use crate::assessment::{progress, results};
use crate::error::{AppError, AppResult};
use crate::learning::{export, modules, plan, record};
use crate::web::csrf::{CsrfHeader, CsrfJson};
use crate::web::guards::CurrentUser;

async fn attempt_json(state: &AppState, user_id: i64, id: i64) -> AppResult<Value> {
    let progress = progress::progress(&state.db, user_id, id).await?;
    let saved = &progress.responses;
    let items: Vec<Value> = progress
        .slots
        .iter()
        .enumerate()
        .map(|(index, slot)| {
            json!({
                "topic_id": slot.topic_id,
                "topic": slot.topic_name,
                "answered": saved.contains_key(&slot.item_version_id),
                "item": item_view(index, slot, saved.get(&slot.item_version_id), None, None),
            })
        })
        .collect();
    Ok(json!({
        "id": progress.attempt.id,
        "phase": progress.attempt.phase,
        "status": progress.attempt.status,
        "ratings": progress.ratings,
        "items": items,
        "missing": progress.missing(),
    }))
}

#[get("/api/v1/learn")]
pub async fn api_dashboard(user: CurrentUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    let baseline = attempts::attempts_at(&state.db, user.account.id, "baseline").await?;
    let plan = plan::plan(&state.db, user.account.id).await?;
    Ok(Json(json!({
        "baseline": baseline.iter().find(|a| a.is_reported || a.status == AttemptStatus::InProgress).map(|a| json!({ "id": a.id, "status": a.status })),
        "plan_complete": plan.as_ref().is_some_and(|p| p.complete),
    })))
}

#[post("/api/v1/assessments/<slug>/attempts")]
pub async fn api_start_attempt(
    user: CurrentUser,
    _csrf: CsrfHeader,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<Value>> {
    match slug {
        "baseline" => {}
        "post" => plan::ensure_post_open(&state.db, user.account.id).await?,
        other => {
            let slug = other
                .strip_prefix("quiz-")
                .ok_or_else(|| AppError::NotFound("There is no such assessment.".into()))?;
            modules::module_by_slug(&state.db, slug).await?;
        }
    }
    let attempt = attempts::start_or_resume_shuffled(
        &state.db,
        user.account.id,
        slug,
        state.config.shuffle_seed,
    )
    .await?;
    Ok(Json(
        attempt_json(state, user.account.id, attempt.id).await?,
    ))
}

#[get("/api/v1/attempts/<id>")]
pub async fn api_show_attempt(
    user: CurrentUser,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Json<Value>> {
    Ok(Json(attempt_json(state, user.account.id, id).await?))
}

#[derive(Debug, Deserialize)]
pub struct AnswerJson {
    pub position: i32,
    #[serde(default, flatten)]
    pub answer: AnswerInput,
    /// "low", "medium", "high" or "dont_know".
    pub sureness: Option<String>,
    pub time_on_item_ms: Option<i32>,
}

#[derive(Debug, Deserialize)]
pub struct SaveJson {
    #[serde(default)]
    pub ratings: BTreeMap<i64, i16>,
    #[serde(default)]
    pub answers: Vec<AnswerJson>,
}

#[put("/api/v1/attempts/<id>/answers", data = "<body>")]
pub async fn api_save_answers(
    user: CurrentUser,
    state: &State<AppState>,
    id: i64,
    body: CsrfJson<SaveJson>,
) -> AppResult<(Status, Json<Value>)> {
    let body = body.0;
    let mut items = Vec::new();
    for answer in body.answers {
        let sureness = match answer.sureness.as_deref() {
            None => None,
            Some(value) => Some(Sureness::parse(value).ok_or_else(|| {
                AppError::Unprocessable(format!(
                    "sureness must be low, medium, high or dont_know (got \"{}\")",
                    value.chars().take(20).collect::<String>()
                ))
            })?),
        };
        items.push(SaveItem {
            position: answer.position,
            answer: answer.answer,
            sureness,
            time_on_item_ms: answer.time_on_item_ms,
        });
    }
    let ratings: Vec<(i64, i16)> = body.ratings.into_iter().collect();
    let problems = attempts::save_with(
        &state.db,
        user.account.id,
        id,
        &ratings,
        &items,
        Indices::Shown,
    )
    .await?;
    let status = if problems.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    let problems: Vec<Value> = problems
        .into_iter()
        .map(|(position, message)| json!({ "position": position, "message": message }))
        .collect();
    Ok((
        status,
        Json(json!({ "saved": status == Status::Ok, "problems": problems })),
    ))
}

#[post("/api/v1/attempts/<id>/submit")]
pub async fn api_submit_attempt(
    user: CurrentUser,
    _csrf: CsrfHeader,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Json<Value>> {
    attempts::submit(&state.db, user.account.id, id).await?;
    Ok(Json(json!(
        results::attempt_result(&state.db, user.account.id, id).await?
    )))
}

#[get("/api/v1/attempts/<id>/result")]
pub async fn api_show_result(
    user: CurrentUser,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Json<Value>> {
    // Someone else's attempt is "not found"; an open one "shown once submitted".
    let result = results::attempt_result(&state.db, user.account.id, id).await?;
    let explanations: Vec<Value> = result
        .slots
        .iter()
        // Choice options in the order this attempt showed them, as on the attempt itself.
        .map(|s| {
            json!({
                "position": s.position,
                "item_id": s.item_uid,
                "question": s.order.shown_question(&s.question),
            })
        })
        .collect();
    Ok(Json(json!({ "result": result, "questions": explanations })))
}

#[get("/api/v1/plan")]
pub async fn api_show_plan(user: CurrentUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "plan": plan::plan(&state.db, user.account.id).await? }),
    ))
}

#[get("/api/v1/modules")]
pub async fn api_list_modules(
    _user: CurrentUser,
    state: &State<AppState>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "modules": modules::published_modules(&state.db).await? }),
    ))
}

#[get("/api/v1/modules/<slug>/pages/<number>")]
pub async fn api_module_page(
    user: CurrentUser,
    state: &State<AppState>,
    slug: &str,
    number: i32,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        modules::read_page(&state.db, user.account.id, slug, number).await?
    )))
}

#[get("/api/v1/modules/<slug>/certificate")]
pub async fn api_certificate(
    user: CurrentUser,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Json<Value>> {
    let module = record::certificate(&state.db, user.account.id, slug).await?;
    Ok(Json(
        json!({ "name": user.account.display_name, "module": module }),
    ))
}

#[get("/api/v1/record")]
pub async fn api_record(user: CurrentUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        record::record(&state.db, user.account.id).await?
    )))
}

#[get("/api/v1/record/export")]
pub async fn api_export(user: CurrentUser, state: &State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        export::export(&state.db, user.account.id).await?
    )))
}
