//! Items: a new immutable version when a question changes; retired, never deleted, when removed.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::*;
use crate::entities::{item, item_tag, item_version};
use crate::questions::Question;

pub(super) async fn sync_tags(
    db: &impl ConnectionTrait,
    item_id: i64,
    tags: &[String],
) -> Result<(), DbErr> {
    let current: HashSet<String> = item_tag::Entity::find()
        .filter(item_tag::Column::ItemId.eq(item_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    let wanted: HashSet<String> = tags.iter().cloned().collect();
    for tag in current.difference(&wanted) {
        item_tag::Entity::delete_many()
            .filter(item_tag::Column::ItemId.eq(item_id))
            .filter(item_tag::Column::Tag.eq(tag.as_str()))
            .exec(db)
            .await?;
    }
    for tag in wanted.difference(&current) {
        item_tag::ActiveModel {
            item_id: Set(item_id),
            tag: Set(tag.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Adds a new immutable version of an item and makes it current.
pub async fn add_item_version(
    db: &impl ConnectionTrait,
    item_id: i64,
    version: i32,
    question: &Question,
    created_by: Option<i64>,
) -> Result<item_version::Model, DbErr> {
    let stored = stored_question(question);
    let row = item_version::ActiveModel {
        item_id: Set(item_id),
        version: Set(version),
        qtype: Set(stored.kind.type_name().to_owned()),
        name: Set(stored.name.clone()),
        body: Set(serde_json::to_string(&stored).unwrap_or_default()),
        explanation: Set(stored.general_feedback.clone()),
        content_hash: Set(version_hash(&stored)),
        created_at: Set(Utc::now()),
        created_by: Set(created_by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    item::Entity::update_many()
        .col_expr(item::Column::CurrentVersionId, row.id.into())
        .col_expr(item::Column::UpdatedAt, Utc::now().into())
        .filter(item::Column::Id.eq(item_id))
        .exec(db)
        .await?;
    Ok(row)
}

pub(super) async fn load_items(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<HashMap<String, i64>, DbErr> {
    let existing: HashMap<String, item::Model> = item::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.uid.clone(), i))
        .collect();
    let mut ids = HashMap::new();
    for def in &tree.items {
        let (Some(uid), Some(topic_id)) = (def.uid(), def.topic().and_then(|t| topics.get(t)))
        else {
            continue;
        };
        let now = Utc::now();
        let hash = version_hash(&def.question);
        let item_id = match existing.get(uid) {
            Some(row) => {
                let current = match row.current_version_id {
                    Some(id) => item_version::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                let changed = current.as_ref().is_none_or(|v| v.content_hash != hash);
                if row.edited_at.is_some() {
                    // A trainer's edit, publish or retire in the app stands over the file.
                    summary.app_edits_kept += usize::from(changed);
                    ids.insert(uid.to_owned(), row.id);
                    continue;
                }
                if changed {
                    let next = current.map_or(1, |v| v.version + 1);
                    add_item_version(db, row.id, next, &def.question, None).await?;
                    summary.item_versions_created += 1;
                }
                if row.topic_id != *topic_id || row.status != PUBLISHED {
                    item::Entity::update_many()
                        .col_expr(item::Column::TopicId, (*topic_id).into())
                        .col_expr(item::Column::Status, PUBLISHED.into())
                        .col_expr(item::Column::UpdatedAt, now.into())
                        .filter(item::Column::Id.eq(row.id))
                        .exec(db)
                        .await?;
                }
                row.id
            }
            None => {
                let row = item::ActiveModel {
                    uid: Set(uid.to_owned()),
                    topic_id: Set(*topic_id),
                    status: Set(PUBLISHED.into()),
                    origin: Set(ORIGIN_CONTENT.into()),
                    current_version_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                add_item_version(db, row.id, 1, &def.question, None).await?;
                summary.items_created += 1;
                summary.item_versions_created += 1;
                row.id
            }
        };
        sync_tags(db, item_id, &def.question.tags).await?;
        ids.insert(uid.to_owned(), item_id);
    }
    for (uid, row) in &existing {
        if row.origin == ORIGIN_CONTENT
            && row.status != RETIRED
            && row.edited_at.is_none()
            && !ids.contains_key(uid)
        {
            item::Entity::update_many()
                .col_expr(item::Column::Status, RETIRED.into())
                .col_expr(item::Column::UpdatedAt, Utc::now().into())
                .filter(item::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            summary.items_retired += 1;
        }
    }
    Ok(ids)
}
