//! Scoring an attempt from its stored responses, per topic and overall (docs/design.md §4).

use std::collections::{BTreeMap, HashMap};

use super::bank::Slot;
use crate::entities::response;
use crate::measures::response::{Answer, Certainty};
use crate::measures::summary::ResponseSums;

#[derive(Debug, Clone, Default)]
pub struct TopicScore {
    /// 100 × mean fraction over the topic's items ("I don't know" scores 0).
    pub knowledge: f64,
    pub responses: ResponseSums,
}

#[derive(Debug, Clone, Default)]
pub struct Scored {
    pub topics: BTreeMap<i64, TopicScore>,
    pub overall: ResponseSums,
    /// Per item version: the fraction scored (0 for "I don't know").
    pub fractions: HashMap<i64, f64>,
}

impl Scored {
    /// The attempt's total score: the sum of its items' fractions.
    pub fn total(&self) -> f64 {
        self.overall.sum_fraction_answered
    }

    /// An attempt scored from its per-topic sums, kept when its responses were removed; the
    /// per-item `fractions` are gone with them.
    pub fn from_topic_sums(topics: impl IntoIterator<Item = (i64, ResponseSums)>) -> Self {
        let mut scored = Self::default();
        for (topic, responses) in topics {
            scored.overall += responses;
            scored.topics.insert(
                topic,
                TopicScore {
                    knowledge: knowledge(&responses),
                    responses,
                },
            );
        }
        scored
    }
}

/// 100 × mean fraction over the topic's items.
fn knowledge(responses: &ResponseSums) -> f64 {
    match responses.n_responses {
        0 => 0.0,
        n => 100.0 * responses.sum_fraction_answered / n as f64,
    }
}

/// A stored response as a measured answer.
pub fn to_answer(row: &response::Model) -> Answer {
    answer_of(row.dont_know, row.certainty, row.fraction)
}

/// A response's stored columns ("I don't know", certainty, fraction) as a measured answer:
/// answered only with a certainty the scale knows, else "I don't know".
pub fn answer_of(dont_know: bool, certainty: Option<i16>, fraction: Option<f64>) -> Answer {
    match (
        dont_know,
        certainty
            .and_then(|c| u8::try_from(c).ok())
            .and_then(Certainty::from_level),
    ) {
        (false, Some(certainty)) => Answer::answered(fraction.unwrap_or(0.0), certainty),
        _ => Answer::DontKnow,
    }
}

/// Scores the answered items of an attempt; unanswered items are left out.
pub fn score(slots: &[Slot], responses: &[response::Model]) -> Scored {
    let items: Vec<(i64, i64)> = slots
        .iter()
        .map(|s| (s.item_version_id, s.topic_id))
        .collect();
    score_items(&items, responses)
}

/// [`score`] for an attempt's (item version, topic) pairs, without their questions.
pub fn score_items(items: &[(i64, i64)], responses: &[response::Model]) -> Scored {
    let by_version: HashMap<i64, &response::Model> =
        responses.iter().map(|r| (r.item_version_id, r)).collect();
    let mut scored = Scored::default();
    for &(item_version_id, topic_id) in items {
        let Some(row) = by_version.get(&item_version_id) else {
            continue;
        };
        let answer = to_answer(row);
        let sums = ResponseSums::from_answer(&answer);
        scored.fractions.insert(item_version_id, answer.fraction());
        scored.overall += sums;
        scored.topics.entry(topic_id).or_default().responses += sums;
    }
    for topic in scored.topics.values_mut() {
        topic.knowledge = knowledge(&topic.responses);
    }
    scored
}
