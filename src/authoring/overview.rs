//! Read-only views for the trainers' pages: topics with item counts, an item and its version
//! history, the module quizzes and which items an assessment draws from.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::items::{DRAFT, ItemSummary, find_item, list_items};
use crate::content::{PUBLISHED, RETIRED};
use crate::entities::{
    assessment, assessment_item, item, item_version, module, module_version, topic,
};
use crate::error::{AppError, AppResult};

/// One topic with how many of its items are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TopicOverview {
    pub slug: String,
    pub name: String,
    pub draft: usize,
    pub published: usize,
    pub retired: usize,
}

/// Every topic (not retired), in curriculum order, with its item counts by status.
pub async fn topic_overview(db: &impl ConnectionTrait) -> AppResult<Vec<TopicOverview>> {
    let topics = super::topics::live_topics(db).await?;
    let mut counts: HashMap<(i64, String), usize> = HashMap::new();
    for row in item::Entity::find().all(db).await? {
        *counts.entry((row.topic_id, row.status)).or_default() += 1;
    }
    let count = |id: i64, status: &str| counts.get(&(id, status.to_owned())).copied().unwrap_or(0);
    Ok(topics
        .into_iter()
        .map(|t| TopicOverview {
            draft: count(t.id, DRAFT),
            published: count(t.id, PUBLISHED),
            retired: count(t.id, RETIRED),
            slug: t.slug,
            name: t.name,
        })
        .collect())
}

/// A topic's name, for headings.
pub async fn topic_name(db: &impl ConnectionTrait, slug: &str) -> AppResult<String> {
    Ok(super::items::find_topic(db, slug).await?.name)
}

/// One version in an item's history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ItemVersion)]
pub struct VersionEntry {
    pub version_id: i64,
    pub version: i32,
    pub name: String,
    pub qtype: String,
    pub created_at: DateTime<Utc>,
    pub is_current: bool,
}

/// An item's summary (current version, status, topic).
pub async fn item_summary(db: &impl ConnectionTrait, item_id: i64) -> AppResult<ItemSummary> {
    let row = find_item(db, item_id).await?;
    let topic = topic::Entity::find_by_id(row.topic_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("topic {} is missing", row.topic_id)))?;
    list_items(db, &topic.slug)
        .await?
        .into_iter()
        .find(|s| s.item_id == item_id)
        .ok_or_else(|| AppError::NotFound(format!("There is no item {item_id}.")))
}

/// Every version of an item, newest first; earlier versions are kept for ever.
pub async fn item_versions(
    db: &impl ConnectionTrait,
    item_id: i64,
) -> AppResult<Vec<VersionEntry>> {
    let row = find_item(db, item_id).await?;
    Ok(item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(item_id))
        .order_by_desc(item_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VersionEntry {
            is_current: row.current_version_id == Some(v.id),
            version_id: v.id,
            version: v.version,
            name: v.name,
            qtype: v.qtype,
            created_at: v.created_at,
        })
        .collect())
}

/// A module with an end-of-module quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct QuizChoice {
    pub module_slug: String,
    pub title: String,
    pub assessment_slug: String,
}

/// The modules (not retired) that have a quiz, by slug.
pub async fn quizzes(db: &impl ConnectionTrait) -> AppResult<Vec<QuizChoice>> {
    let modules = module::Entity::find()
        .filter(module::Column::Status.ne(RETIRED))
        .order_by_asc(module::Column::Slug)
        .all(db)
        .await?;
    let quizzes: HashMap<i64, assessment::Model> = assessment::Entity::find()
        .filter(assessment::Column::Kind.eq(crate::entities::Phase::Quiz))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.module_id?, a)))
        .collect();
    let titles: HashMap<i64, String> = module_version::Entity::find()
        .filter(
            module_version::Column::Id.is_in(modules.iter().filter_map(|m| m.current_version_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.title))
        .collect();
    Ok(modules
        .into_iter()
        .filter_map(|m| {
            let quiz = quizzes.get(&m.id)?;
            let title = m
                .current_version_id
                .and_then(|id| titles.get(&id).cloned())
                .unwrap_or_else(|| m.slug.clone());
            Some(QuizChoice {
                module_slug: m.slug,
                title,
                assessment_slug: quiz.slug.clone(),
            })
        })
        .collect())
}

/// The quiz of a module, or 404.
pub async fn quiz_of(db: &impl ConnectionTrait, module_slug: &str) -> AppResult<QuizChoice> {
    quizzes(db)
        .await?
        .into_iter()
        .find(|q| q.module_slug == module_slug)
        .ok_or_else(|| AppError::NotFound(format!("Module `{module_slug}` has no quiz.")))
}

/// The ids (uids) of the items an assessment draws from, in order.
pub async fn assessment_item_uids(
    db: &impl ConnectionTrait,
    assessment_slug: &str,
) -> AppResult<Vec<String>> {
    let assessment = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(assessment_slug))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("There is no assessment `{assessment_slug}`."))
        })?;
    let members = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(assessment.id))
        .order_by_asc(assessment_item::Column::Position)
        .all(db)
        .await?;
    let uids: HashMap<i64, String> = item::Entity::find()
        .filter(item::Column::Id.is_in(members.iter().map(|m| m.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.uid))
        .collect();
    Ok(members
        .iter()
        .filter_map(|m| uids.get(&m.item_id).cloned())
        .collect())
}

/// Every item that is not retired, across topics (for choosing quiz members).
pub async fn live_items(db: &impl ConnectionTrait) -> AppResult<Vec<ItemSummary>> {
    let mut out = Vec::new();
    for topic in topic_overview(db).await? {
        out.extend(
            list_items(db, &topic.slug)
                .await?
                .into_iter()
                .filter(|i| i.status != RETIRED),
        );
    }
    Ok(out)
}
