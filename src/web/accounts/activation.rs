//! `/activate/<token>`: an imported person sets their first password.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormErrors, check_new_password};
use crate::accounts::credentials;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::ClientAddress;

pub fn routes() -> Vec<Route> {
    routes![show_activation, activate]
}

/// A new password twice (activation, reset).
#[derive(Debug, FromForm)]
pub struct NewPasswordForm {
    #[field(default = String::new())]
    pub csrf_token: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub confirm: String,
}

impl CsrfField for NewPasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
pub struct NewPasswordView {
    pub errors: FormErrors,
    pub heading: &'static str,
    pub intro: &'static str,
    pub action: String,
    pub button: &'static str,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
}

impl NewPasswordView {
    pub fn render(self, chrome: &Chrome) -> Page {
        let title = self.errors.title(self.heading);
        chrome.render("accounts/new_password", &title, self)
    }
}

const EXPIRED: &str = "This activation link has expired or has already been used. If you have already set your password, sign in. Otherwise ask your admin for a new link.";

fn view(token: &str, errors: FormErrors) -> NewPasswordView {
    NewPasswordView {
        heading: "Set your password",
        intro: "Choose a password of at least 8 characters. A few random words make a good password that is easy to remember.",
        action: format!("/activate/{token}"),
        button: "Set password",
        password_error: errors.on("password"),
        confirm_error: errors.on("confirm"),
        errors,
    }
}

#[get("/activate/<token>")]
async fn show_activation(state: &State<AppState>, chrome: Chrome, token: &str) -> AppResult<Page> {
    if !credentials::activation_is_valid(&state.db, token).await? {
        return Err(AppError::NotFound(EXPIRED.into()));
    }
    Ok(view(token, FormErrors::default()).render(&chrome))
}

#[post("/activate/<token>", data = "<form>")]
async fn activate(
    state: &State<AppState>,
    chrome: Chrome,
    client: ClientAddress,
    token: &str,
    form: CsrfForm<NewPasswordForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let mut errors = FormErrors::default();
    let Some(password) = check_new_password(&mut errors, &form.password, &form.confirm) else {
        return Ok(Either::Right((
            Status::UnprocessableEntity,
            view(token, errors).render(&chrome),
        )));
    };
    credentials::activate(&state.db, token, password, client.0)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(EXPIRED.into()),
            other => other,
        })?;
    Ok(Either::Left(Flash::success(
        Redirect::to("/login"),
        "Your password is set. Sign in with your email address and new password.",
    )))
}
