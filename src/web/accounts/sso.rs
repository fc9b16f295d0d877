//! `/login/sso/<provider>` sends the browser to an OpenID Provider; the provider sends it back
//! to `/login/sso/<provider>/callback`. Every refusal is a page saying what happened and what
//! to do, with a 4xx status (502/503 when the provider is broken or down), and no session.

use crate::web::page::Page as Rendered;
use rocket::http::uri::Reference;
use rocket::http::{Cookie, CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, routes};
use serde::Serialize;

use super::safe_next;
use crate::accounts::sso::flow::{self, Callback};
use crate::accounts::sso::{Failure, SsoError};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::{ClientAddress, Release, secure_cookie, session_cookie_name};

pub fn routes() -> Vec<Route> {
    routes![start_sign_in, finish_sign_in]
}

/// The cookie that binds a sign-in under way to this browser.
pub fn sso_cookie_name(release: bool) -> &'static str {
    if release { "__Host-gt_sso" } else { "gt_sso" }
}

#[derive(Serialize)]
struct ProblemView<'a> {
    status: u16,
    message: &'a str,
    password_sign_in: bool,
}

type Page = (Status, Rendered);

fn problem(chrome: &Chrome, state: &AppState, failure: &Failure) -> Page {
    let status = Status::from_code(failure.status).unwrap_or(Status::BadRequest);
    (
        status,
        chrome.render(
            "accounts/sso_problem",
            "You have not been signed in",
            ProblemView {
                status: failure.status,
                message: &failure.message,
                password_sign_in: state.config.password_sign_in,
            },
        ),
    )
}

fn unknown_provider() -> AppError {
    AppError::NotFound("There is no such sign-in service here. Go back to the sign-in page and choose one of its buttons.".into())
}

#[get("/login/sso/<provider>?<next>")]
async fn start_sign_in(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    release: Release,
    provider: &str,
    next: Option<&str>,
) -> AppResult<Either<Redirect, Page>> {
    let provider = state
        .config
        .oidc_provider(provider)
        .ok_or_else(unknown_provider)?;
    match flow::begin(&state.sso(), provider, safe_next(next)).await {
        Ok((url, browser)) => {
            // A URL Rocket could not put in a Location header would fail after the sign-in
            // was stored: refuse it as the provider's fault instead.
            let Ok(location) = Reference::parse_owned(url) else {
                let failure = Failure::new(
                    502,
                    "bad_authorization_endpoint",
                    "The sign-in service's address could not be used. Tell the person who manages Genomics training at your organisation.",
                );
                return Ok(Either::Right(problem(&chrome, state, &failure)));
            };
            let mut cookie = secure_cookie(sso_cookie_name(release.0), browser, release.0);
            cookie.set_max_age(rocket::time::Duration::minutes(
                crate::accounts::sso::login::LIFETIME_MINUTES,
            ));
            cookies.add(cookie);
            Ok(Either::Left(Redirect::to(location)))
        }
        Err(SsoError::Failed(failure)) => Ok(Either::Right(problem(&chrome, state, &failure))),
        Err(SsoError::App(error)) => Err(error),
    }
}

#[get("/login/sso/<provider>/callback?<code>&<state>&<error>")]
#[expect(
    clippy::too_many_arguments,
    reason = "a route handler's guards and query"
)]
async fn finish_sign_in(
    app: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    provider: &str,
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
) -> AppResult<Either<Redirect, Page>> {
    let provider = app
        .config
        .oidc_provider(provider)
        .ok_or_else(unknown_provider)?;
    let name = sso_cookie_name(release.0);
    let browser = cookies.get(name).map(|c| c.value().to_owned());
    cookies.remove(Cookie::build(name).path("/"));
    let replaced = cookies
        .get(session_cookie_name(release.0))
        .map(|c| c.value().to_owned());
    match flow::finish(
        &app.sso(),
        provider,
        Callback { code, state, error },
        browser.as_deref(),
        client.0,
        replaced.as_deref(),
    )
    .await
    {
        Ok(signed_in) => {
            cookies.add(secure_cookie(
                session_cookie_name(release.0),
                signed_in.session.id,
                release.0,
            ));
            Ok(Either::Left(Redirect::to(safe_next(Some(&signed_in.next)))))
        }
        Err(SsoError::Failed(failure)) => Ok(Either::Right(problem(&chrome, app, &failure))),
        Err(SsoError::App(error)) => Err(error),
    }
}
