//! Items for trainers: create as draft, publish, edit (a new immutable version once anyone
//! may have answered it), retire (never delete), list by topic.

use crate::audit::action;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::check::{check_question, check_uid};
use crate::content::{PUBLISHED, RETIRED, add_item_version, stored_question, version_hash};
use crate::entities::{attempt_item, item, item_tag, item_version, response, topic};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::questions::Question;

/// A new or imported item that nobody can draw yet.
pub const DRAFT: &str = "draft";
/// Items made in the app (the content loader never retires these).
pub const ORIGIN_AUTHORED: &str = "authored";
/// Items brought in from a GIFT or Moodle XML file.
pub const ORIGIN_IMPORT: &str = "import";

/// One row of a topic's item list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ItemSummary {
    pub item_id: i64,
    pub uid: String,
    pub topic_slug: String,
    pub status: String,
    pub origin: String,
    pub version: i32,
    pub version_id: i64,
    pub qtype: String,
    pub name: String,
    /// The current version has no explanation (an imported question that lacked one): the
    /// item stays a draft until an edit adds one.
    pub needs_explanation: bool,
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum EditOutcome {
    /// The question is the same as the current version's; only tags may have changed.
    Unchanged,
    /// A never-answered draft's only version was rewritten in place.
    Replaced { version: i32 },
    /// A new immutable version was added and made current.
    NewVersion { version: i32 },
}

pub(crate) async fn find_topic(db: &impl ConnectionTrait, slug: &str) -> AppResult<topic::Model> {
    topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .filter(topic::Column::RetiredAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no topic `{slug}`.")))
}

pub(super) async fn find_item(db: &impl ConnectionTrait, item_id: i64) -> AppResult<item::Model> {
    item::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no item {item_id}.")))
}

pub(super) async fn current_version(
    db: &impl ConnectionTrait,
    item: &item::Model,
) -> AppResult<item_version::Model> {
    let id = item
        .current_version_id
        .ok_or_else(|| AppError::internal(format!("item {} has no version", item.uid)))?;
    item_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("item version {id} is missing")))
}

/// A stable id for a question that has none, from its topic and name, so importing the same
/// file twice finds the same items (and a reworded question keeps its id).
pub fn generated_uid(topic_slug: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{topic_slug}\n{name}").as_bytes());
    format!("imp-{}", &hex::encode(digest)[..12])
}

/// The question as stored for an item: its id and topic written in, source line dropped.
pub(super) fn for_item(question: &Question, uid: &str, topic_slug: &str) -> Question {
    let mut stored = stored_question(question);
    stored.id = Some(uid.to_owned());
    stored.category = Some(topic_slug.to_owned());
    stored
}

