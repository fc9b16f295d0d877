//! Sign-ins under way: one row per trip to a provider, found through the hash of a random value
//! in the browser's cookie (so `state` is bound to the browser that set off), holding the
//! `state`, `nonce` and PKCE verifier (which never leave the server). A row is taken, and so
//! deleted, by the first callback that names it: a second use of the same callback finds
//! nothing. Rows live ten minutes; each new sign-in clears the expired ones.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::super::token;
use crate::entities::oidc_login;
use crate::error::AppResult;

/// How long a person has at the provider before the sign-in must start again.
pub const LIFETIME_MINUTES: i64 = 10;

/// What the callback needs to finish a sign-in.
#[derive(Debug, Clone)]
pub struct Pending {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
}

/// Stores `pending` and returns the value for the browser's cookie.
pub async fn store(db: &impl ConnectionTrait, pending: Pending) -> AppResult<String> {
    let now = Utc::now();
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    let browser = token::generate();
    oidc_login::Entity::insert(oidc_login::ActiveModel {
        id_hash: Set(token::digest(&browser)),
        provider: Set(pending.provider),
        state: Set(pending.state),
        nonce: Set(pending.nonce),
        pkce_verifier: Set(pending.pkce_verifier),
        next: Set(pending.next),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(LIFETIME_MINUTES)),
    })
    .exec(db)
    .await?;
    Ok(browser)
}

/// Takes (deletes and returns) the sign-in the cookie value `browser` names, if it has not
/// expired. Deleting first makes the take single-use even under concurrent callbacks: only
/// the request whose delete removed the row goes on.
pub async fn take(db: &impl ConnectionTrait, browser: &str) -> AppResult<Option<Pending>> {
    if !token::well_formed(browser) {
        return Ok(None);
    }
    let id_hash = token::digest(browser);
    let Some(row) = oidc_login::Entity::find_by_id(id_hash.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let deleted = oidc_login::Entity::delete_by_id(id_hash)
        .exec(db)
        .await?
        .rows_affected;
    if deleted != 1 || row.expires_at <= Utc::now() {
        return Ok(None);
    }
    Ok(Some(Pending {
        provider: row.provider,
        state: row.state,
        nonce: row.nonce,
        pkce_verifier: row.pkce_verifier,
        next: row.next,
    }))
}
