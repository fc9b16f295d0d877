//! `/login` and `/logout`.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::uri::Reference;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormErrors, safe_next};
use crate::accounts::credentials::{self, SignInError, SignInInput};
use crate::accounts::sso;
use crate::config::AppConfig;
use crate::error::AppResult;
use crate::state::AppState;
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
struct ProviderButton<'a> {
    name: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct SignInView<'a> {
    errors: FormErrors,
    email: String,
    email_error: Option<String>,
    password_error: Option<String>,
    next_query: String,
    next: String,
    providers: Vec<ProviderButton<'a>>,
    show_password: bool,
    break_glass: bool,
}

/// The sign-in page. `break_glass` (`/login?break_glass=true`, for admins, documented in
/// docs/admins.md) shows the password form even when `app.password_sign_in` is false.
fn render(
    chrome: &Chrome,
    config: &AppConfig,
    email: String,
    next: String,
    errors: FormErrors,
    break_glass: bool,
) -> Page {
    let title = errors.title("Sign in");
    let break_glass = break_glass && !config.password_sign_in;
    chrome.render(
        "accounts/login",
        &title,
        SignInView {
            email_error: errors.on("email"),
            password_error: errors.on("password"),
            errors,
            email,
            next_query: if next == "/" {
                String::new()
            } else {
                format!(
                    "?next={}",
                    rocket::http::RawStr::new(&next).percent_encode()
                )
            },
            next,
            providers: config
                .oidc
                .iter()
                .map(|p| ProviderButton {
                    name: &p.name,
                    label: &p.label,
                })
                .collect(),
            show_password: config.password_sign_in || break_glass,
            break_glass,
        },
    )
}

#[get("/login?<next>&<break_glass>")]
fn show_login(
    state: &State<AppState>,
    chrome: Chrome,
    user: Option<CurrentUser>,
    next: Option<&str>,
    break_glass: Option<bool>,
) -> Either<Redirect, Page> {
    let next = safe_next(next);
    if user.is_some() {
        return Either::Left(Redirect::to(next));
    }
    Either::Right(render(
        &chrome,
        &state.config,
        String::new(),
        next,
        FormErrors::default(),
        break_glass.unwrap_or(false),
    ))
}

#[post("/login", data = "<form>")]
async fn sign_in(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    form: CsrfForm<SignInForm>,
) -> AppResult<Either<Redirect, (Status, Page)>> {
    let form = form.0;
    let next = safe_next(Some(&form.next));
    let mut errors = FormErrors::default();
    let input = SignInInput {
        email: &form.email,
        password: &form.password,
    };
    if let Err(problems) = input.check() {
        errors.extend(problems);
    }
    // Whoever posts the password form while passwords are off came from the break-glass page.
    let break_glass = !state.config.password_sign_in;
    let again = |status, errors, break_glass| {
        Either::Right((
            status,
            render(
                &chrome,
                &state.config,
                form.email.clone(),
                next.clone(),
                errors,
                break_glass,
            ),
        ))
    };
    if !errors.is_empty() {
        return Ok(again(Status::UnprocessableEntity, errors, break_glass));
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
            Ok(Either::Left(Redirect::to(next.clone())))
        }
        Err(SignInError::WrongCredentials) => {
            errors.add("email", credentials::WRONG_CREDENTIALS);
            Ok(again(Status::Unauthorized, errors, break_glass))
        }
        Err(SignInError::PasswordsOff) => {
            errors.add("email", credentials::PASSWORDS_OFF);
            Ok(again(Status::Forbidden, errors, false))
        }
        Err(SignInError::Locked(until)) => {
            errors.add("email", credentials::locked_message(until));
            Ok(again(Status::TooManyRequests, errors, break_glass))
        }
        Err(SignInError::Other(error)) => Err(error),
    }
}

/// Ends the session; one begun at a provider that publishes an end-session endpoint goes on
/// there, to sign out of the provider too (it sends the browser back to the home page).
#[post("/logout", data = "<_form>")]
async fn sign_out(
    state: &State<AppState>,
    user: CurrentUser,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Either<Flash<Redirect>, Redirect>> {
    let provider_url = sso::sign_out::end_session_url(&state.sso(), &user.session_hash).await?;
    credentials::sign_out(&state.db, &user.account, &user.session_hash, client.0).await?;
    cookies.remove(rocket::http::Cookie::build(session_cookie_name(release.0)).path("/"));
    if let Some(location) = provider_url.and_then(|url| Reference::parse_owned(url).ok()) {
        return Ok(Either::Right(Redirect::to(location)));
    }
    Ok(Either::Left(Flash::success(
        Redirect::to("/"),
        "You have signed out.",
    )))
}
