//! The record of scheduled messages already queued: one row per person, kind and subject (an
//! assignment, a week). Queuing a message and recording it happen in one transaction, so a
//! rerun after a crash either finds the record (and sends nothing) or finds neither.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::mail_sent::{self, Column, Entity};
use crate::error::AppResult;

/// Records that `kind` about `reference` goes to `user_id`: true the first time, false if it
/// was already recorded (by an earlier pass or another instance), when nothing must be sent.
pub async fn first_time(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    reference: &str,
) -> AppResult<bool> {
    let inserted = Entity::insert(mail_sent::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        reference: Set(reference.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([Column::UserId, Column::Kind, Column::Reference])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Who has already had something about `reference`, as (user id, kind): read once per
/// assignment or week, so that a pass tries to record only what may be new.
pub async fn recorded(
    db: &impl ConnectionTrait,
    reference: &str,
) -> AppResult<HashSet<(i64, String)>> {
    Ok(Entity::find()
        .filter(Column::Reference.eq(reference))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, row.kind))
        .collect())
}
