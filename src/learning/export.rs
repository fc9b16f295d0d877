//! The download of everything the service holds about a learner (their right of access): the
//! account part from `accounts::personal_data`, and here their attempts with per-topic results,
//! every response with its certainty and time, topic ratings, module progress, certificates and
//! the modules assigned to them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::assignments::assigned_to;
use super::record::{self, Record};
use crate::accounts::personal_data::{self, AccountData};
use crate::assessment::aggregates::load_attempt_topics;
use crate::csv_out::CsvOut;
use crate::entities::{
    assessment, attempt, item, item_version, job_role, module, module_progress, module_version,
    organisation, response, topic, topic_rating,
};
use crate::error::AppResult;
use crate::ids::PersonId;

/// One response, as the learner may download it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResponseExport {
    pub attempt_id: i64,
    pub phase: String,
    pub item_id: String,
    pub item_version: i32,
    pub answer: Option<String>,
    pub fraction: Option<f64>,
    pub certainty: Option<i16>,
    pub dont_know: bool,
    pub time_on_item_ms: Option<i32>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RatingExport {
    pub attempt_id: i64,
    pub topic_id: i64,
    pub topic: String,
    pub rating: i16,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ExportedTopicResult)]
pub struct TopicResult {
    pub topic: String,
    /// 0–100.
    pub knowledge: f64,
    pub items: u64,
}

