//! Keeping the report and item-statistics aggregates current at submit time, in the submit's
//! transaction. What an attempt adds is computed in memory ([`cell_deltas`]) and written as
//! atomic `INSERT ... ON CONFLICT DO UPDATE SET x = x + d` ([`Increments`]), safe with
//! concurrent writers and several server instances.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::bank::{self, Slot};
use super::increments::{Increments, Key, Table};
use super::scoring::{self, Scored};
use crate::entities::{attempt, attempt_topic_score, response, role_target, topic_rating};
use crate::error::AppResult;
use crate::measures::ResponseSums;

/// One learner's contribution to one report cell (all additive, so it can be taken away).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellDelta {
    pub counts: Vec<(&'static str, i64)>,
    pub sums: Vec<(&'static str, f64)>,
}

impl CellDelta {
    fn negated(&self) -> Self {
        Self {
            counts: self.counts.iter().map(|(c, v)| (*c, -v)).collect(),
            sums: self.sums.iter().map(|(c, v)| (*c, -v)).collect(),
        }
    }
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The grain of the report tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub organisation_id: i64,
    pub job_role_id: i64,
    pub band: String,
    pub topic_id: i64,
    pub phase: String,
    pub period: String,
}

impl CellKey {
    fn key(&self) -> Vec<Key> {
        vec![
            self.organisation_id.into(),
            self.job_role_id.into(),
            self.band.as_str().into(),
            self.topic_id.into(),
            self.phase.as_str().into(),
            self.period.as_str().into(),
        ]
    }
}

/// Adds `delta` to the cell at `key` in `batch`, to its all-months total, and to what waits
/// to be published for its atom ([`crate::reports::publication`]).
pub fn add_cell(batch: &mut Increments, key: &CellKey, delta: &CellDelta) -> AppResult<()> {
    let mut cell = key.key();
    batch.add(Table::ReportCells, cell.clone(), &delta.counts, &delta.sums)?;
    crate::reports::publication::add_pending(batch, &cell, &delta.counts, &delta.sums)?;
    cell.pop();
    batch.add(Table::ReportTotals, cell, &delta.counts, &delta.sums)
}

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

fn kept_sums(row: &attempt_topic_score::Model) -> ResponseSums {
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

async fn targets_for(db: &impl ConnectionTrait, job_role_id: i64) -> AppResult<Targets> {
    Ok(role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job_role_id))
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

/// The learner's topic knowledge in their reported baseline, if any.
async fn baseline_knowledge(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<HashMap<i64, f64>> {
    let baseline = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::Phase.eq("baseline"))
        .filter(attempt::Column::IsReported.eq(true))
        .one(db)
        .await?;
    let Some(baseline) = baseline else {
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
/// knowledge by topic (for a post-assessment), `completed` the topics of modules they have
/// completed (for a baseline). Pure, so the benchmark seed builds cells exactly as submits do.
pub fn cell_deltas(
    attempt: &attempt::Model,
    topics: &AttemptTopics,
    targets: &Targets,
    pre: &HashMap<i64, f64>,
    completed: &HashSet<i64>,
) -> Vec<(CellKey, CellDelta)> {
    let (Some(organisation_id), Some(job_role_id), Some(submitted_at)) = (
        attempt.organisation_id,
        attempt.job_role_id,
        attempt.submitted_at,
    ) else {
        return Vec::new();
    };
    let period = submitted_at.format("%Y-%m").to_string();
    let mut out = Vec::new();
    for (topic_id, topic) in &topics.scored.topics {
        let (target, _importance) = targets.get(topic_id).copied().unwrap_or((0.0, 1.0));
        let rating = topics.ratings.get(topic_id).copied();
        let high = rating.is_some_and(|r| r >= 4);
        let at_target = topic.knowledge >= target;
        let mut counts = vec![
            ("n_learners", 1),
            ("n_rated", i64::from(rating.is_some())),
            ("n_rating_high", i64::from(high)),
            ("n_high_below_target", i64::from(high && !at_target)),
            ("n_at_target", i64::from(at_target)),
            (
                "n_completed",
                i64::from(
                    attempt.phase == "baseline" && (at_target || completed.contains(topic_id)),
                ),
            ),
            ("n_responses", count(topic.responses.n_responses)),
            ("n_answered", count(topic.responses.n_answered)),
            ("n_dont_know", count(topic.responses.n_dont_know)),
            (
                "n_confidently_wrong",
                count(topic.responses.n_confidently_wrong),
            ),
        ];
        let mut sums = vec![
            ("sum_knowledge", topic.knowledge),
            ("sum_knowledge_sq", topic.knowledge * topic.knowledge),
            ("sum_rating", rating.map_or(0.0, f64::from)),
            (
                "sum_stated_probability",
                topic.responses.sum_stated_probability,
            ),
            (
                "sum_answered_fraction",
                topic.responses.sum_fraction_answered,
            ),
            ("sum_brier", topic.responses.sum_brier),
        ];
        if let Some(&pre_knowledge) = pre.get(topic_id) {
            counts.push(("n_paired", 1));
            sums.push(("sum_paired_pre", pre_knowledge));
            sums.push(("sum_paired_post", topic.knowledge));
            if let Some(g) = crate::measures::individual_gain(pre_knowledge, topic.knowledge) {
                counts.push(("n_gain", 1));
                sums.push(("sum_gain", g));
            }
        }
        let key = CellKey {
            organisation_id,
            job_role_id,
            band: attempt.band.clone().unwrap_or_default(),
            topic_id: *topic_id,
            phase: attempt.phase.clone(),
            period: period.clone(),
        };
        out.push((key, CellDelta { counts, sums }));
    }
    out
}

/// Adds (or, with `remove`, takes away) a reported attempt's cell contributions to `batch`.
pub(super) async fn add_attempt_to_cells(
    db: &impl ConnectionTrait,
    batch: &mut Increments,
    attempt: &attempt::Model,
    topics: &AttemptTopics,
    remove: bool,
) -> AppResult<()> {
    let Some(job_role_id) = attempt.job_role_id else {
        return Ok(());
    };
    let targets = targets_for(db, job_role_id).await?;
    let pre = if attempt.phase == "post" {
        baseline_knowledge(db, attempt.user_id).await?
    } else {
        HashMap::new()
    };
    let completed = if attempt.phase == "baseline" {
        super::completion::completed_topics(db, attempt.user_id).await?
    } else {
        HashSet::new()
    };
    for (key, delta) in cell_deltas(attempt, topics, &targets, &pre, &completed) {
        let delta = if remove { delta.negated() } else { delta };
        add_cell(batch, &key, &delta)?;
    }
    Ok(())
}
