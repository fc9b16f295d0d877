//! Deep linking: an instructor's `LtiDeepLinkingRequest` opens a page listing the baseline and
//! the modules; the choice goes back to the platform as an `LtiDeepLinkingResponse` JWT signed
//! with the tool's key, posted by the browser to the platform's return address. The request's
//! return address and `data` wait in `lti_deep_links` under a random context token (on the
//! choice form) for ten minutes, for the person who launched only, and are used once.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::claims::{self, DeepLinkingSettings};
use super::{LtiError, keys, refuse};
use crate::accounts::token;
use crate::entities::{lti_deep_link, lti_platform};
use crate::error::AppResult;
use crate::ids::PersonId;

const LIFETIME_MINUTES: i64 = 10;

/// Stores the request's settings; returns the context token for the choice form.
pub async fn store(
    db: &impl ConnectionTrait,
    platform_id: i64,
    user_id: i64,
    deployment_id: String,
    settings: DeepLinkingSettings,
) -> AppResult<String> {
    let now = Utc::now();
    lti_deep_link::Entity::delete_many()
        .filter(lti_deep_link::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    let context = token::generate();
    lti_deep_link::Entity::insert(lti_deep_link::ActiveModel {
        id_hash: Set(token::digest(&context)),
        platform_id: Set(platform_id),
        user_id: Set(user_id),
        deployment_id: Set(deployment_id),
        return_url: Set(settings.deep_link_return_url),
        data: Set(settings.data),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(LIFETIME_MINUTES)),
    })
    .exec(db)
    .await?;
    Ok(context)
}

/// An activity an instructor may choose.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Choice {
    /// `baseline` or `module:<slug>`.
    pub activity: String,
    pub title: String,
}

/// The baseline and every published module.
pub async fn choices(db: &impl ConnectionTrait) -> AppResult<Vec<Choice>> {
    let mut out = vec![Choice {
        activity: "baseline".to_owned(),
        title: "Genomics training: baseline assessment".to_owned(),
    }];
    for row in crate::learning::modules::published_modules(db).await? {
        out.push(Choice {
            activity: format!("module:{}", row.slug),
            title: row.title,
        });
    }
    Ok(out)
}

/// The signed answer and where the browser posts it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Answer {
    pub return_url: String,
    pub jwt: String,
    pub title: String,
}

/// Takes the context (for `person` only) and signs the answer naming `activity`.
pub async fn answer(
    db: &impl ConnectionTrait,
    public_url: &str,
    person: PersonId,
    context: &str,
    activity: &str,
) -> Result<Answer, LtiError> {
    let expired = || {
        refuse(
            400,
            "deep_link_expired",
            "This choice has been sent already or has expired. Go back to your course and add the activity again.",
        )
    };
    if !token::well_formed(context) {
        return Err(expired());
    }
    let hash = token::digest(context);
    let row = lti_deep_link::Entity::find_by_id(hash.clone())
        .one(db)
        .await?
        .filter(|row| row.user_id == i64::from(person) && row.expires_at > Utc::now())
        .ok_or_else(expired)?;
    let choice = choices(db)
        .await?
        .into_iter()
        .find(|c| c.activity == activity)
        .ok_or_else(|| {
            refuse(
                400,
                "unknown_activity",
                "Choose one of the activities listed.",
            )
        })?;
    let deleted = lti_deep_link::Entity::delete_by_id(hash)
        .exec(db)
        .await?
        .rows_affected;
    let platform = lti_platform::Entity::find_by_id(row.platform_id)
        .one(db)
        .await?
        .filter(|_| deleted == 1)
        .ok_or_else(expired)?;
    let now = Utc::now().timestamp();
    let launch_url = super::ToolUrls::new(public_url).redirect_url;
    let mut item = json!({
        "type": "ltiResourceLink",
        "title": choice.title,
        "url": launch_url,
        "custom": { "activity": choice.activity },
    });
    item["lineItem"] = json!({
        "scoreMaximum": 100,
        "label": choice.title,
        "resourceId": choice.activity,
    });
    let mut claims = json!({
        "iss": platform.client_id,
        "aud": platform.issuer,
        "azp": platform.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": token::generate(),
        claims::MESSAGE_TYPE: claims::DEEP_LINKING_RESPONSE,
        claims::VERSION: "1.3.0",
        claims::DEPLOYMENT_ID: row.deployment_id,
        claims::CONTENT_ITEMS: [item],
    });
    if let Some(data) = row.data {
        claims[claims::DEEP_LINKING_DATA] = json!(data);
    }
    Ok(Answer {
        return_url: row.return_url,
        jwt: keys::sign(db, &claims).await?,
        title: choice.title,
    })
}
