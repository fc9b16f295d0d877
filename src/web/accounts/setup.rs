//! `/setup/<token>`: the one-time page that creates the first admin.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormErrors, check_new_password};
use crate::accounts::{Email, setup};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::ClientAddress;

pub fn routes() -> Vec<Route> {
    routes![show_setup, create_first_admin]
}

#[derive(Debug, FromForm)]
pub struct SetupForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    display_name: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm: String,
}

impl CsrfField for SetupForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct SetupView {
    errors: FormErrors,
    action: String,
    email: String,
    display_name: String,
    email_error: Option<String>,
    display_name_error: Option<String>,
    password_error: Option<String>,
    confirm_error: Option<String>,
}

fn render(
    chrome: &Chrome,
    token: &str,
    email: String,
    display_name: String,
    errors: FormErrors,
) -> Page {
    let title = errors.title("Create the first admin account");
    chrome.render(
        "accounts/setup",
        &title,
        SetupView {
            action: format!("/setup/{token}"),
            email,
            display_name,
            email_error: errors.on("email"),
            display_name_error: errors.on("display_name"),
            password_error: errors.on("password"),
            confirm_error: errors.on("confirm"),
            errors,
        },
    )
}

#[get("/setup/<token>")]
async fn show_setup(state: &State<AppState>, chrome: Chrome, token: &str) -> AppResult<Page> {
    if !setup::token_is_valid(&state.db, token).await? {
        return Err(AppError::NotFound(setup::LINK_USED.into()));
    }
    Ok(render(
        &chrome,
        token,
        String::new(),
        String::new(),
        FormErrors::default(),
    ))
}

#[post("/setup/<token>", data = "<form>")]
async fn create_first_admin(
    state: &State<AppState>,
    chrome: Chrome,
    client: ClientAddress,
    token: &str,
    form: CsrfForm<SetupForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    if !setup::token_is_valid(&state.db, token).await? {
        return Err(AppError::NotFound(setup::LINK_USED.into()));
    }
    let mut errors = FormErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = form.display_name.trim().to_owned();
    if name.is_empty() {
        errors.add("display_name", "Enter your full name");
    }
    let password = check_new_password(&mut errors, &form.password, &form.confirm);
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        return Ok(Either::Right((
            Status::UnprocessableEntity,
            render(&chrome, token, form.email, form.display_name, errors),
        )));
    };
    setup::create_first_admin(&state.db, token, email, name, password, client.0).await?;
    Ok(Either::Left(Flash::success(
        Redirect::to("/login"),
        "The admin account is ready. Sign in to add organisations and people.",
    )))
}
