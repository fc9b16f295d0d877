//! The first admin: on an empty database `serve` prints a one-time link to this page.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::one_time::{self, Purpose};
use super::{Email, Password, password, users};
use crate::audit::{self, Event, action};
use crate::error::{AppError, AppResult};

/// A new one-time setup token when there is no admin yet, otherwise `None`.
pub async fn first_admin_token(db: &impl ConnectionTrait) -> AppResult<Option<String>> {
    if users::admin_exists(db).await? {
        return Ok(None);
    }
    Ok(Some(one_time::issue(db, Purpose::FirstAdmin, None).await?))
}

/// Whether the setup link can still be used.
pub async fn token_is_valid(db: &impl ConnectionTrait, raw: &str) -> AppResult<bool> {
    Ok(!users::admin_exists(db).await?
        && one_time::peek(db, Purpose::FirstAdmin, raw)
            .await?
            .is_some())
}

pub const LINK_USED: &str = "This set-up link has expired or has already been used. Restart the service to get a new one if there is still no admin.";

/// Creates the first admin from the setup link (once).
pub async fn create_first_admin(
    db: &DatabaseConnection,
    raw: &str,
    email: Email,
    display_name: String,
    new_password: Password,
    client_address: Option<String>,
) -> AppResult<i64> {
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    if users::admin_exists(&txn).await?
        || one_time::consume(&txn, Purpose::FirstAdmin, raw)
            .await?
            .is_none()
    {
        return Err(AppError::NotFound(LINK_USED.into()));
    }
    if users::find_by_email(&txn, &email).await?.is_some() {
        return Err(AppError::Conflict(
            "An account with that email address already exists".into(),
        ));
    }
    let new = users::NewUser {
        email: email.to_string(),
        display_name,
        password_hash: Some(hash),
        active: true,
        admin: true,
        ..users::NewUser::default()
    };
    let row = users::create(&txn, new).await?;
    audit::record(
        &txn,
        Event::new(action::FIRST_ADMIN_CREATED)
            .by(Some(row.id.into()))
            .subject(row.email.clone())
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}
