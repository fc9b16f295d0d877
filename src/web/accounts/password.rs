//! Changing your password (signed in) and resetting a forgotten one by emailed link.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;
use serde_json::json;

use super::activation::{NewPasswordForm, NewPasswordView};
use super::{FormErrors, check_new_password};
use crate::accounts::Password;
use crate::accounts::credentials::{self, SignInError};
use crate::accounts::password::PasswordChangeInput;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::{ClientAddress, CurrentUser};

pub fn routes() -> Vec<Route> {
    routes![
        show_change_password,
        change_password,
        show_reset_request,
        request_reset,
        show_reset,
        reset_password
    ]
}

#[derive(Debug, FromForm)]
pub struct ChangePasswordForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    current: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm: String,
}

impl CsrfField for ChangePasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct ChangePasswordView {
    errors: FormErrors,
    current_error: Option<String>,
    password_error: Option<String>,
    confirm_error: Option<String>,
}

fn render_change(chrome: &Chrome, errors: FormErrors) -> Page {
    let title = errors.title("Change your password");
    chrome.render(
        "accounts/change_password",
        &title,
        ChangePasswordView {
            current_error: errors.on("current"),
            password_error: errors.on("password"),
            confirm_error: errors.on("confirm"),
            errors,
        },
    )
}

#[get("/account/password")]
fn show_change_password(_user: CurrentUser, chrome: Chrome) -> Page {
    render_change(&chrome, FormErrors::default())
}

#[post("/account/password", data = "<form>")]
async fn change_password(
    state: &State<AppState>,
    user: CurrentUser,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<ChangePasswordForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let mut errors = FormErrors::default();
    let input = PasswordChangeInput {
        current: &form.current,
        password: &form.password,
        confirm: &form.confirm,
    };
    let password = match Password::try_from(&input) {
        Ok(password) => password,
        Err(problems) => {
            errors.extend(problems);
            return Ok(Either::Right((
                Status::UnprocessableEntity,
                render_change(&chrome, errors),
            )));
        }
    };
    match credentials::change_password(
        &state.db,
        &user.account,
        &user.session_hash,
        &form.current,
        password,
        client.0,
    )
    .await
    {
        Ok(()) => Ok(Either::Left(Flash::success(
            Redirect::to("/account"),
            "Your password has been changed. You have been signed out everywhere else.",
        ))),
        Err(SignInError::Other(error)) => Err(error),
        Err(error @ SignInError::PasswordsOff) => Err(error.into()),
        Err(SignInError::Locked(until)) => {
            errors.add("current", credentials::locked_message(until));
            Ok(Either::Right((
                Status::TooManyRequests,
                render_change(&chrome, errors),
            )))
        }
        Err(SignInError::WrongCredentials) => {
            errors.add("current", "Your current password is not correct");
            Ok(Either::Right((
                Status::UnprocessableEntity,
                render_change(&chrome, errors),
            )))
        }
    }
}

#[derive(Debug, FromForm)]
pub struct ResetRequestForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    email: String,
}

impl CsrfField for ResetRequestForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct ResetRequestView {
    errors: FormErrors,
    email: String,
    email_error: Option<String>,
}

fn render_request(chrome: &Chrome, email: String, errors: FormErrors) -> Page {
    let title = errors.title("Reset your password");
    chrome.render(
        "accounts/reset_request",
        &title,
        ResetRequestView {
            email_error: errors.on("email"),
            errors,
            email,
        },
    )
}

#[get("/password-reset")]
fn show_reset_request(chrome: Chrome) -> Page {
    render_request(&chrome, String::new(), FormErrors::default())
}

#[post("/password-reset", data = "<form>")]
async fn request_reset(
    state: &State<AppState>,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<ResetRequestForm>,
) -> AppResult<Either<Page, (Status, Page)>> {
    let form = form.0;
    if let Err(message) = crate::accounts::Email::parse(&form.email) {
        let mut errors = FormErrors::default();
        errors.add("email", message);
        return Ok(Either::Right((
            Status::UnprocessableEntity,
            render_request(&chrome, form.email, errors),
        )));
    }
    credentials::request_reset(&state.db, &state.config, &form.email, client.0).await?;
    state.mail_wake.wake();
    Ok(Either::Left(chrome.render(
        "accounts/reset_sent",
        "Check your email",
        json!({ "email": form.email.trim() }),
    )))
}

const RESET_EXPIRED: &str = "This password reset link has expired or has already been used. Ask for a new one from the sign-in page.";

fn reset_view(token: &str, errors: FormErrors) -> NewPasswordView {
    NewPasswordView {
        heading: "Choose a new password",
        intro: "Choose a password of at least 8 characters. Signing in with the new password will sign you out everywhere else.",
        action: format!("/password-reset/{token}"),
        button: "Save new password",
        password_error: errors.on("password"),
        confirm_error: errors.on("confirm"),
        errors,
    }
}

#[get("/password-reset/<token>")]
async fn show_reset(state: &State<AppState>, chrome: Chrome, token: &str) -> AppResult<Page> {
    if !credentials::reset_is_valid(&state.db, token).await? {
        return Err(AppError::NotFound(RESET_EXPIRED.into()));
    }
    Ok(reset_view(token, FormErrors::default()).render(&chrome))
}

#[post("/password-reset/<token>", data = "<form>")]
async fn reset_password(
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
            reset_view(token, errors).render(&chrome),
        )));
    };
    credentials::complete_reset(&state.db, token, password, client.0)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(RESET_EXPIRED.into()),
            other => other,
        })?;
    Ok(Either::Left(Flash::success(
        Redirect::to("/login"),
        "Your password has been changed. Sign in with your new password.",
    )))
}
