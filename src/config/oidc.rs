//! Single sign-on settings: one `[default.app.oidc.<name>]` table per OpenID Provider (NHS CIS2
//! Authentication, Microsoft Entra ID, ...), checked at launch so that a bad value stops the
//! service with one line naming it, e.g. `invalid setting app.oidc.cis2.issuer: ...`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use rocket::figment::value::magic::RelativePathBuf;
use serde::Deserialize;

use super::ConfigError;

/// One provider's table exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProvider {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    private_key_file: Option<RelativePathBuf>,
    #[serde(default)]
    private_key_id: Option<String>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    scopes: Option<String>,
    #[serde(default)]
    link_by: Option<String>,
    #[serde(default)]
    employee_number_claim: Option<String>,
    #[serde(default)]
    organisation_claim: Option<String>,
    #[serde(default)]
    organisations: BTreeMap<String, String>,
    #[serde(default)]
    create_unknown: bool,
}

/// How the service proves who it is at the provider's token endpoint.
#[derive(Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`, with this secret.
    Secret(String),
    /// `private_key_jwt` (RFC 7523): an assertion signed (RS512) with this RSA key, as NHS CIS2
    /// Authentication requires. `key_id` goes into the assertion's `kid` header.
    PrivateKey { pem: String, key_id: Option<String> },
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret(***)"),
            Self::PrivateKey { key_id, .. } => write!(f, "PrivateKey(***, kid {key_id:?})"),
        }
    }
}

/// Which imported person a first sign-in is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkBy {
    /// The `email` claim, compared case-insensitively with the imported email address.
    Email,
    /// The configured employee-number claim, compared with the imported employee number.
    EmployeeNumber,
}

/// One validated provider.
#[derive(Debug, Clone)]
pub struct OidcProvider {
    /// The table's name: the path segment of its sign-in and callback URLs.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_auth: ClientAuth,
    /// The sign-in button's text.
    pub label: String,
    /// Always includes `openid`.
    pub scopes: Vec<String>,
    pub link_by: LinkBy,
    pub employee_number_claim: Option<String>,
    pub organisation_claim: Option<String>,
    /// Claim value -> organisation ODS code (upper case). Empty: the value is the ODS code.
    pub organisations: BTreeMap<String, String>,
    /// Make a learner for a person nobody imported (in the organisation the claim names).
    pub create_unknown: bool,
}

