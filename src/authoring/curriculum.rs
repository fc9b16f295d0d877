//! How assessments are built: the baseline blueprint (items per topic), which items an
//! assessment draws from, and modules whose review-by date has passed.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::Serialize;

use crate::content::RETIRED;
use crate::entities::{assessment, assessment_item, blueprint_topic, item, module, module_version};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// The most items one topic may contribute to an attempt (as `content check` allows).
pub const MAX_ITEMS_PER_TOPIC: i32 = 20;

/// The assessments that share the blueprint: the post-assessment is a parallel form.
const BLUEPRINT_ASSESSMENTS: [&str; 2] = ["baseline", "post"];

/// One topic's line of the blueprint.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BlueprintRow {
    pub topic_slug: String,
    pub topic_name: String,
    pub item_count: i32,
}

async fn find_assessment(db: &impl ConnectionTrait, slug: &str) -> AppResult<assessment::Model> {
    assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no assessment `{slug}`.")))
}

/// The baseline blueprint in topic order (topics it does not draw from show 0).
pub async fn blueprint(db: &impl ConnectionTrait) -> AppResult<Vec<BlueprintRow>> {
    let baseline = find_assessment(db, "baseline").await?;
    let counts: HashMap<i64, i32> = blueprint_topic::Entity::find()
        .filter(blueprint_topic::Column::AssessmentId.eq(baseline.id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.topic_id, b.item_count))
        .collect();
    Ok(super::topics::live_topics(db)
        .await?
        .into_iter()
        .map(|t| BlueprintRow {
            item_count: counts.get(&t.id).copied().unwrap_or(0),
            topic_slug: t.slug,
            topic_name: t.name,
        })
        .collect())
}

