//! The learner's record: history of attempts and completed modules, CPD certificates, and a
//! download of all of their own data.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::modules::{ModuleSummary, published_modules};
use crate::entities::{
    assessment, attempt, item, item_version, module, module_progress, module_version, response,
    topic_rating,
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Serialize)]
pub struct AttemptRecord {
    pub attempt_id: i64,
    pub assessment: String,
    pub phase: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accuracy: Option<f64>,
    pub counts_in_reports: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompletedModule {
    pub slug: String,
    pub title: String,
    pub minutes: i32,
    pub version: i32,
    pub completed_at: DateTime<Utc>,
    pub outcomes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub attempts: Vec<AttemptRecord>,
    pub completed: Vec<CompletedModule>,
}

async fn completed_modules(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<Vec<CompletedModule>> {
    let progress = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id))
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?;
    let mut out = Vec::new();
    for row in progress {
        let (Some(completed_at), Some(version), Some(module_row)) = (
            row.completed_at,
            module_version::Entity::find_by_id(row.module_version_id)
                .one(db)
                .await?,
            module::Entity::find_by_id(row.module_id).one(db).await?,
        ) else {
            continue;
        };
        out.push(CompletedModule {
            slug: module_row.slug,
            title: version.title,
            minutes: version.minutes,
            version: version.version,
            completed_at,
            outcomes: serde_json::from_str(&version.outcomes).unwrap_or_default(),
        });
    }
    out.sort_by_key(|m| m.completed_at);
    Ok(out)
}

pub async fn record(db: &impl ConnectionTrait, user_id: i64) -> AppResult<Record> {
    let rows = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::Status.eq("submitted"))
        .order_by_asc(attempt::Column::SubmittedAt)
        .all(db)
        .await?;
    let assessments = assessment::Entity::find().all(db).await?;
    let attempts = rows
        .into_iter()
        .map(|a| AttemptRecord {
            attempt_id: a.id,
            assessment: assessments
                .iter()
                .find(|s| s.id == a.assessment_id)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            phase: a.phase,
            submitted_at: a.submitted_at,
            accuracy: a.accuracy,
            counts_in_reports: a.is_reported,
        })
        .collect();
    Ok(Record {
        attempts,
        completed: completed_modules(db, user_id).await?,
    })
}

/// The certificate for a completed module; "not found" if the learner has not completed it.
pub async fn certificate(
    db: &impl ConnectionTrait,
    user_id: i64,
    slug: &str,
) -> AppResult<CompletedModule> {
    completed_modules(db, user_id)
        .await?
        .into_iter()
        .find(|m| m.slug == slug)
        .ok_or_else(|| AppError::NotFound("You have not completed this module yet.".into()))
}

/// One response, as the learner may download it.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseExport {
    pub attempt_id: i64,
    pub phase: String,
    pub item_id: String,
    pub item_version: i32,
    pub answer: Option<String>,
    pub fraction: Option<f64>,
    pub certainty: Option<i16>,
    pub dont_know: bool,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingExport {
    pub attempt_id: i64,
    pub topic_id: i64,
    pub rating: i16,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataExport {
    pub record: Record,
    pub responses: Vec<ResponseExport>,
    pub ratings: Vec<RatingExport>,
}

/// Everything the service holds about the learner's learning.
pub async fn export(db: &impl ConnectionTrait, user_id: i64) -> AppResult<DataExport> {
    let record = record(db, user_id).await?;
    let attempts = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let ids: Vec<i64> = attempts.iter().map(|a| a.id).collect();
    let rows = response::Entity::find()
        .filter(response::Column::AttemptId.is_in(ids.clone()))
        .order_by_asc(response::Column::Id)
        .all(db)
        .await?;
    let versions = item_version::Entity::find()
        .filter(
            item_version::Column::Id
                .is_in(rows.iter().map(|r| r.item_version_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let items = item::Entity::find()
        .filter(item::Column::Id.is_in(versions.iter().map(|v| v.item_id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let responses = rows
        .into_iter()
        .map(|r| {
            let version = versions.iter().find(|v| v.id == r.item_version_id);
            ResponseExport {
                attempt_id: r.attempt_id,
                phase: attempts
                    .iter()
                    .find(|a| a.id == r.attempt_id)
                    .map(|a| a.phase.clone())
                    .unwrap_or_default(),
                item_id: version
                    .and_then(|v| items.iter().find(|i| i.id == v.item_id))
                    .map(|i| i.uid.clone())
                    .unwrap_or_default(),
                item_version: version.map_or(0, |v| v.version),
                answer: r.answer,
                fraction: r.fraction,
                certainty: r.certainty,
                dont_know: r.dont_know,
                answered_at: r.answered_at,
            }
        })
        .collect();
    let ratings = topic_rating::Entity::find()
        .filter(topic_rating::Column::AttemptId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| RatingExport {
            attempt_id: r.attempt_id,
            topic_id: r.topic_id,
            rating: r.rating,
        })
        .collect();
    Ok(DataExport {
        record,
        responses,
        ratings,
    })
}

/// The learner's responses as RFC 4180 CSV.
pub fn responses_csv(export: &DataExport) -> AppResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in &export.responses {
        writer.serialize(row).map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// Modules available to read, for the "all modules" list.
pub async fn catalogue(db: &impl ConnectionTrait) -> AppResult<Vec<ModuleSummary>> {
    published_modules(db).await
}
