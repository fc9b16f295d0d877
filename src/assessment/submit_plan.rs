//! A submit in two halves: [`plan_submit`] reads (scores the attempt, decides whether reports
//! count it, works out every aggregate change) and [`apply_submit`] writes. The submit plans
//! before taking the write lock and, under it, checks with [`unchanged`] that nothing the plan
//! was worked out from has changed since.

use sea_orm::sea_query::{Alias, Expr, Query, UnionType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::aggregates::{AttemptTopics, add_attempt_to_cells, load_attempt_topics};
use super::calibrated_gain::{attach_baseline, pairs, stored_pairs};
use crate::aggregates::{Increments, Period, Table, publication};
use crate::entities::{
    AttemptStatus, Phase, attempt, attempt_topic_ability, module_progress, response, topic_rating,
};
use crate::error::{AppError, AppResult};
use crate::xapi::Recording;

/// What a submit will write: the attempt as stored, the earlier attempts that stop counting,
/// and every aggregate change; with what it was worked out from, to check under the lock.
pub struct SubmitPlan {
    attempt: attempt::Model,
    unreport: Vec<i64>,
    batch: Increments,
    topics: AttemptTopics,
    read: Fingerprint,
    /// Scores on the calibrated scale, when there is a calibration.
    calibrated: Vec<attempt_topic_ability::Model>,
}

/// What a plan depends on that the learner (or a second submit) could change meanwhile.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    responses: Vec<i64>,
    ratings: Vec<(i64, i16)>,
    reported: Vec<i64>,
    completed_modules: u64,
}

/// The fingerprint as stored now, in one statement: it is read under the write lock, where
/// every statement lengthens every other writer's wait.
async fn fingerprint(
    db: &impl ConnectionTrait,
    attempt: &attempt::Model,
) -> AppResult<Fingerprint> {
    const RESPONSE: i64 = 1;
    const RATING: i64 = 2;
    const REPORTED: i64 = 3;
    const COMPLETED: i64 = 4;
    // Every column BIGINT, so that PostgreSQL's and SQLite's rows decode alike.
    let part = |kind: i64, a: Expr, b: Expr| {
        let bigint = |e: Expr| e.cast_as(Alias::new("BIGINT"));
        let mut select = Query::select();
        select
            .expr_as(bigint(Expr::cust(kind.to_string())), Alias::new("kind"))
            .expr_as(bigint(a), Alias::new("a"))
            .expr_as(bigint(b), Alias::new("b"));
        select
    };
    let zero = || Expr::cust("0");
    let mut query = part(RESPONSE, Expr::col(response::Column::Id), zero());
    query
        .from(response::Entity)
        .and_where(response::Column::AttemptId.eq(attempt.id));
    let mut ratings = part(
        RATING,
        Expr::col(topic_rating::Column::TopicId),
        Expr::col(topic_rating::Column::Rating),
    );
    ratings
        .from(topic_rating::Entity)
        .and_where(topic_rating::Column::AttemptId.eq(attempt.id));
    let mut reported = part(REPORTED, Expr::col(attempt::Column::Id), zero());
    reported
        .from(attempt::Entity)
        .cond_where(reported_condition(attempt));
    let mut completed = part(COMPLETED, Expr::cust("COUNT(*)"), zero());
    completed.from(module_progress::Entity).cond_where(
        Condition::all()
            .add(module_progress::Column::UserId.eq(attempt.user_id))
            .add(module_progress::Column::CompletedAt.is_not_null()),
    );
    query
        .union(UnionType::All, ratings)
        .union(UnionType::All, reported)
        .union(UnionType::All, completed);
    let mut stored = Fingerprint {
        responses: Vec::new(),
        ratings: Vec::new(),
        reported: Vec::new(),
        completed_modules: 0,
    };
    for row in db.query_all(&query).await? {
        let kind: i64 = row.try_get("", "kind")?;
        let a: i64 = row.try_get("", "a")?;
        let b: i64 = row.try_get("", "b")?;
        match kind {
            RESPONSE => stored.responses.push(a),
            RATING => stored
                .ratings
                .push((a, i16::try_from(b).map_err(AppError::internal)?)),
            REPORTED => stored.reported.push(a),
            COMPLETED => stored.completed_modules = u64::try_from(a).map_err(AppError::internal)?,
            other => {
                return Err(AppError::internal(format!(
                    "fingerprint row of kind {other}"
                )));
            }
        }
    }
    stored.responses.sort_unstable();
    stored.ratings.sort_unstable();
    stored.reported.sort_unstable();
    Ok(stored)
}

