//! Signing in and out, activation, password change and password reset.
//!
//! Sign-in and reset never reveal whether an email address is registered: the same message,
//! and the same argon2 work, for unknown addresses.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use validator::Validate;

use super::one_time::{self, Purpose};
use super::sessions::{self, NewSession};
use super::throttle::{self, Key};
use super::users::{self, Account};
use super::{Email, Password, outbox, password};
use crate::audit::{self, Event, action};
use crate::config::AppConfig;
use crate::error::{AppError, AppResult};
use crate::monitoring::{self, Outcome, SignInMethod};
use crate::validation::{self, FieldErrors};

pub const WRONG_CREDENTIALS: &str = "Enter a correct email address and password";

/// What someone other than an admin is told when `app.password_sign_in` is false.
pub const PASSWORDS_OFF: &str = "Password sign-in is turned off here. Sign in with the button for your NHS account on the sign-in page.";

/// What a person is told while their account or address must wait.
pub fn locked_message(until: DateTime<Utc>) -> String {
    format!(
        "There have been too many failed attempts. {}, then try again, or reset your password.",
        throttle::wait_phrase(until)
    )
}

/// The sign-in form as sent: both fields must be filled in before anything is checked.
#[derive(Debug, Validate)]
pub struct SignInInput<'a> {
    #[validate(custom(function = "validation::filled", message = "Enter your email address"))]
    pub email: &'a str,
    #[validate(length(min = 1, message = "Enter your password"))]
    pub password: &'a str,
}

impl SignInInput<'_> {
    /// The fields left empty, by field in page order.
    pub fn check(&self) -> Result<(), FieldErrors> {
        validation::check(self, &["email", "password"])
    }
}

/// Why a sign-in did not succeed.
#[derive(Debug)]
pub enum SignInError {
    /// Wrong email or password (or an account that cannot sign in): one message for all.
    WrongCredentials,
    /// Too many failures for this account or address: no attempt is checked before this.
    Locked(DateTime<Utc>),
    /// The right password, but `app.password_sign_in` is false and the account is no admin's
    /// (admins keep passwords as the break-glass way in when single sign-on fails).
    PasswordsOff,
    Other(AppError),
}

impl From<AppError> for SignInError {
    fn from(error: AppError) -> Self {
        Self::Other(error)
    }
}

impl From<sea_orm::DbErr> for SignInError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Other(error.into())
    }
}

impl From<SignInError> for AppError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::WrongCredentials => AppError::WrongCredentials,
            SignInError::Locked(until) => AppError::TooManyRequests(locked_message(until)),
            SignInError::PasswordsOff => AppError::Forbidden(PASSWORDS_OFF.into()),
            SignInError::Other(error) => error,
        }
    }
}

/// Checks the email and password and, when they match an account that may sign in, starts a
/// new session (a new id, whatever the browser had before) and ends `replaced`, the session
/// the browser held until now, so signing in again leaves no earlier session alive.
pub async fn sign_in(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    email_input: &str,
    candidate: &str,
    client_address: Option<String>,
    replaced: Option<&str>,
) -> Result<(Account, NewSession), SignInError> {
    let result = check_sign_in(db, config, email_input, candidate, client_address, replaced).await;
    let outcome = match &result {
        Ok(_) => Outcome::Success,
        Err(SignInError::Other(_)) => Outcome::Error,
        Err(_) => Outcome::Failure,
    };
    monitoring::sign_in(SignInMethod::Password, outcome);
    result
}

