//! `/manage/assignments/<id>`: a manager (or admin) moves an assignment's due date or removes
//! it, on a page and in the JSON API. Assignments outside their scope are "not found".

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::{Json, json};
use rocket::{Either, State, delete, get, patch, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::assignments::summary;
use crate::error::{AppError, AppResult};
use crate::learning::assignment_changes::{self, ChangedBy};
use crate::learning::assignment_list::{self, AssignmentRow};
use crate::state::AppState;
use crate::validation::{self, FieldErrors};
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfHeader, CsrfJson, TokenOnly};
use crate::web::guards::{ClientAddress, Manager};

/// The new due date (`YYYY-MM-DD`).
#[derive(Debug, FromForm, Deserialize, ToSchema)]
pub struct DueForm {
    #[field(default = String::new())]
    #[serde(default)]
    #[schema(ignore)]
    csrf_token: String,
    #[field(default = String::new())]
    #[serde(default)]
    due_on: String,
}

impl CsrfField for DueForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn by<'a>(manager: &'a Manager, address: ClientAddress) -> ChangedBy<'a> {
    ChangedBy {
        scope: &manager.scope,
        actor: manager.user.account.id,
        client_address: address.0,
    }
}

fn render(chrome: &Chrome, row: &AssignmentRow, errors: &FieldErrors, due_on: &str) -> Page {
    let title = if errors.is_empty() {
        "Change an assignment"
    } else {
        "Error: change an assignment"
    };
    chrome.render(
        "manage/assignment",
        title,
        json!({
            "assignment": row,
            "due_on": due_on,
            "due_on_error": errors.first().map(|(_, message)| message),
            "errors": summary(errors),
        }),
    )
}

#[get("/manage/assignments/<id>")]
pub async fn show_assignment(
    manager: Manager,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Page> {
    let row = assignment_list::one(&state.db, &manager.scope, id).await?;
    let due = row.due_on.to_string();
    Ok(render(&chrome, &row, &Vec::new(), &due))
}

#[post("/manage/assignments/<id>/due", data = "<form>")]
pub async fn change_due(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    id: i64,
    form: CsrfForm<DueForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let changed =
        assignment_changes::change_due(&state.db, by(&manager, address), id, &form.0.due_on)
            .await?;
    match changed {
        Ok(_) => Ok(Either::Left(Flash::success(
            Redirect::to("/manage/assignments"),
            "The due date has been changed.",
        ))),
        Err((errors, row)) => Ok(Either::Right((
            Status::UnprocessableEntity,
            render(&chrome, &row, &errors, &form.0.due_on),
        ))),
    }
}

#[post("/manage/assignments/<id>/remove", data = "<_form>")]
pub async fn remove_assignment(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    id: i64,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    assignment_changes::remove(&state.db, by(&manager, address), id).await?;
    Ok(Flash::success(
        Redirect::to("/manage/assignments"),
        "The assignment has been removed.",
    ))
}

#[derive(OpenApi)]
#[openapi(paths(api_change_due, api_remove_assignment))]
pub struct ApiDoc;

/// Move an assignment's due date; the assignment as it is now.
#[utoipa::path(params(("id" = i64, Path)), tag = "management", request_body = DueForm, responses((status = 200, body = AssignmentRow)))]
#[patch("/api/v1/manage/assignments/<id>", data = "<body>")]
pub async fn api_change_due(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    id: i64,
    body: CsrfJson<DueForm>,
) -> AppResult<Json<AssignmentRow>> {
    match assignment_changes::change_due(&state.db, by(&manager, address), id, &body.0.due_on)
        .await?
    {
        Ok(row) => Ok(Json(row)),
        Err((errors, _)) => Err(AppError::Unprocessable(validation::joined(&errors, "; "))),
    }
}

/// What was removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Removed {
    pub id: i64,
}

/// Remove an assignment: the module leaves the plans of those it was for.
#[utoipa::path(params(("id" = i64, Path)), tag = "management", responses((status = 200, body = Removed)))]
#[delete("/api/v1/manage/assignments/<id>")]
pub async fn api_remove_assignment(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<Removed>> {
    assignment_changes::remove(&state.db, by(&manager, address), id).await?;
    Ok(Json(Removed { id }))
}
