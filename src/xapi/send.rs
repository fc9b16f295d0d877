//! Posting statements to the learning record store: `POST <endpoint>statements` with a JSON
//! array, Basic auth and `X-Experience-API-Version: 1.0.3`, bounded by `app.xapi.timeout_seconds`.

use std::time::Duration;

use reqwest::StatusCode;

use super::statements::VERSION;
use crate::config::XapiConfig;

/// What the store made of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Stored (200, or 204).
    Stored,
    /// 409: the store already has a statement with one of these ids. A store may refuse a whole
    /// batch for one it has; one statement at a time, 409 means that one is already there.
    Conflict(String),
    /// Refused as it stands (another 4xx, except 401, 403, 408 and 429): sending the same batch
    /// again would be refused again.
    Refused(String),
    /// The store is down, slow, unreachable or refuses our credentials: try again later.
    Unavailable(String),
}

/// A client for one learning record store.
#[derive(Debug, Clone)]
pub struct Lrs {
    client: reqwest::Client,
    statements: url::Url,
    key: String,
    secret: String,
}

impl Lrs {
    pub fn new(config: &XapiConfig) -> Result<Self, String> {
        // One process-wide TLS provider (ring, as the database driver uses); a second install
        // attempt is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let timeout = Duration::from_secs(u64::from(config.timeout_seconds));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client for xAPI: {e}"))?;
        let statements = config
            .endpoint
            .join("statements")
            .map_err(|e| format!("cannot make the statements URL: {e}"))?;
        Ok(Self {
            client,
            statements,
            key: config.key.clone(),
            secret: config.secret.expose().to_owned(),
        })
    }

    /// Posts `statements` (each already JSON) as one array.
    pub async fn post(&self, statements: &[&str]) -> Posted {
        let body = format!("[{}]", statements.join(","));
        let sent = self
            .client
            .post(self.statements.clone())
            .basic_auth(&self.key, Some(&self.secret))
            .header("X-Experience-API-Version", VERSION)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                return Posted::Unavailable("the store did not answer in time".into());
            }
            Err(error) => {
                return Posted::Unavailable(format!("the store could not be reached: {error}"));
            }
        };
        let status = response.status();
        if status.is_success() {
            return Posted::Stored;
        }
        let said: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        let problem = format!("the store answered {status}: {said}");
        match status {
            StatusCode::CONFLICT => Posted::Conflict(problem),
            StatusCode::UNAUTHORIZED
            | StatusCode::FORBIDDEN
            | StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS => Posted::Unavailable(problem),
            s if s.is_client_error() => Posted::Refused(problem),
            _ => Posted::Unavailable(problem),
        }
    }
}
