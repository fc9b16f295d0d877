//! A learner's own profile after a submitted assessment: knowledge against their role's
//! target, self-rated confidence, calibration in plain words, CBM score and bonus
//! (docs/design.md §4).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use super::aggregates::{AttemptTopics, load_attempt_topics};
use super::attempts::owned_attempt;
use super::bank::Slot;
use super::certainty_words::{TopicFacts, calibration_words, certainty_bonus_words};
use crate::entities::{AttemptStatus, Phase, attempt, response, role_target};
use crate::error::{AppError, AppResult};
use crate::ids::{AttemptId, PersonId};
use crate::measures::decision::{self, TopicDecision};
use crate::measures::response::Certainty;
use crate::measures::summary::ResponseSummary;
use crate::xapi::Recording;

pub const RATING_LABELS: [&str; 5] = [
    "Not at all confident",
    "Slightly confident",
    "Somewhat confident",
    "Fairly confident",
    "Very confident",
];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicResult {
    pub topic_id: i64,
    pub name: String,
    pub knowledge: f64,
    pub target: Option<i32>,
    pub importance: Option<i32>,
    pub met_target: bool,
    /// Against the role's target: the test-out decision and how sure it is (none without a
    /// target).
    pub decision: Option<TopicDecision>,
    pub rating: Option<i16>,
    pub rating_label: Option<&'static str>,
    pub confidently_wrong: u64,
    pub dont_know: u64,
    pub calibration: String,
    /// For a post-assessment: the baseline knowledge and the normalised gain
    /// (post − pre)/(100 − pre), none when the baseline was already 100.
    pub baseline_knowledge: Option<f64>,
    pub gain: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemResult {
    pub position: i32,
    pub topic_name: String,
    pub fraction: f64,
    pub dont_know: bool,
    pub certainty: Option<i16>,
    pub cbm_mark: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptResult {
    pub attempt_id: i64,
    pub phase: Phase,
    pub topics: Vec<TopicResult>,
    pub items: Vec<ItemResult>,
    pub summary: ResponseSummary,
    /// What the certainty bonus says about the learner's sureness, in words.
    pub certainty_reading: Option<String>,
    /// When retention removed the answers (`items` is then empty; `topics` stay).
    pub answers_removed_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip)]
    pub slots: Vec<Slot>,
    /// The saved answers by item version (none once retention removed them), for feedback.
    #[serde(skip)]
    pub responses: HashMap<i64, response::Model>,
}

/// Submits the learner's attempt (once; a repeat changes nothing) and reads its result.
pub async fn submit_and_result(
    db: &DatabaseConnection,
    xapi: Option<Recording<'_>>,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<AttemptResult> {
    match super::attempts::submit_scored(db, xapi, user_id, attempt_id).await? {
        (attempt, Some(topics)) => result_of(db, user_id, attempt, topics).await,
        (_, None) => attempt_result(db, user_id, attempt_id).await,
    }
}

/// The result of a learner's own submitted attempt.
pub async fn attempt_result(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt_id: AttemptId,
) -> AppResult<AttemptResult> {
    let attempt = owned_attempt(db, user_id, attempt_id).await?;
    if attempt.status != AttemptStatus::Submitted {
        return Err(AppError::Conflict(
            "Results are shown once the attempt is submitted.".into(),
        ));
    }
    let topics = load_attempt_topics(db, attempt.id).await?;
    result_of(db, user_id, attempt, topics).await
}

/// The result of `attempt`, submitted, from its scored `topics`.
async fn result_of(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    attempt: attempt::Model,
    topics: AttemptTopics,
) -> AppResult<AttemptResult> {
    let priors =
        super::priors::for_role(db, attempt.job_role_id.zip(attempt.staff_group_id)).await?;
    let targets: HashMap<i64, (i32, i32)> = match attempt.job_role_id {
        Some(role) => role_target::Entity::find()
            .filter(role_target::Column::JobRoleId.eq(role))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.topic_id, (t.required_level, t.importance)))
            .collect(),
        None => HashMap::new(),
    };
    // The answers scored (none once retention kept only their sums).
    let responses: HashMap<i64, response::Model> = topics
        .responses
        .iter()
        .map(|r| (r.item_version_id, r.clone()))
        .collect();
    let baseline: HashMap<i64, f64> = match (
        attempt.phase,
        super::completion::reported_baseline(db, user_id).await?,
    ) {
        (Phase::Post, Some(baseline)) => load_attempt_topics(db, baseline.id)
            .await?
            .scored
            .topics
            .iter()
            .map(|(id, t)| (*id, t.knowledge))
            .collect(),
        _ => HashMap::new(),
    };
    let mut seen = Vec::new();
    let mut topic_results = Vec::new();
    for slot in &topics.slots {
        if seen.contains(&slot.topic_id) {
            continue;
        }
        seen.push(slot.topic_id);
        let Some(score) = topics.scored.topics.get(&slot.topic_id) else {
            continue;
        };
        let target = targets.get(&slot.topic_id).copied();
        let decision = target.map(|(t, _)| {
            decision::decide(
                priors.topic(slot.topic_id),
                score.responses.n_responses,
                score.responses.sum_fraction_answered,
                f64::from(t),
            )
        });
        let met = decision.is_none_or(|d| d.skip);
        let rating = topics.ratings.get(&slot.topic_id).copied();
        topic_results.push(TopicResult {
            topic_id: slot.topic_id,
            name: slot.topic_name.clone(),
            knowledge: score.knowledge,
            target: target.map(|t| t.0),
            importance: target.map(|t| t.1),
            met_target: met,
            decision,
            rating,
            rating_label: rating
                .and_then(|r| usize::try_from(r - 1).ok())
                .and_then(|i| RATING_LABELS.get(i).copied()),
            confidently_wrong: score.responses.n_confidently_wrong,
            dont_know: score.responses.n_dont_know,
            baseline_knowledge: baseline.get(&slot.topic_id).copied(),
            gain: baseline
                .get(&slot.topic_id)
                .and_then(|pre| crate::measures::individual_gain(*pre, score.knowledge)),
            calibration: calibration_words(&TopicFacts {
                topic: &crate::content::in_sentence(&slot.topic_name),
                responses: &score.responses,
                rating,
                has_target: target.is_some(),
                met_target: met,
            }),
        });
    }
    let items = topics
        .slots
        .iter()
        .filter_map(|slot| {
            let row = responses.get(&slot.item_version_id)?;
            let answer = super::scoring::to_answer(row);
            Some(ItemResult {
                position: slot.position,
                topic_name: slot.topic_name.clone(),
                fraction: answer.fraction(),
                dont_know: row.dont_know,
                certainty: answer.certainty().map(|c| i16::from(Certainty::level(c))),
                cbm_mark: crate::measures::response::cbm_mark(&answer),
            })
        })
        .collect();
    let summary = topics.scored.overall.summary();
    Ok(AttemptResult {
        attempt_id: attempt.id,
        answers_removed_at: attempt.responses_removed_at,
        phase: attempt.phase,
        topics: topic_results,
        items,
        certainty_reading: certainty_bonus_words(&summary),
        summary,
        slots: topics.slots,
        responses,
    })
}
