//! `/admin/users/import`: upload an ESR-like CSV file of people.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::tokio::io::AsyncReadExt;
use rocket::{Route, State, get, post, routes};
use serde::Serialize;

use super::FormErrors;
use crate::accounts::activation_mail;
use crate::accounts::import::{self, COLUMNS, ImportReport, ImportedBy, RowError};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![show_import, import_users]
}

#[derive(Debug, FromForm)]
pub struct ImportForm<'r> {
    #[field(default = String::new())]
    csrf_token: String,
    file: Option<TempFile<'r>>,
}

impl CsrfField for ImportForm<'_> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct ImportView {
    columns: String,
    errors: FormErrors,
    file_error: Option<String>,
    row_errors: Vec<RowError>,
    created_count: usize,
    report: Option<ImportReport>,
    /// People whose activation link ran out unused (on the page before an upload).
    expired_count: Option<usize>,
}

fn render(
    chrome: &Chrome,
    errors: FormErrors,
    row_errors: Vec<RowError>,
    report: Option<ImportReport>,
    expired_count: Option<usize>,
) -> Page {
    let title = errors.title("Import people");
    chrome.render(
        "admin/import",
        &title,
        ImportView {
            columns: COLUMNS.join(","),
            file_error: errors.on("file"),
            errors,
            row_errors,
            created_count: report.as_ref().map_or(0, |r| r.created.len()),
            report,
            expired_count,
        },
    )
}

#[get("/admin/users/import")]
async fn show_import(state: &State<AppState>, _admin: Admin, chrome: Chrome) -> AppResult<Page> {
    let expired = activation_mail::expired_count(&state.db).await?;
    Ok(render(
        &chrome,
        FormErrors::default(),
        Vec::new(),
        None,
        Some(expired),
    ))
}

async fn read_upload(file: Option<TempFile<'_>>) -> AppResult<Option<Vec<u8>>> {
    let Some(file) = file.filter(|f| f.len() > 0) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    file.open()
        .await
        .map_err(AppError::internal)?
        .read_to_end(&mut bytes)
        .await
        .map_err(AppError::internal)?;
    Ok(Some(bytes))
}

#[post("/admin/users/import", data = "<form>")]
async fn import_users(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<ImportForm<'_>>,
) -> AppResult<(Status, Page)> {
    let name = form
        .0
        .file
        .as_ref()
        .and_then(|f| f.raw_name())
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_owned())
        .unwrap_or_else(|| "upload.csv".to_owned());
    let Some(bytes) = read_upload(form.0.file).await? else {
        let mut errors = FormErrors::default();
        errors.add("file", "Select a CSV file to import");
        return Ok((
            Status::UnprocessableEntity,
            render(&chrome, errors, Vec::new(), None, None),
        ));
    };
    let by = ImportedBy {
        actor_user_id: Some(admin.0.account.id),
        source: format!("upload: {name}"),
        client_address: client.0,
    };
    match import::import(&state.db, &state.config.public_url, &bytes, by).await? {
        Ok(report) => Ok((
            Status::Ok,
            render(
                &chrome,
                FormErrors::default(),
                Vec::new(),
                Some(report),
                None,
            ),
        )),
        Err(row_errors) => {
            let mut errors = FormErrors::default();
            errors.add(
                "file",
                format!("The file has {} problem(s) and nothing was imported. Correct the rows listed below and upload it again", row_errors.len()),
            );
            Ok((
                Status::UnprocessableEntity,
                render(&chrome, errors, row_errors, None, None),
            ))
        }
    }
}
