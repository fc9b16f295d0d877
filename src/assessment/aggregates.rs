//! Keeping the report and item-statistics aggregates current at submit time, in the submit's
//! transaction. What an attempt adds is computed in memory ([`cell_deltas`]) and written
//! through [`crate::aggregates`] as atomic `INSERT ... ON CONFLICT DO UPDATE SET x = x + d`
//! ([`Increments`]), safe with concurrent writers and several server instances.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::bank::{self, Slot};
use super::calibrated_gain::Pairs;
use super::scoring::{self, Scored};
use crate::aggregates::{CellDelta, CellKey, Increments, LearnerCell, Period, add_cell};
use crate::entities::{Phase, attempt, attempt_topic_score, response, role_target, topic_rating};
use crate::error::AppResult;
use crate::measures::ResponseSums;

/// Per-topic results of a submitted attempt: what reports and the learner's profile use.
pub struct AttemptTopics {
    pub slots: Vec<Slot>,
    pub scored: Scored,
    pub ratings: HashMap<i64, i16>,
    /// The attempt's responses (empty once retention has removed them).
    pub responses: Vec<response::Model>,
}

/// Scores an attempt from its responses or, once retention has removed them, from the
/// per-topic sums kept in their place.
pub async fn load_attempt_topics(
    db: &impl ConnectionTrait,
    attempt_id: i64,
) -> AppResult<AttemptTopics> {
    let slots = bank::attempt_slots(db, attempt_id).await?;
    let kept = attempt_topic_score::Entity::find()
        .filter(attempt_topic_score::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?;
    let (scored, responses) = if kept.is_empty() {
        let responses = response::Entity::find()
            .filter(response::Column::AttemptId.eq(attempt_id))
            .order_by_asc(response::Column::ItemVersionId)
            .all(db)
            .await?;
        (scoring::score(&slots, &responses), responses)
    } else {
        let sums = kept.iter().map(|k| (k.topic_id, kept_sums(k)));
        (Scored::from_topic_sums(sums), Vec::new())
    };
    let ratings = topic_rating::Entity::find()
        .filter(topic_rating::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.topic_id, r.rating))
        .collect();
    Ok(AttemptTopics {
        slots,
        scored,
        ratings,
        responses,
    })
}

/// The sums kept in place of an attempt's removed responses.
pub fn kept_sums(row: &attempt_topic_score::Model) -> ResponseSums {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    ResponseSums {
        n_responses: count(row.n_responses),
        n_answered: count(row.n_answered),
        n_dont_know: count(row.n_dont_know),
        n_confidently_wrong: count(row.n_confidently_wrong),
        sum_fraction_answered: row.sum_fraction_answered,
        sum_stated_probability: row.sum_stated_probability,
        sum_brier: row.sum_brier,
        sum_cbm_mark: row.sum_cbm_mark,
    }
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The row that keeps `sums` for `topic_id` of an attempt whose responses are removed.
pub fn kept_row(
    attempt_id: i64,
    topic_id: i64,
    sums: &ResponseSums,
) -> attempt_topic_score::ActiveModel {
    attempt_topic_score::ActiveModel {
        attempt_id: Set(attempt_id),
        topic_id: Set(topic_id),
        n_responses: Set(count(sums.n_responses)),
        n_answered: Set(count(sums.n_answered)),
        n_dont_know: Set(count(sums.n_dont_know)),
        n_confidently_wrong: Set(count(sums.n_confidently_wrong)),
        sum_fraction_answered: Set(sums.sum_fraction_answered),
        sum_stated_probability: Set(sums.sum_stated_probability),
        sum_brier: Set(sums.sum_brier),
        sum_cbm_mark: Set(sums.sum_cbm_mark),
    }
}

/// A role's targets: topic → (required level, importance).
pub type Targets = HashMap<i64, (f64, f64)>;

/// Read `FOR SHARE` (PostgreSQL; SQLite has one writer anyway): a target change waits for this
/// submit to commit, so its rebuild (`crate::reports::rebuild`) sees the attempt, rather than
/// the submit adding figures summed against the old target after the rebuild.
async fn targets_for(db: &impl ConnectionTrait, job_role_id: i64) -> AppResult<Targets> {
    Ok(role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job_role_id))
        .lock_shared()
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.topic_id,
                (f64::from(t.required_level), f64::from(t.importance)),
            )
        })
        .collect())
}