impl OidcProvider {
    /// The ODS code the organisation claim's `value` stands for.
    pub fn organisation_code(&self, value: &str) -> Option<String> {
        if self.organisations.is_empty() {
            let code = value.trim().to_uppercase();
            return (!code.is_empty()).then_some(code);
        }
        self.organisations.get(value.trim()).cloned()
    }
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An issuer URL: https (plain http only on this machine, for development and tests), no query
/// or fragment, no trailing slash (discovery appends `/.well-known/openid-configuration`).
fn parse_issuer(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("is missing: set the provider's issuer URL, like https://login.microsoftonline.com/<tenant>/v2.0".into());
    }
    let url = url::Url::parse(value).map_err(|_| format!("{value:?} is not a URL"))?;
    let secure = url.scheme() == "https" || (url.scheme() == "http" && is_loopback_host(&url));
    if !secure {
        return Err(format!(
            "{value:?} must start with https:// (http:// only for localhost)"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{value:?} must not have a query or fragment"));
    }
    Ok(value.trim_end_matches('/').to_owned())
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Reads and checks the private key file named by `path`: an RSA key in PEM, PKCS#1
/// (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`, what OpenSSL 3 writes), returned
/// as PKCS#1, the form the signing code reads.
fn read_private_key(path: &PathBuf) -> Result<String, String> {
    use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
    use rsa::pkcs8::DecodePrivateKey;

    let pem = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(&pem))
        .map_err(|_| format!("{} is not an RSA private key in PEM form", path.display()))?;
    let pkcs1 = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(pkcs1.to_string())
}

pub(super) fn validate(
    providers: BTreeMap<String, RawProvider>,
) -> Result<Vec<OidcProvider>, ConfigError> {
    providers
        .into_iter()
        .map(|(name, raw)| validate_one(name, raw))
        .collect()
}

fn validate_one(name: String, raw: RawProvider) -> Result<OidcProvider, ConfigError> {
    let key = |field: &str| format!("oidc.{name}.{field}");
    let bad = |field: &str, problem: String| ConfigError::new(&key(field), problem);
    if !valid_name(&name) {
        return Err(ConfigError::new(
            &format!("oidc.{name}"),
            "a provider's name must be 1 to 32 lower-case letters, digits, - or _ (it is part of the redirect URI)",
        ));
    }
    let issuer = parse_issuer(&raw.issuer).map_err(|p| bad("issuer", p))?;
    let client_id = raw.client_id.trim().to_owned();
    if client_id.is_empty() {
        return Err(bad(
            "client_id",
            "is missing: set the client (application) ID the provider gave".into(),
        ));
    }
    let client_auth = match (
        non_empty(raw.client_secret),
        raw.private_key_file.map(|p| p.relative()),
    ) {
        (Some(secret), None) => ClientAuth::Secret(secret),
        (None, Some(path)) => ClientAuth::PrivateKey {
            pem: read_private_key(&path).map_err(|p| bad("private_key_file", p))?,
            key_id: non_empty(raw.private_key_id),
        },
        (Some(_), Some(_)) => {
            return Err(bad(
                "client_secret",
                "set client_secret or private_key_file, not both".into(),
            ));
        }
        (None, None) => {
            return Err(bad(
                "client_secret",
                "is missing: set client_secret, or private_key_file for private_key_jwt".into(),
            ));
        }
    };
    let label = raw.label.trim().to_owned();
    if label.is_empty() || label.chars().count() > 80 {
        return Err(bad(
            "label",
            "must be the sign-in button's text, 1 to 80 characters, like \"Sign in with NHS Care Identity\"".into(),
        ));
    }
    let scopes: Vec<String> = raw
        .scopes
        .as_deref()
        .unwrap_or("openid email profile")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if !scopes.iter().any(|s| s == "openid") {
        return Err(bad(
            "scopes",
            format!("must include openid (got {:?})", scopes.join(" ")),
        ));
    }
    let employee_number_claim = non_empty(raw.employee_number_claim);
    let link_by = match raw.link_by.as_deref().map(str::trim) {
        None | Some("email") => LinkBy::Email,
        Some("employee_number") if employee_number_claim.is_some() => LinkBy::EmployeeNumber,
        Some("employee_number") => {
            return Err(bad(
                "employee_number_claim",
                "is missing: link_by = \"employee_number\" needs the claim that carries it".into(),
            ));
        }
        Some(other) => {
            return Err(bad(
                "link_by",
                format!("must be \"email\" or \"employee_number\" (got {other:?})"),
            ));
        }
    };
    let organisation_claim = non_empty(raw.organisation_claim);
    let mut organisations = BTreeMap::new();
    for (value, code) in raw.organisations {
        let code = code.trim().to_uppercase();
        if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad(
                "organisations",
                format!("{value:?} must map to an ODS code, like \"RJ1\" (got {code:?})"),
            ));
        }
        organisations.insert(value.trim().to_owned(), code);
    }
    if !organisations.is_empty() && organisation_claim.is_none() {
        return Err(bad(
            "organisation_claim",
            "is missing: organisations maps the values of this claim".into(),
        ));
    }
    if raw.create_unknown && organisation_claim.is_none() {
        return Err(bad(
            "create_unknown",
            "needs organisation_claim, so that new learners are put in their organisation".into(),
        ));
    }
    Ok(OidcProvider {
        name,
        issuer,
        client_id,
        client_auth,
        label,
        scopes,
        link_by,
        employee_number_claim,
        organisation_claim,
        organisations,
        create_unknown: raw.create_unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_must_be_https_except_on_this_machine() {
        assert!(parse_issuer("https://login.example.nhs.uk/").is_ok());
        assert_eq!(
            parse_issuer("http://127.0.0.1:4000/").ok().as_deref(),
            Some("http://127.0.0.1:4000")
        );
        assert!(parse_issuer("http://idp.example.nhs.uk").is_err());
        assert!(parse_issuer("https://idp.example?x=1").is_err());
        assert!(parse_issuer("").is_err());
    }

    #[test]
    fn names_are_url_safe() {
        assert!(valid_name("cis2"));
        assert!(valid_name("nhs-mail_2"));
        assert!(!valid_name("NHS"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
    }
}
