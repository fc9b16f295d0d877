//! `/lti/login` (GET or POST, from the platform) sends the browser to the platform's
//! authorisation endpoint; the platform posts the `id_token` to `/lti/launch`, which signs the
//! person in and opens the activity (or the deep-linking choice). `/lti/jwks` publishes the
//! tool's keys. Every refusal is a page with a 4xx status and no session.

use crate::web::page::Page as Rendered;
use rocket::form::{Form, FromForm};
use rocket::http::uri::Reference;
use rocket::http::{Cookie, CookieJar, Status};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::{framed_cookie, problem};
use crate::error::AppResult;
use crate::lti::deep_linking::{self, Choice};
use crate::lti::launch::{self, LaunchPost, LoginRequest, Opened};
use crate::lti::{Failure, LtiError, keys};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::{ClientAddress, Release, session_cookie_name};

pub fn routes() -> Vec<Route> {
    routes![start_login, post_login, finish_launch, show_jwks]
}

/// The cookie that binds a launch under way to this browser (its value is the `state`).
const STATE_COOKIE: &str = "gt_lti_state";

#[derive(Debug, FromForm, Default)]
struct LoginForm {
    iss: Option<String>,
    login_hint: Option<String>,
    target_link_uri: Option<String>,
    lti_message_hint: Option<String>,
    client_id: Option<String>,
    lti_deployment_id: Option<String>,
}

type Page = (Status, Rendered);

async fn login(
    state: &AppState,
    chrome: &Chrome,
    cookies: &CookieJar<'_>,
    form: LoginForm,
) -> AppResult<Either<Redirect, Page>> {
    // A platform registered by the command line or on another instance frames this launch
    // without a restart: one small read per launch, not per response.
    state.lti_origins.reload(&state.db).await?;
    let request = LoginRequest {
        iss: form.iss,
        login_hint: form.login_hint,
        target_link_uri: form.target_link_uri,
        lti_message_hint: form.lti_message_hint,
        client_id: form.client_id,
        lti_deployment_id: form.lti_deployment_id,
    };
    match launch::begin(state.lti(), request).await {
        Ok(redirect) => {
            let Ok(location) = Reference::parse_owned(redirect.url) else {
                let failure = Failure::new(
                    502,
                    "bad_login_url",
                    "Your learning platform's login address could not be used. Tell the person who manages Genomics training at your organisation.",
                );
                return Ok(Either::Right(problem(chrome, &failure)));
            };
            let mut cookie = framed_cookie(STATE_COOKIE, redirect.state, "/lti");
            cookie.set_max_age(rocket::time::Duration::minutes(launch::LIFETIME_MINUTES));
            cookies.add(cookie);
            Ok(Either::Left(Redirect::to(location)))
        }
        Err(LtiError::Failed(failure)) => Ok(Either::Right(problem(chrome, &failure))),
        Err(LtiError::App(error)) => Err(error),
    }
}

#[get("/lti/login?<form..>")]
async fn start_login(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    form: LoginForm,
) -> AppResult<Either<Redirect, Page>> {
    login(state, &chrome, cookies, form).await
}

#[post("/lti/login", data = "<form>")]
async fn post_login(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    form: Form<LoginForm>,
) -> AppResult<Either<Redirect, Page>> {
    login(state, &chrome, cookies, form.into_inner()).await
}

#[derive(Debug, FromForm)]
struct LaunchForm {
    id_token: Option<String>,
    state: Option<String>,
}

#[derive(Serialize)]
struct PickView {
    context: String,
    choices: Vec<Choice>,
}

#[post("/lti/launch", data = "<form>")]
async fn finish_launch(
    state: &State<AppState>,
    chrome: Chrome,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    form: Form<LaunchForm>,
) -> AppResult<Either<Redirect, Page>> {
    state.lti_origins.reload(&state.db).await?;
    let form = form.into_inner();
    let cookie_state = cookies.get(STATE_COOKIE).map(|c| c.value().to_owned());
    cookies.remove(Cookie::build(STATE_COOKIE).path("/lti"));
    let post = LaunchPost {
        id_token: form.id_token,
        state: form.state,
    };
    let launched = match launch::finish(state.lti(), post, cookie_state.as_deref(), client.0).await
    {
        Ok(launched) => launched,
        Err(LtiError::Failed(failure)) => return Ok(Either::Right(problem(&chrome, &failure))),
        Err(LtiError::App(error)) => return Err(error),
    };
    cookies.add(framed_cookie(
        session_cookie_name(release.0),
        launched.session.id.clone(),
        "/",
    ));
    match launched.opened {
        Opened::Page(path) => Ok(Either::Left(Redirect::to(path))),
        Opened::Pick(context) => {
            let mut chrome = chrome;
            chrome.csrf_token = Some(launched.session.csrf_token.clone());
            let view = PickView {
                context,
                choices: deep_linking::choices(&state.db).await?,
            };
            Ok(Either::Right((
                Status::Ok,
                chrome.render("lti/pick", "Choose what the link opens", view),
            )))
        }
    }
}

/// The tool's public keys (JWKS), for platforms to check what the tool signs.
#[get("/lti/jwks")]
async fn show_jwks(state: &State<AppState>) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(keys::jwks(&state.db).await?))
}
