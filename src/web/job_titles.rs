//! `/admin/job-titles` and its JSON twin: admins map their trust's own ESR job titles to the
//! taxonomy's job roles, so the people import takes them (`crate::accounts::job_titles`).

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, delete, get, post, routes};
use serde::Serialize;
use utoipa::OpenApi;

use crate::accounts::job_titles::{self, JobTitle, JobTitlesPage, MappedBy, NewJobTitle, Removed};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfHeader, CsrfJson, TokenOnly};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![
        show_page,
        add_page,
        remove_page,
        api_list_job_titles,
        api_add_job_title,
        api_remove_job_title
    ]
}

#[derive(OpenApi)]
#[openapi(paths(api_list_job_titles, api_add_job_title, api_remove_job_title))]
pub struct ApiDoc;

#[derive(Debug, FromForm)]
pub struct JobTitleForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    title: String,
    #[field(default = String::new())]
    job_role: String,
    #[field(default = String::new())]
    organisation_code: String,
}

impl CsrfField for JobTitleForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct JobTitlesView {
    #[serde(flatten)]
    page: JobTitlesPage,
    /// What was typed as the new title (`title` is the page's).
    typed_title: String,
    job_role: String,
    organisation_code: String,
    title_error: Option<String>,
    job_role_error: Option<String>,
    organisation_code_error: Option<String>,
    errors: FormErrors,
}

fn render(chrome: &Chrome, page: JobTitlesPage, typed: NewJobTitle, errors: FormErrors) -> Page {
    let title = errors.title("Job titles");
    chrome.render(
        "admin/job_titles",
        &title,
        JobTitlesView {
            page,
            typed_title: typed.title,
            job_role: typed.job_role,
            organisation_code: typed.organisation_code.unwrap_or_default(),
            title_error: errors.on("title"),
            job_role_error: errors.on("job_role"),
            organisation_code_error: errors.on("organisation_code"),
            errors,
        },
    )
}

fn mapped_by(admin: &Admin, client: ClientAddress) -> MappedBy {
    MappedBy {
        user_id: Some(admin.0.account.id),
        client_address: client.0,
    }
}

#[get("/admin/job-titles")]
async fn show_page(state: &State<AppState>, _admin: Admin, chrome: Chrome) -> AppResult<Page> {
    let page = job_titles::page(&state.db).await?;
    Ok(render(
        &chrome,
        page,
        NewJobTitle::default(),
        FormErrors::default(),
    ))
}

#[post("/admin/job-titles", data = "<form>")]
async fn add_page(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<JobTitleForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let new = NewJobTitle {
        title: form.title,
        job_role: form.job_role,
        organisation_code: Some(form.organisation_code),
    };
    match job_titles::add(&state.db, &new, mapped_by(&admin, client)).await? {
        Ok(added) => Ok(Either::Left(Flash::success(
            Redirect::to("/admin/job-titles"),
            format!("“{}” now imports as {}", added.title, added.job_role_name),
        ))),
        Err(problems) => {
            let errors = FormErrors::of(problems);
            let page = job_titles::page(&state.db).await?;
            Ok(Either::Right((
                Status::UnprocessableEntity,
                render(&chrome, page, new, errors),
            )))
        }
    }
}

#[post("/admin/job-titles/<id>/remove", data = "<_form>")]
async fn remove_page(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    job_titles::remove(&state.db, id, mapped_by(&admin, client)).await?;
    Ok(Flash::success(
        Redirect::to("/admin/job-titles"),
        "Mapping removed. People already imported keep their job role.",
    ))
}

/// Every mapping of a trust's own job title to a job role of the taxonomy.
#[utoipa::path(tag = "accounts", responses((status = 200, body = [JobTitle])))]
#[get("/api/v1/admin/job-titles")]
async fn api_list_job_titles(
    state: &State<AppState>,
    _admin: Admin,
) -> AppResult<Json<Vec<JobTitle>>> {
    Ok(Json(job_titles::list(&state.db).await?))
}

/// Maps a job title (for every organisation, or for the one whose code is given).
#[utoipa::path(
    tag = "accounts",
    request_body = NewJobTitle,
    responses((status = 201, body = JobTitle), (status = 422, description = "A value is missing or unknown, or the title is already mapped"))
)]
#[post("/api/v1/admin/job-titles", data = "<body>")]
async fn api_add_job_title(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfJson<NewJobTitle>,
) -> AppResult<(Status, Json<JobTitle>)> {
    match job_titles::add(&state.db, &body.0, mapped_by(&admin, client)).await? {
        Ok(added) => Ok((Status::Created, Json(added))),
        Err(problems) => Err(FormErrors::of(problems).unprocessable()),
    }
}

/// Removes a mapping; people already imported keep their job role.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = Removed), (status = 404, description = "No such mapping")))]
#[delete("/api/v1/admin/job-titles/<id>")]
async fn api_remove_job_title(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<Removed>> {
    Ok(Json(
        job_titles::remove(&state.db, id, mapped_by(&admin, client)).await?,
    ))
}
