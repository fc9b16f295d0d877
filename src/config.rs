//! Typed configuration, read once at start from Rocket's figment (`Rocket.toml` `[default.app]`,
//! overridable by `ROCKET_APP` and, for the database and the log format, `DATABASE_URL` and
//! `GT_LOG_FORMAT`), and validated so that a bad setting stops launch with one line naming it.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use ipnet::IpNet;

use rocket::figment::providers::{Env, Serialized};
use rocket::figment::value::magic::RelativePathBuf;
use rocket::figment::{Figment, Profile};
use serde::Deserialize;

mod observability;
mod oidc;
mod public_url;
mod xapi;
pub use observability::{LogFormat, MetricsToken, log_format};
pub use oidc::{ClientAuth, LinkBy, OidcProvider};
pub use public_url::PublicUrlSource;
pub use xapi::{XapiActor, XapiConfig, XapiSecret};

/// The settings under `[default.app]` exactly as written.
#[derive(Debug, Deserialize)]
struct RawAppConfig {
    database_url: String,
    data_dir: RelativePathBuf,
    content_dir: RelativePathBuf,
    static_dir: RelativePathBuf,
    min_cell_size: i64,
    #[serde(default)]
    public_url: Option<String>,
    session_idle_minutes: i64,
    session_absolute_hours: i64,
    max_connections: i64,
    database_timeout_seconds: i64,
    #[serde(default = "default_statement_timeout")]
    statement_timeout_seconds: i64,
    #[serde(default)]
    smtp_url: Option<String>,
    mail_from: String,
    #[serde(default)]
    response_retention_months: Option<i64>,
    #[serde(default)]
    shuffle_seed: Option<u64>,
    #[serde(default = "default_calibration_interval")]
    calibration_interval_hours: i64,
    #[serde(default = "yes")]
    adaptive_baseline: bool,
    trusted_proxies: Vec<String>,
    #[serde(default = "yes")]
    password_sign_in: bool,
    #[serde(default)]
    oidc: std::collections::BTreeMap<String, oidc::RawProvider>,
    #[serde(default)]
    log_format: Option<String>,
    #[serde(default)]
    metrics_token: Option<String>,
    #[serde(default)]
    xapi: xapi::RawXapi,
}

fn default_calibration_interval() -> i64 {
    24
}

fn yes() -> bool {
    true
}

fn default_statement_timeout() -> i64 {
    10
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// A database URL known to name a supported engine. Its `Debug`/`Display` hide any password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    kind: DatabaseKind,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        let kind = if url.starts_with("sqlite:") {
            DatabaseKind::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DatabaseKind::Postgres
        } else {
            return Err("must start with sqlite: or postgres://".into());
        };
        Ok(Self {
            url: url.to_owned(),
            kind,
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The SQLite file path, for URLs naming a file (not `sqlite::memory:`).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.url.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or(rest);
        (self.kind == DatabaseKind::Sqlite && !path.is_empty() && !path.starts_with(":memory:"))
            .then(|| PathBuf::from(path))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Show scheme, host and database but never a password.
        match (self.url.find("://"), self.url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                write!(
                    f,
                    "{}://***@{}",
                    &self.url[..scheme_end],
                    &self.url[at + 1..]
                )
            }
            _ => f.write_str(&self.url),
        }
    }
}

/// An SMTP relay URL (`smtp://`, `smtps://`); its `Debug` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("smtp://") || url.starts_with("smtps://") {
            Ok(Self(url.to_owned()))
        } else {
            Err("must start with smtp:// or smtps://".into())
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                write!(f, "{}://***@{}", &self.0[..scheme_end], &self.0[at + 1..])
            }
            _ => f.write_str(&self.0),
        }
    }
}

