//! `/targets` and `/targets/<job role>`: trainers and admins edit a job role's targets (required
//! level and importance per topic) as one form, see their history, and the JSON twins. Saving
//! rebuilds the report figures (`crate::targets`).

use std::collections::HashMap;

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::error::AppResult;
use crate::state::AppState;
use crate::targets::{self, ChangedBy, RawTarget, RoleListing, RoleTargets, Saved, TopicTarget};
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{ClientAddress, Trainer};

pub fn routes() -> Vec<Route> {
    routes![
        list_page,
        show_page,
        save_page,
        api_list_target_roles,
        api_show_role_targets,
        api_save_role_targets
    ]
}

#[derive(OpenApi)]
#[openapi(paths(api_list_target_roles, api_show_role_targets, api_save_role_targets))]
pub struct ApiDoc;

#[derive(Debug, FromForm)]
pub struct TargetsForm {
    #[field(default = String::new())]
    csrf_token: String,
    /// Values by topic slug (`targets[consent].required_level`).
    #[field(default = HashMap::new())]
    targets: HashMap<String, RawTarget>,
}

impl CsrfField for TargetsForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct RoleListView {
    roles: Vec<RoleListing>,
}

#[derive(Serialize)]
struct TargetField {
    #[serde(flatten)]
    target: TopicTarget,
    required_text: String,
    importance_text: String,
    required_error: Option<String>,
    importance_error: Option<String>,
}

#[derive(Serialize)]
struct RoleView {
    job_role: String,
    job_role_name: String,
    staff_group_name: String,
    fields: Vec<TargetField>,
    history: Vec<targets::TargetVersion>,
    errors: FormErrors,
}

fn text(value: Option<i32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The role's page; `typed` (what was sent) replaces the stored values when re-shown.
fn render(
    chrome: &Chrome,
    role: RoleTargets,
    typed: Option<&HashMap<String, RawTarget>>,
    errors: FormErrors,
) -> Page {
    let title = errors.title(&format!("Targets for {}", role.job_role_name));
    let fields = role
        .targets
        .into_iter()
        .map(|target| {
            let sent = typed.and_then(|t| t.get(&target.topic));
            TargetField {
                required_text: sent
                    .map_or_else(|| text(target.required_level), |s| s.required_level.clone()),
                importance_text: sent
                    .map_or_else(|| text(target.importance), |s| s.importance.clone()),
                required_error: errors.on(&format!("required-{}", target.topic)),
                importance_error: errors.on(&format!("importance-{}", target.topic)),
                target,
            }
        })
        .collect();
    chrome.render(
        "targets/role",
        &title,
        RoleView {
            job_role: role.job_role,
            job_role_name: role.job_role_name,
            staff_group_name: role.staff_group_name,
            fields,
            history: role.history,
            errors,
        },
    )
}

fn changed_by(trainer: &Trainer, client: ClientAddress, source: &'static str) -> ChangedBy {
    ChangedBy {
        user_id: trainer.0.account.id,
        source,
        client_address: client.0,
    }
}

fn message(saved: &Saved) -> String {
    match (saved.changed.len(), saved.rebuilt) {
        (0, _) | (_, None) => "Nothing changed".to_owned(),
        (n, Some(rebuilt)) => format!(
            "Saved {n} target{}. The report figures were rebuilt from {} assessments with the \
             new targets ({} report cells).",
            if n == 1 { "" } else { "s" },
            rebuilt.attempts,
            rebuilt.cells
        ),
    }
}

#[get("/targets")]
async fn list_page(state: &State<AppState>, _trainer: Trainer, chrome: Chrome) -> AppResult<Page> {
    let roles = targets::roles(&state.db).await?;
    Ok(chrome.render(
        "targets/index",
        "Targets by job role",
        RoleListView { roles },
    ))
}

#[get("/targets/<job_role>")]
async fn show_page(
    state: &State<AppState>,
    _trainer: Trainer,
    chrome: Chrome,
    job_role: &str,
) -> AppResult<Page> {
    let role = targets::of_role(&state.db, job_role).await?;
    Ok(render(&chrome, role, None, FormErrors::default()))
}

#[post("/targets/<job_role>", data = "<form>")]
async fn save_page(
    state: &State<AppState>,
    trainer: Trainer,
    chrome: Chrome,
    client: ClientAddress,
    job_role: &str,
    form: CsrfForm<TargetsForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let by = changed_by(&trainer, client, "web");
    match targets::save(&state.db, job_role, &form.0.targets, by).await? {
        Ok(saved) => Ok(Either::Left(Flash::success(
            Redirect::to(format!("/targets/{job_role}")),
            message(&saved),
        ))),
        Err(problems) => {
            let role = targets::of_role(&state.db, job_role).await?;
            let errors = FormErrors::of(problems);
            Ok(Either::Right((
                Status::UnprocessableEntity,
                render(&chrome, role, Some(&form.0.targets), errors),
            )))
        }
    }
}

/// Every job role whose targets can be edited, with how many were edited in the app.
#[utoipa::path(tag = "targets", responses((status = 200, body = [RoleListing])))]
#[get("/api/v1/targets")]
async fn api_list_target_roles(
    state: &State<AppState>,
    _trainer: Trainer,
) -> AppResult<Json<Vec<RoleListing>>> {
    Ok(Json(targets::roles(&state.db).await?))
}

/// A job role's targets for every current topic, and the history of changes made in the app.
#[utoipa::path(params(("job_role" = String, Path)), tag = "targets", responses((status = 200, body = RoleTargets)))]
#[get("/api/v1/targets/<job_role>")]
async fn api_show_role_targets(
    state: &State<AppState>,
    _trainer: Trainer,
    job_role: &str,
) -> AppResult<Json<RoleTargets>> {
    Ok(Json(targets::of_role(&state.db, job_role).await?))
}

/// One topic's new target.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetJson {
    /// Whole number 0–100.
    required_level: i64,
    /// Whole number 1–7.
    importance: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsJson {
    /// New targets by topic slug; a topic left out is unchanged.
    targets: HashMap<String, TargetJson>,
}

/// Changes some of a job role's targets and rebuilds the report figures with them.
#[utoipa::path(
    params(("job_role" = String, Path)),
    tag = "targets",
    request_body = TargetsJson,
    responses((status = 200, body = Saved), (status = 422, description = "A value is out of range or names no current topic"))
)]
#[put("/api/v1/targets/<job_role>", data = "<body>")]
async fn api_save_role_targets(
    state: &State<AppState>,
    trainer: Trainer,
    client: ClientAddress,
    job_role: &str,
    body: CsrfJson<TargetsJson>,
) -> AppResult<Json<Saved>> {
    let entries = body
        .0
        .targets
        .into_iter()
        .map(|(topic, t)| {
            let raw = RawTarget {
                required_level: t.required_level.to_string(),
                importance: t.importance.to_string(),
            };
            (topic, raw)
        })
        .collect();
    let by = changed_by(&trainer, client, "api");
    targets::save(&state.db, job_role, &entries, by)
        .await?
        .map(Json)
        .map_err(|problems| FormErrors::of(problems).unprocessable())
}
