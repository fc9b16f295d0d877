//! Response fairings: the access log with request ids, security headers on every response
//! (errors included), and caching headers for static files.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

use super::request_id::RequestId;

/// `default-src 'self'` with no inline script or style: every script and style is a file.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

struct StartedAt(Instant);

pub struct AccessLog;

#[rocket::async_trait]
impl Fairing for AccessLog {
    fn info(&self) -> Info {
        Info {
            name: "access log with request ids",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        request.local_cache(|| StartedAt(Instant::now()));
        request.local_cache(RequestId::generate);
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let request_id = request.local_cache(RequestId::generate);
        response.set_header(Header::new("X-Request-Id", request_id.as_str().to_owned()));
        let elapsed_ms = request
            .local_cache(|| StartedAt(Instant::now()))
            .0
            .elapsed()
            .as_secs_f64()
            * 1000.0;
        let path = request.uri().path();
        let status = response.status().code;
        if path.starts_with("/static/") || path.starts_with("/assets/") {
            tracing::debug!(request_id = %request_id, method = %request.method(), path = %path, status, elapsed_ms, "request");
        } else {
            tracing::info!(request_id = %request_id, method = %request.method(), path = %path, status, elapsed_ms, "request");
        }
    }
}

pub struct SecurityHeaders {
    pub hsts: bool,
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        response.set_header(Header::new(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY,
        ));
        response.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        response.set_header(Header::new("Referrer-Policy", "same-origin"));
        response.set_header(Header::new("X-Frame-Options", "DENY"));
        response.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        if self.hsts {
            response.set_header(Header::new(
                "Strict-Transport-Security",
                "max-age=31536000; includeSubDomains",
            ));
        }
        let path = request.uri().path();
        let cache_control = if path.starts_with("/static/") {
            // Pages link static files with `?v=<hash of their content>`, so they never go stale.
            "public, max-age=31536000, immutable"
        } else if path.starts_with("/assets/") {
            "public, max-age=86400"
        } else {
            // Pages may show personal data: keep them out of shared caches and the back button.
            "no-store"
        };
        response.set_header(Header::new("Cache-Control", cache_control));
    }
}