/// The validated application settings.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub database_url: DatabaseUrl,
    pub data_dir: PathBuf,
    pub content_dir: PathBuf,
    pub static_dir: PathBuf,
    pub min_cell_size: u32,
    /// The start of every link sent to people, without a trailing `/`.
    pub public_url: String,
    /// Whether `public_url` was set or built from the listening address and port.
    pub public_url_source: PublicUrlSource,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
    pub max_connections: u32,
    /// How long a request waits for a pooled database connection (including opening one)
    /// before it is answered 503; bounds how long anyone waits while the database is down.
    pub database_timeout_seconds: u32,
    /// The longest one statement of a request may run, or wait for a lock, before it is
    /// abandoned and the request answered 503: PostgreSQL's `statement_timeout` and SQLite's
    /// busy timeout. Start-up work and commands keep no limit (PostgreSQL) or 10 s (SQLite).
    pub statement_timeout_seconds: u32,
    /// The relay mail goes through; when absent, messages are written to `<data_dir>/outbox/`.
    pub smtp_url: Option<SmtpUrl>,
    /// The From address of the mail the service sends.
    pub mail_from: String,
    /// Raw responses of attempts submitted longer ago than this are removed (their sums are
    /// kept, so reports do not change); `None` keeps them for ever.
    pub response_retention_months: Option<u32>,
    /// Seeds the per-attempt shuffle of answer options, so that a test's orders are the same
    /// on every run. Unset (the default, and the only sensible production setting): every
    /// attempt gets fresh randomness from the operating system.
    pub shuffle_seed: Option<u64>,
    /// How old the latest Rasch calibration of the item bank may get before the server runs
    /// a new one (docs/calibration.md); 0 turns the schedule off (`bank calibrate` still works).
    pub calibration_interval_hours: u32,
    /// Whether the baseline is adaptive (docs/measurement.md): topics start with 2 items and
    /// get more while the test-out decision is open. Off by default for now.
    pub adaptive_baseline: bool,
    /// Load balancers and reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For`
    /// or `X-Real-IP` names the client; from anyone else those headers are ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Whether people may sign in with a password (`false`: only through `oidc`, except the
    /// admins' break-glass route, see docs/admins.md).
    pub password_sign_in: bool,
    /// The OpenID Providers people may sign in through, in name order.
    pub oidc: Vec<OidcProvider>,
    /// True for the release profile: secure cookies with the `__Host-` prefix, HSTS.
    pub release: bool,
    /// How log lines are written (to standard error).
    pub log_format: LogFormat,
    /// The bearer token that reads `/metrics`; without one, `/metrics` answers 404.
    pub metrics_token: Option<MetricsToken>,
    /// The learning record store statements go to; `None`: xAPI is off, nothing is recorded.
    pub xapi: Option<XapiConfig>,
}

/// A setting that stops launch; displays as one line naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {key}: {problem}")]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
}

impl ConfigError {
    fn new(key: &str, problem: impl Into<String>) -> Self {
        Self {
            key: format!("app.{key}"),
            problem: problem.into(),
        }
    }
}

/// Rocket's figment with `DATABASE_URL` mapped onto `app.database_url` and `GT_LOG_FORMAT`
/// onto `app.log_format`, and Rocket's own `ip_header` always off: Rocket would otherwise
/// believe an `X-Real-IP` sent by anyone. The client's address is worked out in
/// `web::client_address`, which believes forwarding headers only from `app.trusted_proxies`.
pub fn figment() -> Figment {
    let figment = rocket::Config::figment()
        .merge(
            Env::raw()
                .only(&["DATABASE_URL"])
                .map(|_| "app.database_url".into())
                .global(),
        )
        .merge(
            Env::raw()
                .only(&["GT_LOG_FORMAT"])
                .map(|_| "app.log_format".into())
                .global(),
        )
        .merge(Serialized::global(rocket::Config::IP_HEADER, false));
    without_colour_in_json_logs(figment)
}

/// Rocket puts colour codes into the text of its launch messages (when standard output and
/// error are terminals), which would then sit inside the JSON strings.
fn without_colour_in_json_logs(figment: Figment) -> Figment {
    if log_format(&figment) == LogFormat::Json {
        figment.merge(Serialized::global(rocket::Config::CLI_COLORS, false))
    } else {
        figment
    }
}

/// An address (`10.0.0.5`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`).
fn parse_proxy(entry: &str) -> Result<IpNet, ConfigError> {
    let entry = entry.trim();
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            ConfigError::new(
                "trusted_proxies",
                format!("{entry:?} is not an IP address or a CIDR range like 10.0.0.0/8"),
            )
        })
}

/// Overrides `app.<key>` in a figment (used by tests and subcommands).
pub fn with_app_setting<T: serde::Serialize>(figment: Figment, key: &str, value: T) -> Figment {
    figment.merge(Serialized::global(&format!("app.{key}"), value))
}

fn in_range(key: &str, value: i64, min: i64, max: i64) -> Result<u32, ConfigError> {
    if (min..=max).contains(&value) {
        u32::try_from(value).map_err(|_| ConfigError::new(key, "out of range"))
    } else {
        Err(ConfigError::new(
            key,
            format!("must be between {min} and {max} (got {value})"),
        ))
    }
}

