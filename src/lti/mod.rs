//! LTI 1.3 Advantage tool (issue 26): learning platforms (Moodle, Totara) launch the baseline
//! or a module with no second sign-in, instructors pick which by deep linking, and scores go
//! back to the platform's gradebook through Assignment and Grade Services.
//!
//! - `platforms`: registrations by an admin (issuer, client id, endpoints, deployment ids);
//! - `keys`: the tool's own RSA keys, published as a key set, rotated;
//! - `platform_keys`: the platforms' key sets, cached and fetched again for an unknown key id;
//! - `launch`: third-party initiated login and the check of the `id_token` in full;
//! - `deep_linking`: the signed answer to a deep-linking request;
//! - `scores`: the score outbox and its delivery with a client-credentials token.
//!
//! Every refusal is a [`Failure`] (as in single sign-on): a 4xx status, a fixed reason for the
//! log and a sentence for the person; a refused launch leaves no session behind.

pub mod claims;
pub mod deep_linking;
pub mod keys;
pub mod launch;
mod people;
pub mod platform_keys;
pub mod platforms;
pub mod scores;

pub use crate::accounts::sso::Failure;
pub use platform_keys::PlatformKeys;

use crate::error::AppError;

/// What can go wrong in a launch: a [`Failure`] to show, or an error of our own.
#[derive(Debug)]
pub enum LtiError {
    Failed(Failure),
    App(AppError),
}

impl From<AppError> for LtiError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<sea_orm::DbErr> for LtiError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::App(error.into())
    }
}

impl From<Failure> for LtiError {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}

/// A refusal the person or a platform caused (a 400 unless said otherwise).
pub(crate) fn refuse(status: u16, reason: &str, message: &str) -> LtiError {
    LtiError::Failed(Failure::new(status, reason, message))
}

/// The addresses a platform admin gives the platform, under the service's public URL.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ToolUrls {
    pub login_initiation_url: String,
    pub redirect_url: String,
    pub jwks_url: String,
    pub deep_linking_url: String,
}

impl ToolUrls {
    pub fn new(public_url: &str) -> Self {
        let base = public_url.trim_end_matches('/');
        Self {
            login_initiation_url: format!("{base}/lti/login"),
            redirect_url: format!("{base}/lti/launch"),
            jwks_url: format!("{base}/lti/jwks"),
            deep_linking_url: format!("{base}/lti/launch"),
        }
    }
}
