//! CSRF protection: every state-changing form carries a `csrf_token` field and every
//! state-changing JSON request an `X-CSRF-Token` header, equal (compared in constant time) to the
//! session's token or, before sign-in, to the pre-session cookie's (double submit). A missing or
//! wrong token is a 403 with a clear message.

use rocket::data::{self, Data, FromData};
use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};
use rocket::serde::json::Json;
use serde::Deserialize;

use super::guards::{csrf_cookie_name, live_session};
use crate::accounts::token;
use crate::app::AppState;

pub const CSRF_MESSAGE: &str =
    "The form has expired or was not sent from this site. Go back, reload the page and try again.";

/// A message for the catcher to show instead of its generic one.
#[derive(Debug, Clone, Default)]
pub struct RejectionMessage(pub Option<&'static str>);

/// The token this request must carry, if it can carry one at all.
async fn expected(request: &Request<'_>) -> Option<String> {
    if let Ok(Some(live)) = live_session(request).await {
        return Some(live.csrf_token.clone());
    }
    let release = request
        .rocket()
        .state::<AppState>()
        .is_some_and(|s| s.config.release);
    request
        .cookies()
        .get(csrf_cookie_name(release))
        .map(|c| c.value().to_owned())
}

async fn accepts(request: &Request<'_>, sent: Option<&str>) -> bool {
    match (expected(request).await, sent) {
        (Some(expected), Some(sent)) => token::same(&expected, sent.trim()),
        _ => false,
    }
}

fn reject(request: &Request<'_>) -> Status {
    request.local_cache(|| RejectionMessage(Some(CSRF_MESSAGE)));
    Status::Forbidden
}

/// A form that carries a `csrf_token` field.
pub trait CsrfField {
    fn csrf_token(&self) -> &str;
}

/// A form with no fields but the token (sign out, disable, ...).
#[derive(Debug, FromForm)]
pub struct TokenOnly {
    #[field(default = String::new())]
    pub csrf_token: String,
}

impl CsrfField for TokenOnly {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// A form (url-encoded or multipart) whose CSRF token has been checked.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + CsrfField + Send + 'r> FromData<'r> for CsrfForm<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        match Form::<T>::from_data(request, data).await {
            Outcome::Success(form) => {
                let form = form.into_inner();
                if accepts(request, Some(form.csrf_token())).await {
                    Outcome::Success(CsrfForm(form))
                } else {
                    Outcome::Error((reject(request), ()))
                }
            }
            Outcome::Error((status, _)) => Outcome::Error((status, ())),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
    }
}

/// Proof that the `X-CSRF-Token` header matched (for JSON requests without a body).
#[derive(Debug, Clone, Copy)]
pub struct CsrfHeader;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfHeader {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        if accepts(request, request.headers().get_one("X-CSRF-Token")).await {
            Outcome::Success(CsrfHeader)
        } else {
            Outcome::Error((reject(request), ()))
        }
    }
}

/// A JSON body sent with a matching `X-CSRF-Token` header.
#[derive(Debug)]
pub struct CsrfJson<T>(pub T);

#[rocket::async_trait]
impl<'r, T: Deserialize<'r> + Send + 'r> FromData<'r> for CsrfJson<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if !accepts(request, request.headers().get_one("X-CSRF-Token")).await {
            return Outcome::Error((reject(request), ()));
        }
        match Json::<T>::from_data(request, data).await {
            Outcome::Success(json) => Outcome::Success(CsrfJson(json.into_inner())),
            Outcome::Error((status, _)) => Outcome::Error((status, ())),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
    }
}