impl AppConfig {
    /// The single sign-on provider named `name`.
    pub fn oidc_provider(&self, name: &str) -> Option<&OidcProvider> {
        self.oidc.iter().find(|p| p.name == name)
    }

    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        // Rocket's own settings (address, port, limits) are checked here too, so that a bad
        // one is reported the same way instead of failing later at launch.
        let rocket = rocket::Config::try_from(figment).map_err(|e| {
            let key = if e.path.is_empty() {
                "rocket".to_owned()
            } else {
                e.path.join(".")
            };
            ConfigError {
                key,
                problem: e.kind.to_string(),
            }
        })?;
        #[derive(Deserialize)]
        struct Root {
            app: RawAppConfig,
        }
        let raw = figment
            .extract::<Root>()
            .map_err(|e| {
                let path = e.path.iter().skip(1).cloned().collect::<Vec<_>>().join(".");
                ConfigError::new(
                    if path.is_empty() { "*" } else { &path },
                    e.kind.to_string(),
                )
            })?
            .app;
        let database_url = DatabaseUrl::parse(&raw.database_url)
            .map_err(|problem| ConfigError::new("database_url", problem))?;
        let (public_url, public_url_source) =
            public_url::resolve(raw.public_url.as_deref(), rocket.address, rocket.port)
                .map_err(|problem| ConfigError::new("public_url", problem))?;
        let release = *figment.profile() == Profile::new("release");
        let smtp_url = match raw.smtp_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => Some(SmtpUrl::parse(url).map_err(|p| ConfigError::new("smtp_url", p))?),
        };
        let mail_from = raw.mail_from.trim().to_owned();
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "mail_from",
                "must be an email address, like Genomics training <no-reply@example.nhs.uk>",
            ));
        }
        let oidc = oidc::validate(raw.oidc)?;
        let xapi = xapi::validate(raw.xapi)?;
        let log_format = LogFormat::parse(raw.log_format.as_deref().unwrap_or("text"))
            .map_err(|problem| ConfigError::new("log_format", problem))?;
        let metrics_token = match raw.metrics_token.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(token) => Some(
                MetricsToken::parse(token)
                    .map_err(|problem| ConfigError::new("metrics_token", problem))?,
            ),
        };
        if !raw.password_sign_in && oidc.is_empty() {
            return Err(ConfigError::new(
                "password_sign_in",
                "false needs at least one single sign-on provider ([app.oidc.<name>])",
            ));
        }
        Ok(Self {
            database_url,
            data_dir: raw.data_dir.relative(),
            content_dir: raw.content_dir.relative(),
            static_dir: raw.static_dir.relative(),
            min_cell_size: in_range("min_cell_size", raw.min_cell_size, 2, 1000)?,
            public_url,
            public_url_source,
            session_idle_minutes: in_range(
                "session_idle_minutes",
                raw.session_idle_minutes,
                1,
                24 * 60,
            )?,
            session_absolute_hours: in_range(
                "session_absolute_hours",
                raw.session_absolute_hours,
                1,
                24 * 30,
            )?,
            max_connections: in_range("max_connections", raw.max_connections, 1, 512)?,
            database_timeout_seconds: in_range(
                "database_timeout_seconds",
                raw.database_timeout_seconds,
                1,
                120,
            )?,
            statement_timeout_seconds: in_range(
                "statement_timeout_seconds",
                raw.statement_timeout_seconds,
                1,
                600,
            )?,
            smtp_url,
            mail_from,
            response_retention_months: raw
                .response_retention_months
                .map(|months| in_range("response_retention_months", months, 1, 1200))
                .transpose()?,
            shuffle_seed: raw.shuffle_seed,
            calibration_interval_hours: in_range(
                "calibration_interval_hours",
                raw.calibration_interval_hours,
                0,
                8760,
            )?,
            adaptive_baseline: raw.adaptive_baseline,
            trusted_proxies: raw
                .trusted_proxies
                .iter()
                .map(|entry| parse_proxy(entry))
                .collect::<Result<_, _>>()?,
            password_sign_in: raw.password_sign_in,
            oidc,
            release,
            log_format,
            metrics_token,
            xapi,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Figment {
        figment()
    }

    #[test]
    fn shipped_rocket_toml_is_valid() {
        let config = AppConfig::from_figment(&base()).map_err(|e| e.to_string());
        assert!(config.is_ok(), "{config:?}");
    }

    #[test]
    fn cell_size_below_two_names_the_setting() {
        let err = AppConfig::from_figment(&with_app_setting(base(), "min_cell_size", 0))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid setting app.min_cell_size: must be between 2 and 1000 (got 0)")
        );
    }

    #[test]
    fn unknown_database_scheme_is_rejected() {
        let err = AppConfig::from_figment(&with_app_setting(base(), "database_url", "mysql://x"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid setting app.database_url: must start with sqlite: or postgres://")
        );
    }

    #[test]
    fn wrong_type_names_the_setting() {
        let err = AppConfig::from_figment(&with_app_setting(base(), "min_cell_size", "eight"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("invalid setting app.min_cell_size:"),
            "{err}"
        );
    }

    #[test]
    fn bad_rocket_port_names_the_setting() {
        let figment = base().merge(Serialized::global("port", "abc"));
        let err = AppConfig::from_figment(&figment)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("invalid setting port:"), "{err}");
    }

    #[test]
    fn retention_is_off_unless_set_and_then_at_least_a_month() {
        let off = AppConfig::from_figment(&base()).map(|c| c.response_retention_months);
        assert_eq!(off.ok(), Some(None));
        let set = with_app_setting(base(), "response_retention_months", 24);
        let on = AppConfig::from_figment(&set).map(|c| c.response_retention_months);
        assert_eq!(on.ok(), Some(Some(24)));
        let err =
            AppConfig::from_figment(&with_app_setting(base(), "response_retention_months", 0))
                .err()
                .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid setting app.response_retention_months: must be between 1 and 1200 (got 0)"
            )
        );
    }

    #[test]
    fn calibration_runs_daily_unless_set_and_zero_turns_it_off() {
        let interval = |figment: &Figment| {
            AppConfig::from_figment(figment)
                .map(|c| c.calibration_interval_hours)
                .map_err(|e| e.to_string())
        };
        assert_eq!(interval(&base()), Ok(24));
        let off = with_app_setting(base(), "calibration_interval_hours", 0);
        assert_eq!(interval(&off), Ok(0));
        let too_long = with_app_setting(base(), "calibration_interval_hours", 9000);
        assert_eq!(
            interval(&too_long),
            Err(
                "invalid setting app.calibration_interval_hours: must be between 0 and 8760 (got 9000)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn database_timeout_of_zero_is_refused() {
        let err = AppConfig::from_figment(&with_app_setting(base(), "database_timeout_seconds", 0))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid setting app.database_timeout_seconds: must be between 1 and 120 (got 0)")
        );
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges_and_name_a_bad_entry() {
        let set = with_app_setting(base(), "trusted_proxies", ["10.0.0.5", "fd00::/8"]);
        let proxies = AppConfig::from_figment(&set).map(|c| c.trusted_proxies.len());
        assert_eq!(proxies.ok(), Some(2));
        let bad = with_app_setting(base(), "trusted_proxies", ["10.0.0.0/33"]);
        let err = AppConfig::from_figment(&bad).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid setting app.trusted_proxies: \"10.0.0.0/33\" is not an IP address or a CIDR range like 10.0.0.0/8"
            )
        );
    }

    #[test]
    fn rocket_never_trusts_x_real_ip_itself() {
        let config = rocket::Config::from(figment());
        assert_eq!(config.ip_header, None);
    }

    #[test]
    fn smtp_url_must_name_smtp() {
        let err = AppConfig::from_figment(&with_app_setting(base(), "smtp_url", "http://relay"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid setting app.smtp_url: must start with smtp:// or smtps://")
        );
    }

    #[test]
    fn smtp_url_debug_hides_password() {
        let url = SmtpUrl::parse("smtps://user:secret@relay.nhs.net:465").ok();
        assert_eq!(
            url.map(|u| format!("{u:?}")).as_deref(),
            Some("smtps://***@relay.nhs.net:465")
        );
    }

    #[test]
    fn database_url_display_hides_password() {
        let url = DatabaseUrl::parse("postgres://user:secret@db.example:5432/gt").ok();
        assert_eq!(
            url.map(|u| u.to_string()).as_deref(),
            Some("postgres://***@db.example:5432/gt")
        );
    }

    fn oidc(value: serde_json::Value) -> Figment {
        with_app_setting(base(), "oidc.cis2", value)
    }

    fn error_of(figment: &Figment) -> String {
        AppConfig::from_figment(figment)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn single_sign_on_provider_is_read_with_its_defaults() {
        let figment = oidc(serde_json::json!({
            "issuer": "https://idp.example.nhs.uk/",
            "client_id": "gt",
            "client_secret": "s",
            "label": "Sign in with NHS Care Identity",
        }));
        let config = AppConfig::from_figment(&figment).map_err(|e| e.to_string());
        let provider = config.as_ref().ok().and_then(|c| c.oidc_provider("cis2"));
        assert_eq!(
            provider.map(|p| p.issuer.as_str()),
            Some("https://idp.example.nhs.uk")
        );
        assert_eq!(
            provider.map(|p| p.scopes.join(" ")).as_deref(),
            Some("openid email profile")
        );
        assert_eq!(provider.map(|p| p.link_by), Some(LinkBy::Email));
        assert!(config.is_ok_and(|c| c.password_sign_in));
    }

    #[test]
    fn each_bad_single_sign_on_value_is_named_on_one_line() {
        let good = serde_json::json!({
            "issuer": "https://idp.example.nhs.uk",
            "client_id": "gt",
            "client_secret": "s",
            "label": "Sign in",
        });
        let with = |key: &str, value: serde_json::Value| {
            let mut table = good.clone();
            table[key] = value;
            error_of(&oidc(table))
        };
        assert_eq!(
            with("issuer", "http://idp.example.nhs.uk".into()),
            "invalid setting app.oidc.cis2.issuer: \"http://idp.example.nhs.uk\" must start with https:// (http:// only for localhost)"
        );
        assert!(
            with("client_id", "".into())
                .starts_with("invalid setting app.oidc.cis2.client_id: is missing")
        );
        assert!(with("private_key_file", "no/such.pem".into()).starts_with("invalid setting app.oidc.cis2.client_secret: set client_secret or private_key_file, not both"));
        assert!(
            with("scopes", "email".into())
                .starts_with("invalid setting app.oidc.cis2.scopes: must include openid")
        );
        assert!(
            with("link_by", "nhs_number".into())
                .starts_with("invalid setting app.oidc.cis2.link_by:")
        );
        assert!(
            with("link_by", "employee_number".into())
                .starts_with("invalid setting app.oidc.cis2.employee_number_claim: is missing")
        );
        assert!(
            with("create_unknown", true.into())
                .starts_with("invalid setting app.oidc.cis2.create_unknown:")
        );
        let unknown = with("colour", "blue".into());
        assert!(
            unknown.starts_with("invalid setting app.oidc.cis2"),
            "{unknown}"
        );
        assert!(unknown.contains("colour"), "{unknown}");
        let mut keyed = good.clone();
        keyed.as_object_mut().map(|t| t.remove("client_secret"));
        keyed["private_key_file"] = "no/such.pem".into();
        assert!(
            error_of(&oidc(keyed))
                .starts_with("invalid setting app.oidc.cis2.private_key_file: cannot read")
        );
    }

    #[test]
    fn passwords_cannot_be_turned_off_without_a_provider() {
        let err = error_of(&with_app_setting(base(), "password_sign_in", false));
        assert_eq!(
            err,
            "invalid setting app.password_sign_in: false needs at least one single sign-on provider ([app.oidc.<name>])"
        );
    }

    #[test]
    fn log_format_and_metrics_token_are_checked_at_launch() {
        let json = with_app_setting(base(), "log_format", "json");
        let config = AppConfig::from_figment(&json).map_err(|e| e.to_string());
        assert!(config.is_ok_and(|c| c.log_format == LogFormat::Json && c.metrics_token.is_none()));
        assert_eq!(
            error_of(&with_app_setting(base(), "log_format", "xml")),
            "invalid setting app.log_format: must be \"text\" or \"json\" (got \"xml\")"
        );
        assert!(
            error_of(&with_app_setting(base(), "metrics_token", "secret"))
                .starts_with("invalid setting app.metrics_token: must be at least 32 characters")
        );
    }

    #[test]
    fn json_logs_turn_rocket_colours_off() {
        let json = without_colour_in_json_logs(with_app_setting(base(), "log_format", "json"));
        assert!(!rocket::Config::from(json).cli_colors);
        let text = without_colour_in_json_logs(with_app_setting(base(), "log_format", "text"));
        assert!(rocket::Config::from(text).cli_colors);
    }

    #[test]
    fn sqlite_path_is_found_in_url() {
        let url = DatabaseUrl::parse("sqlite://data/x.db?mode=rwc").ok();
        assert_eq!(
            url.and_then(|u| u.sqlite_path()),
            Some(PathBuf::from("data/x.db"))
        );
    }
}
