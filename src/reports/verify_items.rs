//! `verify` for the item-analysis aggregates: item_stats, item_option_counts and
//! assessment_stats, rebuilt from the counted baseline attempts' responses with the pure
//! `ItemSums` / `TestSums`.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::verify::{Difference, Table, compare, load_table};
use crate::assessment::aggregates::AttemptTopics;
use crate::assessment::answer::AnswerInput;
use crate::assessment::scoring::to_answer;
use crate::entities::{attempt, response};
use crate::error::AppResult;
use crate::measures::{ItemSums, TestSums};

const ITEM_COLUMNS: &[&str] = &[
    "n",
    "n_dont_know",
    "n_certainty_1",
    "n_certainty_2",
    "n_certainty_3",
    "n_confidently_wrong",
    "sum_fraction",
    "sum_fraction_sq",
    "sum_rest",
    "sum_rest_sq",
    "sum_fraction_rest",
];

fn item_values(s: &ItemSums) -> Vec<f64> {
    let counts = [
        s.n,
        s.n_dont_know,
        s.n_certainty_1,
        s.n_certainty_2,
        s.n_certainty_3,
        s.n_confidently_wrong,
    ];
    let sums = [s.sum_f, s.sum_f2, s.sum_r, s.sum_r2, s.sum_fr];
    counts.iter().map(|&c| c as f64).chain(sums).collect()
}

/// The options a response chose, as item_option_counts keys them.
fn chosen_options(row: &response::Model) -> Vec<String> {
    if row.dont_know {
        return vec!["dont_know".into()];
    }
    let input: Option<AnswerInput> = row
        .answer
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    match input {
        Some(AnswerInput {
            choice: Some(c), ..
        }) => vec![format!("option_{c}")],
        Some(input) => input
            .choices
            .iter()
            .map(|c| format!("option_{c}"))
            .collect(),
        None => Vec::new(),
    }
}

pub(super) async fn check(
    db: &impl ConnectionTrait,
    counted: &[&attempt::Model],
    scored: &HashMap<i64, AttemptTopics>,
    out: &mut Vec<Difference>,
) -> AppResult<()> {
    let mut items: HashMap<String, ItemSums> = HashMap::new();
    let mut options: HashMap<String, u64> = HashMap::new();
    let mut tests: HashMap<String, (TestSums, u64)> = HashMap::new();
    for a in counted.iter().filter(|a| a.phase == "baseline") {
        let Some(topics) = scored.get(&a.id) else {
            continue;
        };
        let total = topics.scored.total();
        let responses = response::Entity::find()
            .filter(response::Column::AttemptId.eq(a.id))
            .all(db)
            .await?;
        // Everyone (group 0) and the attempt's own staff group.
        let groups: Vec<i64> = std::iter::once(0).chain(a.staff_group_id).collect();
        for group in &groups {
            for row in &responses {
                let key = format!(
                    "item_version_id={} phase={} staff_group_id={group}",
                    row.item_version_id, a.phase
                );
                for option in chosen_options(row) {
                    *options
                        .entry(format!("{key} option_key={option}"))
                        .or_default() += 1;
                }
                *items.entry(key).or_default() += ItemSums::observation(&to_answer(row), total);
            }
            let key = format!(
                "assessment_id={} phase={} staff_group_id={group}",
                a.assessment_id, a.phase
            );
            let entry = tests.entry(key).or_default();
            entry.0 += TestSums::observation(total);
            entry.1 += responses.len() as u64;
        }
    }
    let keys = ["item_version_id", "phase", "staff_group_id"];
    let expected: Table = items
        .iter()
        .map(|(k, s)| (k.clone(), item_values(s)))
        .collect();
    let stored = load_table(db, "item_stats", &keys, ITEM_COLUMNS).await?;
    compare("item_stats", ITEM_COLUMNS, &expected, &stored, out);

    let option_keys = ["item_version_id", "phase", "staff_group_id", "option_key"];
    let expected: Table = options
        .iter()
        .map(|(k, n)| (k.clone(), vec![*n as f64]))
        .collect();
    let stored = load_table(db, "item_option_counts", &option_keys, &["n"]).await?;
    compare("item_option_counts", &["n"], &expected, &stored, out);

    let test_columns = ["n", "sum_items", "sum_total", "sum_total_sq"];
    let expected: Table = tests
        .iter()
        .map(|(k, (t, items))| {
            (
                k.clone(),
                vec![t.n as f64, *items as f64, t.sum_t, t.sum_t2],
            )
        })
        .collect();
    let test_keys = ["assessment_id", "phase", "staff_group_id"];
    let stored = load_table(db, "assessment_stats", &test_keys, &test_columns).await?;
    compare("assessment_stats", &test_columns, &expected, &stored, out);
    Ok(())
}
