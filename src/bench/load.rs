//! `bench load`: closed-loop HTTP load on the hot paths, each at several concurrencies. Every
//! client sends its next request as soon as the last is answered; throughput, p50, p99 and the
//! server's peak memory are recorded per run. The SQL baselines it is compared with (plain
//! inserts, a GROUP BY over the raw responses) are in [`super::baseline`].

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::task::JoinSet;

use super::memory::PeakRss;
use crate::error::{AppError, AppResult};

/// One line of the ready file written by `bench seed`.
#[derive(Debug, Clone, Deserialize)]
pub struct Ready {
    pub role: String,
    pub session: String,
    pub csrf: String,
    pub attempt: Option<ReadyAttempt>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReadyAttempt {
    pub id: i64,
    pub email: String,
    pub answers: Value,
}

pub fn read_ready(path: &Path) -> AppResult<Vec<Ready>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::BadRequest(format!("cannot read {}: {e}", path.display())))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                AppError::BadRequest(format!(
                    "{} line {} is not a ready learner written by `bench seed`: {e}",
                    path.display(),
                    i + 1
                ))
            })
        })
        .collect()
}

/// What one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub scenario: String,
    pub concurrency: usize,
    pub operations: usize,
    pub errors: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The server's largest resident set seen during the run, if its pid was given.
    pub peak_rss_mb: Option<f64>,
    /// The first error seen, to tell a broken run from a slow one.
    pub first_error: Option<String>,
}

impl Measure {
    /// `latencies` in microseconds.
    pub fn from_latencies(
        scenario: &str,
        concurrency: usize,
        mut latencies: Vec<u64>,
        errors: usize,
        first_error: Option<String>,
        elapsed: Duration,
    ) -> Self {
        latencies.sort_unstable();
        let at = |q: f64| {
            if latencies.is_empty() {
                return 0.0;
            }
            // Nearest rank: the smallest value with at least q of the values at or below it.
            let rank = (q * latencies.len() as f64).ceil() as usize;
            latencies[rank.clamp(1, latencies.len()) - 1] as f64 / 1000.0
        };
        let seconds = elapsed.as_secs_f64();
        Self {
            scenario: scenario.into(),
            concurrency,
            operations: latencies.len(),
            errors,
            seconds,
            per_second: if seconds > 0.0 {
                latencies.len() as f64 / seconds
            } else {
                0.0
            },
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: latencies.last().map_or(0.0, |v| *v as f64 / 1000.0),
            peak_rss_mb: None,
            first_error,
        }
    }

    /// One line for the console and the results table.
    pub fn line(&self) -> String {
        let rss = self
            .peak_rss_mb
            .map_or(String::new(), |m| format!(" rss_peak={m:.0}MB"));
        let error = self
            .first_error
            .as_ref()
            .map_or(String::new(), |e| format!(" first_error=\"{e}\""));
        format!(
            "{:<22} c={:<3} ops={:<7} err={:<4} {:>9.1}/s p50={:>8.2}ms p99={:>8.2}ms max={:>8.2}ms{rss}{error}",
            self.scenario,
            self.concurrency,
            self.operations,
            self.errors,
            self.per_second,
            self.p50_ms,
            self.p99_ms,
            self.max_ms
        )
    }
}

/// The hot paths the driver can load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// `/healthz`: the framework's own limit.
    Health,
    /// A module page as a signed-in learner.
    Module,
    /// The managers' gap dashboard (`/reports`) as a learning lead who sees every benchmark
    /// organisation (the national view).
    Dashboard,
    /// The same page as one trust's manager, who sees one organisation.
    TrustDashboard,
    /// Saving a 24-item baseline's answers and submitting it (two requests), each by a
    /// different ready learner.
    Submit,
    /// Signing in through the JSON API (argon2 password check and a new session).
    SignIn,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::Health => "healthz",
            Self::Module => "module_page",
            Self::Dashboard => "gap_dashboard",
            Self::TrustDashboard => "trust_dashboard",
            Self::Submit => "baseline_submit",
            Self::SignIn => "sign_in",
        }
    }
}

