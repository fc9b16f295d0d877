//! Settings for the operators' tools: the log format (text for people, JSON lines for a log
//! shipper) and the token Prometheus presents to read `/metrics`.

use std::fmt;

use rocket::figment::Figment;
use subtle::ConstantTimeEq;

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One readable line per event, coloured when standard error is a terminal.
    #[default]
    Text,
    /// One JSON object per line, with the request's id on every line about a request.
    Json,
}

impl LogFormat {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("must be \"text\" or \"json\" (got {other:?})")),
        }
    }
}

/// The format `figment` asks for, read before anything logs. Unset or invalid gives text:
/// the logger must start whatever the setting, and launch then refuses an invalid one with a
/// line naming it.
pub fn log_format(figment: &Figment) -> LogFormat {
    figment
        .extract_inner::<String>("app.log_format")
        .ok()
        .and_then(|value| LogFormat::parse(&value).ok())
        .unwrap_or_default()
}

/// The bearer token that reads `/metrics`. Its `Debug` hides it; it is compared in constant
/// time.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// Long enough that it cannot be guessed (`openssl rand -hex 32` gives 64 characters).
    const MIN_CHARS: usize = 32;

    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.chars().count() < Self::MIN_CHARS {
            return Err(format!(
                "must be at least {} characters (e.g. the output of `openssl rand -hex 32`)",
                Self::MIN_CHARS
            ));
        }
        if !value.chars().all(|c| c.is_ascii_graphic()) {
            return Err("must be printable ASCII without spaces".into());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn matches(&self, presented: &str) -> bool {
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_format_is_text_or_json() {
        assert_eq!(LogFormat::parse("json"), Ok(LogFormat::Json));
        assert_eq!(LogFormat::parse(" text "), Ok(LogFormat::Text));
        assert_eq!(
            LogFormat::parse("logfmt"),
            Err("must be \"text\" or \"json\" (got \"logfmt\")".to_owned())
        );
    }

    #[test]
    fn metrics_token_must_be_long_and_matches_only_itself() {
        assert!(MetricsToken::parse("short").is_err());
        assert!(MetricsToken::parse(&format!("{} x", "a".repeat(40))).is_err());
        let token = MetricsToken::parse(&"a".repeat(40));
        assert!(token.as_ref().is_ok_and(|t| t.matches(&"a".repeat(40))));
        assert!(token.as_ref().is_ok_and(|t| !t.matches(&"a".repeat(39))));
        assert_eq!(
            token.map(|t| format!("{t:?}")).ok().as_deref(),
            Some("MetricsToken(***)")
        );
    }
}
