//! An email address known to be plausible, stored lower-case.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` (trimmed, lower-cased); anything else gets a message saying
    /// what to enter.
    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address".into());
        }
        let problem =
            || Err("Enter an email address in the correct format, like name@nhs.net".to_owned());
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return problem();
        }
        let Some((local, domain)) = email.split_once('@') else {
            return problem();
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return problem();
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ann.Smith@NHS.net ").map(|e| e.to_string()),
            Ok("ann.smith@nhs.net".to_owned())
        );
    }

    #[test]
    fn implausible_addresses_are_rejected() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@nhs.net",
            "ann@nhs",
            "a b@nhs.net",
            "a@b@nhs.net",
            "a@nhs..net",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