/// Sets how many items each named topic contributes to the baseline and post-assessment;
/// 0 leaves a topic out. Topics not named keep their count.
#[tracing::instrument(skip(db))]
pub async fn set_blueprint(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    counts: &[(String, i32)],
) -> AppResult<Vec<BlueprintRow>> {
    if let Some((slug, count)) = counts
        .iter()
        .find(|(_, c)| !(0..=MAX_ITEMS_PER_TOPIC).contains(c))
    {
        return Err(AppError::Unprocessable(format!(
            "Topic `{slug}`: {count} items is not allowed; use 0 to {MAX_ITEMS_PER_TOPIC}."
        )));
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let mut topics = Vec::with_capacity(counts.len());
    for (slug, count) in counts {
        topics.push((super::items::find_topic(&txn, slug).await?, *count));
    }
    for slug in BLUEPRINT_ASSESSMENTS {
        let assessment = find_assessment(&txn, slug).await?;
        for (topic, count) in &topics {
            // A topic set to 0 keeps its row (drawing 0 items), so that the edit, like any
            // other, survives the content loader at the next start.
            blueprint_topic::Entity::insert(blueprint_topic::ActiveModel {
                assessment_id: Set(assessment.id),
                topic_id: Set(topic.id),
                item_count: Set(*count),
                position: Set(topic.position),
                edited_at: Set(Some(now)),
            })
            .on_conflict(
                OnConflict::columns([
                    blueprint_topic::Column::AssessmentId,
                    blueprint_topic::Column::TopicId,
                ])
                .update_columns([
                    blueprint_topic::Column::ItemCount,
                    blueprint_topic::Column::EditedAt,
                ])
                .to_owned(),
            )
            .exec(&txn)
            .await?;
        }
    }
    let rows = blueprint(&txn).await?;
    let detail = serde_json::json!({
        "items_per_topic": counts
            .iter()
            .map(|(slug, n)| (slug.clone(), serde_json::json!(n)))
            .collect::<serde_json::Map<_, _>>(),
    });
    super::audit_change(
        &txn,
        actor,
        crate::audit::action::BLUEPRINT_CHANGED,
        "baseline",
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(rows)
}

/// Replaces the items an assessment draws from (a module quiz's questions, or the baseline
/// and post-assessment bank), by item id, in the order given. Retired items are refused;
/// drafts may be added and are drawn once published.
#[tracing::instrument(skip(db))]
pub async fn set_assessment_items(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    assessment_slug: &str,
    uids: &[String],
) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let assessment = find_assessment(&txn, assessment_slug).await?;
    let items: HashMap<String, item::Model> = item::Entity::find()
        .filter(item::Column::Uid.is_in(uids.iter().cloned()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.uid.clone(), i))
        .collect();
    let mut ids = Vec::with_capacity(uids.len());
    for uid in uids {
        match items.get(uid) {
            None => {
                return Err(AppError::Unprocessable(format!(
                    "There is no item `{uid}`."
                )));
            }
            Some(i) if i.status == RETIRED => {
                return Err(AppError::Unprocessable(format!(
                    "Item `{uid}` is retired and cannot be drawn."
                )));
            }
            Some(i) if !ids.contains(&i.id) => ids.push(i.id),
            Some(_) => {}
        }
    }
    assessment_item::Entity::delete_many()
        .filter(assessment_item::Column::AssessmentId.eq(assessment.id))
        .exec(&txn)
        .await?;
    assessment::Entity::update_many()
        .col_expr(assessment::Column::EditedAt, Some(Utc::now()).into())
        .filter(assessment::Column::Id.eq(assessment.id))
        .exec(&txn)
        .await?;
    for (position, item_id) in ids.iter().enumerate() {
        assessment_item::Entity::insert(assessment_item::ActiveModel {
            assessment_id: Set(assessment.id),
            item_id: Set(*item_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        })
        .exec(&txn)
        .await?;
    }
    super::audit_change(
        &txn,
        actor,
        crate::audit::action::ASSESSMENT_ITEMS_CHANGED,
        assessment_slug,
        serde_json::json!({ "items": uids }),
    )
    .await?;
    txn.commit().await?;
    Ok(ids.len())
}

/// Replaces a module quiz's questions.
pub async fn set_quiz_items(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    module_slug: &str,
    uids: &[String],
) -> AppResult<usize> {
    let module = module::Entity::find()
        .filter(module::Column::Slug.eq(module_slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no module `{module_slug}`.")))?;
    let quiz = assessment::Entity::find()
        .filter(assessment::Column::ModuleId.eq(module.id))
        .filter(assessment::Column::Kind.eq(crate::entities::Phase::Quiz))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Module `{module_slug}` has no quiz.")))?;
    set_assessment_items(db, actor, &quiz.slug, uids).await
}

/// A module whose content is due for review.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewDue {
    pub module_slug: String,
    pub title: String,
    pub review_by: NaiveDate,
    pub days_overdue: i64,
}

/// Modules (not retired) whose current version's review-by date is before `today`, most
/// overdue first.
pub async fn review_due(db: &impl ConnectionTrait, today: NaiveDate) -> AppResult<Vec<ReviewDue>> {
    let modules = module::Entity::find()
        .filter(module::Column::Status.ne(RETIRED))
        .all(db)
        .await?;
    let version_ids: Vec<i64> = modules
        .iter()
        .filter_map(|m| m.current_version_id)
        .collect();
    let versions: HashMap<i64, module_version::Model> = module_version::Entity::find()
        .filter(module_version::Column::Id.is_in(version_ids))
        .filter(module_version::Column::ReviewBy.lt(today))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut due: Vec<ReviewDue> = modules
        .iter()
        .filter_map(|m| {
            let v = versions.get(&m.current_version_id?)?;
            Some(ReviewDue {
                module_slug: m.slug.clone(),
                title: v.title.clone(),
                review_by: v.review_by,
                days_overdue: (today - v.review_by).num_days(),
            })
        })
        .collect();
    due.sort_by(|a, b| {
        a.review_by
            .cmp(&b.review_by)
            .then(a.module_slug.cmp(&b.module_slug))
    });
    Ok(due)
}
