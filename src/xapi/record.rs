//! Recording statements: who the learner is to the store, and the statements of an event
//! written to the outbox inside the event's own transaction.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use super::outbox;
use super::statements::{Builder, Sitting};
use crate::config::{AppConfig, XapiActor};
use crate::entities::{user, xapi_actor, xapi_outbox};
use crate::error::{AppError, AppResult};

/// What recording needs of the configuration; `None` from [`Recording::of`] while xAPI is off.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'a> {
    /// The service's public URL: the actors' `homePage` and the start of every activity id.
    pub home: &'a str,
    pub actor: XapiActor,
}

impl<'a> Recording<'a> {
    pub fn of(config: &'a AppConfig) -> Option<Self> {
        config.xapi.as_ref().map(|xapi| Self {
            home: &config.public_url,
            actor: xapi.actor,
        })
    }
}

/// The learner's account name in the store: a random UUID made the first time it is needed
/// and kept, so it never changes and says nothing about who it is.
pub async fn account_name(db: &impl ConnectionTrait, user_id: i64) -> AppResult<String> {
    xapi_actor::Entity::insert(xapi_actor::ActiveModel {
        user_id: Set(user_id),
        account_name: Set(uuid::Uuid::new_v4().to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(xapi_actor::Column::UserId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    xapi_actor::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|row| row.account_name)
        .ok_or_else(|| AppError::internal("the learner's xAPI account name was not kept"))
}

async fn actor(
    db: &impl ConnectionTrait,
    recording: Recording<'_>,
    user_id: i64,
) -> AppResult<Value> {
    Ok(match recording.actor {
        XapiActor::Pseudonym => json!({
            "objectType": "Agent",
            "account": { "homePage": recording.home, "name": account_name(db, user_id).await? },
        }),
        XapiActor::Email => {
            let email = user::Entity::find_by_id(user_id)
                .one(db)
                .await?
                .map(|u| u.email)
                .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
            json!({ "objectType": "Agent", "mbox": format!("mailto:{email}") })
        }
    })
}

/// Writes the statements of a submitted sitting to the outbox (inside the submit's
/// transaction); nothing while xAPI is off.
pub async fn record(
    db: &impl ConnectionTrait,
    recording: Option<Recording<'_>>,
    user_id: i64,
    sitting: &Sitting,
) -> AppResult<()> {
    let Some(recording) = recording else {
        return Ok(());
    };
    let builder = Builder {
        home: recording.home,
        actor: actor(db, recording, user_id).await?,
    };
    outbox::enqueue(db, user_id, &builder.sitting(sitting)).await
}

/// Erasing a person: their statements not yet sent are never sent, the sent ones kept for
/// the status are removed, and their account name is forgotten, so statements the store
/// already has can no longer be tied to them.
pub async fn forget_person(db: &impl ConnectionTrait, user_id: i64) -> AppResult<u64> {
    let removed = xapi_outbox::Entity::delete_many()
        .filter(xapi_outbox::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    xapi_actor::Entity::delete_many()
        .filter(xapi_actor::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(removed)
}
