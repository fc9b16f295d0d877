//! `/manage/assignments`: managers and admins assign modules to a job role or a whole
//! organisation, with a due date. A manager may only assign within their own organisations.

use chrono::NaiveDate;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::{Json, json};
use rocket::{Either, State, get, post};
use rocket_dyn_templates::Template;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::accounts::OrgScope;
use crate::accounts::organisations;
use crate::audit::{self, Event, action};
use crate::error::{AppError, AppResult};
use crate::learning::assignments::{self, AssignmentRow, Audience};
use crate::learning::modules;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{ClientAddress, Manager};

/// A module (its slug), an organisation and/or job role, and the date it is due
/// (`YYYY-MM-DD`).
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
    job_role_id: Option<i64>,
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
struct Choice {
    value: String,
    label: String,
    /// Chosen in the form being shown again after an error.
    selected: bool,
}

#[derive(Serialize)]
struct FieldError {
    field: &'static str,
    message: String,
}

async fn choices(
    state: &AppState,
    scope: &OrgScope,
    entered: Option<&AssignForm>,
) -> AppResult<(Vec<Choice>, Vec<Choice>, Vec<Choice>)> {
    let db = &state.db;
    let modules = modules::published_modules(db)
        .await?
        .into_iter()
        .map(|m| Choice {
            selected: entered.is_some_and(|f| f.module == m.slug),
            value: m.slug,
            label: m.title,
        })
        .collect();
    let organisations = organisations::list(db, scope)
        .await?
        .into_iter()
        .map(|o| Choice {
            selected: entered.is_some_and(|f| f.organisation_id == Some(o.id)),
            value: o.id.to_string(),
            label: format!("{} ({})", o.name, o.code),
        })
        .collect();
    let roles = assignments::role_choices(db)
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            selected: entered.is_some_and(|f| f.job_role_id == Some(id)),
            value: id.to_string(),
            label: name,
        })
        .collect();
    Ok((modules, organisations, roles))
}

/// Checks the form against the manager's scope; the problems are per field.
async fn validate(
    state: &AppState,
    scope: &OrgScope,
    form: &AssignForm,
) -> AppResult<Result<(i64, Audience, NaiveDate), Vec<FieldError>>> {
    let db = &state.db;
    let mut errors = Vec::new();
    let module = modules::published_modules(db)
        .await?
        .into_iter()
        .find(|m| m.slug == form.module);
    if module.is_none() {
        errors.push(FieldError {
            field: "module",
            message: "Choose a module".into(),
        });
    }
    let organisation = form.organisation_id.filter(|id| scope.includes(*id));
    if organisation.is_none() {
        errors.push(FieldError {
            field: "organisation_id",
            message: "Choose one of your organisations".into(),
        });
    }
    if let Some(role) = form.job_role_id
        && !assignments::role_exists(db, role).await?
    {
        errors.push(FieldError {
            field: "job_role_id",
            message: "Choose a job role from the list, or everyone".into(),
        });
    }
    let due = NaiveDate::parse_from_str(form.due_on.trim(), "%Y-%m-%d").ok();
    match due {
        None => errors.push(FieldError {
            field: "due_on",
            message: "Enter the due date as a date, for example 2027-03-31".into(),
        }),
        Some(date) if date < chrono::Utc::now().date_naive() => {
            errors.push(FieldError {
                field: "due_on",
                message: "The due date must be today or later".into(),
            });
        }
        Some(_) => {}
    }
    Ok(match (module, organisation, due, errors.is_empty()) {
        (Some(module), Some(organisation_id), Some(due), true) => Ok((
            module.module_id,
            Audience {
                organisation_id,
                job_role_id: form.job_role_id,
            },
            due,
        )),
        _ => Err(errors),
    })
}

/// The page; after an error, `entered` is the form as sent, shown again with each field's
/// message beside it.
async fn page(
    state: &AppState,
    manager: &Manager,
    chrome: &Chrome,
    errors: Vec<FieldError>,
    entered: Option<&AssignForm>,
) -> AppResult<Template> {
    let (modules, organisations, roles) = choices(state, &manager.scope, entered).await?;
    let rows = assignments::list(&state.db, &manager.scope).await?;
    let title = if errors.is_empty() {
        "Module assignments"
    } else {
        "Error: module assignments"
    };
    let on = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    Ok(chrome.render(
        "manage/assignments",
        title,
        json!({
            "assignments": rows,
            "modules": modules,
            "organisations": organisations,
            "roles": roles,
            "due_on": entered.map_or("", |f| f.due_on.as_str()),
            "module_error": on("module"),
            "organisation_id_error": on("organisation_id"),
            "job_role_id_error": on("job_role_id"),
            "due_on_error": on("due_on"),
            "errors": errors,
        }),
    ))
}

#[get("/manage/assignments")]
pub async fn list_assignments(
    manager: Manager,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Template> {
    page(state, &manager, &chrome, Vec::new(), None).await
}

async fn record(
    state: &AppState,
    manager: &Manager,
    address: Option<String>,
    module_id: i64,
    audience: Audience,
    due: NaiveDate,
) -> AppResult<i64> {
    let row =
        assignments::assign(&state.db, manager.user.account.id, module_id, audience, due).await?;
    audit::record(
        &state.db,
        Event::new(action::MODULE_ASSIGNED)
            .by(Some(manager.user.account.id))
            .subject(format!("module {module_id}"))
            .detail(serde_json::json!({
                "module_id": module_id,
                "organisation_id": audience.organisation_id,
                "job_role_id": audience.job_role_id,
                "due_on": due,
            }))
            .from_address(address),
    )
    .await?;
    Ok(row.id)
}

#[post("/manage/assignments", data = "<form>")]
pub async fn create_assignment(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    form: CsrfForm<AssignForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Template)>> {
    match validate(state, &manager.scope, &form.0).await? {
        Ok((module_id, audience, due)) => {
            record(state, &manager, address.0, module_id, audience, due).await?;
            Ok(Either::Left(Flash::success(
                Redirect::to("/manage/assignments"),
                "The module has been assigned.",
            )))
        }
        Err(errors) => Ok(Either::Right((
            Status::UnprocessableEntity,
            page(state, &manager, &chrome, errors, Some(&form.0)).await?,
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

/// The assignments in the manager's organisations.
#[utoipa::path(tag = "management", responses((status = 200, body = AssignmentList)))]
#[get("/api/v1/manage/assignments")]
pub async fn api_list_assignments(
    manager: Manager,
    state: &State<AppState>,
) -> AppResult<Json<AssignmentList>> {
    Ok(Json(AssignmentList {
        assignments: assignments::list(&state.db, &manager.scope).await?,
    }))
}

/// The new assignment's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assigned {
    pub id: i64,
}

/// Assign a module to an organisation and/or job role, due on a date.
#[utoipa::path(tag = "management", request_body = AssignForm, responses((status = 200, body = Assigned)))]
#[post("/api/v1/manage/assignments", data = "<body>")]
pub async fn api_create_assignment(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    body: CsrfJson<AssignForm>,
) -> AppResult<Json<Assigned>> {
    match validate(state, &manager.scope, &body.0).await? {
        Ok((module_id, audience, due)) => {
            let id = record(state, &manager, address.0, module_id, audience, due).await?;
            Ok(Json(Assigned { id }))
        }
        Err(errors) => Err(AppError::Unprocessable(
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}
