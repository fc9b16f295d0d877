//! Module completion: a module is complete when its quiz meets the pass mark; the topics it
//! covers then count as done in the learner's baseline report cell.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};

use super::aggregates::{AttemptTopics, load_attempt_topics};
use crate::aggregates::{CellDelta, CellKey, Increments, Period, add_cell};
use crate::entities::{
    Phase, assessment, attempt, module, module_progress, module_topic, role_target,
};
use crate::error::AppResult;
use crate::ids::PersonId;

/// Topics covered by modules the learner has completed (at the version they completed).
pub async fn completed_topics(db: &impl ConnectionTrait, user_id: i64) -> AppResult<HashSet<i64>> {
    let query = Query::select()
        .column((module_topic::Entity, module_topic::Column::TopicId))
        .from(module_topic::Entity)
        .inner_join(
            module_progress::Entity,
            Expr::col((
                module_progress::Entity,
                module_progress::Column::ModuleVersionId,
            ))
            .equals((module_topic::Entity, module_topic::Column::ModuleVersionId)),
        )
        .and_where(
            Expr::col((module_progress::Entity, module_progress::Column::UserId)).eq(user_id),
        )
        .and_where(
            Expr::col((
                module_progress::Entity,
                module_progress::Column::CompletedAt,
            ))
            .is_not_null(),
        )
        .take();
    let mut topics = HashSet::new();
    for row in db.query_all(&query).await? {
        topics.insert(row.try_get::<i64>("", "topic_id")?);
    }
    Ok(topics)
}

/// Topics the learner's reported baseline showed at or above their role's target.
pub async fn tested_out_topics(
    db: &impl ConnectionTrait,
    baseline: &attempt::Model,
) -> AppResult<HashSet<i64>> {
    let Some(job_role_id) = baseline.job_role_id else {
        return Ok(HashSet::new());
    };
    let topics = load_attempt_topics(db, baseline.id).await?;
    // FOR SHARE, as at submit (`super::aggregates`): a target change waits for this write.
    let targets = role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job_role_id))
        .lock_shared()
        .all(db)
        .await?;
    Ok(targets
        .into_iter()
        .filter(|t| {
            topics
                .scored
                .topics
                .get(&t.topic_id)
                .is_some_and(|s| s.knowledge >= f64::from(t.required_level))
        })
        .map(|t| t.topic_id)
        .collect())
}

pub async fn reported_baseline(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Option<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id.get()))
        .filter(attempt::Column::Phase.eq(Phase::Baseline))
        .filter(attempt::Column::IsReported.eq(true))
        .one(db)
        .await?)
}

/// How a module quiz went for its module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleResult {
    pub module: module::Model,
    pub passed: bool,
    /// Whether this quiz completed the module (and gave it its certificate).
    pub newly_completed: bool,
}

/// Marks the quiz's module complete when the score meets its pass mark, and counts the newly
/// done topics in the learner's baseline cells. `None` for a quiz of no module.
pub async fn complete_module_if_passed(
    db: &impl ConnectionTrait,
    quiz: &attempt::Model,
    topics: &AttemptTopics,
) -> AppResult<Option<ModuleResult>> {
    let Some(assessment) = assessment::Entity::find_by_id(quiz.assessment_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(module_id) = assessment.module_id else {
        return Ok(None);
    };
    let Some(module_row) = module::Entity::find_by_id(module_id).one(db).await? else {
        return Ok(None);
    };
    let score = 100.0 * topics.scored.overall.summary().accuracy.unwrap_or(0.0);
    let passed = score + 1e-9 >= f64::from(assessment.pass_mark.unwrap_or(0));
    let mut result = ModuleResult {
        module: module_row,
        passed,
        newly_completed: false,
    };
    if passed {
        result.newly_completed = complete_module(db, quiz, &result.module).await?;
    }
    Ok(Some(result))
}

/// Completes the passed quiz's module unless it already is; true if this quiz completed it.
async fn complete_module(
    db: &impl ConnectionTrait,
    quiz: &attempt::Model,
    module_row: &module::Model,
) -> AppResult<bool> {
    let module_id = module_row.id;
    // Read before this module can count as done, so its own topics are not in it.
    let done_before = completed_topics(db, quiz.user_id).await?;
    // The quiz's own time, so a completion is dated by the sitting that earned it.
    let now = quiz.submitted_at.unwrap_or_else(Utc::now);
    // Opening a page of the module inserts the same row without taking the learner's lock, so
    // the row is made if missing and then completed only if it is not yet: whichever writer
    // comes second waits for the first and changes nothing, rather than failing on the key.
    module_progress::Entity::insert(module_progress::ActiveModel {
        user_id: Set(quiz.user_id),
        module_id: Set(module_id),
        module_version_id: Set(module_row.current_version_id.unwrap_or_default()),
        last_page: Set(0),
        started_at: Set(now),
        completed_at: Set(None),
        completing_attempt_id: Set(None),
        certificate_code: Set(None),
    })
    .on_conflict(
        OnConflict::columns([
            module_progress::Column::UserId,
            module_progress::Column::ModuleId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let completed = module_progress::Entity::update_many()
        .col_expr(module_progress::Column::CompletedAt, Some(now).into())
        .col_expr(
            module_progress::Column::CompletingAttemptId,
            Some(quiz.id).into(),
        )
        .col_expr(
            module_progress::Column::CertificateCode,
            Some(crate::learning::certificates::new_code()).into(),
        )
        .filter(module_progress::Column::UserId.eq(quiz.user_id))
        .filter(module_progress::Column::ModuleId.eq(module_id))
        .filter(module_progress::Column::CompletedAt.is_null())
        .exec(db)
        .await?;
    // Only the writer that completed the row counts its topics, so they are counted once.
    if completed.rows_affected == 0 {
        return Ok(false);
    }
    let Some(progress) = module_progress::Entity::find_by_id((quiz.user_id, module_id))
        .one(db)
        .await?
    else {
        return Ok(true);
    };
    let version_id = progress.module_version_id;
    let Some(baseline) = reported_baseline(db, quiz.user_id.into()).await? else {
        return Ok(true);
    };
    let (Some(organisation_id), Some(job_role_id), Some(submitted_at)) = (
        baseline.organisation_id,
        baseline.job_role_id,
        baseline.submitted_at,
    ) else {
        return Ok(true);
    };
    let tested_out = tested_out_topics(db, &baseline).await?;
    let baseline_topics: HashSet<i64> = load_attempt_topics(db, baseline.id)
        .await?
        .scored
        .topics
        .keys()
        .copied()
        .collect();
    let mut batch = Increments::default();
    let module_topics = module_topic::Entity::find()
        .filter(module_topic::Column::ModuleVersionId.eq(version_id))
        .order_by_asc(module_topic::Column::TopicId)
        .all(db)
        .await?;
    for topic in module_topics {
        let topic_id = topic.topic_id;
        if !baseline_topics.contains(&topic_id)
            || tested_out.contains(&topic_id)
            || done_before.contains(&topic_id)
        {
            continue;
        }
        let key = CellKey {
            organisation_id,
            job_role_id,
            band: baseline.band.clone().unwrap_or_default(),
            topic_id,
            phase: Phase::Baseline,
            team_id: baseline.team_id.unwrap_or(0),
            period: Period::of(submitted_at),
        };
        add_cell(&mut batch, &key, &CellDelta::completion())?;
    }
    batch.write(db).await?;
    Ok(true)
}