pub(super) async fn set_tags(
    db: &impl ConnectionTrait,
    item_id: i64,
    tags: &[String],
) -> AppResult<()> {
    item_tag::Entity::delete_many()
        .filter(item_tag::Column::ItemId.eq(item_id))
        .exec(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for tag in tags.iter().filter(|t| seen.insert(t.as_str())) {
        item_tag::ActiveModel {
            item_id: Set(item_id),
            tag: Set(tag.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Inserts a new item with version 1; the caller holds the transaction and has checked the
/// question and that `uid` is free.
pub(super) async fn insert_item(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    topic: &topic::Model,
    uid: &str,
    question: &Question,
    status: &str,
    origin: &str,
) -> AppResult<item::Model> {
    let now = Utc::now();
    let row = item::ActiveModel {
        uid: Set(uid.to_owned()),
        topic_id: Set(topic.id),
        status: Set(status.to_owned()),
        origin: Set(origin.to_owned()),
        current_version_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let stored = for_item(question, uid, &topic.slug);
    add_item_version(db, row.id, 1, &stored, actor.map(PersonId::get)).await?;
    set_tags(db, row.id, &stored.tags).await?;
    find_item(db, row.id).await
}

/// Creates a draft item in a topic. `uid` is the stable id (GIFT `[id:]`); without one an id
/// is made from the topic and the question's name.
#[tracing::instrument(skip(db, question))]
pub async fn create_item(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    topic_slug: &str,
    uid: Option<&str>,
    question: &Question,
) -> AppResult<ItemSummary> {
    check_question(question)?;
    let uid = match uid.or(question.id.as_deref()) {
        Some(uid) => check_uid(uid)?.to_owned(),
        None => generated_uid(topic_slug, &question.name),
    };
    let txn = crate::db::begin_write(db).await?;
    let topic = find_topic(&txn, topic_slug).await?;
    if item::Entity::find()
        .filter(item::Column::Uid.eq(&uid))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "An item with id `{uid}` already exists; choose another id."
        )));
    }
    let row = insert_item(&txn, actor, &topic, &uid, question, DRAFT, ORIGIN_AUTHORED).await?;
    let summary = summarise(&txn, &row).await?;
    super::audit_change(
        &txn,
        actor,
        action::ITEM_CREATED,
        &uid,
        json!({ "topic": topic_slug, "status": DRAFT }),
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}

/// Makes a draft drawable. Publishing twice is harmless; a retired item stays retired, and a
/// draft without an explanation stays a draft until an edit adds one.
#[tracing::instrument(skip(db))]
pub async fn publish_item(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    item_id: i64,
) -> AppResult<ItemSummary> {
    let row = find_item(db, item_id).await?;
    if row.status == RETIRED {
        return Err(AppError::Conflict(format!(
            "Item `{}` is retired and cannot be published again.",
            row.uid
        )));
    }
    if current_version(db, &row)
        .await?
        .explanation
        .trim()
        .is_empty()
    {
        return Err(AppError::Conflict(format!(
            "Item `{}` {}: edit it and add the explanation learners see after answering.",
            row.uid,
            super::import_rules::NEEDS_EXPLANATION
        )));
    }
    let row = set_status(db, row, PUBLISHED).await?;
    super::audit_change(db, actor, action::ITEM_PUBLISHED, &row.uid, json!({})).await?;
    summarise(db, &row).await
}

/// Takes an item out of every draw for good; its versions and answers stay.
#[tracing::instrument(skip(db))]
pub async fn retire_item(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    item_id: i64,
) -> AppResult<ItemSummary> {
    let row = find_item(db, item_id).await?;
    let row = set_status(db, row, RETIRED).await?;
    super::audit_change(db, actor, action::ITEM_RETIRED, &row.uid, json!({})).await?;
    summarise(db, &row).await
}

async fn set_status(
    db: &impl ConnectionTrait,
    row: item::Model,
    status: &str,
) -> AppResult<item::Model> {
    if row.status == status {
        return Ok(row);
    }
    let now = Utc::now();
    let mut active: item::ActiveModel = row.into();
    active.status = Set(status.to_owned());
    active.updated_at = Set(now);
    active.edited_at = Set(Some(now));
    Ok(active.update(db).await?)
}

/// Marks an item as changed in the app, so the content loader keeps the trainer's version.
async fn mark_edited(db: &impl ConnectionTrait, item_id: i64) -> AppResult<()> {
    let now = Utc::now();
    item::Entity::update_many()
        .col_expr(item::Column::EditedAt, Some(now).into())
        .col_expr(item::Column::UpdatedAt, now.into())
        .filter(item::Column::Id.eq(item_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether anyone was ever given this version, so it must never change.
async fn is_used(db: &impl ConnectionTrait, version_id: i64) -> AppResult<bool> {
    let drawn = attempt_item::Entity::find()
        .filter(attempt_item::Column::ItemVersionId.eq(version_id))
        .count(db)
        .await?;
    let answered = response::Entity::find()
        .filter(response::Column::ItemVersionId.eq(version_id))
        .count(db)
        .await?;
    Ok(drawn + answered > 0)
}

/// Saves `question` as the item's content; the caller holds the transaction.
pub(super) async fn save_question(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    row: &item::Model,
    topic_slug: &str,
    question: &Question,
) -> AppResult<EditOutcome> {
    let stored = for_item(question, &row.uid, topic_slug);
    set_tags(db, row.id, &stored.tags).await?;
    let current = current_version(db, row).await?;
    if current.content_hash == version_hash(&stored) {
        return Ok(EditOutcome::Unchanged);
    }
    mark_edited(db, row.id).await?;
    let versions = item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(row.id))
        .count(db)
        .await?;
    // A draft nobody has seen may be corrected in place; anything else keeps its history so
    // every response still points at the exact wording answered.
    if row.status == DRAFT && versions == 1 && !is_used(db, current.id).await? {
        let version = current.version;
        let mut active: item_version::ActiveModel = current.into();
        active.qtype = Set(stored.kind.type_name().to_owned());
        active.name = Set(stored.name.clone());
        active.body = Set(serde_json::to_string(&stored).map_err(AppError::internal)?);
        active.explanation = Set(stored.general_feedback.clone());
        active.content_hash = Set(version_hash(&stored));
        active.created_at = Set(Utc::now());
        active.created_by = Set(actor.map(PersonId::get));
        active.update(db).await?;
        return Ok(EditOutcome::Replaced { version });
    }
    let version = current.version + 1;
    add_item_version(db, row.id, version, &stored, actor.map(PersonId::get)).await?;
    Ok(EditOutcome::NewVersion { version })
}

/// Changes an item's question (wording, answers, feedback, explanation, tags).
#[tracing::instrument(skip(db, question))]
pub async fn edit_item(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    item_id: i64,
    question: &Question,
) -> AppResult<EditOutcome> {
    check_question(question)?;
    let txn = crate::db::begin_write(db).await?;
    let row = find_item(&txn, item_id).await?;
    if row.status == RETIRED {
        return Err(AppError::Conflict(format!(
            "Item `{}` is retired; create a new item instead.",
            row.uid
        )));
    }
    if question.id.as_deref().is_some_and(|id| id != row.uid) {
        return Err(AppError::Unprocessable(format!(
            "An item's id cannot change (it is `{}`).",
            row.uid
        )));
    }
    let topic = topic::Entity::find_by_id(row.topic_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal(format!("topic {} is missing", row.topic_id)))?;
    let outcome = save_question(&txn, actor, &row, &topic.slug, question).await?;
    let edited = match outcome {
        EditOutcome::Unchanged => None,
        EditOutcome::Replaced { version } => {
            Some(json!({ "version": version, "new_version": false }))
        }
        EditOutcome::NewVersion { version } => {
            Some(json!({ "version": version, "new_version": true }))
        }
    };
    if let Some(detail) = edited {
        super::audit_change(&txn, actor, action::ITEM_EDITED, &row.uid, detail).await?;
    }
    txn.commit().await?;
    Ok(outcome)
}

async fn summarise(db: &impl ConnectionTrait, row: &item::Model) -> AppResult<ItemSummary> {
    let version = current_version(db, row).await?;
    let topic_slug = topic::Entity::find_by_id(row.topic_id)
        .one(db)
        .await?
        .map(|t| t.slug)
        .unwrap_or_default();
    Ok(ItemSummary {
        item_id: row.id,
        uid: row.uid.clone(),
        topic_slug,
        status: row.status.clone(),
        origin: row.origin.clone(),
        version: version.version,
        version_id: version.id,
        needs_explanation: version.explanation.trim().is_empty(),
        qtype: version.qtype,
        name: version.name,
    })
}

/// Every item of a topic (retired ones too, so trainers can see them), by id.
pub async fn list_items(
    db: &impl ConnectionTrait,
    topic_slug: &str,
) -> AppResult<Vec<ItemSummary>> {
    let topic = find_topic(db, topic_slug).await?;
    let rows = item::Entity::find()
        .filter(item::Column::TopicId.eq(topic.id))
        .order_by_asc(item::Column::Uid)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(summarise(db, row).await?);
    }
    Ok(out)
}

/// An item's current question, for an edit form.
pub async fn current_question(db: &impl ConnectionTrait, item_id: i64) -> AppResult<Question> {
    let row = find_item(db, item_id).await?;
    let version = current_version(db, &row).await?;
    crate::assessment::bank::decode_question(&version)
}
