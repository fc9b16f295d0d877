//! `/admin/completions` (what the ESR completion file holds, with the download),
//! `/admin/completions.csv` and the JSON twin `/api/v1/admin/completions`: admins only, as
//! the file names people's results (docs/admins.md). Every download is audited.

use crate::web::page::Page;
use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;
use rocket::{Responder, Route, State, get, routes};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::error::AppResult;
use crate::learning::esr_completions::{self, CompletionRow};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![show_page, download_csv, api_completions]
}

#[derive(OpenApi)]
#[openapi(paths(api_completions))]
pub struct ApiDoc;

#[get("/admin/completions")]
pub async fn show_page(_admin: Admin, chrome: Chrome) -> Page {
    chrome.render(
        "admin/completions",
        "ESR completion file",
        serde_json::json!({}),
    )
}

#[derive(Responder)]
pub struct CsvFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[get("/admin/completions.csv")]
pub async fn download_csv(
    admin: Admin,
    client: ClientAddress,
    state: &State<AppState>,
) -> AppResult<CsvFile> {
    let rows =
        esr_completions::export(&state.db, "csv", Some(admin.0.account.id), client.0).await?;
    Ok(CsvFile {
        body: esr_completions::csv(&rows)?,
        content_type: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            "attachment; filename=\"esr-module-completions.csv\"",
        ),
    })
}

/// The ESR completion file's rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Completions {
    pub rows: Vec<CompletionRow>,
}

/// Every person's module quiz result by ESR employee number and module code (admins only;
/// audited).
#[utoipa::path(tag = "accounts", responses((status = 200, body = Completions)))]
#[get("/api/v1/admin/completions")]
pub async fn api_completions(
    admin: Admin,
    client: ClientAddress,
    state: &State<AppState>,
) -> AppResult<Json<Completions>> {
    let rows =
        esr_completions::export(&state.db, "json", Some(admin.0.account.id), client.0).await?;
    Ok(Json(Completions { rows }))
}
