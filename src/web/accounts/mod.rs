//! Handlers for accounts: signing in and out, activation, passwords, first-admin set-up, the
//! admin pages for organisations, people, import and the audit log, and their JSON twins.

pub mod account;
pub mod activation;
pub mod activation_links;
pub mod admin_erase;
pub mod admin_local;
pub mod admin_orgs;
pub mod admin_teams;
pub mod admin_users;
pub mod api;
pub mod audit;
pub mod first_job;
pub mod import;
pub mod mail_api;
pub mod password;
pub mod session;
pub mod setup;
pub mod sso;

use rocket::Route;
use serde::Serialize;

use crate::accounts::Password;
use crate::accounts::password::NewPasswordInput;

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(session::routes());
    routes.extend(sso::routes());
    routes.extend(activation::routes());
    routes.extend(password::routes());
    routes.extend(setup::routes());
    routes.extend(account::routes());
    routes.extend(first_job::routes());
    routes.extend(admin_orgs::routes());
    routes.extend(admin_local::routes());
    routes.extend(admin_users::routes());
    routes.extend(admin_erase::routes());
    routes.extend(admin_teams::routes());
    routes.extend(import::routes());
    routes.extend(activation_links::routes());
    routes.extend(mail_api::routes());
    routes.extend(audit::routes());
    routes.extend(api::routes());
    routes
}

/// One problem with a form field, for the NHS.UK error summary and the field's message.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collected problems with a submitted form.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Problems given as (field, message), in that order.
    pub fn of<F: Into<String>>(problems: impl IntoIterator<Item = (F, String)>) -> Self {
        let mut errors = Self::default();
        for (field, message) in problems {
            errors.add(field, message);
        }
        errors
    }

    /// The problems as one 422 for a JSON twin, messages joined.
    pub fn unprocessable(self) -> crate::error::AppError {
        let messages: Vec<String> = self.0.into_iter().map(|e| e.message).collect();
        crate::error::AppError::Unprocessable(messages.join(". "))
    }

    /// Adds problems by field, in the order given.
    pub fn extend(&mut self, problems: crate::validation::FieldErrors) {
        for (field, message) in problems {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if any (each page shows it beside the input).
    pub fn on(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    /// The page title, prefixed with "Error: " when there are problems.
    pub fn title(&self, title: &str) -> String {
        if self.is_empty() {
            title.to_owned()
        } else {
            format!("Error: {title}")
        }
    }
}

/// A new password and its confirmation, checked into a `Password`.
pub fn check_new_password(
    errors: &mut FormErrors,
    password: &str,
    confirm: &str,
) -> Option<Password> {
    Password::try_from(&NewPasswordInput { password, confirm })
        .map_err(|problems| errors.extend(problems))
        .ok()
}

/// Where to go after signing in: only paths on this site that make a valid `Location`. A
/// space, control or non-ASCII character would make the redirect itself fail (a 500 after the
/// session was made), so such a value is ignored like any other bad one.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.starts_with("/login")
                && path.bytes().all(|b| b.is_ascii_graphic())
                && rocket::http::uri::Origin::parse(path).is_ok() =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_a_local_path() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_with_whitespace_or_non_ascii_is_ignored() {
        for bad in ["/a b", "/a\tb", "/a\nb", "/caf\u{e9}", "/a\rb", "/%zz<"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/a%20b?x=1")), "/a%20b?x=1");
    }
}
