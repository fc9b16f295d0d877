//! The start of the links the service sends to people (first-admin set-up, activation, password
//! reset). An operator who sets `app.public_url` (the address people reach, e.g. behind a proxy)
//! gets exactly that; otherwise the links name the address and port the service listens on, so
//! running on another port never sends people to the wrong one.

use std::fmt;
use std::net::IpAddr;

/// Where the public URL came from, said at start so an operator can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicUrlSource {
    /// `app.public_url` was set.
    Configured,
    /// Built from Rocket's `address` and `port`.
    Listening,
}

impl fmt::Display for PublicUrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Configured => "app.public_url",
            Self::Listening => "the listening address and port (app.public_url is not set)",
        })
    }
}

/// The configured URL (trailing `/` removed) when given, else one built from where the service
/// listens. An unspecified address (`0.0.0.0`, `::`) is not one a browser can open, so such
/// links name `localhost`: right on the server itself, and a reason to set `app.public_url`.
pub fn resolve(
    configured: Option<&str>,
    address: IpAddr,
    port: u16,
) -> Result<(String, PublicUrlSource), String> {
    if let Some(url) = configured.map(str::trim).filter(|url| !url.is_empty()) {
        let url = url.trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("must start with http:// or https://".into());
        }
        return Ok((url.to_owned(), PublicUrlSource::Configured));
    }
    let host = match address {
        address if address.is_unspecified() => "localhost".to_owned(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    Ok((format!("http://{host}:{port}"), PublicUrlSource::Listening))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn unset_public_url_names_the_listening_port() {
        assert_eq!(
            resolve(None, ip("127.0.0.1"), 9123),
            Ok(("http://127.0.0.1:9123".into(), PublicUrlSource::Listening))
        );
        assert_eq!(
            resolve(Some("  "), ip("::1"), 8443).map(|r| r.0),
            Ok("http://[::1]:8443".into())
        );
        assert_eq!(
            resolve(None, ip("0.0.0.0"), 8080).map(|r| r.0),
            Ok("http://localhost:8080".into())
        );
    }

    #[test]
    fn set_public_url_wins_over_the_port() {
        assert_eq!(
            resolve(
                Some("https://training.example.nhs.uk/"),
                ip("0.0.0.0"),
                9123
            ),
            Ok((
                "https://training.example.nhs.uk".into(),
                PublicUrlSource::Configured
            ))
        );
        assert!(resolve(Some("training.example"), ip("127.0.0.1"), 1).is_err());
    }
}
