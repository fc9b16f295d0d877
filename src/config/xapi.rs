//! `[default.app.xapi]`: the learning record store that learning events go to as xAPI
//! statements (docs/xapi.md). Without an `endpoint` xAPI is off and nothing is recorded.

use std::fmt;

use serde::Deserialize;

use super::ConfigError;

/// The settings as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawXapi {
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    timeout_seconds: Option<i64>,
}

/// How a learner is named in a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XapiActor {
    /// An account on the service (`homePage` = `public_url`) with a random id kept per person:
    /// the store never learns who it is.
    Pseudonym,
    /// `mailto:` the person's email address, for a store the organisation joins to its staff.
    Email,
}

/// The LRS's Basic-auth secret; its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct XapiSecret(String);

impl XapiSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for XapiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A configured learning record store.
#[derive(Debug, Clone)]
pub struct XapiConfig {
    /// The LRS's xAPI base URL, ending in `/` (statements go to `<endpoint>statements`).
    pub endpoint: url::Url,
    pub key: String,
    pub secret: XapiSecret,
    pub actor: XapiActor,
    /// How long one request to the store may take before it counts as failed.
    pub timeout_seconds: u32,
}

fn problem(key: &str, text: impl Into<String>) -> ConfigError {
    ConfigError::new(&format!("xapi.{key}"), text)
}

fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `None` (off) without an endpoint; else every setting checked.
pub(super) fn validate(raw: RawXapi) -> Result<Option<XapiConfig>, ConfigError> {
    let Some(endpoint) = filled(raw.endpoint) else {
        return Ok(None);
    };
    let with_slash = if endpoint.ends_with('/') {
        endpoint
    } else {
        format!("{endpoint}/")
    };
    let endpoint = url::Url::parse(&with_slash)
        .map_err(|e| problem("endpoint", format!("is not a URL ({e})")))?;
    let local = matches!(
        endpoint.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]")
    );
    if !(endpoint.scheme() == "https" || (endpoint.scheme() == "http" && local)) {
        return Err(problem(
            "endpoint",
            "must start with https:// (http:// only for localhost)",
        ));
    }
    let key = filled(raw.key).ok_or_else(|| problem("key", "is missing"))?;
    let secret = filled(raw.secret).ok_or_else(|| problem("secret", "is missing"))?;
    let actor = match raw.actor.as_deref().map(str::trim) {
        None | Some("pseudonym") => XapiActor::Pseudonym,
        Some("email") => XapiActor::Email,
        Some(other) => {
            return Err(problem(
                "actor",
                format!("must be \"pseudonym\" or \"email\" (got {other:?})"),
            ));
        }
    };
    let timeout = raw.timeout_seconds.unwrap_or(30);
    let timeout_seconds = u32::try_from(timeout)
        .ok()
        .filter(|t| (1..=120).contains(t))
        .ok_or_else(|| {
            problem(
                "timeout_seconds",
                format!("must be between 1 and 120 (got {timeout})"),
            )
        })?;
    Ok(Some(XapiConfig {
        endpoint,
        key,
        secret: XapiSecret(secret),
        actor,
        timeout_seconds,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(endpoint: &str) -> RawXapi {
        RawXapi {
            endpoint: Some(endpoint.into()),
            key: Some("k".into()),
            secret: Some("s".into()),
            ..RawXapi::default()
        }
    }

    fn error(raw: RawXapi) -> String {
        validate(raw)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn off_without_an_endpoint_and_checked_with_one() {
        assert!(matches!(validate(RawXapi::default()), Ok(None)));
        let on = validate(raw("https://lrs.example.nhs.uk/xapi"))
            .ok()
            .flatten();
        assert_eq!(
            on.as_ref().map(|c| c.endpoint.as_str()),
            Some("https://lrs.example.nhs.uk/xapi/")
        );
        assert_eq!(on.map(|c| c.actor), Some(XapiActor::Pseudonym));
        assert_eq!(
            error(raw("http://lrs.example.nhs.uk/")),
            "invalid setting app.xapi.endpoint: must start with https:// (http:// only for localhost)"
        );
        assert!(validate(raw("http://127.0.0.1:9/")).is_ok());
        let mut keyless = raw("https://lrs.example/");
        keyless.key = None;
        assert_eq!(error(keyless), "invalid setting app.xapi.key: is missing");
        let mut who = raw("https://lrs.example/");
        who.actor = Some("name".into());
        assert!(error(who).starts_with("invalid setting app.xapi.actor: must be"));
        let mut slow = raw("https://lrs.example/");
        slow.timeout_seconds = Some(0);
        assert!(error(slow).starts_with("invalid setting app.xapi.timeout_seconds:"));
    }

    #[test]
    fn secret_is_hidden_from_debug() {
        let config = validate(raw("https://lrs.example/")).ok().flatten();
        assert!(!format!("{config:?}").contains("\"s\""));
    }
}
