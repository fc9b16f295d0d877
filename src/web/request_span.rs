//! The `request` span: every line logged while a route handles a request (its guards, the
//! services it calls, the error it answers with) carries the request's id, in text and in JSON
//! logs alike, so one request's lines can be picked out of a busy log.

use rocket::route::{Handler, Outcome};
use rocket::{Data, Request, Route};
use tracing::Instrument;

use super::request_id::RequestId;

/// The span every line about the request identified by `id` is written in.
pub fn request_span(id: &RequestId) -> tracing::Span {
    tracing::info_span!("request", request_id = %id)
}

/// A route's handler, run inside the request's span. (Rocket 0.5 has no hook around a whole
/// request; the fairings log in the same span themselves.)
#[derive(Clone)]
struct InRequestSpan(Box<dyn Handler>);

#[rocket::async_trait]
impl Handler for InRequestSpan {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        let span = request_span(request.local_cache(RequestId::generate));
        self.0.handle(request, data).instrument(span).await
    }
}

/// `routes` with each handler run inside its request's span.
pub fn in_request_spans(routes: Vec<Route>) -> Vec<Route> {
    routes
        .into_iter()
        .map(|mut route| {
            route.handler = Box::new(InRequestSpan(route.handler));
            route
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use rocket::local::blocking::Client;
    use rocket::{get, routes};
    use tracing_subscriber::EnvFilter;

    use super::*;
    use crate::config::LogFormat;
    use crate::web::fairings::AccessLog;

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut kept) = self.0.lock() {
                kept.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[get("/work")]
    fn work() -> &'static str {
        tracing::info!("inside the handler");
        tracing::warn!(step = 2, "still inside");
        "done"
    }

    #[test]
    fn every_json_line_of_a_request_names_its_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = crate::telemetry::subscriber(
            LogFormat::Json,
            EnvFilter::new("info"),
            false,
            move || writer.clone(),
        );
        let request_id = tracing::subscriber::with_default(subscriber, || {
            let rocket = rocket::build()
                .attach(AccessLog)
                .mount("/", in_request_spans(routes![work]));
            let client = Client::untracked(rocket).map_err(|e| e.to_string());
            let client = client.as_ref().map_err(String::as_str);
            let response = client.map(|c| c.get("/work").dispatch());
            response
                .ok()
                .and_then(|r| r.headers().get_one("X-Request-Id").map(str::to_owned))
        });
        let request_id = request_id.unwrap_or_default();
        assert_eq!(request_id.len(), 16, "the response names its request id");
        let text = captured.0.lock().map(|b| b.clone()).unwrap_or_default();
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&text)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_default())
            .filter(|line: &serde_json::Value| line["span"]["request_id"] == request_id)
            .collect();
        let messages: Vec<&str> = lines
            .iter()
            .filter_map(|line| line["message"].as_str())
            .collect();
        assert_eq!(
            messages,
            ["inside the handler", "still inside", "request"],
            "{}",
            String::from_utf8_lossy(&text)
        );
        assert_eq!(lines[1]["step"], 2);
        assert_eq!(lines[2]["status"], 200);
        assert_eq!(lines[2]["level"], "INFO");
    }
}
