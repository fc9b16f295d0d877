//! CSRF protection: every state-changing form carries a `csrf_token` field and every
//! state-changing JSON request an `X-CSRF-Token` header, equal (compared in constant time) to the
//! session's token or, before sign-in, to the pre-session cookie's (double submit) when that
//! cookie holds a token the service signed (`accounts::form_key`), so a planted cookie such as
//! `abc` is worth nothing. A missing or wrong token is a 403 with a clear message.

use rocket::data::{self, Data, FromData, Limits};
use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};
use serde::de::DeserializeOwned;

use super::bodies::{self, RejectionMessage, read_json, read_urlencoded, too_large};
use super::guards::{csrf_cookie_name, live_session};
use crate::accounts::token;
use crate::state::AppState;

pub const CSRF_MESSAGE: &str =
    "The form has expired or was not sent from this site. Go back, reload the page and try again.";

/// The token this request must carry, if it can carry one at all.
async fn expected(request: &Request<'_>) -> Option<String> {
    if let Ok(Some(live)) = live_session(request).await {
        return Some(live.csrf_token.clone());
    }
    let state = request.rocket().state::<AppState>()?;
    request
        .cookies()
        .get(csrf_cookie_name(state.config.release))
        .map(|c| c.value().to_owned())
        .filter(|value| state.form_key.issued(value))
}

async fn accepts(request: &Request<'_>, sent: Option<&str>) -> bool {
    match (expected(request).await, sent) {
        (Some(expected), Some(sent)) => token::same(&expected, sent.trim()),
        _ => false,
    }
}

fn reject(request: &Request<'_>) -> Status {
    request.local_cache(|| RejectionMessage(Some(CSRF_MESSAGE.to_owned())));
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

/// A form (url-encoded, read strictly by [`read_urlencoded`], or multipart) whose CSRF token
/// has been checked.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + CsrfField + Send + 'r> FromData<'r> for CsrfForm<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let content_type = request.content_type();
        let parsed = if content_type.is_some_and(|ct| ct.is_form()) {
            read_urlencoded::<T>(request, data).await
        } else if content_type.is_some_and(|ct| ct.is_form_data()) {
            match Form::<T>::from_data(request, data).await {
                Outcome::Success(form) => Outcome::Success(form.into_inner()),
                Outcome::Error((Status::PayloadTooLarge, _)) => {
                    let limit = request.limits().get("file").unwrap_or(Limits::FILE);
                    return bodies::reject(request, Status::PayloadTooLarge, too_large(limit));
                }
                Outcome::Error((status, _)) => Outcome::Error((status, ())),
                Outcome::Forward(forward) => Outcome::Forward(forward),
            }
        } else {
            return bodies::reject(
                request,
                Status::UnsupportedMediaType,
                "Send the form as application/x-www-form-urlencoded or multipart/form-data.",
            );
        };
        let form = match parsed {
            Outcome::Success(form) => form,
            Outcome::Error(error) => return Outcome::Error(error),
            Outcome::Forward(forward) => return Outcome::Forward(forward),
        };
        let token = form.csrf_token().to_owned();
        if accepts(request, Some(&token)).await {
            Outcome::Success(CsrfForm(form))
        } else {
            Outcome::Error((reject(request), ()))
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

/// A JSON body (read by [`read_json`] up to `limits.json`) sent with a matching
/// `X-CSRF-Token` header.
#[derive(Debug)]
pub struct CsrfJson<T>(pub T);

/// Like [`CsrfJson`] for a body that carries a whole file (an import), so limited by
/// `limits.file` like an uploaded file rather than by `limits.json`.
#[derive(Debug)]
pub struct CsrfUpload<T>(pub T);

async fn csrf_json<'r, T: DeserializeOwned>(
    request: &'r Request<'_>,
    data: Data<'r>,
    limit: &str,
) -> data::Outcome<'r, T, ()> {
    if !accepts(request, request.headers().get_one("X-CSRF-Token")).await {
        return Outcome::Error((reject(request), ()));
    }
    read_json(request, data, limit).await
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send + 'r> FromData<'r> for CsrfJson<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        csrf_json(request, data, "json").await.map(CsrfJson)
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send + 'r> FromData<'r> for CsrfUpload<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        csrf_json(request, data, "file").await.map(CsrfUpload)
    }
}
