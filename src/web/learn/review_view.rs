//! "Check and submit your answers": each topic's confidence rating and each question with the
//! answer chosen and how sure, as the learner gave them (in the order they saw the options),
//! each with a Change link back to its topic page. Nothing says whether an answer is right.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::views::{ItemView, item_view, topic_order};
use crate::assessment::bank::Slot;
use crate::assessment::progress::SavedAnswer;
use crate::assessment::results::RATING_LABELS;

#[derive(Debug, Serialize)]
pub struct ReviewedItem {
    pub position: i32,
    pub text_html: String,
    /// Each part of the answer as sanitised HTML (an option's text, a typed answer, a match).
    pub answer_html: Vec<String>,
    /// "Very sure (high)" and so on, or null when unanswered or "I don't know".
    pub sureness: Option<&'static str>,
    pub dont_know: bool,
    pub unanswered: bool,
}

#[derive(Debug, Serialize)]
pub struct ReviewedTopic {
    pub number: usize,
    pub name: String,
    pub rating: Option<&'static str>,
    pub items: Vec<ReviewedItem>,
}

fn reviewed(view: ItemView) -> ReviewedItem {
    let escape = rocket_dyn_templates::handlebars::html_escape;
    let mut answer_html: Vec<String> = view
        .options
        .iter()
        .filter(|o| o.checked)
        .map(|o| o.html.clone())
        .collect();
    if view.is_text && !view.text_value.trim().is_empty() {
        answer_html.push(escape(view.text_value.trim()));
    }
    for row in &view.matches {
        if let Some(chosen) = row.options.iter().find(|o| o.selected) {
            answer_html.push(format!("{} → {}", row.html, escape(&chosen.text)));
        }
    }
    let checked = view.sureness.iter().find(|s| s.checked);
    let dont_know = checked.is_some_and(|s| s.value == "dont_know");
    ReviewedItem {
        position: view.position,
        text_html: view.text_html,
        unanswered: answer_html.is_empty() && !dont_know,
        answer_html,
        sureness: checked.filter(|_| !dont_know).map(|s| s.label),
        dont_know,
    }
}

/// Every topic of the attempt, in its order, with the saved rating and answers.
pub fn reviewed_topics(
    slots: &[Slot],
    saved: &HashMap<i64, SavedAnswer>,
    ratings: &BTreeMap<i64, i16>,
) -> Vec<ReviewedTopic> {
    topic_order(slots)
        .into_iter()
        .enumerate()
        .map(|(index, topic_id)| {
            let topic_slots: Vec<&Slot> = slots.iter().filter(|s| s.topic_id == topic_id).collect();
            ReviewedTopic {
                number: index + 1,
                name: topic_slots
                    .first()
                    .map(|s| s.topic_name.clone())
                    .unwrap_or_default(),
                rating: ratings
                    .get(&topic_id)
                    .and_then(|r| usize::try_from(*r).ok())
                    .and_then(|r| r.checked_sub(1))
                    .and_then(|r| RATING_LABELS.get(r).copied()),
                items: topic_slots
                    .iter()
                    .enumerate()
                    .map(|(k, slot)| {
                        reviewed(item_view(
                            k,
                            slot,
                            saved.get(&slot.item_version_id),
                            None,
                            None,
                        ))
                    })
                    .collect(),
            }
        })
        .collect()
}
