//! `/metrics` for Prometheus, readable only with the bearer token in `app.metrics_token` (404
//! while none is set, so the endpoint is off by default), and the fairing that counts and
//! times every request by its route template.

use std::time::Instant;

use chrono::Utc;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{ContentType, Header};
use rocket::request::{FromRequest, Outcome};
use rocket::{Data, Request, Responder, Response, Route, State, get, routes};

use crate::accounts::outbox;
use crate::monitoring::{self, OutboxBacklog};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![show_metrics]
}

/// The `Authorization: Bearer ...` value a request presents, if any.
pub struct PresentedToken(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PresentedToken {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let token = request
            .headers()
            .get_one("Authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| token.trim().to_owned());
        Outcome::Success(Self(token))
    }
}

#[derive(Responder)]
pub enum MetricsAnswer {
    Metrics(String, ContentType),
    #[response(status = 401, content_type = "plain")]
    Unauthorized(&'static str, Header<'static>),
    #[response(status = 404, content_type = "plain")]
    Off(&'static str),
}

/// The metrics in the Prometheus text format, for a scraper holding the token.
#[get("/metrics")]
async fn show_metrics(token: PresentedToken, state: &State<AppState>) -> MetricsAnswer {
    let Some(expected) = &state.config.metrics_token else {
        return MetricsAnswer::Off("Not found");
    };
    if !token.0.as_deref().is_some_and(|t| expected.matches(t)) {
        return MetricsAnswer::Unauthorized(
            "Present the metrics token: Authorization: Bearer <app.metrics_token>",
            Header::new("WWW-Authenticate", "Bearer realm=\"metrics\""),
        );
    }
    let outbox = match outbox::backlog(&state.db).await {
        Ok(backlog) => Some(OutboxBacklog {
            unsent: backlog.unsent,
            oldest_age_seconds: backlog
                .oldest
                .map(|queued| (Utc::now() - queued).as_seconds_f64().max(0.0))
                .unwrap_or(0.0),
        }),
        // The rest still helps while the database is down; the outbox gauges are left out
        // (unknown) until it answers again.
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot read the mail outbox");
            None
        }
    };
    let mut text = monitoring::handle().render();
    text.push_str(&monitoring::gauges_text(
        monitoring::pool_usage(&state.db),
        outbox.as_ref(),
    ));
    let text_format =
        ContentType::new("text", "plain").with_params([("version", "0.0.4"), ("charset", "utf-8")]);
    MetricsAnswer::Metrics(text, text_format)
}

struct ArrivedAt(Instant);

/// Counts each response by method, route template and status, and records its latency.
pub struct RequestMetrics;

#[rocket::async_trait]
impl Fairing for RequestMetrics {
    fn info(&self) -> Info {
        Info {
            name: "request metrics",
            kind: Kind::Ignite | Kind::Request | Kind::Response,
        }
    }

    async fn on_ignite(&self, rocket: rocket::Rocket<rocket::Build>) -> rocket::fairing::Result {
        // Install the recorder before the first request counts anything.
        monitoring::handle();
        Ok(rocket)
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        request.local_cache(|| ArrivedAt(Instant::now()));
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let seconds = request
            .local_cache(|| ArrivedAt(Instant::now()))
            .0
            .elapsed()
            .as_secs_f64();
        // No route matched (a 404 for any address, or one the address check refused): one
        // label for all of them, not the address asked for.
        let route = request
            .route()
            .map(|route| route.uri.as_str())
            .unwrap_or("unmatched");
        monitoring::request(
            request.method().as_str(),
            route,
            response.status().code,
            seconds,
        );
    }
}