/// The learner's baseline that reports count (their first submitted one), if any.
pub async fn reported_baseline(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<Option<attempt::Model>> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::Phase.eq(Phase::Baseline))
        .filter(attempt::Column::IsReported.eq(true))
        .one(db)
        .await?)
}

/// The learner's topic knowledge in their reported baseline, if any.
async fn baseline_knowledge(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<HashMap<i64, f64>> {
    let Some(baseline) = reported_baseline(db, user_id).await? else {
        return Ok(HashMap::new());
    };
    let topics = load_attempt_topics(db, baseline.id).await?;
    Ok(knowledge_by_topic(&topics))
}

/// Each topic's knowledge score in a scored attempt.
pub fn knowledge_by_topic(topics: &AttemptTopics) -> HashMap<i64, f64> {
    topics
        .scored
        .topics
        .iter()
        .map(|(id, t)| (*id, t.knowledge))
        .collect()
}

/// What a reported attempt adds to each report cell. `pre` is the learner's baseline
/// knowledge by topic and `calibrated` their calibrated (baseline, post) scores (for a
/// post-assessment), `completed` the topics of modules they have completed (for a baseline).
/// Pure, so the benchmark seed builds cells exactly as submits do.
pub fn cell_deltas(
    attempt: &attempt::Model,
    topics: &AttemptTopics,
    targets: &Targets,
    pre: &HashMap<i64, f64>,
    calibrated: &Pairs,
    completed: &HashSet<i64>,
) -> Vec<(CellKey, CellDelta)> {
    let (Some(organisation_id), Some(job_role_id), Some(submitted_at)) = (
        attempt.organisation_id,
        attempt.job_role_id,
        attempt.submitted_at,
    ) else {
        return Vec::new();
    };
    let period = Period::of(submitted_at);
    let mut out = Vec::new();
    for (topic_id, topic) in &topics.scored.topics {
        let (target, _importance) = targets.get(topic_id).copied().unwrap_or((0.0, 1.0));
        let at_target = topic.knowledge >= target;
        let delta = CellDelta::of_learner(&LearnerCell {
            knowledge: topic.knowledge,
            rating: topics.ratings.get(topic_id).copied(),
            at_target,
            completed: attempt.phase == Phase::Baseline
                && (at_target || completed.contains(topic_id)),
            responses: &topic.responses,
            pre: pre.get(topic_id).copied(),
            calibrated: calibrated.get(topic_id).copied(),
        });
        let key = CellKey {
            organisation_id,
            job_role_id,
            band: attempt.band.clone().unwrap_or_default(),
            topic_id: *topic_id,
            phase: attempt.phase,
            team_id: attempt.team_id.unwrap_or(0),
            period,
        };
        out.push((key, delta));
    }
    out
}

/// Adds (or, with `remove`, takes away) a reported attempt's cell contributions to `batch`;
/// `calibrated` are a post-assessment's calibrated pairs.
pub(super) async fn add_attempt_to_cells(
    db: &impl ConnectionTrait,
    batch: &mut Increments,
    attempt: &attempt::Model,
    topics: &AttemptTopics,
    calibrated: &Pairs,
    remove: bool,
) -> AppResult<()> {
    let Some(job_role_id) = attempt.job_role_id else {
        return Ok(());
    };
    let targets = targets_for(db, job_role_id).await?;
    let pre = if attempt.phase == Phase::Post {
        baseline_knowledge(db, attempt.user_id).await?
    } else {
        HashMap::new()
    };
    let completed = if attempt.phase == Phase::Baseline {
        super::completion::completed_topics(db, attempt.user_id).await?
    } else {
        HashSet::new()
    };
    for (key, delta) in cell_deltas(attempt, topics, &targets, &pre, calibrated, &completed) {
        let delta = if remove { delta.negated() } else { delta };
        add_cell(batch, &key, &delta)?;
    }
    Ok(())
}