impl Fingerprint {
    /// What a plan was worked out from: the very responses and ratings it scored, so that a
    /// save landing while it was being worked out is seen under the lock.
    fn of_plan(
        topics: &AttemptTopics,
        reported: &[attempt::Model],
        completed_modules: u64,
    ) -> Self {
        let mut responses: Vec<i64> = topics.responses.iter().map(|r| r.id).collect();
        responses.sort_unstable();
        let mut ratings: Vec<(i64, i16)> = topics.ratings.iter().map(|(t, r)| (*t, *r)).collect();
        ratings.sort_unstable();
        Self {
            responses,
            ratings,
            reported: ids(reported),
            completed_modules,
        }
    }
}

fn ids(attempts: &[attempt::Model]) -> Vec<i64> {
    attempts.iter().map(|a| a.id).collect()
}

async fn completed_modules(db: &impl ConnectionTrait, user_id: i64) -> AppResult<u64> {
    Ok(module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id))
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .count(db)
        .await?)
}

/// The learner's other attempts of the same phase that reports count now.
async fn reported_before(
    db: &impl ConnectionTrait,
    attempt: &attempt::Model,
) -> AppResult<Vec<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(reported_condition(attempt))
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await?)
}

fn reported_condition(attempt: &attempt::Model) -> Condition {
    Condition::all()
        .add(attempt::Column::UserId.eq(attempt.user_id))
        .add(attempt::Column::Phase.eq(attempt.phase))
        .add(attempt::Column::IsReported.eq(true))
        .add(attempt::Column::Id.ne(attempt.id))
}

/// Decides whether the attempt being submitted (`submitted`, already carrying its job and
/// time) is the one reports count, scores it, and works out every aggregate it changes.
/// Reads only.
pub async fn plan_submit(
    db: &impl ConnectionTrait,
    mut submitted: attempt::Model,
    topics: AttemptTopics,
) -> AppResult<SubmitPlan> {
    // Read before the cells are worked out, so any completion after it shows under the lock.
    let completed = completed_modules(db, submitted.user_id).await?;
    let previous = reported_before(db, &submitted).await?;
    let read = Fingerprint::of_plan(&topics, &previous, completed);
    let mut batch = Increments::default();
    let mut unreport = Vec::new();
    let reported = match submitted.phase {
        // The first submitted baseline is the baseline; later ones are practice.
        Phase::Baseline => previous.is_empty(),
        // The most recent post-assessment counts: the one before stops counting.
        Phase::Post => {
            for old in previous {
                let old_topics = load_attempt_topics(db, old.id).await?;
                let old_pairs = stored_pairs(db, old.id).await?;
                add_attempt_to_cells(db, &mut batch, &old, &old_topics, &old_pairs, true).await?;
                unreport.push(old.id);
            }
            true
        }
        Phase::Quiz => false,
    };
    let summary = topics.scored.overall.summary();
    submitted.is_reported = reported;
    submitted.accuracy = summary.accuracy;
    submitted.cbm_mean = summary.mean_cbm_mark;
    let calibrated = match (submitted.phase, super::calibrated::latest_scale(db).await?) {
        (Phase::Baseline | Phase::Post, Some(scale)) => {
            let answers = super::calibrated::answers(&topics.slots, &topics.responses);
            let mut rows = super::calibrated::rows(submitted.id, &scale, &answers);
            attach_baseline(db, &submitted, &scale, &mut rows).await?;
            rows
        }
        _ => Vec::new(),
    };
    if reported {
        let pairs = pairs(&calibrated);
        add_attempt_to_cells(db, &mut batch, &submitted, &topics, &pairs, false).await?;
        if !unreport.is_empty() {
            // A retaken post-assessment is not a new learner: it must never count towards a
            // release, or one person retaking it 8 times would be published alone (issue 16).
            // It rides along, inside the batch, with the next release of new learners.
            publication::hold_back(&mut batch)?;
        }
        if submitted.phase == Phase::Baseline {
            super::item_stats::add(&mut batch, &submitted, &topics)?;
        }
    }
    Ok(SubmitPlan {
        attempt: submitted,
        unreport,
        batch,
        topics,
        read,
        calibrated,
    })
}

