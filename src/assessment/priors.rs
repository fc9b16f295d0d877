//! The decision priors of each job role and staff group (docs/measurement.md, "What a
//! learner's role tells us"): fitted by [`crate::measures::prior::fit`] to the topic scores of
//! first baselines (from the responses the calibration reads, or the topic sums kept when
//! retention removed them), stored with each calibration run, and read by the plan, the result and the
//! adaptive baseline for the learner's role.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::entities::{Phase, attempt, attempt_topic_score, calibration_run, decision_prior};
use crate::error::AppResult;
use crate::measures::ResponseSums;
use crate::measures::prior::{self, Prior};

const JOB_ROLE: &str = "job_role";
const STAFF_GROUP: &str = "staff_group";

/// A role's prior for each topic, falling back to its staff group's, then to the uniform one.
#[derive(Debug, Clone, Default)]
pub struct RolePriors(HashMap<i64, Prior>);

impl RolePriors {
    pub fn topic(&self, topic_id: i64) -> Prior {
        self.0.get(&topic_id).copied().unwrap_or(Prior::UNIFORM)
    }
}

/// The priors the latest calibration run holds for a learner in `job` (job role, staff
/// group): uniform for every topic without a job, a run, or enough learners. One query.
pub async fn for_role(db: &impl ConnectionTrait, job: Option<(i64, i64)>) -> AppResult<RolePriors> {
    let Some((role_id, group_id)) = job else {
        return Ok(RolePriors::default());
    };
    let latest_run = Query::select()
        .expr(Expr::col(calibration_run::Column::Id).max())
        .from(calibration_run::Entity)
        .take();
    let rows = decision_prior::Entity::find()
        .filter(decision_prior::Column::CalibrationRunId.in_subquery(latest_run))
        .filter(
            (decision_prior::Column::Scope
                .eq(JOB_ROLE)
                .and(decision_prior::Column::ScopeId.eq(role_id)))
            .or(decision_prior::Column::Scope
                .eq(STAFF_GROUP)
                .and(decision_prior::Column::ScopeId.eq(group_id))),
        )
        .all(db)
        .await?;
    let mut priors = HashMap::new();
    // The staff group's first, so the role's own replaces it where it has one.
    for row in rows.iter().filter(|r| r.scope == STAFF_GROUP) {
        priors.insert(row.topic_id, stored(row));
    }
    for row in rows.iter().filter(|r| r.scope == JOB_ROLE) {
        priors.insert(row.topic_id, stored(row));
    }
    Ok(RolePriors(priors))
}

fn stored(row: &decision_prior::Model) -> Prior {
    Prior {
        alpha: row.alpha,
        beta: row.beta,
    }
}

/// (job role, staff group, topic, items, score, learners) of first baselines' kept topic sums.
type TopicScoreRow = (i64, i64, i64, i64, f64, i64);

/// (job role, staff group, topic, items, score in thousandths): learners alike for the fit.
type ScoreKey = (i64, i64, i64, i64, i64);

/// One first-baseline response as the calibration reads it: attempt, item version, "I don't
/// know", certainty, fraction.
pub type ResponseRow = (i64, i64, bool, Option<i16>, Option<f64>);

fn attempt_of_score() -> RelationDef {
    attempt_topic_score::Entity::belongs_to(attempt::Entity)
        .from(attempt_topic_score::Column::AttemptId)
        .to(attempt::Column::Id)
        .into()
}

/// The first baselines of people with a job role: attempt → (job role, staff group).
fn first_baselines() -> sea_orm::Select<attempt::Entity> {
    attempt::Entity::find()
        .filter(attempt::Column::Phase.eq(Phase::Baseline))
        .filter(attempt::Column::IsReported.eq(true))
        .filter(attempt::Column::JobRoleId.is_not_null())
        .filter(attempt::Column::StaffGroupId.is_not_null())
}

