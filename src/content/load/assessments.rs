//! The baseline, post-assessment and module quizzes: pools and blueprints.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::super::tree::*;
use super::*;
use crate::entities::{Phase, assessment, assessment_item, blueprint_topic, item};

/// Makes sure an assessment exists with exactly this pool of items; true if anything changed.
pub(super) async fn sync_assessment(
    db: &impl ConnectionTrait,
    slug: &str,
    kind: Phase,
    title: &str,
    module_id: Option<i64>,
    pass_mark: Option<i32>,
    pool: &[i64],
) -> Result<(i64, bool), DbErr> {
    let mut changed = false;
    let row = match assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(slug))
        .one(db)
        .await?
    {
        // Trainers chose this pool (or renamed the module) in the app: theirs stands.
        Some(row) if row.edited_at.is_some() => return Ok((row.id, false)),
        Some(row)
            if row.title == title && row.pass_mark == pass_mark && row.module_id == module_id =>
        {
            row
        }
        Some(row) => {
            changed = true;
            let mut active: assessment::ActiveModel = row.into();
            active.title = Set(title.to_owned());
            active.pass_mark = Set(pass_mark);
            active.module_id = Set(module_id);
            active.update(db).await?
        }
        None => {
            changed = true;
            assessment::ActiveModel {
                slug: Set(slug.to_owned()),
                kind: Set(kind),
                title: Set(title.to_owned()),
                module_id: Set(module_id),
                pass_mark: Set(pass_mark),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let current: HashSet<i64> = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.item_id)
        .collect();
    let wanted: HashSet<i64> = pool.iter().copied().collect();
    let gone: Vec<i64> = current.difference(&wanted).copied().collect();
    // Only items from the files leave with the files: items trainers authored or imported
    // were added to the pool in the app and stay there.
    let stale: Vec<i64> = if gone.is_empty() {
        gone
    } else {
        item::Entity::find()
            .filter(item::Column::Id.is_in(gone))
            .filter(item::Column::Origin.eq(ORIGIN_CONTENT))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect()
    };
    if !stale.is_empty() {
        changed = true;
        assessment_item::Entity::delete_many()
            .filter(assessment_item::Column::AssessmentId.eq(row.id))
            .filter(assessment_item::Column::ItemId.is_in(stale))
            .exec(db)
            .await?;
    }
    for (position, item_id) in pool.iter().enumerate() {
        if !current.contains(item_id) {
            changed = true;
            assessment_item::ActiveModel {
                assessment_id: Set(row.id),
                item_id: Set(*item_id),
                position: Set(position as i32),
            }
            .insert(db)
            .await?;
        }
    }
    Ok((row.id, changed))
}

pub(super) async fn sync_blueprint(
    db: &impl ConnectionTrait,
    assessment_id: i64,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
) -> Result<bool, DbErr> {
    let existing: HashMap<i64, blueprint_topic::Model> = blueprint_topic::Entity::find()
        .filter(blueprint_topic::Column::AssessmentId.eq(assessment_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.topic_id, b))
        .collect();
    let count = tree.blueprint.items_per_topic as i32;
    let mut changed = false;
    for (position, def) in tree.topics.iter().enumerate() {
        let Some(&topic_id) = topics.get(&def.slug) else {
            continue;
        };
        let position = position as i32;
        if existing.get(&topic_id).is_some_and(|b| {
            b.edited_at.is_some() || (b.item_count == count && b.position == position)
        }) {
            continue;
        }
        changed = true;
        blueprint_topic::Entity::insert(blueprint_topic::ActiveModel {
            assessment_id: Set(assessment_id),
            topic_id: Set(topic_id),
            item_count: Set(count),
            position: Set(position),
            edited_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([
                blueprint_topic::Column::AssessmentId,
                blueprint_topic::Column::TopicId,
            ])
            .update_columns([
                blueprint_topic::Column::ItemCount,
                blueprint_topic::Column::Position,
            ])
            .to_owned(),
        )
        .exec(db)
        .await?;
    }
    let stale: Vec<i64> = existing
        .keys()
        .filter(|id| !topics.values().any(|t| t == *id))
        .copied()
        .collect();
    if !stale.is_empty() {
        changed = true;
        blueprint_topic::Entity::delete_many()
            .filter(blueprint_topic::Column::AssessmentId.eq(assessment_id))
            .filter(blueprint_topic::Column::TopicId.is_in(stale))
            .exec(db)
            .await?;
    }
    Ok(changed)
}

pub(super) async fn load_assessments(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    modules: &HashMap<String, (i64, i64)>,
    items: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<(), DbErr> {
    let pool_for = |tag: &str| -> Vec<i64> {
        tree.items
            .iter()
            .filter(|item| item.has_tag(tag))
            .filter_map(|item| item.uid().and_then(|uid| items.get(uid)).copied())
            .collect()
    };
    let baseline_pool = pool_for(BASELINE_TAG);
    for (slug, kind, title) in [
        ("baseline", Phase::Baseline, "Genomics baseline"),
        ("post", Phase::Post, "Genomics post-assessment"),
    ] {
        let (id, changed) =
            sync_assessment(db, slug, kind, title, None, None, &baseline_pool).await?;
        let blueprint_changed = sync_blueprint(db, id, tree, topics).await?;
        summary.assessments_changed += usize::from(changed || blueprint_changed);
    }
    for def in &tree.modules {
        let Some(&(module_id, _)) = modules.get(&def.slug) else {
            continue;
        };
        let tag = quiz_tag(&def.slug);
        let title = format!("Quiz: {}", def.title);
        let (_, changed) = sync_assessment(
            db,
            &tag,
            Phase::Quiz,
            &title,
            Some(module_id),
            Some(def.pass_mark as i32),
            &pool_for(&tag),
        )
        .await?;
        summary.assessments_changed += usize::from(changed);
    }
    Ok(())
}
