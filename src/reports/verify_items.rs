//! `verify` for the item-analysis aggregates: item_stats, item_option_counts and
//! assessment_stats, rebuilt from the counted baseline attempts' responses with the pure
//! `ItemSums` / `TestSums`, plus, for attempts whose responses retention removed, the same sums
//! computed from those responses just before they were deleted (`removed_response_sums`).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, EntityTrait};

use super::verify::{Difference, compare};
use crate::aggregates::Table;
use crate::aggregates::items::{item_values, test_values};
use crate::aggregates::read::{self, KeyedRows};
use crate::assessment::answer::AnswerInput;
use crate::assessment::scoring::to_answer;
use crate::entities::{Phase, attempt, removed_response_sum, response};
use crate::error::AppResult;
use crate::measures::{ItemSums, TestSums};

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

/// Counted baseline attempts' additions to the item-level tables, keyed by (item version or
/// assessment, phase, staff group) and turned into `verify`'s text keys only in [`Self::tables`]:
/// national scale adds tens of millions of responses.
#[derive(Debug, Default)]
pub struct ItemContributions {
    items: HashMap<(i64, Phase, i64), ItemSums>,
    options: HashMap<(i64, Phase, i64, String), u64>,
    tests: HashMap<(i64, Phase, i64), (TestSums, u64)>,
}

impl ItemContributions {
    /// Adds one counted baseline attempt with total score `total` and its `responses`.
    pub fn add_attempt(&mut self, a: &attempt::Model, total: f64, responses: &[response::Model]) {
        // Everyone (group 0) and the attempt's own staff group.
        let groups: Vec<i64> = std::iter::once(0).chain(a.staff_group_id).collect();
        for row in responses {
            let options = chosen_options(row);
            let observation = ItemSums::observation(&to_answer(row), total);
            for &group in &groups {
                for option in &options {
                    *self
                        .options
                        .entry((row.item_version_id, a.phase, group, option.clone()))
                        .or_default() += 1;
                }
                *self
                    .items
                    .entry((row.item_version_id, a.phase, group))
                    .or_default() += observation;
            }
        }
        for &group in &groups {
            let entry = self
                .tests
                .entry((a.assessment_id, a.phase, group))
                .or_default();
            entry.0 += TestSums::observation(total);
            entry.1 += responses.len() as u64;
        }
    }

    /// Per table, the values of its measures by key.
    pub fn tables(&self) -> Vec<(Table, KeyedRows)> {
        let key = |table, id: i64, phase: Phase, group: i64| {
            read::row_key(
                table,
                &[id.to_string(), phase.to_string(), group.to_string()],
            )
        };
        let items = self
            .items
            .iter()
            .map(|(&(v, p, g), s)| (key(Table::ItemStats, v, p, g), item_values(s)))
            .collect();
        let options = self
            .options
            .iter()
            .map(|((v, p, g, option), n)| {
                let values = [v.to_string(), p.to_string(), g.to_string(), option.clone()];
                let key = read::row_key(Table::ItemOptionCounts, &values);
                (key, vec![*n as f64])
            })
            .collect();
        let tests = self
            .tests
            .iter()
            .map(|(&(a, p, g), (t, items))| {
                (key(Table::AssessmentStats, a, p, g), test_values(t, *items))
            })
            .collect();
        vec![
            (Table::ItemStats, items),
            (Table::ItemOptionCounts, options),
            (Table::AssessmentStats, tests),
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

/// Adds every difference of the item-level tables to `out`; `contributions` are the counted
/// baselines' that still have their responses.
pub(super) async fn check(
    db: &impl ConnectionTrait,
    contributions: ItemContributions,
    out: &mut Vec<Difference>,
) -> AppResult<()> {
    let removed = removed_sums(db).await?;
    for (table, mut expected) in contributions.tables() {
        let columns = table.measures();
        for (key, values) in removed.get(table.name()).into_iter().flatten() {
            let row = expected
                .entry(key.clone())
                .or_insert_with(|| vec![0.0; columns.len()]);
            for (i, column) in columns.iter().enumerate() {
                row[i] += values.get(*column).copied().unwrap_or(0.0);
            }
        }
        let stored = read::keyed_rows(db, table, &columns).await?;
        compare(table.name(), &columns, &expected, &stored, out);
    }
    Ok(())
}
