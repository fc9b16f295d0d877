//! The one application error type. Handlers and services return `AppError`: a message for
//! the user on 4xx, the cause kept for the log on 5xx. It knows its HTTP status but nothing of
//! pages: the web layer answers it (`web::error_response`, a clear message for 4xx, a generic
//! page for 5xx, the cause chain of a 5xx logged with the request id).

use rocket::http::Status;

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

pub type AppResult<T> = Result<T, AppError>;