/// One sitting, with the job it was taken in (reports count it there) and its results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptExport {
    pub attempt_id: i64,
    pub assessment: String,
    pub phase: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub organisation: Option<String>,
    pub job_role: Option<String>,
    pub band: Option<String>,
    pub counts_in_reports: bool,
    pub accuracy: Option<f64>,
    pub mean_cbm_mark: Option<f64>,
    pub topics: Vec<TopicResult>,
    /// When retention removed this attempt's answers (its topic results are kept).
    pub answers_removed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleExport {
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub last_page: i32,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CertificateExport {
    pub module: String,
    pub title: String,
    pub version: i32,
    pub completed_at: DateTime<Utc>,
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignedExport {
    pub module: String,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearningData {
    pub record: Record,
    pub attempts: Vec<AttemptExport>,
    pub responses: Vec<ResponseExport>,
    pub ratings: Vec<RatingExport>,
    pub modules: Vec<ModuleExport>,
    pub certificates: Vec<CertificateExport>,
    pub assigned_modules: Vec<AssignedExport>,
}

/// Everything held about one person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DataExport {
    pub exported_at: DateTime<Utc>,
    pub account: AccountData,
    pub data: LearningData,
}

pub async fn export(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<DataExport> {
    Ok(DataExport {
        exported_at: Utc::now(),
        account: personal_data::account_data(db, user_id).await?,
        data: learning_data(db, user_id).await?,
    })
}

fn names<M>(rows: Vec<M>, key: impl Fn(&M) -> (i64, String)) -> HashMap<i64, String> {
    rows.iter().map(key).collect()
}

async fn learning_data(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<LearningData> {
    let record = record::record(db, user_id).await?;
    let rows = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id.get()))
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await?;
    let topics = names(topic::Entity::find().all(db).await?, |t| {
        (t.id, t.slug.clone())
    });
    let attempts = attempt_exports(db, &rows, &topics).await?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let phases: HashMap<i64, String> = rows.iter().map(|a| (a.id, a.phase.to_string())).collect();
    let responses = response_exports(db, &ids, &phases).await?;
    let ratings = topic_rating::Entity::find()
        .filter(topic_rating::Column::AttemptId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| RatingExport {
            attempt_id: r.attempt_id,
            topic_id: r.topic_id,
            topic: topics.get(&r.topic_id).cloned().unwrap_or_default(),
            rating: r.rating,
        })
        .collect();
    let modules = module_exports(db, user_id).await?;
    let certificates = record
        .completed
        .iter()
        .map(|m| CertificateExport {
            module: m.slug.clone(),
            title: m.title.clone(),
            version: m.version,
            completed_at: m.completed_at,
            reference: m.reference.clone(),
        })
        .collect();
    let slugs = names(module::Entity::find().all(db).await?, |m| {
        (m.id, m.slug.clone())
    });
    let assigned_modules = assigned_to(db, user_id)
        .await?
        .into_iter()
        .map(|(module_id, due_on)| AssignedExport {
            module: slugs.get(&module_id).cloned().unwrap_or_default(),
            due_on,
        })
        .collect();
    Ok(LearningData {
        record,
        attempts,
        responses,
        ratings,
        modules,
        certificates,
        assigned_modules,
    })
}

async fn attempt_exports(
    db: &impl ConnectionTrait,
    rows: &[attempt::Model],
    topics: &HashMap<i64, String>,
) -> AppResult<Vec<AttemptExport>> {
    let assessments = names(assessment::Entity::find().all(db).await?, |a| {
        (a.id, a.title.clone())
    });
    let organisations = names(organisation::Entity::find().all(db).await?, |o| {
        (o.id, o.code.clone())
    });
    let roles = names(job_role::Entity::find().all(db).await?, |r| {
        (r.id, r.name.clone())
    });
    let mut out = Vec::new();
    for a in rows {
        let results = if a.submitted_at.is_some() {
            let scored = load_attempt_topics(db, a.id).await?.scored;
            scored
                .topics
                .iter()
                .map(|(id, t)| TopicResult {
                    topic: topics.get(id).cloned().unwrap_or_default(),
                    knowledge: t.knowledge,
                    items: t.responses.n_responses,
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(AttemptExport {
            attempt_id: a.id,
            assessment: assessments
                .get(&a.assessment_id)
                .cloned()
                .unwrap_or_default(),
            phase: a.phase.to_string(),
            status: a.status.as_str().to_owned(),
            started_at: a.started_at,
            submitted_at: a.submitted_at,
            organisation: a
                .organisation_id
                .and_then(|o| organisations.get(&o).cloned()),
            job_role: a.job_role_id.and_then(|r| roles.get(&r).cloned()),
            band: a.band.clone(),
            counts_in_reports: a.is_reported,
            accuracy: a.accuracy,
            mean_cbm_mark: a.cbm_mean,
            topics: results,
            answers_removed_at: a.responses_removed_at,
        });
    }
    Ok(out)
}

async fn response_exports(
    db: &impl ConnectionTrait,
    attempt_ids: &[i64],
    phases: &HashMap<i64, String>,
) -> AppResult<Vec<ResponseExport>> {
    let rows = response::Entity::find()
        .filter(response::Column::AttemptId.is_in(attempt_ids.to_vec()))
        .order_by_asc(response::Column::Id)
        .all(db)
        .await?;
    let versions: HashMap<i64, item_version::Model> = item_version::Entity::find()
        .filter(
            item_version::Column::Id
                .is_in(rows.iter().map(|r| r.item_version_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let uids = names(
        item::Entity::find()
            .filter(item::Column::Id.is_in(versions.values().map(|v| v.item_id)))
            .all(db)
            .await?,
        |i| (i.id, i.uid.clone()),
    );
    Ok(rows
        .into_iter()
        .map(|r| {
            let version = versions.get(&r.item_version_id);
            ResponseExport {
                attempt_id: r.attempt_id,
                phase: phases.get(&r.attempt_id).cloned().unwrap_or_default(),
                item_id: version
                    .and_then(|v| uids.get(&v.item_id))
                    .cloned()
                    .unwrap_or_default(),
                item_version: version.map_or(0, |v| v.version),
                answer: r.answer,
                fraction: r.fraction,
                certainty: r.certainty,
                dont_know: r.dont_know,
                time_on_item_ms: r.time_on_item_ms,
                answered_at: r.answered_at,
            }
        })
        .collect())
}

async fn module_exports(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Vec<ModuleExport>> {
    let progress = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .order_by_asc(module_progress::Column::StartedAt)
        .all(db)
        .await?;
    let slugs = names(module::Entity::find().all(db).await?, |m| {
        (m.id, m.slug.clone())
    });
    let versions: HashMap<i64, module_version::Model> = module_version::Entity::find()
        .filter(
            module_version::Column::Id.is_in(
                progress
                    .iter()
                    .map(|p| p.module_version_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(progress
        .into_iter()
        .map(|p| {
            let version = versions.get(&p.module_version_id);
            ModuleExport {
                slug: slugs.get(&p.module_id).cloned().unwrap_or_default(),
                title: version.map(|v| v.title.clone()).unwrap_or_default(),
                version: version.map_or(0, |v| v.version),
                last_page: p.last_page,
                started_at: p.started_at,
                completed_at: p.completed_at,
            }
        })
        .collect())
}

/// The learner's responses as RFC 4180 CSV.
pub fn responses_csv(export: &DataExport) -> AppResult<String> {
    let mut writer = CsvOut::new();
    writer.rows(&export.data.responses)?;
    writer.finish()
}
