//! The HTTP client that talks to OpenID Providers (discovery, keys, token, userinfo): no
//! redirects followed (a redirect could send the request anywhere), every request bounded by
//! `app.database_timeout_seconds`, and answers larger than 1 MiB refused.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// The most a provider's answer may hold.
const MAX_BODY: usize = 1024 * 1024;

/// Why a request to a provider failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the provider did not answer within {0} s")]
    Timeout(u64),
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the provider's answer was larger than 1 MiB")]
    TooLarge,
    #[error("{0}")]
    Other(String),
}

impl HttpError {
    /// Whether the provider is down or slow rather than answering wrongly.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Unreachable(_))
    }
}

#[derive(Debug, Clone)]
pub struct ProviderHttp {
    client: reqwest::Client,
    timeout: Duration,
}

impl ProviderHttp {
    pub fn new(timeout: Duration) -> Result<Self, String> {
        // One process-wide TLS provider (ring, as the database driver uses); a second install
        // attempt is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client for single sign-on: {e}"))?;
        Ok(Self { client, timeout })
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let mut builder = self
            .client
            .request(parts.method, parts.uri.to_string())
            .body(body);
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let seconds = self.timeout.as_secs();
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                HttpError::Timeout(seconds)
            } else if e.is_connect() {
                HttpError::Unreachable(e.to_string())
            } else {
                HttpError::Other(e.to_string())
            }
        };
        let mut response = builder.send().await.map_err(classify)?;
        let mut out = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            out = out.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        out.body(body).map_err(|e| HttpError::Other(e.to_string()))
    }
}

impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
