//! Accounts: who is asking and what they may see.
//!
//! Domain types check their input when built ([`Email::parse`], [`Password::parse`]), so the
//! services only see valid values. Services take `&impl ConnectionTrait` (or a connection that
//! can begin a transaction, for multi-write operations) and return [`crate::error::AppError`].
//! Access is proven by the web layer's guards; data-level checks (which organisations a manager
//! may see) happen here, through [`OrgScope`].

pub mod band;
pub mod credentials;
pub mod email;
pub mod erasure;
pub mod form_key;
pub mod import;
pub mod import_check;
pub mod job_titles;
pub mod local_details;
pub mod mail;
pub mod one_time;
pub mod organisations;
pub mod outbox;
pub mod password;
pub mod personal_data;
pub mod sessions;
pub mod setup;
pub mod sso;
pub mod throttle;
pub mod token;
pub mod users;

pub use email::Email;

#[cfg(test)]
mod tests_import_check;
pub use password::Password;
pub use users::Account;

/// The organisations a manager (or admin) may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgScope {
    /// Admins: every organisation.
    All,
    /// Managers: the organisations they were granted.
    Only(Vec<i64>),
}

impl OrgScope {
    pub fn includes(&self, organisation_id: i64) -> bool {
        match self {
            Self::All => true,
            Self::Only(ids) => ids.contains(&organisation_id),
        }
    }
}
