//! Reading the item bank: an assessment's pool and an attempt's items with their questions.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::draw::PoolItem;
use crate::entities::{assessment_item, attempt_item, item, item_version, topic};
use crate::error::{AppError, AppResult};
use crate::questions::Question;

/// One item of an attempt, with the exact version the learner sees.
#[derive(Debug, Clone)]
pub struct Slot {
    pub position: i32,
    pub item_version_id: i64,
    pub item_uid: String,
    pub topic_id: i64,
    pub topic_slug: String,
    pub topic_name: String,
    pub question: Question,
}

/// Published items in an assessment's pool, each at its current version.
pub async fn pool(db: &impl ConnectionTrait, assessment_id: i64) -> AppResult<Vec<PoolItem>> {
    let members = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(assessment_id))
        .order_by_asc(assessment_item::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<i64> = members.iter().map(|m| m.item_id).collect();
    let items: HashMap<i64, item::Model> = item::Entity::find()
        .filter(item::Column::Id.is_in(ids))
        .filter(item::Column::Status.eq("published"))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    Ok(members
        .iter()
        .filter_map(|m| items.get(&m.item_id))
        .filter_map(|i| {
            i.current_version_id.map(|version| PoolItem {
                item_id: i.id,
                item_version_id: version,
                topic_id: i.topic_id,
            })
        })
        .collect())
}

pub fn decode_question(version: &item_version::Model) -> AppResult<Question> {
    serde_json::from_str(&version.body).map_err(AppError::internal)
}

/// The items of an attempt in order, with their questions and topics.
pub async fn attempt_slots(db: &impl ConnectionTrait, attempt_id: i64) -> AppResult<Vec<Slot>> {
    let rows = attempt_item::Entity::find()
        .filter(attempt_item::Column::AttemptId.eq(attempt_id))
        .order_by_asc(attempt_item::Column::Position)
        .all(db)
        .await?;
    let version_ids: Vec<i64> = rows.iter().map(|r| r.item_version_id).collect();
    let versions: HashMap<i64, item_version::Model> = item_version::Entity::find()
        .filter(item_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let item_ids: Vec<i64> = versions.values().map(|v| v.item_id).collect();
    let uids: HashMap<i64, String> = item::Entity::find()
        .filter(item::Column::Id.is_in(item_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.uid))
        .collect();
    let topics: HashMap<i64, topic::Model> = topic::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut slots = Vec::with_capacity(rows.len());
    for row in rows {
        let version = versions.get(&row.item_version_id).ok_or_else(|| {
            AppError::internal(format!("item version {} is missing", row.item_version_id))
        })?;
        let topic = topics
            .get(&row.topic_id)
            .ok_or_else(|| AppError::internal(format!("topic {} is missing", row.topic_id)))?;
        slots.push(Slot {
            position: row.position,
            item_version_id: row.item_version_id,
            item_uid: uids.get(&version.item_id).cloned().unwrap_or_default(),
            topic_id: row.topic_id,
            topic_slug: topic.slug.clone(),
            topic_name: topic.name.clone(),
            question: decode_question(version)?,
        });
    }
    Ok(slots)
}

/// The item ids (not versions) an attempt drew.
pub async fn item_ids_of_attempt(
    db: &impl ConnectionTrait,
    attempt_id: i64,
) -> AppResult<Vec<i64>> {
    let version_ids: Vec<i64> = attempt_item::Entity::find()
        .filter(attempt_item::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.item_version_id)
        .collect();
    Ok(item_version::Entity::find()
        .filter(item_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.item_id)
        .collect())
}
