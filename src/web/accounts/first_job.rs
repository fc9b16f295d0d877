//! `/account/job`: a learner made at their first single sign-on chooses their job role.

use crate::web::page::Page as Rendered;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::FormErrors;
use crate::accounts::sso::first_job::{self, RoleChoice};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<Route> {
    routes![show_first_job, choose_first_job]
}

#[derive(Debug, FromForm)]
pub struct FirstJobForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    job_role: String,
}

impl CsrfField for FirstJobForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct FirstJobView {
    errors: FormErrors,
    job_role_error: Option<String>,
    organisation: String,
    roles: Vec<RoleChoice>,
}

type Page = Either<Redirect, (Status, Rendered)>;

async fn page(
    state: &AppState,
    chrome: &Chrome,
    user: &CurrentUser,
    status: Status,
    errors: FormErrors,
) -> AppResult<Page> {
    let Some(organisation) = first_job::pending_organisation(&state.db, user.account.id).await?
    else {
        return Ok(Either::Left(Redirect::to("/learn")));
    };
    let title = errors.title("Choose your job role");
    Ok(Either::Right((
        status,
        chrome.render(
            "accounts/first_job",
            &title,
            FirstJobView {
                job_role_error: errors.on("job_role"),
                errors,
                organisation: organisation.name,
                roles: first_job::choices(&state.db).await?,
            },
        ),
    )))
}

/// The choice, for someone whose job is not known yet; anyone else goes to their learning.
#[get("/account/job")]
async fn show_first_job(
    state: &State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
) -> AppResult<Page> {
    page(state, &chrome, &user, Status::Ok, FormErrors::default()).await
}

#[post("/account/job", data = "<form>")]
async fn choose_first_job(
    state: &State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    form: CsrfForm<FirstJobForm>,
) -> AppResult<Either<Flash<Redirect>, Page>> {
    if first_job::choose(&state.db, user.account.id, &form.0.job_role).await? {
        return Ok(Either::Left(Flash::success(
            Redirect::to("/learn"),
            "Your job role is saved. Your answers count for it.",
        )));
    }
    let mut errors = FormErrors::default();
    errors.add("job_role", "Select your job role");
    Ok(Either::Right(
        page(state, &chrome, &user, Status::UnprocessableEntity, errors).await?,
    ))
}
