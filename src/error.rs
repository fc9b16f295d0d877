//! The one application error type. Handlers and services return `AppError`; it is also the
//! responder, so what the user sees (a clear message for 4xx, a generic page for 5xx) stays
//! apart from what is logged (the cause chain of a 5xx, with the request id).

use std::io::Cursor;

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket_dyn_templates::Template;

use crate::web::chrome::error_page;
use crate::web::request_id::RequestId;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// A sign-in with a wrong email or password (one message for both, by design).
    #[error("Enter a correct email address and password.")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The service is temporarily unavailable. Please try again in a minute.")]
    Unavailable(#[source] sea_orm::DbErr),
    #[error("Something went wrong on our side.")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            Self::BadRequest(_) => Status::BadRequest,
            Self::Unauthorized | Self::WrongCredentials => Status::Unauthorized,
            Self::Forbidden(_) => Status::Forbidden,
            Self::NotFound(_) => Status::NotFound,
            Self::Conflict(_) => Status::Conflict,
            Self::Unprocessable(_) => Status::UnprocessableEntity,
            Self::TooManyRequests(_) => Status::TooManyRequests,
            Self::Unavailable(_) => Status::ServiceUnavailable,
            Self::Internal(_) => Status::InternalServerError,
        }
    }

    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        // A database that is down, restarting or busy is not a bug: the person may try again.
        if crate::db::is_unavailable(&error) {
            Self::Unavailable(error)
        } else {
            Self::Internal(Box::new(error))
        }
    }
}

fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// Whether the client wants JSON rather than a page: API paths and JSON requests.
pub fn wants_json(request: &Request<'_>) -> bool {
    request.uri().path().starts_with("/api/")
        || request.content_type().is_some_and(|ct| ct.is_json())
        || request.accept().is_some_and(|a| a.preferred().is_json())
}

/// A JSON body `{"error": message, "status": code}`.
pub fn json_error<'o>(status: Status, message: &str) -> Response<'o> {
    let body = serde_json::json!({ "error": message, "status": status.code }).to_string();
    Response::build()
        .status(status)
        .header(ContentType::JSON)
        .sized_body(body.len(), Cursor::new(body))
        .finalize()
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status.code >= 500 {
            let request_id = request.local_cache(RequestId::generate);
            tracing::error!(request_id = %request_id, status = status.code, error = %cause_chain(&self), "request failed");
        }
        let message = self.to_string();
        if wants_json(request) {
            return Ok(json_error(status, &message));
        }
        let page: Template = error_page(request, status, &message);
        Response::build_from(page.respond_to(request)?)
            .status(status)
            .ok()
    }
}

pub type AppResult<T> = Result<T, AppError>;