async fn check_sign_in(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    email_input: &str,
    candidate: &str,
    client_address: Option<String>,
    replaced: Option<&str>,
) -> Result<(Account, NewSession), SignInError> {
    let typed = email_input.trim().to_lowercase();
    let keys = sign_in_keys(&typed, client_address.as_ref());
    if let Some(until) = throttle::locked_until(db, &keys).await? {
        audit::record(
            db,
            Event::new(action::SIGN_IN_FAILED)
                .subject(typed)
                .detail(serde_json::json!({ "reason": "locked" }))
                .from_address(client_address),
        )
        .await?;
        return Err(SignInError::Locked(until));
    }
    let row = match Email::parse(&typed) {
        Ok(email) => users::find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let usable = row.as_ref().filter(|r| r.disabled_at.is_none());
    let stored = usable.and_then(|r| r.password_hash.clone());
    let matches = password::verify(candidate.chars().take(1024).collect(), stored).await?;
    match (matches, usable) {
        (true, Some(row)) if !config.password_sign_in && !row.is_admin => {
            audit::record(
                db,
                Event::new(action::SIGN_IN_FAILED)
                    .by(Some(row.id.into()))
                    .subject(typed)
                    .detail(serde_json::json!({ "reason": "passwords_off" }))
                    .from_address(client_address),
            )
            .await?;
            Err(SignInError::PasswordsOff)
        }
        (true, Some(row)) => {
            throttle::clear(db, &keys[0]).await?;
            if let Some(old) = replaced {
                sessions::end(db, &super::token::digest(old)).await?;
            }
            let session = sessions::start(db, config, row.id, client_address.clone()).await?;
            audit::record(
                db,
                Event::new(action::SIGN_IN)
                    .by(Some(row.id.into()))
                    .subject(typed)
                    .from_address(client_address),
            )
            .await?;
            let account = users::account(db, row.id)
                .await?
                .ok_or_else(|| AppError::internal("account vanished during sign-in"))?;
            Ok((account, session))
        }
        _ => {
            record_failure(db, &keys, typed, client_address).await?;
            Err(SignInError::WrongCredentials)
        }
    }
}

/// The sign-in keys for `email` and, when known, the client's address.
fn sign_in_keys(email: &str, client_address: Option<&String>) -> Vec<Key> {
    let mut keys = vec![Key::Account(email.to_owned())];
    if let Some(address) = client_address {
        keys.push(Key::Address(address.clone()));
    }
    keys
}

/// Counts a wrong password against `keys` and audits it (and the start of a wait).
async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[Key],
    subject: String,
    client_address: Option<String>,
) -> AppResult<()> {
    let mut waits = false;
    for key in keys {
        waits |= throttle::record_failure(db, key).await? > chrono::Duration::zero();
    }
    audit::record(
        db,
        Event::new(action::SIGN_IN_FAILED)
            .subject(subject.clone())
            .from_address(client_address.clone()),
    )
    .await?;
    if waits {
        audit::record(
            db,
            Event::new(action::SIGN_IN_LOCKED)
                .subject(subject)
                .from_address(client_address),
        )
        .await?;
    }
    Ok(())
}

/// Ends the session with `id_hash` (sign-out).
pub async fn sign_out(
    db: &impl ConnectionTrait,
    account: &Account,
    id_hash: &str,
    client_address: Option<String>,
) -> AppResult<()> {
    sessions::end(db, id_hash).await?;
    audit::record(
        db,
        Event::new(action::SIGN_OUT)
            .by(Some(account.id))
            .subject(account.email.clone())
            .from_address(client_address),
    )
    .await
}

/// Whether an activation link is still usable (to show the form or a clear message).
pub async fn activation_is_valid(db: &impl ConnectionTrait, raw: &str) -> AppResult<bool> {
    Ok(one_time::peek(db, Purpose::Activation, raw)
        .await?
        .is_some())
}

pub async fn reset_is_valid(db: &impl ConnectionTrait, raw: &str) -> AppResult<bool> {
    Ok(one_time::peek(db, Purpose::PasswordReset, raw)
        .await?
        .is_some())
}

const LINK_USED: &str = "This link has expired or has already been used. Ask your admin for a new activation link, or reset your password.";

/// Lets a link (activation, reset) be used only if it is valid, before any password is hashed
/// (hashing costs ~40 ms of CPU: made for every guessed token, it starves real sign-ins), and
/// only so often from one address.
async fn check_link(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    raw: &str,
    client_address: Option<&String>,
) -> AppResult<()> {
    if let Some(address) = client_address {
        let key = Key::LinkAddress(address.clone());
        if let Some(until) = throttle::locked_until(db, std::slice::from_ref(&key)).await? {
            return Err(AppError::TooManyRequests(format!(
                "There have been too many attempts from your network. {}, then try again.",
                throttle::wait_phrase(until)
            )));
        }
    }
    if one_time::peek(db, purpose, raw).await?.is_none() {
        // Only a link that does not work counts: a site's staff activating their own accounts
        // from one shared address must never be slowed, while guessing links is.
        if let Some(address) = client_address {
            throttle::record_failure(db, &Key::LinkAddress(address.clone())).await?;
        }
        return Err(AppError::NotFound(LINK_USED.into()));
    }
    Ok(())
}

