//! The metrics operators scrape at `/metrics` (docs/admins.md, "Metrics"), in the Prometheus
//! text format. Services count what happens through the `metrics` facade with the functions
//! here, so every name and label set is written once; the gauges of this app's state (the
//! database pool, the mail outbox) are read when Prometheus scrapes.

use std::sync::OnceLock;

use metrics::{counter, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DbBackend};

pub const REQUESTS: &str = "gt_http_requests_total";
pub const REQUEST_SECONDS: &str = "gt_http_request_duration_seconds";
pub const POOL_CONNECTIONS: &str = "gt_db_pool_connections";
pub const POOL_MAX: &str = "gt_db_pool_max_connections";
pub const SUBMITS: &str = "gt_quiz_submits_total";
pub const SIGN_INS: &str = "gt_sign_ins_total";
pub const OUTBOX_UNSENT: &str = "gt_mail_outbox_unsent_messages";
pub const OUTBOX_OLDEST_SECONDS: &str = "gt_mail_outbox_oldest_unsent_age_seconds";

/// Latency buckets from a fast page (5 ms) to a request that waited out the database timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The recorder's handle, which renders the text Prometheus reads. The `metrics` facade has
/// one recorder per process (services count without being handed any state), so the handle is
/// kept once too: every app this process assembles (tests build many) shares it.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Only an empty bucket list is refused; without buckets the latency is a summary.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics will stay empty");
        }
        describe();
        handle
    })
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{Unit, describe_counter, describe_histogram};
    describe_counter!(
        REQUESTS,
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time from a request's arrival to its response, by method and route template"
    );
    describe_counter!(
        SUBMITS,
        "Quiz submits, by outcome (success, failure: refused, error: the service failed)"
    );
    describe_counter!(
        SIGN_INS,
        "Sign-ins, by method (password, sso) and outcome (success, failure, error)"
    );
}

/// A request answered: `route` is the matched route's template (`/learn/<slug>`), never the
/// path itself, so the number of series stays bounded whatever addresses are requested.
pub fn request(method: &str, route: &str, status: u16, seconds: f64) {
    let method = method.to_owned();
    let route = route.to_owned();
    counter!(REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(REQUEST_SECONDS, "method" => method, "route" => route).record(seconds);
}

/// How a sign-in was attempted.
#[derive(Debug, Clone, Copy)]
pub enum SignInMethod {
    Password,
    SingleSignOn,
}

/// How a sign-in or a submit ended: `Failure` is the person's (wrong password, refused by the
/// provider), `Error` the service's (the database, a provider that did not answer).
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Success,
    Failure,
    Error,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Error => "error",
        }
    }
}

pub fn sign_in(method: SignInMethod, outcome: Outcome) {
    let method = match method {
        SignInMethod::Password => "password",
        SignInMethod::SingleSignOn => "sso",
    };
    counter!(SIGN_INS, "method" => method, "outcome" => outcome.label()).increment(1);
}

pub fn submit(outcome: Outcome) {
    counter!(SUBMITS, "outcome" => outcome.label()).increment(1);
}

/// The database pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// Reads the pool's connections. (sqlx does not say how many tasks wait for a connection:
/// `in_use` equal to `max` means requests are waiting, and a wait longer than
/// `app.database_timeout_seconds` is answered 503.)
pub fn pool_usage(db: &DatabaseConnection) -> Option<PoolUsage> {
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return None,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    Some(PoolUsage {
        in_use: size.saturating_sub(idle),
        idle,
        max,
    })
}

/// The gauges read at each scrape (the pool, the outbox), in the Prometheus text format. They
/// describe this app's database, so they are written here rather than kept in the process-wide
/// recorder, where two apps (in tests) would overwrite each other's values.
pub fn gauges_text(pool: Option<PoolUsage>, outbox: Option<&OutboxBacklog>) -> String {
    let mut text = String::new();
    let mut family = |name: &str, help: &str, samples: &[(&str, f64)]| {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for (labels, value) in samples {
            text.push_str(&format!("{name}{labels} {value}\n"));
        }
    };
    if let Some(pool) = pool {
        family(
            POOL_CONNECTIONS,
            "Database connections open, by state: in_use (held by a request) or idle",
            &[
                ("{state=\"in_use\"}", f64::from(pool.in_use)),
                ("{state=\"idle\"}", f64::from(pool.idle)),
            ],
        );
        family(
            POOL_MAX,
            "The most database connections the pool opens",
            &[("", f64::from(pool.max))],
        );
    }
    if let Some(outbox) = outbox {
        family(
            OUTBOX_UNSENT,
            "Mail messages queued and not yet sent",
            &[("", outbox.unsent as f64)],
        );
        family(
            OUTBOX_OLDEST_SECONDS,
            "Age in seconds of the oldest unsent mail message (0 when none is waiting)",
            &[("", outbox.oldest_age_seconds)],
        );
    }
    text
}

/// The mail outbox's backlog at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutboxBacklog {
    pub unsent: u64,
    pub oldest_age_seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_are_written_in_the_text_format_and_absent_when_unknown() {
        let pool = PoolUsage {
            in_use: 3,
            idle: 5,
            max: 8,
        };
        let outbox = OutboxBacklog {
            unsent: 2,
            oldest_age_seconds: 90.5,
        };
        let text = gauges_text(Some(pool), Some(&outbox));
        assert!(text.contains("# TYPE gt_db_pool_connections gauge\n"));
        assert!(text.contains("gt_db_pool_connections{state=\"in_use\"} 3\n"));
        assert!(text.contains("gt_db_pool_connections{state=\"idle\"} 5\n"));
        assert!(text.contains("gt_db_pool_max_connections 8\n"));
        assert!(text.contains("gt_mail_outbox_unsent_messages 2\n"));
        assert!(text.contains("gt_mail_outbox_oldest_unsent_age_seconds 90.5\n"));
        assert_eq!(gauges_text(Some(pool), None).matches("# TYPE").count(), 2);
        assert_eq!(gauges_text(None, None), "");
    }
}
