//! The platforms' key sets, cached per registration and fetched again when a token names a
//! key id not in the cache (the platform rotated its keys), at most once a minute per
//! platform, so tokens with made-up key ids cannot make the tool hammer the platform. The
//! HTTP client follows no redirects and is bounded by `app.database_timeout_seconds`; it also
//! carries the scores to the platforms.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};

use super::{LtiError, refuse};
use crate::entities::lti_platform;

/// How long a key set is used before it is fetched again anyway.
const KEYS_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The shortest time between two fetches for unknown key ids.
const REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// The most a platform's answer may hold.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
struct Cached {
    keys: JwkSet,
    fetched_at: Instant,
    refreshed_at: Option<Instant>,
}

/// The platforms' cached keys and the HTTP client, shared by every request (a clone shares
/// both).
#[derive(Clone)]
pub struct PlatformKeys {
    pub http: reqwest::Client,
    cache: Arc<Mutex<HashMap<i64, Cached>>>,
}

impl PlatformKeys {
    pub fn new(timeout: Duration) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client for LTI: {e}"))?;
        Ok(Self {
            http,
            cache: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    fn cached(&self, platform: i64) -> Option<Cached> {
        self.cache.lock().ok()?.get(&platform).cloned()
    }

    fn store(&self, platform: i64, cached: Cached) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(platform, cached);
        }
    }

    async fn fetch(&self, platform: &lti_platform::Model) -> Result<JwkSet, LtiError> {
        let unavailable = || {
            refuse(
                503,
                "platform_keys_unavailable",
                "Your learning platform's keys could not be fetched, so the launch cannot be checked. Try again in a minute.",
            )
        };
        let mut response = self
            .http
            .get(&platform.jwks_url)
            .send()
            .await
            .map_err(|_| unavailable())?;
        if !response.status().is_success() {
            return Err(unavailable());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| unavailable())? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(unavailable());
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|_| {
            refuse(
                502,
                "platform_keys_invalid",
                "Your learning platform's key set could not be read. Tell the person who manages Genomics training at your organisation.",
            )
        })
    }

    /// The platform's key with id `kid`: from the cache, or fetched when not cached, stale,
    /// or (at most once a minute) when the cached set does not hold it.
    pub async fn key(
        &self,
        platform: &lti_platform::Model,
        kid: &str,
    ) -> Result<Option<Jwk>, LtiError> {
        let cached = self
            .cached(platform.id)
            .filter(|c| c.fetched_at.elapsed() < KEYS_LIFETIME);
        let cached = match cached {
            Some(cached) => cached,
            None => {
                let keys = self.fetch(platform).await?;
                let fresh = Cached {
                    keys,
                    fetched_at: Instant::now(),
                    refreshed_at: None,
                };
                self.store(platform.id, fresh.clone());
                fresh
            }
        };
        if let Some(key) = cached.keys.find(kid) {
            return Ok(Some(key.clone()));
        }
        if cached
            .refreshed_at
            .is_some_and(|at| at.elapsed() < REFRESH_INTERVAL)
        {
            return Ok(None);
        }
        // Counted before the fetch, so a failing fetch is not retried at once either.
        self.store(
            platform.id,
            Cached {
                refreshed_at: Some(Instant::now()),
                ..cached.clone()
            },
        );
        let keys = self.fetch(platform).await?;
        let found = keys.find(kid).cloned();
        self.store(
            platform.id,
            Cached {
                keys,
                fetched_at: Instant::now(),
                refreshed_at: Some(Instant::now()),
            },
        );
        Ok(found)
    }
}
