//! The public check of a certificate (no sign-in): anyone given its reference, such as an NMC
//! revalidation confirmer, sees whether it is genuine and only the name, module and date;
//! `GET /api/v1/certificates/<reference>` is its JSON twin.

use crate::web::page::Page;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde_json::json;
use utoipa::OpenApi;

use super::chrome::Chrome;
use super::guards::ClientAddress;
use crate::error::{AppError, AppResult};
use crate::learning::certificates::{self, CheckedCertificate};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![show_check, api_check]
}

#[derive(OpenApi)]
#[openapi(paths(api_check))]
pub struct ApiDoc;

/// The form, and the answer when a reference is given: 404 (with the form again) when it
/// matches no certificate.
#[get("/certificates/check?<reference>")]
pub async fn show_check(
    chrome: Chrome,
    state: &State<AppState>,
    address: ClientAddress,
    reference: Option<&str>,
) -> AppResult<(Status, Page)> {
    let reference = reference.map(str::trim).unwrap_or_default();
    let title = "Check a certificate";
    if reference.is_empty() {
        let view = json!({ "reference": "", "errors": [], "reference_error": null, "found": null });
        return Ok((Status::Ok, chrome.render("certificates/check", title, view)));
    }
    match certificates::check(&state.db, reference, address.0).await {
        Ok(found) => {
            // A genuine reference is shown as printed, however it was typed.
            let printed = certificates::code_from_reference(reference).map_or_else(
                || reference.to_owned(),
                |code| certificates::reference(&code),
            );
            let view = json!({
                "reference": printed, "errors": [], "reference_error": null, "found": found,
            });
            Ok((Status::Ok, chrome.render("certificates/check", title, view)))
        }
        Err(AppError::NotFound(message)) => {
            let view = json!({
                "reference": reference,
                "errors": [{ "field": "reference", "message": message }],
                "reference_error": message,
                "found": null,
            });
            let title = format!("Error: {title}");
            Ok((
                Status::NotFound,
                chrome.render("certificates/check", &title, view),
            ))
        }
        Err(other) => Err(other),
    }
}

/// Checks a certificate's reference: the name, module and date of the certificate it was
/// printed on, and nothing else. Open to anyone; references that match nothing are slowed
/// down per address (429).
#[utoipa::path(
    tag = "learning",
    security(()),
    params(("reference" = String, Path, description = "The reference printed on the certificate, e.g. GT-1A2B-3C4D-5E6F-7A8B-9C0D")),
    responses(
        (status = 200, body = CheckedCertificate),
        (status = 429, description = "Too many references that matched nothing from this address; wait and try again", body = super::openapi::ErrorBody)
    )
)]
#[get("/api/v1/certificates/<reference>")]
pub async fn api_check(
    state: &State<AppState>,
    address: ClientAddress,
    reference: &str,
) -> AppResult<Json<CheckedCertificate>> {
    Ok(Json(
        certificates::check(&state.db, reference, address.0).await?,
    ))
}
