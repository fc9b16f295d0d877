//! Accounts: who is asking and what they may see.
//!
//! Domain types check their input when built ([`Email::parse`], [`Password::parse`]), so the
//! services only see valid values. Services take `&impl ConnectionTrait` (or a connection that
//! can begin a transaction, for multi-write operations) and return [`crate::error::AppError`].
//! Access is proven by the web layer's guards; data-level checks (which organisations a manager
//! may see) happen here, through [`OrgScope`].

pub mod activation_mail;
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
pub mod teams;
pub mod throttle;
pub mod token;
pub mod users;

pub use email::Email;

#[cfg(test)]
mod tests_import_check;
pub use password::Password;
pub use users::Account;

pub use teams::TeamGrant;

/// The organisations (and teams) a manager (or admin) may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgScope {
    /// Admins: every organisation.
    All,
    /// Managers: the organisations they were granted.
    Only(Vec<i64>),
    /// Managers limited to some teams: the organisations they see whole, and the teams they see
    /// in others. A team grant narrows an organisation grant for the same organisation.
    Partly {
        whole: Vec<i64>,
        teams: Vec<TeamGrant>,
    },
}

impl OrgScope {
    /// Whether any of the organisation is in scope (all of it, or one of its teams).
    pub fn includes(&self, organisation_id: i64) -> bool {
        match self {
            Self::Partly { teams, .. }
                if teams.iter().any(|t| t.organisation_id == organisation_id) =>
            {
                true
            }
            _ => self.whole(organisation_id),
        }
    }

    /// Whether all of the organisation is in scope.
    pub fn whole(&self, organisation_id: i64) -> bool {
        match self {
            Self::All => true,
            Self::Only(ids) | Self::Partly { whole: ids, .. } => ids.contains(&organisation_id),
        }
    }

    /// Whether someone working in `organisation_id`, in `team_id`, is in scope.
    pub fn covers(&self, organisation_id: i64, team_id: Option<i64>) -> bool {
        self.whole(organisation_id) || team_id.is_some_and(|team| self.team_ids().contains(&team))
    }

    /// The organisations seen whole (`None`: all of them).
    pub fn whole_organisations(&self) -> Option<&[i64]> {
        match self {
            Self::All => None,
            Self::Only(ids) | Self::Partly { whole: ids, .. } => Some(ids),
        }
    }

    /// The teams seen in organisations not seen whole.
    pub fn team_ids(&self) -> Vec<i64> {
        match self {
            Self::Partly { teams, .. } => teams.iter().map(|t| t.team_id).collect(),
            _ => Vec::new(),
        }
    }
}
