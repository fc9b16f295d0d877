//! A submitted attempt as the `xapi::statements::Sitting` its statements are made from, written
//! to the xAPI outbox inside the submit's transaction (nothing while xAPI is off).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait};

use super::aggregates::AttemptTopics;
use super::completion::ModuleResult;
use super::scoring;
use crate::entities::{Phase, assessment, attempt, module_version};
use crate::error::AppResult;
use crate::questions::QuestionKind;
use crate::xapi::statements::{ItemAnswer, ModuleOutcome, Named, Sitting};
use crate::xapi::{self, Recording};

/// The xAPI interaction type of a question.
fn interaction(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::MultiChoice { .. } => "choice",
        QuestionKind::TrueFalse { .. } => "true-false",
        QuestionKind::ShortAnswer { .. } => "fill-in",
        QuestionKind::Matching { .. } => "matching",
        QuestionKind::Numerical { .. } => "numeric",
        QuestionKind::Essay => "long-fill-in",
        QuestionKind::Description => "other",
    }
}

async fn module_outcome(
    db: &impl ConnectionTrait,
    result: ModuleResult,
) -> AppResult<ModuleOutcome> {
    let title = match result.module.current_version_id {
        Some(version) => module_version::Entity::find_by_id(version)
            .one(db)
            .await?
            .map(|v| v.title),
        None => None,
    };
    Ok(ModuleOutcome {
        module: Named {
            title: title.unwrap_or_else(|| result.module.slug.clone()),
            slug: result.module.slug,
        },
        passed: result.passed,
        newly_completed: result.newly_completed,
    })
}

/// Records the statements of the submitted attempt `a`.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    recording: Option<Recording<'_>>,
    a: &attempt::Model,
    topics: &AttemptTopics,
    module: Option<ModuleResult>,
) -> AppResult<()> {
    let Some(recording) = recording else {
        return Ok(());
    };
    let assessment = assessment::Entity::find_by_id(a.assessment_id)
        .one(db)
        .await?;
    let (slug, title) = assessment.map_or_else(
        || (a.assessment_id.to_string(), "Assessment".to_owned()),
        |s| (s.slug, s.title),
    );
    let slots: HashMap<i64, _> = topics
        .slots
        .iter()
        .map(|slot| (slot.item_version_id, slot))
        .collect();
    let topic_of: HashMap<i64, Named> = topics
        .slots
        .iter()
        .map(|slot| {
            let named = Named {
                slug: slot.topic_slug.clone(),
                title: slot.topic_name.clone(),
            };
            (slot.topic_id, named)
        })
        .collect();
    // A quiz's items are practice: only its result on the module is recorded.
    let answers = if a.phase == Phase::Quiz {
        Vec::new()
    } else {
        topics
            .responses
            .iter()
            .filter_map(|response| {
                let slot = slots.get(&response.item_version_id)?;
                Some(ItemAnswer {
                    item_uid: slot.item_uid.clone(),
                    interaction: interaction(&slot.question.kind),
                    topic: topic_of.get(&slot.topic_id)?.clone(),
                    answer: scoring::to_answer(response),
                    answered_at: response.answered_at,
                    time_on_item_ms: response.time_on_item_ms,
                })
            })
            .collect::<Vec<_>>()
    };
    let mut answers = answers;
    answers.sort_by_key(|answer| answer.answered_at);
    let mut ratings: Vec<(Named, i16)> = topics
        .ratings
        .iter()
        .filter_map(|(topic, rating)| Some((topic_of.get(topic)?.clone(), *rating)))
        .collect();
    ratings.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
    let summary = topics.scored.overall.summary();
    let module = match module {
        Some(result) => Some(module_outcome(db, result).await?),
        None => None,
    };
    let sitting = Sitting {
        attempt_id: a.id,
        phase: a.phase.as_str(),
        assessment: Named { slug, title },
        submitted_at: a.submitted_at.unwrap_or_else(chrono::Utc::now),
        answers,
        ratings,
        accuracy: summary.accuracy,
        score: topics.scored.total(),
        items: u64::try_from(topics.slots.len()).unwrap_or(u64::MAX),
        dont_know: summary.n_dont_know,
        module,
    };
    xapi::record(db, Some(recording), a.user_id, &sitting).await
}
