//! `/author/items/<id>/diff`: what changed between two versions of an item, as one list
//! (unified) or two columns (side by side); `/api/v1/author/items/<id>/diff` is its JSON twin.

use crate::web::page::Page;
use rocket::serde::json::Json;
use rocket::{State, get};
use serde_json::json;
use utoipa::OpenApi;

use crate::authoring::diff::{self, VersionDiff};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::Trainer;

#[derive(OpenApi)]
#[openapi(paths(api_diff_versions))]
pub struct ApiDoc;

/// `unified` (the default) or `side` (side by side).
fn side_by_side(view: Option<&str>) -> AppResult<bool> {
    match view.map(str::trim).filter(|v| !v.is_empty()) {
        None | Some("unified") => Ok(false),
        Some("side") => Ok(true),
        Some(_) => Err(AppError::BadRequest("View must be unified or side".into())),
    }
}

/// A version number from the query: absent (or empty) means the default; anything but a whole
/// number from 1 is a 400, not silently the default.
fn version_param(name: &str, given: Option<&str>) -> AppResult<Option<i32>> {
    match given.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The {name} version must be a whole number, 1 or more"
                ))
            }),
    }
}

#[get("/author/items/<id>/diff?<from>&<to>&<view>")]
pub async fn show_diff(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
    from: Option<&str>,
    to: Option<&str>,
    view: Option<&str>,
) -> AppResult<Page> {
    let side = side_by_side(view)?;
    let (from, to) = (version_param("from", from)?, version_param("to", to)?);
    let found = diff::diff_versions(&state.db, id, from, to).await?;
    let title = format!(
        "Changes to {} from version {} to {}",
        found.uid, found.from, found.to
    );
    Ok(chrome.render(
        "author/diff",
        &title,
        json!({ "back": format!("/author/items/{id}"), "diff": found, "side": side }),
    ))
}

/// What changed between two versions of an item (`to` defaults to the newest version, `from`
/// to the one before it): each version one field to a line, compared line by line.
#[utoipa::path(
    tag = "authoring",
    params(
        ("id" = i64, Path, description = "The item"),
        ("from" = Option<i32>, Query, minimum = 1, description = "The older version"),
        ("to" = Option<i32>, Query, minimum = 1, description = "The newer version"),
    ),
    responses(
        (status = 200, body = VersionDiff),
        (status = 400, description = "A version is not a whole number from 1"),
    )
)]
#[get("/api/v1/author/items/<id>/diff?<from>&<to>")]
pub async fn api_diff_versions(
    _trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<VersionDiff>> {
    let (from, to) = (version_param("from", from)?, version_param("to", to)?);
    Ok(Json(diff::diff_versions(&state.db, id, from, to).await?))
}
