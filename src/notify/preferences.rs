//! Each person's choice of the optional messages: assignment notices, reminders and (for line
//! managers) the weekly summary. Activation and password-reset messages are not optional: they
//! are how a person gets into their account. No stored choice means every message is wanted.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};

use crate::entities::mail_preference::{self, Column, Entity};
use crate::error::AppResult;
use crate::ids::PersonId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preferences {
    pub assignment_notices: bool,
    pub reminders: bool,
    pub weekly_summary: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            assignment_notices: true,
            reminders: true,
            weekly_summary: true,
        }
    }
}

impl From<mail_preference::Model> for Preferences {
    fn from(row: mail_preference::Model) -> Self {
        Self {
            assignment_notices: row.assignment_notices,
            reminders: row.reminders,
            weekly_summary: row.weekly_summary,
        }
    }
}

/// `person`'s choices.
pub async fn of(db: &impl ConnectionTrait, person: PersonId) -> AppResult<Preferences> {
    Ok(Entity::find_by_id(person.get())
        .one(db)
        .await?
        .map(Preferences::from)
        .unwrap_or_default())
}

/// Everyone's stored choices, by user id (people missing from it want every message).
pub async fn all(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Preferences>> {
    Ok(Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, Preferences::from(row)))
        .collect())
}

/// A change of choices: each `None` leaves that choice as it was (the account page offers the
/// weekly summary to line managers only, so it sends no answer for it to anyone else).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub assignment_notices: Option<bool>,
    pub reminders: Option<bool>,
    pub weekly_summary: Option<bool>,
}

/// Stores `person`'s choices; returns them as they now stand.
pub async fn save(
    db: &impl ConnectionTrait,
    person: PersonId,
    choice: Choice,
) -> AppResult<Preferences> {
    let was = of(db, person).await?;
    let chosen = Preferences {
        assignment_notices: choice.assignment_notices.unwrap_or(was.assignment_notices),
        reminders: choice.reminders.unwrap_or(was.reminders),
        weekly_summary: choice.weekly_summary.unwrap_or(was.weekly_summary),
    };
    Entity::insert(mail_preference::ActiveModel {
        user_id: Set(person.get()),
        assignment_notices: Set(chosen.assignment_notices),
        reminders: Set(chosen.reminders),
        weekly_summary: Set(chosen.weekly_summary),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(Column::UserId)
            .update_columns([
                Column::AssignmentNotices,
                Column::Reminders,
                Column::WeeklySummary,
                Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(chosen)
}
