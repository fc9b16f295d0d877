//! `/admin/organisations/<id>/local-details` and its JSON twin: what an organisation's learners
//! see where a module can only give general advice (labelling rules, incident reporting,
//! interpreters, information governance, the Caldicott Guardian).

use std::collections::HashMap;

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::FormErrors;
use crate::accounts::local_details::{
    self, ChangedBy, DetailChanges, LocalDetail, OrganisationDetails,
};
use crate::error::{AppError, AppResult};
use crate::ids::OrganisationId;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![show_page, save_page, show_json, save_json]
}

#[derive(OpenApi)]
#[openapi(paths(show_json, save_json))]
pub struct ApiDoc;

#[derive(Debug, FromForm)]
pub struct LocalDetailsForm {
    #[field(default = String::new())]
    csrf_token: String,
    /// Texts by detail slug (`details[incident-reporting]`).
    #[field(default = HashMap::new())]
    details: HashMap<String, String>,
}

impl CsrfField for LocalDetailsForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct DetailField {
    #[serde(flatten)]
    detail: LocalDetail,
    slug: &'static str,
    error: Option<String>,
}

#[derive(Serialize)]
struct LocalDetailsView {
    organisation_id: i64,
    organisation_name: String,
    fields: Vec<DetailField>,
    errors: FormErrors,
    max_chars: usize,
}

fn render(chrome: &Chrome, details: OrganisationDetails, errors: FormErrors) -> Page {
    let title = errors.title(&format!("Local details for {}", details.organisation_name));
    let fields = details
        .details
        .into_iter()
        .map(|detail| DetailField {
            slug: detail.key.slug(),
            error: errors.on(detail.key.slug()),
            detail,
        })
        .collect();
    chrome.render(
        "admin/local_details",
        &title,
        LocalDetailsView {
            organisation_id: details.organisation_id,
            organisation_name: details.organisation_name,
            fields,
            errors,
            max_chars: crate::content::local_details::MAX_LOCAL_CHARS,
        },
    )
}

fn changed_by(admin: &Admin, client: ClientAddress) -> ChangedBy {
    ChangedBy {
        user_id: admin.0.account.id,
        client_address: client.0,
    }
}

#[get("/admin/organisations/<id>/local-details")]
async fn show_page(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
    id: OrganisationId,
) -> AppResult<Page> {
    let details = local_details::of_organisation(&state.db, id).await?;
    Ok(render(&chrome, details, FormErrors::default()))
}

#[post("/admin/organisations/<id>/local-details", data = "<form>")]
async fn save_page(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    id: OrganisationId,
    form: CsrfForm<LocalDetailsForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let entries = form.details.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let changes = match DetailChanges::parse(entries) {
        Ok(changes) => changes,
        Err(problems) => {
            let mut details = local_details::of_organisation(&state.db, id).await?;
            // Show what was typed, not what is stored, so nothing is lost to a correction.
            for detail in &mut details.details {
                if let Some(text) = form.details.get(detail.key.slug()) {
                    detail.text.clone_from(text);
                }
            }
            let mut errors = FormErrors::default();
            for (field, message) in problems {
                errors.add(field, message);
            }
            return Ok(Either::Right((
                Status::UnprocessableEntity,
                render(&chrome, details, errors),
            )));
        }
    };
    let changed = local_details::save(&state.db, id, changes, changed_by(&admin, client)).await?;
    let message = match changed.len() {
        0 => "Nothing changed".to_owned(),
        1 => "Saved 1 local detail".to_owned(),
        n => format!("Saved {n} local details"),
    };
    Ok(Either::Left(Flash::success(
        Redirect::to(format!("/admin/organisations/{id}/local-details")),
        message,
    )))
}

/// An organisation's local details, every one, filled in or not.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = OrganisationDetails)))]
#[get("/api/v1/admin/organisations/<id>/local-details")]
async fn show_json(
    state: &State<AppState>,
    _admin: Admin,
    id: OrganisationId,
) -> AppResult<Json<OrganisationDetails>> {
    Ok(Json(local_details::of_organisation(&state.db, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalDetailsJson {
    /// Texts by detail slug; a detail left out is unchanged, an empty text shows the default.
    details: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct SavedJson {
    /// The details that changed, by slug.
    changed: Vec<&'static str>,
    #[serde(flatten)]
    details: OrganisationDetails,
}

/// Changes some of an organisation's local details; an empty text brings back the default.
#[utoipa::path(
    params(("id" = i64, Path)),
    tag = "accounts",
    request_body = LocalDetailsJson,
    responses((status = 200, body = SavedJson))
)]
#[put("/api/v1/admin/organisations/<id>/local-details", data = "<body>")]
async fn save_json(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: OrganisationId,
    body: CsrfJson<LocalDetailsJson>,
) -> AppResult<Json<SavedJson>> {
    let entries = body.0.details.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let changes = DetailChanges::parse(entries).map_err(|problems| {
        let messages: Vec<String> = problems.into_iter().map(|(_, m)| m).collect();
        AppError::Unprocessable(messages.join(". "))
    })?;
    let changed = local_details::save(&state.db, id, changes, changed_by(&admin, client)).await?;
    Ok(Json(SavedJson {
        changed: changed.into_iter().map(|k| k.slug()).collect(),
        details: local_details::of_organisation(&state.db, id).await?,
    }))
}
