//! `/manage/assignments`: managers and admins assign modules to a whole organisation, a job
//! role or a team in it, or one person, with a due date. A manager may only assign within their
//! own organisations and teams.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::{Json, json};
use rocket::{Either, State, get, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::error::{AppError, AppResult};
use crate::learning::assignment_changes::{self, AssignInput};
use crate::learning::assignment_list::{self, AssignmentRow, AssignmentsPage};
use crate::state::AppState;
use crate::validation::{self, FieldErrors};
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{ClientAddress, Manager};

/// A module (its slug); an organisation or a team, and optionally a job role, or else one
/// person (email address or employee number); and the date it is due (`YYYY-MM-DD`).
#[derive(Debug, FromForm, Deserialize, ToSchema)]
pub struct AssignForm {
    #[field(default = String::new())]
    #[serde(default)]
    #[schema(ignore)]
    csrf_token: String,
    #[field(default = String::new())]
    #[serde(default)]
    module: String,
    organisation_id: Option<i64>,
    team_id: Option<i64>,
    job_role_id: Option<i64>,
    #[field(default = String::new())]
    #[serde(default)]
    person: String,
    #[field(default = String::new())]
    #[serde(default)]
    due_on: String,
}

impl CsrfField for AssignForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
pub(crate) struct Choice {
    value: String,
    label: String,
    /// Chosen in the form being shown again after an error.
    selected: bool,
}

#[derive(Serialize)]
pub(crate) struct FieldError {
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

/// The problems as the error summary lists them.
pub(crate) fn summary(errors: &FieldErrors) -> Vec<FieldError> {
    errors
        .iter()
        .map(|(field, message)| FieldError {
            field,
            message: message.clone(),
        })
        .collect()
}

impl AssignForm {
    fn input(&self) -> AssignInput<'_> {
        AssignInput {
            module: &self.module,
            organisation_id: self.organisation_id,
            team_id: self.team_id,
            job_role_id: self.job_role_id,
            person: &self.person,
            due_on: &self.due_on,
        }
    }
}

/// The page; after an error, `entered` is the form as sent, shown again with each field's
/// message beside it.
fn render(
    chrome: &Chrome,
    page: AssignmentsPage,
    errors: FieldErrors,
    entered: Option<&AssignForm>,
) -> Page {
    let modules: Vec<Choice> = page
        .modules
        .into_iter()
        .map(|m| Choice {
            selected: entered.is_some_and(|f| f.module == m.slug),
            value: m.slug,
            label: m.title,
        })
        .collect();
    let organisations: Vec<Choice> = page
        .organisations
        .into_iter()
        .map(|o| Choice {
            selected: entered.is_some_and(|f| f.organisation_id == Some(o.id)),
            value: o.id.to_string(),
            label: format!("{} ({})", o.name, o.code),
        })
        .collect();
    let teams: Vec<Choice> = page
        .teams
        .into_iter()
        .map(|t| Choice {
            selected: entered.is_some_and(|f| f.team_id == Some(t.id)),
            value: t.id.to_string(),
            label: format!("{}: {}", t.organisation, t.name),
        })
        .collect();
    let roles: Vec<Choice> = page
        .roles
        .into_iter()
        .map(|(id, name)| Choice {
            selected: entered.is_some_and(|f| f.job_role_id == Some(id)),
            value: id.to_string(),
            label: name,
        })
        .collect();
    let title = if errors.is_empty() {
        "Module assignments"
    } else {
        "Error: module assignments"
    };
    let on = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, message)| message.clone())
    };
    chrome.render(
        "manage/assignments",
        title,
        json!({
            "assignments": page.assignments,
            "modules": modules,
            "organisations": organisations,
            "teams": teams,
            "roles": roles,
            "person": entered.map_or("", |f| f.person.as_str()),
            "due_on": entered.map_or("", |f| f.due_on.as_str()),
            "module_error": on("module"),
            "organisation_id_error": on("organisation_id"),
            "team_id_error": on("team_id"),
            "job_role_id_error": on("job_role_id"),
            "person_error": on("person"),
            "due_on_error": on("due_on"),
            "errors": summary(&errors),
        }),
    )
}

#[get("/manage/assignments")]
pub async fn list_assignments(
    manager: Manager,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let page = assignment_list::page(&state.db, &manager.scope).await?;
    Ok(render(&chrome, page, Vec::new(), None))
}

#[post("/manage/assignments", data = "<form>")]
pub async fn create_assignment(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    form: CsrfForm<AssignForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let created = assignment_changes::create_from_page(
        &state.db,
        &manager.scope,
        manager.user.account.id,
        address.0,
        form.0.input(),
    )
    .await?;
    match created {
        Ok(_) => Ok(Either::Left(Flash::success(
            Redirect::to("/manage/assignments"),
            "The module has been assigned.",
        ))),
        Err((errors, page)) => Ok(Either::Right((
            Status::UnprocessableEntity,
            render(&chrome, page, errors, Some(&form.0)),
        ))),
    }
}

#[derive(OpenApi)]
#[openapi(paths(api_list_assignments, api_create_assignment))]
pub struct ApiDoc;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentList {
    pub assignments: Vec<AssignmentRow>,
}

/// The assignments in the manager's organisations and teams.
#[utoipa::path(tag = "management", responses((status = 200, body = AssignmentList)))]
#[get("/api/v1/manage/assignments")]
pub async fn api_list_assignments(
    manager: Manager,
    state: &State<AppState>,
) -> AppResult<Json<AssignmentList>> {
    Ok(Json(AssignmentList {
        assignments: assignment_list::list(&state.db, &manager.scope).await?,
    }))
}

/// The new assignment's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assigned {
    pub id: i64,
}

/// Assign a module to an organisation, a team, a job role in either, or one person, due on a
/// date.
#[utoipa::path(tag = "management", request_body = AssignForm, responses((status = 200, body = Assigned)))]
#[post("/api/v1/manage/assignments", data = "<body>")]
pub async fn api_create_assignment(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    body: CsrfJson<AssignForm>,
) -> AppResult<Json<Assigned>> {
    let created = assignment_changes::create(
        &state.db,
        &manager.scope,
        manager.user.account.id,
        address.0,
        body.0.input(),
    )
    .await?;
    match created {
        Ok(id) => Ok(Json(Assigned { id })),
        Err(errors) => Err(AppError::Unprocessable(validation::joined(&errors, "; "))),
    }
}
