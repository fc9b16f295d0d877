//! Single sign-on through OpenID Providers (NHS CIS2 Authentication, Microsoft Entra ID): the
//! authorization code flow with PKCE (S256), `state` bound to the browser and a `nonce`; the ID
//! token checked in full by the `openidconnect` crate; people linked by `iss` + `sub`.
//!
//! Every failure is a [`Failure`]: a status (4xx for anything the person or an attacker can
//! cause, 502/503 when the provider is broken or down), a reason for the audit log (never a
//! token) and a message for the person. No failure leaves a session behind.

pub mod first_job;
pub mod flow;
mod http;
pub mod link;
pub mod login;
pub mod provider;
pub mod sign_out;

pub use provider::Providers;

use sea_orm::DatabaseConnection;

use crate::config::AppConfig;
use crate::error::AppError;

/// What a sign-in needs of the running service: the database, the configuration (public URL,
/// providers, session lengths) and the providers' cached discovery documents and keys. The web
/// layer lends it from its shared state (`AppState::sso`).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    pub config: &'a AppConfig,
    pub providers: &'a Providers,
}

/// A sign-in that did not happen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    /// Short and fixed (`state_mismatch`, `id_token_invalid`, ...), for the audit log.
    pub reason: String,
    /// One or two plain sentences for the person, saying what to do.
    pub message: String,
}

impl Failure {
    pub fn new(status: u16, reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
            message: message.into(),
        }
    }
}

/// What can go wrong in a sign-in: a [`Failure`] to show, or an error of our own.
#[derive(Debug)]
pub enum SsoError {
    Failed(Failure),
    App(AppError),
}

impl From<AppError> for SsoError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<sea_orm::DbErr> for SsoError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::App(error.into())
    }
}

impl From<Failure> for SsoError {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}