/// Sets the first password of an imported account from its activation link.
pub async fn activate(
    db: &DatabaseConnection,
    raw: &str,
    new_password: Password,
    client_address: Option<String>,
) -> AppResult<()> {
    check_link(db, Purpose::Activation, raw, client_address.as_ref()).await?;
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let token = one_time::consume(&txn, Purpose::Activation, raw)
        .await?
        .ok_or_else(|| AppError::NotFound(LINK_USED.into()))?;
    let user_id = token
        .user_id
        .ok_or_else(|| AppError::NotFound(LINK_USED.into()))?;
    users::set_password_hash(&txn, user_id, hash).await?;
    audit::record(
        &txn,
        Event::new(action::ACTIVATED)
            .by(Some(user_id.into()))
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Changes the signed-in person's password and ends their other sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    account: &Account,
    current_session: &str,
    current: &str,
    new_password: Password,
    client_address: Option<String>,
) -> Result<(), SignInError> {
    // The current password is a password guess like any sign-in, so it is throttled by the
    // same keys: a stolen session must not become a way round the sign-in delays.
    let keys = sign_in_keys(&account.email, client_address.as_ref());
    if let Some(until) = throttle::locked_until(db, &keys).await? {
        return Err(SignInError::Locked(until));
    }
    let stored = users::find_by_email(
        db,
        &Email::parse(&account.email).map_err(AppError::BadRequest)?,
    )
    .await?
    .and_then(|row| row.password_hash);
    if !password::verify(current.to_owned(), stored).await? {
        record_failure(db, &keys, account.email.clone(), client_address).await?;
        return Err(SignInError::WrongCredentials);
    }
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    users::set_password_hash(&txn, account.id.get(), hash).await?;
    sessions::end_all_for(&txn, account.id.get(), Some(current_session)).await?;
    audit::record(
        &txn,
        Event::new(action::PASSWORD_CHANGED)
            .by(Some(account.id))
            .subject(account.email.clone())
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues a reset link email if `email_input` belongs to an account that may sign in. Says
/// nothing either way: the caller shows the same page whatever happened, and wakes the mail
/// sender either way, so both answers take the same time.
pub async fn request_reset(
    db: &DatabaseConnection,
    config: &AppConfig,
    email_input: &str,
    client_address: Option<String>,
) -> AppResult<()> {
    let Ok(email) = Email::parse(email_input) else {
        return Ok(());
    };
    let mut keys = vec![Key::ResetAccount(email.to_string())];
    if let Some(address) = &client_address {
        keys.push(Key::ResetAddress(address.clone()));
    }
    // Beyond the limit the page says the same as ever (so it reveals nothing) but sends no
    // more email: nobody can flood an inbox or the mail relay through this form.
    if throttle::locked_until(db, &keys).await?.is_some() {
        tracing::info!("password reset request not sent: too many requests");
        return Ok(());
    }
    for key in &keys {
        throttle::record_failure(db, key).await?;
    }
    let row = users::find_by_email(db, &email).await?;
    audit::record(
        db,
        Event::new(action::PASSWORD_RESET_REQUESTED)
            .by(row.as_ref().map(|r| r.id.into()))
            .subject(email.to_string())
            .from_address(client_address),
    )
    .await?;
    let Some(row) = row.filter(|r| r.disabled_at.is_none()) else {
        return Ok(());
    };
    // The link and the message carrying it are written together: no link without its email,
    // no email with a link that was never stored.
    let txn = crate::db::begin_write(db).await?;
    let raw = one_time::issue(&txn, Purpose::PasswordReset, Some(row.id)).await?;
    let link = format!("{}/password-reset/{raw}", config.public_url);
    let letter = crate::notify::templates::letter(
        "password_reset",
        "Reset your Genomics training password".to_owned(),
        &serde_json::json!({ "name": row.display_name, "link": link }),
    )?;
    outbox::enqueue(&txn, &row.email, letter).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link and ends every session of the account.
pub async fn complete_reset(
    db: &DatabaseConnection,
    raw: &str,
    new_password: Password,
    client_address: Option<String>,
) -> AppResult<()> {
    check_link(db, Purpose::PasswordReset, raw, client_address.as_ref()).await?;
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let token = one_time::consume(&txn, Purpose::PasswordReset, raw)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This link has expired or has already been used. Ask for a new one.".into(),
            )
        })?;
    let user_id = token
        .user_id
        .ok_or_else(|| AppError::NotFound(LINK_USED.into()))?;
    users::set_password_hash(&txn, user_id, hash).await?;
    sessions::end_all_for(&txn, user_id, None).await?;
    if let Some(account) = users::account(&txn, user_id).await? {
        throttle::clear(&txn, &Key::Account(account.email)).await?;
    }
    audit::record(
        &txn,
        Event::new(action::PASSWORD_RESET)
            .by(Some(user_id.into()))
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
