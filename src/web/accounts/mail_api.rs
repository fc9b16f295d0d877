//! `/api/v1/me/mail-preferences`: the JSON twin of the **Emails** choices on `/account`.

use rocket::serde::json::Json;
use rocket::{Route, State, get, put, routes};
use utoipa::OpenApi;

use crate::error::AppResult;
use crate::notify::preferences::{self, Choice, Preferences};
use crate::state::AppState;
use crate::web::csrf::CsrfJson;
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<Route> {
    routes![show_choices, save_choices]
}

#[derive(OpenApi)]
#[openapi(paths(show_choices, save_choices))]
pub struct ApiDoc;

/// Which optional emails you get (activation and password-reset emails always go).
#[utoipa::path(tag = "accounts", responses((status = 200, body = Preferences)))]
#[get("/api/v1/me/mail-preferences")]
async fn show_choices(state: &State<AppState>, user: CurrentUser) -> AppResult<Json<Preferences>> {
    Ok(Json(preferences::of(&state.db, user.account.id).await?))
}

/// Changes the choices named in the body (the others stay); answers with all of them.
#[utoipa::path(
    tag = "accounts",
    request_body = Choice,
    responses((status = 200, body = Preferences))
)]
#[put("/api/v1/me/mail-preferences", data = "<body>")]
async fn save_choices(
    state: &State<AppState>,
    user: CurrentUser,
    body: CsrfJson<Choice>,
) -> AppResult<Json<Preferences>> {
    Ok(Json(
        preferences::save(&state.db, user.account.id, body.0).await?,
    ))
}
