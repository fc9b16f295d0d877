//! Topics in the app: trainers add a competency area or reword one. Slugs are permanent
//! (reports and targets key on them); a changed topic is left alone by the content loader.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::modules::{Problem, refuse};
use crate::audit::action;
use crate::content::is_slug;
use crate::entities::topic;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// A topic's wording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TopicDraft {
    pub name: String,
    pub description: String,
}

/// A topic as trainers see and change it: its permanent slug and its wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl From<topic::Model> for Topic {
    fn from(row: topic::Model) -> Self {
        Topic {
            slug: row.slug,
            name: row.name,
            description: row.description,
        }
    }
}

/// The current (not retired) topic `slug`; 404 if there is none.
/// Every topic not retired, in curriculum order.
pub(crate) async fn live_topics(db: &impl ConnectionTrait) -> AppResult<Vec<topic::Model>> {
    Ok(topic::Entity::find()
        .filter(topic::Column::RetiredAt.is_null())
        .order_by_asc(topic::Column::Position)
        .all(db)
        .await?)
}

pub async fn topic(db: &impl ConnectionTrait, slug: &str) -> AppResult<Topic> {
    Ok(super::items::find_topic(db, slug).await?.into())
}

/// Every problem with a topic's wording (and its slug, for a new topic).
pub fn topic_problems(slug: Option<&str>, draft: &TopicDraft) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut add = |field: &str, message: &str| {
        out.push(Problem {
            field: field.to_owned(),
            message: message.to_owned(),
        })
    };
    if slug.is_some_and(|s| !is_slug(s)) {
        add(
            "slug",
            "Enter a short name for the web address: lower-case letters, digits and hyphens",
        );
    }
    let name = draft.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        add("name", "Enter a name of up to 100 characters");
    }
    let description = draft.description.trim();
    if description.is_empty() || description.chars().count() > 300 {
        add("description", "Enter a description of up to 300 characters");
    }
    out
}

/// Adds a topic at the end of the curriculum. Its blueprint count starts at 0 and job roles
/// have no target for it until an admin sets one.
#[tracing::instrument(skip(db))]
pub async fn create_topic(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    slug: &str,
    draft: &TopicDraft,
) -> AppResult<Topic> {
    refuse(topic_problems(Some(slug), draft))?;
    if topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "There is already a topic `{slug}`; choose another short name."
        )));
    }
    let last = topic::Entity::find()
        .select_only()
        .column(topic::Column::Position)
        .order_by_desc(topic::Column::Position)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    let row = topic::ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set(draft.name.trim().to_owned()),
        description: Set(draft.description.trim().to_owned()),
        position: Set(last.map_or(0, |p| p + 1)),
        retired_at: Set(None),
        edited_at: Set(Some(Utc::now())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::audit_change(
        db,
        actor,
        action::TOPIC_CREATED,
        slug,
        serde_json::json!({}),
    )
    .await?;
    Ok(row.into())
}

/// Rewords a topic.
#[tracing::instrument(skip(db))]
pub async fn edit_topic(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    slug: &str,
    draft: &TopicDraft,
) -> AppResult<Topic> {
    refuse(topic_problems(None, draft))?;
    let row = super::items::find_topic(db, slug).await?;
    let (name, description) = (draft.name.trim(), draft.description.trim());
    if row.name == name && row.description == description {
        return Ok(row.into());
    }
    let mut active: topic::ActiveModel = row.into();
    active.name = Set(name.to_owned());
    active.description = Set(description.to_owned());
    active.edited_at = Set(Some(Utc::now()));
    let row = active.update(db).await?;
    super::audit_change(db, actor, action::TOPIC_EDITED, slug, serde_json::json!({})).await?;
    Ok(row.into())
}
