//! Reading the item bank: an assessment's pool and an attempt's items with their questions.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, JoinType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder};

use super::draw::PoolItem;
use super::option_order::OptionOrder;
use crate::entities::{assessment_item, attempt_item, blueprint_topic, item, item_version, topic};
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
    /// The order this attempt shows the options in (the order written outside an attempt).
    pub order: OptionOrder,
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

/// An assessment's blueprint: (topic, items to draw) in order.
pub async fn blueprint(
    db: &impl ConnectionTrait,
    assessment_id: i64,
) -> AppResult<Vec<(i64, usize)>> {
    Ok(blueprint_topic::Entity::find()
        .filter(blueprint_topic::Column::AssessmentId.eq(assessment_id))
        .order_by_asc(blueprint_topic::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.topic_id, usize::try_from(b.item_count).unwrap_or(0)))
        .collect())
}

pub fn decode_question(version: &item_version::Model) -> AppResult<Question> {
    serde_json::from_str(&version.body).map_err(AppError::internal)
}

/// The items of an attempt in order, with their questions and topics, in one statement: save,
/// submit and the result each read them, and every statement is a hand-off to the database.
pub async fn attempt_slots(db: &impl ConnectionTrait, attempt_id: i64) -> AppResult<Vec<Slot>> {
    let (ai, iv, it, tp) = (
        Alias::new("ai"),
        Alias::new("iv"),
        Alias::new("it"),
        Alias::new("tp"),
    );
    let col = |table: &Alias, name: &str| Expr::col((table.clone(), Alias::new(name)));
    let query = Query::select()
        .expr_as(col(&ai, "position"), Alias::new("position"))
        .expr_as(col(&ai, "item_version_id"), Alias::new("item_version_id"))
        .expr_as(col(&ai, "topic_id"), Alias::new("topic_id"))
        .expr_as(col(&ai, "option_order"), Alias::new("option_order"))
        .expr_as(col(&iv, "body"), Alias::new("body"))
        .expr_as(col(&it, "uid"), Alias::new("uid"))
        .expr_as(col(&tp, "slug"), Alias::new("slug"))
        .expr_as(col(&tp, "name"), Alias::new("name"))
        .from_as(Alias::new("attempt_items"), ai.clone())
        .join_as(
            JoinType::LeftJoin,
            Alias::new("item_versions"),
            iv.clone(),
            col(&iv, "id").equals((ai.clone(), Alias::new("item_version_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            Alias::new("items"),
            it.clone(),
            col(&it, "id").equals((iv.clone(), Alias::new("item_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            Alias::new("topics"),
            tp.clone(),
            col(&tp, "id").equals((ai.clone(), Alias::new("topic_id"))),
        )
        .and_where(col(&ai, "attempt_id").eq(attempt_id))
        .order_by((ai, Alias::new("position")), Order::Asc)
        .take();
    let mut slots = Vec::new();
    for row in db.query_all(&query).await? {
        let item_version_id: i64 = row.try_get("", "item_version_id")?;
        let topic_id: i64 = row.try_get("", "topic_id")?;
        let body: Option<String> = row.try_get("", "body")?;
        let body = body.ok_or_else(|| {
            AppError::internal(format!("item version {item_version_id} is missing"))
        })?;
        let (Some(topic_slug), Some(topic_name)) = (
            row.try_get::<Option<String>>("", "slug")?,
            row.try_get::<Option<String>>("", "name")?,
        ) else {
            return Err(AppError::internal(format!("topic {topic_id} is missing")));
        };
        let order: Option<String> = row.try_get("", "option_order")?;
        slots.push(Slot {
            position: row.try_get("", "position")?,
            item_version_id,
            item_uid: row
                .try_get::<Option<String>>("", "uid")?
                .unwrap_or_default(),
            topic_id,
            topic_slug,
            topic_name,
            question: serde_json::from_str(&body).map_err(AppError::internal)?,
            order: OptionOrder::parse(order.as_deref()),
        });
    }
    Ok(slots)
}

/// Slots for (position, item version, topic) triples, in the order given.
pub async fn slots_for(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = (i32, i64, i64)>,
) -> AppResult<Vec<Slot>> {
    let rows: Vec<(i32, i64, i64)> = rows.into_iter().collect();
    let version_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
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
    for (position, item_version_id, topic_id) in rows {
        let version = versions.get(&item_version_id).ok_or_else(|| {
            AppError::internal(format!("item version {item_version_id} is missing"))
        })?;
        let topic = topics
            .get(&topic_id)
            .ok_or_else(|| AppError::internal(format!("topic {topic_id} is missing")))?;
        slots.push(Slot {
            position,
            item_version_id,
            item_uid: uids.get(&version.item_id).cloned().unwrap_or_default(),
            topic_id,
            topic_slug: topic.slug.clone(),
            topic_name: topic.name.clone(),
            question: decode_question(version)?,
            order: OptionOrder::default(),
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
