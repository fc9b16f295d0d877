//! `/login` and `/logout`.

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde::Serialize;

use super::{FormErrors, safe_next};
use crate::accounts::credentials::{self, SignInError};
use crate::app::AppState;
use crate::error::AppResult;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, TokenOnly};
use crate::web::guards::{ClientAddress, CurrentUser, Release, secure_cookie, session_cookie_name};

pub fn routes() -> Vec<Route> {
    routes![show_login, sign_in, sign_out]
}

#[derive(Debug, FromForm)]
pub struct SignInForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
}

impl CsrfField for SignInForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct SignInView {
    errors: FormErrors,
    email: String,
    email_error: Option<String>,
    password_error: Option<String>,
    next: String,
}

fn render(chrome: &Chrome, email: String, next: String, errors: FormErrors) -> Template {
    let title = errors.title("Sign in");
    chrome.render(
        "accounts/login",
        &title,
        SignInView {
            email_error: errors.on("email"),
            password_error: errors.on("password"),
            errors,
            email,
            next,
        },
    )
}

#[get("/login?<next>")]
fn show_login(
    chrome: Chrome,
    user: Option<CurrentUser>,
    next: Option<&str>,
) -> Either<Redirect, Template> {
    let next = safe_next(next);
    if user.is_some() {
        return Either::Left(Redirect::to(next));
    }
    Either::Right(render(&chrome, String::new(), next, FormErrors::default()))
}

#[post("/login", data = "<form>")]
async fn sign_in(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    form: CsrfForm<SignInForm>,
) -> AppResult<Either<Redirect, (Status, Template)>> {
    let form = form.0;
    let next = safe_next(Some(&form.next));
    let mut errors = FormErrors::default();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return Ok(Either::Right((
            Status::UnprocessableEntity,
            render(&chrome, form.email, next, errors),
        )));
    }
    match credentials::sign_in(
        &state.db,
        &state.config,
        &form.email,
        &form.password,
        client.0,
        cookies
            .get(session_cookie_name(release.0))
            .map(|c| c.value()),
    )
    .await
    {
        Ok((_, session)) => {
            cookies.add(secure_cookie(
                session_cookie_name(release.0),
                session.id,
                release.0,
            ));
            Ok(Either::Left(Redirect::to(next)))
        }
        Err(SignInError::WrongCredentials) => {
            errors.add("email", credentials::WRONG_CREDENTIALS);
            Ok(Either::Right((
                Status::Unauthorized,
                render(&chrome, form.email, next, errors),
            )))
        }
        Err(SignInError::Locked(until)) => {
            errors.add("email", credentials::locked_message(until));
            Ok(Either::Right((
                Status::TooManyRequests,
                render(&chrome, form.email, next, errors),
            )))
        }
        Err(SignInError::Other(error)) => Err(error),
    }
}

#[post("/logout", data = "<_form>")]
async fn sign_out(
    state: &State<AppState>,
    user: CurrentUser,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    credentials::sign_out(&state.db, &user.account, &user.session_hash, client.0).await?;
    cookies.remove(rocket::http::Cookie::build(session_cookie_name(release.0)).path("/"));
    Ok(Flash::success(Redirect::to("/"), "You have signed out."))
}