/// Shared by every client of a run.
pub struct Target {
    pub client: Client,
    pub base: String,
    pub module_path: String,
    pub password: String,
    /// Next unused ready learner: each submit uses up one.
    pub next_learner: AtomicUsize,
    /// Sign-ins go round the ready learners.
    pub next_sign_in: AtomicUsize,
    /// The ready learners, apart from the managers once and for all: a national run has
    /// 40,000, and picking one out of the whole list for every request made the load
    /// generator, not the server, the limit of the fastest scenarios (docs/benchmarks.md,
    /// "Issue 27, sixth round").
    learners: Vec<Ready>,
    others: Vec<Ready>,
}

impl Target {
    /// Submits start at the `first_learner`th ready learner.
    pub fn new(
        client: Client,
        base: String,
        ready: Vec<Ready>,
        module_path: String,
        password: String,
        first_learner: usize,
    ) -> Self {
        let (learners, others) = ready.into_iter().partition(|r| r.role == "learner");
        Self {
            client,
            base,
            module_path,
            password,
            next_learner: AtomicUsize::new(first_learner),
            next_sign_in: AtomicUsize::new(0),
            learners,
            others,
        }
    }

    /// The `n`th ready learner; `None` once they are used up.
    fn learner(&self, n: usize) -> Option<&Ready> {
        self.learners.get(n)
    }

    /// The `n`th ready learner, going round the list.
    fn learner_round(&self, n: usize) -> Option<&Ready> {
        self.learner(n % self.learners.len().max(1))
    }

