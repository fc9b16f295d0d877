//! Item statistics from first baseline attempts, kept as running sums per item version and
//! staff group (0 = everyone), rest-score histograms for discriminative efficiency, plus
//! whole-test moments per assessment.

use super::aggregates::AttemptTopics;
use super::increments::{Increments, Key, Table};
use crate::entities::attempt;
use crate::error::AppResult;
use crate::measures::response::Certainty;
use crate::measures::summary::ResponseSums;

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

/// The histogram bucket of a rest score: whole hundredths.
pub fn rest_bucket(rest: f64) -> i64 {
    // Rest scores are bounded by the number of items, far inside i64.
    (rest * 100.0).round() as i64
}

/// The rest score a histogram bucket stands for.
pub fn bucket_rest(bucket: i64) -> f64 {
    bucket as f64 / 100.0
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
    let phase = || Key::from(attempt.phase.as_str());
    for row in &topics.responses {
        let answer = super::scoring::to_answer(row);
        let sums = ResponseSums::from_answer(&answer);
        let f = answer.fraction();
        let rest = total - f;
        let certainty = answer.certainty();
        let counts = [
            ("n", 1),
            ("n_dont_know", i64::from(certainty.is_none())),
            (
                "n_certainty_1",
                i64::from(certainty == Some(Certainty::Low)),
            ),
            (
                "n_certainty_2",
                i64::from(certainty == Some(Certainty::Medium)),
            ),
            (
                "n_certainty_3",
                i64::from(certainty == Some(Certainty::High)),
            ),
            (
                "n_confidently_wrong",
                i64::try_from(sums.n_confidently_wrong).unwrap_or(0),
            ),
        ];
        let values = [
            ("sum_fraction", f),
            ("sum_fraction_sq", f * f),
            ("sum_rest", rest),
            ("sum_rest_sq", rest * rest),
            ("sum_fraction_rest", f * rest),
        ];
        for &group in &groups {
            let key = vec![row.item_version_id.into(), phase(), group.into()];
            batch.add(Table::ItemStats, key.clone(), &counts, &values)?;
            // Discriminative efficiency needs the rest scores' distribution, not only their
            // sums; hundredths are finer than any rest score a fraction-graded test produces
            // in practice, and keep the bucket an exact key.
            let mut bucket = key.clone();
            bucket.push(rest_bucket(rest).into());
            batch.add(Table::ItemRestHistogram, bucket, &[("n", 1)], &[])?;
            for option in option_keys(row.answer.as_deref(), row.dont_know) {
                let mut with_option = key.clone();
                with_option.push(option.into());
                batch.add(Table::ItemOptionCounts, with_option, &[("n", 1)], &[])?;
            }
        }
    }
    let k = i64::try_from(topics.responses.len()).unwrap_or(0);
    for &group in &groups {
        let key = vec![attempt.assessment_id.into(), phase(), group.into()];
        batch.add(
            Table::AssessmentStats,
            key,
            &[("n", 1), ("sum_items", k)],
            &[("sum_total", total), ("sum_total_sq", total * total)],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_scores_round_to_hundredths_and_back() {
        assert_eq!(rest_bucket(2.0), 200);
        assert_eq!(rest_bucket(1.0 / 3.0), 33);
        assert_eq!(rest_bucket(2.5), 250);
        assert!((bucket_rest(rest_bucket(4.5)) - 4.5).abs() < 1e-12);
    }
}