/// Whether everything `plan` was worked out from is still as it was.
pub async fn unchanged(db: &impl ConnectionTrait, plan: &SubmitPlan) -> AppResult<bool> {
    Ok(fingerprint(db, &plan.attempt).await? == plan.read)
}

/// Writes a plan: marks the attempt submitted (only if it is still open: `None` when another
/// request got there first), applies every aggregate change, and queues the attempt's xAPI
/// statements (when `xapi` is on). Gives back the attempt as stored with its scored topics.
///
/// The additions every submit of the assessment shares ([`Table::SHARED_BY_ASSESSMENT`]) are
/// added to `shared` for the caller to write last, before its commit: on PostgreSQL other
/// submits wait on those rows' locks for one statement and the commit, not the whole submit,
/// and a group of SQLite submits writes them once for all.
pub async fn apply_submit(
    db: &impl ConnectionTrait,
    plan: SubmitPlan,
    xapi: Option<Recording<'_>>,
    shared: &mut Increments,
) -> AppResult<Option<(attempt::Model, AttemptTopics)>> {
    let SubmitPlan {
        attempt: a,
        unreport,
        mut batch,
        topics,
        calibrated,
        ..
    } = plan;
    let flipped = attempt::Entity::update_many()
        .col_expr(attempt::Column::Status, a.status.into())
        .col_expr(attempt::Column::SubmittedAt, a.submitted_at.into())
        .col_expr(attempt::Column::OrganisationId, a.organisation_id.into())
        .col_expr(attempt::Column::JobRoleId, a.job_role_id.into())
        .col_expr(attempt::Column::StaffGroupId, a.staff_group_id.into())
        .col_expr(attempt::Column::Band, a.band.clone().into())
        .col_expr(attempt::Column::TeamId, a.team_id.into())
        .col_expr(attempt::Column::IsReported, a.is_reported.into())
        .col_expr(attempt::Column::Accuracy, a.accuracy.into())
        .col_expr(attempt::Column::CbmMean, a.cbm_mean.into())
        .filter(attempt::Column::Id.eq(a.id))
        .filter(attempt::Column::Status.eq(AttemptStatus::InProgress))
        .exec(db)
        .await?;
    if flipped.rows_affected == 0 {
        return Ok(None);
    }
    if !unreport.is_empty() {
        attempt::Entity::update_many()
            .col_expr(attempt::Column::IsReported, false.into())
            .filter(attempt::Column::Id.is_in(unreport))
            .exec(db)
            .await?;
    }
    // Calibrated scores are written only here, for an attempt just flipped from open, so
    // without a calibration there is nothing of this attempt's to replace.
    if !calibrated.is_empty() {
        super::calibrated::write(db, a.id, calibrated).await?;
    }
    shared.merge(batch.split_off(&Table::SHARED_BY_ASSESSMENT));
    let touched = batch.keys(Table::ReportPending);
    batch.write(db).await?;
    if let Some(submitted) = a.submitted_at {
        publication::release_due(db, &touched, Period::of(submitted)).await?;
    }
    let module = if a.phase == Phase::Quiz {
        super::completion::complete_module_if_passed(db, &a, &topics).await?
    } else {
        None
    };
    super::xapi_sitting::record(db, xapi, &a, &topics, module).await?;
    crate::lti::scores::queue_for_attempt(db, &a).await?;
    Ok(Some((a, topics)))
}