    fn with_role(&self, role: &str) -> Option<&Ready> {
        self.others.iter().find(|r| r.role == role)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        who: Option<&Ready>,
        body: Option<&Value>,
    ) -> Result<(), String> {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(who) = who {
            // The release build's cookie name and the debug build's: the server reads its own.
            request = request
                .header(
                    "Cookie",
                    format!("__Host-gt_session={0}; gt_session={0}", who.session),
                )
                .header("X-CSRF-Token", &who.csrf);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        // Read the whole body: a page is only served when it has all arrived.
        let text = response.text().await.map_err(|e| e.to_string())?;
        if status == StatusCode::OK {
            Ok(())
        } else {
            Err(format!(
                "{path} answered {status}: {}",
                text.chars().take(160).collect::<String>()
            ))
        }
    }

    /// One operation of `scenario` by client `worker`; `None` when there is nothing left to do.
    async fn operate(&self, scenario: Scenario, worker: usize) -> Option<Result<(), String>> {
        match scenario {
            Scenario::Health => Some(self.send(Method::GET, "/healthz", None, None).await),
            Scenario::Module => {
                let who = self.learner_round(worker);
                Some(self.send(Method::GET, &self.module_path, who, None).await)
            }
            Scenario::Dashboard | Scenario::TrustDashboard => {
                let role = if scenario == Scenario::Dashboard {
                    "manager"
                } else {
                    "trust_manager"
                };
                let who = self.with_role(role)?;
                Some(self.send(Method::GET, "/reports", Some(who), None).await)
            }
            Scenario::Submit => {
                let who = self.learner(self.next_learner.fetch_add(1, Ordering::Relaxed))?;
                let attempt = who.attempt.as_ref()?;
                let save = format!("/api/v1/attempts/{}/answers", attempt.id);
                let submit = format!("/api/v1/attempts/{}/submit", attempt.id);
                let saved = self
                    .send(Method::PUT, &save, Some(who), Some(&attempt.answers))
                    .await;
                Some(match saved {
                    Ok(()) => self.send(Method::POST, &submit, Some(who), None).await,
                    Err(e) => Err(e),
                })
            }
            Scenario::SignIn => {
                let turn = self.next_sign_in.fetch_add(1, Ordering::Relaxed);
                let who = self.learner_round(turn)?;
                let email = &who.attempt.as_ref()?.email;
                let body = serde_json::json!({ "email": email, "password": self.password });
                Some(
                    self.send(Method::POST, "/api/v1/session", None, Some(&body))
                        .await,
                )
            }
        }
    }
}

/// Runs `op` from `concurrency` clients until `duration` has passed or `op` has nothing left
/// to do (`None`); each client starts its next operation as soon as its last one ends.
pub async fn closed_loop<F, Fut>(
    scenario: &str,
    concurrency: usize,
    duration: Duration,
    op: F,
) -> Measure
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<Result<(), String>>> + Send + 'static,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let deadline = started + duration;
    let mut clients = JoinSet::new();
    for worker in 0..concurrency {
        let op = Arc::clone(&op);
        clients.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut first_error = None;
            while Instant::now() < deadline {
                let began = Instant::now();
                let Some(outcome) = op(worker).await else {
                    break;
                };
                match outcome {
                    Ok(()) => latencies.push(began.elapsed().as_micros() as u64),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (latencies, errors, first_error)
        });
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    while let Some(joined) = clients.join_next().await {
        if let Ok((l, e, f)) = joined {
            latencies.extend(l);
            errors += e;
            first_error = first_error.or(f);
        }
    }
    Measure::from_latencies(
        scenario,
        concurrency,
        latencies,
        errors,
        first_error,
        started.elapsed(),
    )
}

/// Runs `scenario` with `concurrency` clients for `duration` (or until the ready learners
/// run out), sampling the server's memory if `rss` is given.
pub async fn run(
    target: &Arc<Target>,
    scenario: Scenario,
    concurrency: usize,
    duration: Duration,
    rss: Option<&PeakRss>,
) -> Measure {
    if let Some(rss) = rss {
        rss.reset();
    }
    let target = Arc::clone(target);
    let mut measure = closed_loop(scenario.name(), concurrency, duration, move |worker| {
        let target = Arc::clone(&target);
        async move { target.operate(scenario, worker).await }
    })
    .await;
    measure.peak_rss_mb = rss.map(PeakRss::peak_mb);
    measure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let latencies: Vec<u64> = (1..=200).map(|ms| ms * 1000).collect();
        let m = Measure::from_latencies("x", 4, latencies, 1, None, Duration::from_secs(2));
        assert_eq!(m.operations, 200);
        assert!((m.per_second - 100.0).abs() < 1e-9);
        assert!((m.p50_ms - 100.0).abs() < 1e-9);
        assert!((m.p99_ms - 198.0).abs() < 1e-9);
        assert!((m.max_ms - 200.0).abs() < 1e-9);
        let empty = Measure::from_latencies("x", 1, Vec::new(), 3, None, Duration::ZERO);
        assert_eq!(
            (empty.operations, empty.per_second, empty.p99_ms),
            (0, 0.0, 0.0)
        );
    }

    fn ready(role: &str, session: &str) -> Ready {
        Ready {
            role: role.into(),
            session: session.into(),
            csrf: String::new(),
            attempt: None,
        }
    }

    #[test]
    fn learners_are_picked_in_order_or_round_and_managers_by_role() {
        let list = vec![
            ready("learner", "a"),
            ready("manager", "m"),
            ready("learner", "b"),
            ready("trust_manager", "t"),
            ready("learner", "c"),
        ];
        // As the binary does at start (main.rs): reqwest is built without a provider of its own.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let target = Target::new(
            Client::new(),
            "http://x".into(),
            list,
            "/".into(),
            "p".into(),
            1,
        );
        let session = |r: Option<&Ready>| r.map(|r| r.session.clone());
        assert_eq!(session(target.learner(1)), Some("b".into()));
        assert_eq!(session(target.learner(3)), None, "submits run out");
        assert_eq!(
            session(target.learner_round(4)),
            Some("b".into()),
            "others go round"
        );
        assert_eq!(session(target.with_role("trust_manager")), Some("t".into()));
        assert_eq!(session(target.with_role("manager")), Some("m".into()));
        assert_eq!(target.next_learner.load(Ordering::Relaxed), 1);
    }
}