/// Each first baseline's topic scores from `responses` (items, and the score the result gives
/// them: [`super::scoring::answer_of`]), by (job role, staff group, topic), with how many learners had each.
async fn from_responses(
    db: &impl ConnectionTrait,
    responses: &[ResponseRow],
    topic_of: &HashMap<i64, i64>,
) -> AppResult<Vec<TopicScoreRow>> {
    let jobs: HashMap<i64, (i64, i64)> = first_baselines()
        .filter(attempt::Column::ResponsesRemovedAt.is_null())
        .select_only()
        .column(attempt::Column::Id)
        .column(attempt::Column::JobRoleId)
        .column(attempt::Column::StaffGroupId)
        .into_tuple::<(i64, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, role, group)| (id, (role, group)))
        .collect();
    let mut per_attempt: HashMap<(i64, i64), (i64, f64)> = HashMap::new();
    for &(attempt_id, version, dont_know, certainty, fraction) in responses {
        let (Some(topic), true) = (topic_of.get(&version), jobs.contains_key(&attempt_id)) else {
            continue;
        };
        let answer = super::scoring::answer_of(dont_know, certainty, fraction);
        let score = ResponseSums::from_answer(&answer).sum_fraction_answered;
        let entry = per_attempt.entry((attempt_id, *topic)).or_default();
        entry.0 += 1;
        entry.1 += score;
    }
    // Learners with the same role, topic and score add up (the score to a thousandth, as the
    // fit reads it).
    let mut grouped: HashMap<ScoreKey, (f64, i64)> = HashMap::new();
    for ((attempt_id, topic), (n, sum)) in per_attempt {
        let (role, group) = jobs[&attempt_id];
        let key = (role, group, topic, n, (sum * 1000.0).round() as i64);
        let entry = grouped.entry(key).or_insert((sum, 0));
        entry.1 += 1;
    }
    Ok(grouped
        .into_iter()
        .map(|((role, group, topic, n, _), (sum, learners))| (role, group, topic, n, sum, learners))
        .collect())
}

/// Fits every job role's and staff group's prior for each topic from first baselines (their
/// `responses`, with each item version's topic in `topic_of`, and the kept topic sums of those
/// whose responses retention removed) and writes those with enough learners under `run_id`.
/// Returns how many were written.
pub async fn fit_and_store(
    db: &impl ConnectionTrait,
    run_id: i64,
    responses: &[ResponseRow],
    topic_of: &HashMap<i64, i64>,
) -> AppResult<usize> {
    let mut rows: Vec<TopicScoreRow> = attempt_topic_score::Entity::find()
        .select_only()
        .column(attempt::Column::JobRoleId)
        .column(attempt::Column::StaffGroupId)
        .column(attempt_topic_score::Column::TopicId)
        .column(attempt_topic_score::Column::NResponses)
        .column(attempt_topic_score::Column::SumFractionAnswered)
        .column_as(
            Expr::col(attempt_topic_score::Column::AttemptId).count(),
            "learners",
        )
        .join(JoinType::InnerJoin, attempt_of_score())
        .filter(attempt::Column::Phase.eq(Phase::Baseline))
        .filter(attempt::Column::IsReported.eq(true))
        .filter(attempt::Column::ResponsesRemovedAt.is_not_null())
        .filter(attempt::Column::JobRoleId.is_not_null())
        .filter(attempt::Column::StaffGroupId.is_not_null())
        .filter(Expr::col(attempt_topic_score::Column::NResponses).gt(0))
        .group_by(attempt::Column::JobRoleId)
        .group_by(attempt::Column::StaffGroupId)
        .group_by(attempt_topic_score::Column::TopicId)
        .group_by(attempt_topic_score::Column::NResponses)
        .group_by(attempt_topic_score::Column::SumFractionAnswered)
        .into_tuple()
        .all(db)
        .await?;
    rows.extend(from_responses(db, responses, topic_of).await?);
    let mut scores: BTreeMap<(&str, i64, i64), prior::Scores> = BTreeMap::new();
    for &(role, group, topic, n, sum, learners) in &rows {
        let score = (
            u64::try_from(n).unwrap_or(0),
            sum,
            u64::try_from(learners).unwrap_or(0),
        );
        scores
            .entry((JOB_ROLE, role, topic))
            .or_default()
            .push(score);
        scores
            .entry((STAFF_GROUP, group, topic))
            .or_default()
            .push(score);
    }
    let fitted: Vec<decision_prior::ActiveModel> = scores
        .into_iter()
        .filter_map(|((scope, scope_id, topic_id), learners)| {
            let prior = prior::fit(learners.iter().copied())?;
            Some(decision_prior::ActiveModel {
                calibration_run_id: Set(run_id),
                scope: Set(scope.to_owned()),
                scope_id: Set(scope_id),
                topic_id: Set(topic_id),
                alpha: Set(prior.alpha),
                beta: Set(prior.beta),
                learners: Set(learners
                    .iter()
                    .map(|l| i64::try_from(l.2).unwrap_or(0))
                    .sum()),
            })
        })
        .collect();
    let written = fitted.len();
    let mut rows = fitted.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        decision_prior::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}
