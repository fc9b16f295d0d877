//! The item-analysis aggregates: per item version, phase and staff group (0 = everyone) the
//! running [`ItemSums`], a rest-score histogram for discriminative efficiency and the options
//! chosen; per assessment the whole-test moments.

use super::increments::{Increments, Key};
use super::tables::Table;
use crate::entities::Phase;
use crate::error::AppResult;
use crate::measures::{ItemSums, TestSums};

/// The stored columns' values for `s`, in [`Table::ItemStats`]' measure order.
pub fn item_values(s: &ItemSums) -> Vec<f64> {
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

/// The stored columns' values of an assessment's moments over `items` responses, in
/// [`Table::AssessmentStats`]' measure order.
pub fn test_values(t: &TestSums, items: u64) -> Vec<f64> {
    vec![t.n as f64, items as f64, t.sum_t, t.sum_t2]
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

/// Where one response of a counted attempt is added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    pub item_version_id: i64,
    pub phase: Phase,
    pub staff_group_id: i64,
}

/// Adds one response (its [`ItemSums::observation`] and the options it chose) to `batch`.
pub fn add_response(
    batch: &mut Increments,
    key: &ItemKey,
    sums: &ItemSums,
    options: &[String],
) -> AppResult<()> {
    let row: Vec<Key> = vec![
        key.item_version_id.into(),
        key.phase.as_str().into(),
        key.staff_group_id.into(),
    ];
    let spec = Table::ItemStats.spec();
    let values = item_values(sums);
    let (counts, amounts) = values.split_at(spec.counts.len());
    // Counts of one observation are 0 or 1, exact in f64.
    let counts: Vec<(&str, i64)> = spec
        .counts
        .iter()
        .zip(counts)
        .map(|(c, v)| (*c, *v as i64))
        .collect();
    let amounts: Vec<(&str, f64)> = spec.sums.iter().copied().zip(amounts.to_vec()).collect();
    batch.add(Table::ItemStats, row.clone(), &counts, &amounts)?;
    // Discriminative efficiency needs the rest scores' distribution, not only their sums;
    // hundredths are finer than any rest score a fraction-graded test produces in practice,
    // and keep the bucket an exact key.
    let mut bucket = row.clone();
    bucket.push(rest_bucket(sums.sum_r).into());
    batch.add(Table::ItemRestHistogram, bucket, &[("n", 1)], &[])?;
    for option in options {
        let mut with_option = row.clone();
        with_option.push(option.as_str().into());
        batch.add(Table::ItemOptionCounts, with_option, &[("n", 1)], &[])?;
    }
    Ok(())
}

/// Adds one attempt with `items` responses and total score `total` to its assessment's
/// moments.
pub fn add_test(
    batch: &mut Increments,
    assessment_id: i64,
    phase: Phase,
    staff_group_id: i64,
    items: i64,
    total: f64,
) -> AppResult<()> {
    let key = vec![
        assessment_id.into(),
        phase.as_str().into(),
        staff_group_id.into(),
    ];
    batch.add(
        Table::AssessmentStats,
        key,
        &[("n", 1), ("sum_items", items)],
        &[("sum_total", total), ("sum_total_sq", total * total)],
    )
}

/// Keeps in `batch` what removed responses added to `table`'s row at `row_key`.
pub fn keep_removed(
    batch: &mut Increments,
    table: Table,
    row_key: &str,
    values: &[f64],
) -> AppResult<()> {
    for (column, value) in table.measures().into_iter().zip(values) {
        let key = vec![table.name().into(), row_key.into(), column.into()];
        batch.add(Table::RemovedResponseSums, key, &[], &[("value", *value)])?;
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
