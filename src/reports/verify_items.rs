//! `verify` for the item-analysis aggregates: item_stats, item_option_counts and
//! assessment_stats, rebuilt from the counted baseline attempts' responses with the pure
//! `ItemSums` / `TestSums`, plus, for attempts whose responses retention removed, the same sums
//! computed from those responses just before they were deleted (`removed_response_sums`).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::verify::{Difference, Table, compare, load_table};
use crate::assessment::aggregates::AttemptTopics;
use crate::assessment::answer::AnswerInput;
use crate::assessment::scoring::to_answer;
use crate::entities::{attempt, removed_response_sum, response};
use crate::error::AppResult;
use crate::measures::{ItemSums, TestSums};

const OPTION_COLUMNS: &[&str] = &["n"];
const TEST_COLUMNS: &[&str] = &["n", "sum_items", "sum_total", "sum_total_sq"];
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

/// Counted baseline attempts' additions to the item-level tables, keyed as `verify` keys them.
#[derive(Debug, Default)]
pub struct ItemContributions {
    items: HashMap<String, ItemSums>,
    options: HashMap<String, u64>,
    tests: HashMap<String, (TestSums, u64)>,
}

impl ItemContributions {
    /// Adds one counted baseline attempt with total score `total` and its `responses`.
    pub fn add_attempt(&mut self, a: &attempt::Model, total: f64, responses: &[response::Model]) {
        // Everyone (group 0) and the attempt's own staff group.
        let groups: Vec<i64> = std::iter::once(0).chain(a.staff_group_id).collect();
        for group in &groups {
            for row in responses {
                let key = format!(
                    "item_version_id={} phase={} staff_group_id={group}",
                    row.item_version_id, a.phase
                );
                for option in chosen_options(row) {
                    *self
                        .options
                        .entry(format!("{key} option_key={option}"))
                        .or_default() += 1;
                }
                *self.items.entry(key).or_default() +=
                    ItemSums::observation(&to_answer(row), total);
            }
            let key = format!(
                "assessment_id={} phase={} staff_group_id={group}",
                a.assessment_id, a.phase
            );
            let entry = self.tests.entry(key).or_default();
            entry.0 += TestSums::observation(total);
            entry.1 += responses.len() as u64;
        }
    }

    /// Per table: its columns and the values by key.
    pub fn tables(&self) -> Vec<(&'static str, &'static [&'static str], Table)> {
        let items = self
            .items
            .iter()
            .map(|(k, s)| (k.clone(), item_values(s)))
            .collect();
        let options = self
            .options
            .iter()
            .map(|(k, n)| (k.clone(), vec![*n as f64]))
            .collect();
        let tests = self
            .tests
            .iter()
            .map(|(k, (t, items))| {
                (
                    k.clone(),
                    vec![t.n as f64, *items as f64, t.sum_t, t.sum_t2],
                )
            })
            .collect();
        vec![
            ("item_stats", ITEM_COLUMNS, items),
            ("item_option_counts", OPTION_COLUMNS, options),
            ("assessment_stats", TEST_COLUMNS, tests),
        ]
    }
}

/// What retention kept of removed responses, per table, in the same shape.
async fn removed_sums(
    db: &impl ConnectionTrait,
) -> AppResult<HashMap<String, BTreeMap<String, HashMap<String, f64>>>> {
    let mut out: HashMap<String, BTreeMap<String, HashMap<String, f64>>> = HashMap::new();
    for row in removed_response_sum::Entity::find().all(db).await? {
        out.entry(row.aggregate)
            .or_default()
            .entry(row.row_key)
            .or_default()
            .insert(row.column_name, row.value);
    }
    Ok(out)
}

pub(super) async fn check(
    db: &impl ConnectionTrait,
    counted: &[&attempt::Model],
    scored: &HashMap<i64, AttemptTopics>,
    out: &mut Vec<Difference>,
) -> AppResult<()> {
    let mut contributions = ItemContributions::default();
    // Attempts whose responses retention removed are counted through what it kept instead.
    for a in counted
        .iter()
        .filter(|a| a.phase == "baseline" && a.responses_removed_at.is_none())
    {
        let Some(topics) = scored.get(&a.id) else {
            continue;
        };
        let responses = response::Entity::find()
            .filter(response::Column::AttemptId.eq(a.id))
            .all(db)
            .await?;
        contributions.add_attempt(a, topics.scored.total(), &responses);
    }
    let removed = removed_sums(db).await?;
    for (table, columns, mut expected) in contributions.tables() {
        for (key, values) in removed.get(table).into_iter().flatten() {
            let row = expected
                .entry(key.clone())
                .or_insert_with(|| vec![0.0; columns.len()]);
            for (i, column) in columns.iter().enumerate() {
                row[i] += values.get(*column).copied().unwrap_or(0.0);
            }
        }
        let keys: &[&str] = match table {
            "item_stats" => &["item_version_id", "phase", "staff_group_id"],
            "item_option_counts" => &["item_version_id", "phase", "staff_group_id", "option_key"],
            _ => &["assessment_id", "phase", "staff_group_id"],
        };
        let stored = load_table(db, table, keys, columns).await?;
        compare(table, columns, &expected, &stored, out);
    }
    Ok(())
}
