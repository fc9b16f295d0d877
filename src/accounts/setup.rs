//! The first admin: on an empty database `serve` prints a one-time link to this page.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};

use super::one_time::{self, Purpose};
use super::{Email, Password, password, users};
use crate::audit::{self, Event, action};
use crate::entities::user;
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
    let now = Utc::now();
    let row = user::ActiveModel {
        email: Set(email.to_string()),
        display_name: Set(display_name),
        employee_number: Set(None),
        password_hash: Set(Some(hash)),
        is_active: Set(true),
        is_trainer: Set(false),
        is_admin: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        pseudonymised_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(action::FIRST_ADMIN_CREATED)
            .by(Some(row.id))
            .subject(row.email.clone())
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}
