//! Item statistics from first baseline attempts, kept as running sums per item version and
//! staff group (0 = everyone), rest-score histograms for discriminative efficiency, plus
//! whole-test moments per assessment.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::aggregates::{AttemptTopics, upsert_add};
use crate::entities::{attempt, response};
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

pub async fn record(
    db: &impl ConnectionTrait,
    attempt: &attempt::Model,
    topics: &AttemptTopics,
) -> AppResult<()> {
    let groups: Vec<i64> = std::iter::once(0).chain(attempt.staff_group_id).collect();
    let total = topics.scored.total();
    // Rows are locked in one global order (by item), so that concurrent submits sharing items
    // wait for each other instead of deadlocking on PostgreSQL.
    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(attempt.id))
        .order_by_asc(response::Column::ItemVersionId)
        .all(db)
        .await?;
    for row in &responses {
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
            let keys = |extra: Option<String>| {
                let mut keys: Vec<(&'static str, SimpleExpr)> = vec![
                    ("item_version_id", Expr::val(row.item_version_id)),
                    ("phase", Expr::val(attempt.phase.clone())),
                    ("staff_group_id", Expr::val(group)),
                ];
                if let Some(option) = extra {
                    keys.push(("option_key", Expr::val(option)));
                }
                keys
            };
            upsert_add(db, "item_stats", keys(None), &counts, &values).await?;
            // Discriminative efficiency needs the rest scores' distribution, not only their
            // sums; hundredths are finer than any rest score a fraction-graded test produces
            // in practice, and keep the bucket an exact key.
            let mut bucket = keys(None);
            bucket.push(("rest_bucket", Expr::val(rest_bucket(rest))));
            upsert_add(db, "item_rest_histogram", bucket, &[("n", 1)], &[]).await?;
            for option in option_keys(row.answer.as_deref(), row.dont_know) {
                upsert_add(
                    db,
                    "item_option_counts",
                    keys(Some(option)),
                    &[("n", 1)],
                    &[],
                )
                .await?;
            }
        }
    }
    let k = i64::try_from(responses.len()).unwrap_or(0);
    for &group in &groups {
        let keys = vec![
            ("assessment_id", Expr::val(attempt.assessment_id)),
            ("phase", Expr::val(attempt.phase.clone())),
            ("staff_group_id", Expr::val(group)),
        ];
        upsert_add(
            db,
            "assessment_stats",
            keys,
            &[("n", 1), ("sum_items", k)],
            &[("sum_total", total), ("sum_total_sq", total * total)],
        )
        .await?;
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
