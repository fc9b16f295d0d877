//! The learner's record: history of attempts and completed modules, and CPD certificates.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::certificates;
use super::modules::{ModuleSummary, published_modules};
use crate::entities::{
    AttemptStatus, Phase, assessment, attempt, module, module_progress, module_version,
};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptRecord {
    pub attempt_id: i64,
    pub assessment: String,
    pub phase: Phase,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accuracy: Option<f64>,
    pub counts_in_reports: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompletedModule {
    pub slug: String,
    pub title: String,
    pub minutes: i32,
    pub version: i32,
    pub completed_at: DateTime<Utc>,
    pub outcomes: Vec<String>,
    /// The reference printed on the certificate (`GT-` and 20 random hex digits in fives of
    /// four), which anyone may check at `/certificates/check`.
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Record {
    pub attempts: Vec<AttemptRecord>,
    pub completed: Vec<CompletedModule>,
}

pub(super) async fn completed_modules(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Vec<CompletedModule>> {
    let progress = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?;
    let mut out = Vec::new();
    for row in progress {
        let reference = certificates::reference(&certificates::code_of(db, &row).await?);
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
            reference,
        });
    }
    out.sort_by_key(|m| m.completed_at);
    Ok(out)
}

pub async fn record(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<Record> {
    let rows = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id.get()))
        .filter(attempt::Column::Status.eq(AttemptStatus::Submitted))
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
    user_id: PersonId,
    slug: &str,
) -> AppResult<CompletedModule> {
    completed_modules(db, user_id)
        .await?
        .into_iter()
        .find(|m| m.slug == slug)
        .ok_or_else(|| AppError::NotFound("You have not completed this module yet.".into()))
}

/// Modules available to read, for the "all modules" list.
pub async fn catalogue(db: &impl ConnectionTrait) -> AppResult<Vec<ModuleSummary>> {
    published_modules(db).await
}
