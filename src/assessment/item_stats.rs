//! Item statistics from first baseline attempts, kept as running sums per item version and
//! staff group (0 = everyone), rest-score histograms for discriminative efficiency, plus
//! whole-test moments per assessment.

use super::aggregates::AttemptTopics;
use crate::aggregates::Increments;
use crate::aggregates::items::{self, ItemKey};
use crate::entities::attempt;
use crate::error::AppResult;
use crate::measures::ItemSums;

/// The option a response chose, for distractor frequencies.
fn option_keys(answer_json: Option<&str>, dont_know: bool) -> Vec<String> {
    if dont_know {
        return vec!["dont_know".into()];
    }
    let Some(input) =
        answer_json.and_then(|j| serde_json::from_str::<super::answer::AnswerInput>(j).ok())
    else {
        return Vec::new();
    };
    if let Some(choice) = input.choice {
        return vec![format!("option_{choice}")];
    }
    if !input.choices.is_empty() {
        return input
            .choices
            .iter()
            .map(|c| format!("option_{c}"))
            .collect();
    }
    Vec::new()
}

/// Adds a counted baseline's responses to the item statistics, rest-score histograms, option
/// counts and whole-test moments, for everyone (group 0) and the attempt's staff group.
pub fn add(
    batch: &mut Increments,
    attempt: &attempt::Model,
    topics: &AttemptTopics,
) -> AppResult<()> {
    let groups: Vec<i64> = std::iter::once(0).chain(attempt.staff_group_id).collect();
    let total = topics.scored.total();
    for row in &topics.responses {
        let sums = ItemSums::observation(&super::scoring::to_answer(row), total);
        let options = option_keys(row.answer.as_deref(), row.dont_know);
        for &staff_group_id in &groups {
            let key = ItemKey {
                item_version_id: row.item_version_id,
                phase: attempt.phase,
                staff_group_id,
            };
            items::add_response(batch, &key, &sums, &options)?;
        }
    }
    let k = i64::try_from(topics.responses.len()).unwrap_or(0);
    for &group in &groups {
        items::add_test(batch, attempt.assessment_id, attempt.phase, group, k, total)?;
    }
    Ok(())
}
