//! One-time links (activation, password reset, first admin). The link carries a random token;
//! the database keeps only its SHA-256, an expiry and when it was used. Using one is a single
//! conditional update, so two requests racing with the same link cannot both succeed.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::token;
use crate::entities::one_time_token;
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    PasswordReset,
    FirstAdmin,
}

impl Purpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
            Self::FirstAdmin => "first_admin",
        }
    }

    pub(crate) fn lifetime(self) -> Duration {
        match self {
            Self::Activation => Duration::days(14),
            Self::PasswordReset => Duration::hours(1),
            Self::FirstAdmin => Duration::days(7),
        }
    }
}

/// Issues a token for `purpose`, replacing any unused one of the same purpose for that user.
pub async fn issue(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    user_id: Option<i64>,
) -> AppResult<String> {
    let mut stale = one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
        .filter(one_time_token::Column::UsedAt.is_null());
    stale = match user_id {
        Some(id) => stale.filter(one_time_token::Column::UserId.eq(id)),
        None => stale.filter(one_time_token::Column::UserId.is_null()),
    };
    stale.exec(db).await?;
    let raw = token::generate();
    let now = Utc::now();
    one_time_token::ActiveModel {
        token_hash: Set(token::digest(&raw)),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(raw)
}

/// The token's row if it is valid for `purpose` (unused, unexpired), without using it.
pub async fn peek(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    raw: &str,
) -> AppResult<Option<one_time_token::Model>> {
    if !token::well_formed(raw) {
        return Ok(None);
    }
    Ok(one_time_token::Entity::find_by_id(token::digest(raw))
        .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(one_time_token::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?)
}

/// Uses the token: `Some(row)` for the one caller that succeeds, `None` otherwise.
pub async fn consume(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    raw: &str,
) -> AppResult<Option<one_time_token::Model>> {
    let Some(row) = peek(db, purpose, raw).await? else {
        return Ok(None);
    };
    let updated = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(one_time_token::Column::TokenHash.eq(row.token_hash.clone()))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((updated.rows_affected == 1).then_some(row))
}
