//! Helpers for the authoring tests: a small baseline of chosen items, and sittings with
//! chosen answers through the real assessment services.

use std::collections::HashMap;

use genomics_training::assessment::answer::{AnswerInput, Sureness};
use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::bank;
use genomics_training::authoring;
use sea_orm::DatabaseConnection;

use crate::assessment_flow::pick;

/// Makes the baseline (and post) draw exactly `uids`, all from the `samples` topic.
pub async fn small_baseline(db: &DatabaseConnection, uids: &[&str]) {
    let counts: Vec<(String, i32)> = authoring::blueprint(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let count = if row.topic_slug == "samples" {
                i32::try_from(uids.len()).unwrap()
            } else {
                0
            };
            (row.topic_slug, count)
        })
        .collect();
    authoring::set_blueprint(db, None, &counts).await.unwrap();
    let uids: Vec<String> = uids.iter().map(|u| (*u).to_owned()).collect();
    authoring::set_assessment_items(db, None, "baseline", &uids)
        .await
        .unwrap();
}

/// How a learner answers one item: right or wrong at a certainty, or "I don't know".
#[derive(Debug, Clone, Copy)]
pub enum Says {
    Right(Sureness),
    Wrong(Sureness),
    DontKnow,
}

/// Sits and submits the learner's baseline, answering each item (by uid) as told; returns
/// the attempt id.
pub async fn sit_baseline(
    db: &DatabaseConnection,
    user: i64,
    answers: &HashMap<&str, Says>,
) -> i64 {
    sit(db, user, "baseline", answers).await
}

/// [`sit_baseline`] for any assessment (`baseline` or `post`).
pub async fn sit(
    db: &DatabaseConnection,
    user: i64,
    assessment: &str,
    answers: &HashMap<&str, Says>,
) -> i64 {
    let attempt = attempts::start_or_resume(db, user.into(), assessment)
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let mut ratings: Vec<(i64, i16)> = slots.iter().map(|s| (s.topic_id, 3)).collect();
    ratings.dedup();
    let items: Vec<SaveItem> = slots
        .iter()
        .map(|slot| {
            let says = answers
                .get(slot.item_uid.as_str())
                .unwrap_or_else(|| panic!("no answer planned for {}", slot.item_uid));
            let (answer, sureness) = match *says {
                Says::Right(s) => (pick(&slot.question, true), s),
                Says::Wrong(s) => (pick(&slot.question, false), s),
                Says::DontKnow => (AnswerInput::default(), Sureness::DontKnow),
            };
            SaveItem {
                position: slot.position,
                answer,
                sureness: Some(sureness),
                time_on_item_ms: Some(1000),
            }
        })
        .collect();
    let problems = attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
    attempt.id
}
