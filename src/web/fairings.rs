//! Fairings: the access log with request ids, the address check, security headers on every
//! response (errors included), and caching headers for static files.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{Header, RawStr};
use rocket::{Data, Request, Response};

use super::bodies::{NOT_UTF8, NULL_CHARACTER, RejectionMessage};
use super::request_id::RequestId;
use super::request_span::request_span;
use crate::accounts::sessions::Live;
use crate::state::AppState;

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
        let method = request.method();
        request_span(request_id).in_scope(|| {
            if path.starts_with("/static/") || path.starts_with("/assets/") {
                tracing::debug!(%method, %path, status, elapsed_ms, "request");
            } else {
                tracing::info!(%method, %path, status, elapsed_ms, "request");
            }
        });
    }
}

/// Set on a request whose address [`AddressCheck`] refused; the catcher answers it with a 400.
#[derive(Debug, Clone, Copy, Default)]
pub struct BadAddress(pub bool);

/// Why the address (path segments and query fields, percent-decoded) is not UTF-8 text
/// without the null character, if it is not. Slugs and filters go into database queries, and
/// PostgreSQL refuses the null character.
fn address_problem(uri: &Origin<'_>) -> Option<&'static str> {
    let path = uri
        .path()
        .as_str()
        .split('/')
        .map(|s| RawStr::new(s).percent_decode());
    let query = uri
        .query()
        .map(|q| q.as_str())
        .unwrap_or_default()
        .split('&')
        .map(|s| RawStr::new(s).url_decode());
    for decoded in path.chain(query) {
        match decoded {
            Err(_) => return Some(NOT_UTF8),
            Ok(text) if text.contains('\0') => return Some(NULL_CHARACTER),
            Ok(_) => {}
        }
    }
    if uri.path().starts_with("/api/") && repeats_a_field(uri) {
        return Some(REPEATED_FIELD);
    }
    None
}

pub const REPEATED_FIELD: &str =
    "A query parameter was sent more than once. Send each parameter once.";

/// Whether a query field is named twice: Rocket would quietly read `organisation=1&organisation=2`
/// as no organisation at all, and the API would answer for everyone. (Pages are left alone:
/// their forms never repeat a field, and a page shows what it filtered by.)
fn repeats_a_field(uri: &Origin<'_>) -> bool {
    let mut names = std::collections::HashSet::new();
    uri.query()
        .map(|q| q.as_str())
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .any(|name| !names.insert(RawStr::new(name).url_decode_lossy()))
}

/// Refuses addresses that could not have been typed: no route sees them; the request is
/// pointed at a path nothing answers and marked, so the catcher gives a 400 with the reason
/// (as JSON under `/api/`).
pub struct AddressCheck;

#[rocket::async_trait]
impl Fairing for AddressCheck {
    fn info(&self) -> Info {
        Info {
            name: "address check",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        let Some(problem) = address_problem(request.uri()) else {
            return;
        };
        let nowhere = if request.uri().path().starts_with("/api/") {
            "/api/invalid-address"
        } else {
            "/invalid-address"
        };
        if let Ok(nowhere) = Origin::parse(nowhere) {
            request.local_cache(|| BadAddress(true));
            request.local_cache(|| RejectionMessage(Some(problem.to_owned())));
            request.set_uri(nowhere);
        }
    }
}

/// The registered LTI platforms' origins, when this response may be framed by them: under
/// `/lti/`, or for a session begun by a launch (its pages open inside the platform's frame).
/// Everything else keeps `frame-ancestors 'none'`.
fn framing_platforms(request: &Request<'_>) -> Option<String> {
    let launched = matches!(
        request.local_cache::<Result<Option<Live>, ()>, _>(|| Ok(None)),
        Ok(Some(live)) if live.launched
    );
    if !(launched || request.uri().path().starts_with("/lti/")) {
        return None;
    }
    let origins = request.rocket().state::<AppState>()?.lti_origins.sources();
    (!origins.is_empty()).then_some(origins)
}

/// [`CONTENT_SECURITY_POLICY`] with the platforms as frame ancestors and form targets (the
/// deep-linking answer is a form posted to the platform).
fn framed_policy(origins: &str) -> String {
    CONTENT_SECURITY_POLICY
        .replace(
            "form-action 'self'",
            &format!("form-action 'self' {origins}"),
        )
        .replace(
            "frame-ancestors 'none'",
            &format!("frame-ancestors 'self' {origins}"),
        )
}

pub struct SecurityHeaders {
    pub hsts: bool,
}

impl SecurityHeaders {
    /// Rocket's default shield without the headers [`SecurityHeaders`] sets itself
    /// (X-Frame-Options DENY, except on the pages a registered LTI platform may frame;
    /// X-Content-Type-Options): a shield that finds its header set already logs two warnings for
    /// every response. Attach it after [`SecurityHeaders`].
    pub fn shield() -> rocket::shield::Shield {
        rocket::shield::Shield::default()
            .disable::<rocket::shield::Frame>()
            .disable::<rocket::shield::NoSniff>()
    }
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
        match framing_platforms(request) {
            Some(origins) => {
                response.set_header(Header::new(
                    "Content-Security-Policy",
                    framed_policy(&origins),
                ));
            }
            None => {
                response.set_header(Header::new(
                    "Content-Security-Policy",
                    CONTENT_SECURITY_POLICY,
                ));
                response.set_header(Header::new("X-Frame-Options", "DENY"));
            }
        }
        response.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        response.set_header(Header::new("Referrer-Policy", "same-origin"));
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

#[cfg(test)]
mod tests {
    use rocket::shield::{Frame, Hsts, NoSniff, Permission};

    use super::SecurityHeaders;

    #[test]
    fn the_shield_leaves_the_headers_security_headers_sets_to_it() {
        let shield = SecurityHeaders::shield();
        assert!(!shield.is_enabled::<Frame>());
        assert!(!shield.is_enabled::<NoSniff>());
        assert!(!shield.is_enabled::<Hsts>());
        assert!(shield.is_enabled::<Permission>(), "the rest stay on");
    }
}
