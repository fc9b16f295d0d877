//! What the front-ends share while the service runs: the database, the configuration and the
//! handles built once at start (`app::prepare` makes it; Rocket manages it for the handlers;
//! the command line reads it after start). Services never take it: they take the connection
//! and the configuration they need, so they run the same from a handler, the command line,
//! the benchmark and a test.

use sea_orm::DatabaseConnection;

use crate::accounts::form_key::FormKey;
use crate::accounts::outbox::MailWake;
use crate::accounts::sso::{self, Providers};
use crate::config::AppConfig;
use crate::learning::module_versions::ModuleVersions;
use crate::lti::platforms::FrameOrigins;
use crate::lti::{self, PlatformKeys};
use crate::reports::dashboard_cache::DashboardCache;
use crate::xapi::Recording;

/// Everything handlers share, managed by Rocket.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: AppConfig,
    /// Signs the CSRF tokens of forms shown before sign-in.
    pub form_key: FormKey,
    /// Wakes the background mail sender when a request queues mail.
    pub mail_wake: MailWake,
    /// The single sign-on providers' cached discovery documents and keys.
    pub providers: Providers,
    /// The LTI platforms' cached key sets, and the HTTP client that sends them scores.
    pub lti_keys: PlatformKeys,
    /// The registered LTI platforms' origins, which may frame launched pages.
    pub lti_origins: FrameOrigins,
    /// Appended to static URLs (`?v=`) so browsers may cache them for a year.
    pub asset_version: String,
    /// Published module versions, rendered once (they never change).
    pub module_versions: ModuleVersions,
    /// Managers' dashboards by query, reused while the data they were read from is unchanged.
    pub dashboards: DashboardCache,
}

impl AppState {
    /// What a single sign-on needs of the running service.
    /// What recording xAPI statements needs; `None` while xAPI is off.
    pub fn xapi(&self) -> Option<Recording<'_>> {
        Recording::of(&self.config)
    }

    pub fn sso(&self) -> sso::Context<'_> {
        sso::Context {
            db: &self.db,
            config: &self.config,
            providers: &self.providers,
        }
    }

    /// What an LTI launch needs of the running service.
    pub fn lti(&self) -> lti::launch::Context<'_> {
        lti::launch::Context {
            db: &self.db,
            config: &self.config,
            keys: &self.lti_keys,
        }
    }
}
