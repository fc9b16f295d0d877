//! Replacing the exact report tables whole, for a rebuild from the raw data
//! (`crate::reports::rebuild`): one `DELETE` per table, multi-row inserts, then publication
//! replayed from the new rows.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait};

use super::tables::{COUNT_COLUMNS, SUM_COLUMNS, Table};
use super::{CellKey, Increments, publication, stored_values};
use crate::entities::{report_cell, report_total};
use crate::error::AppResult;
use crate::measures::CellSums;

/// Makes `report_cells` hold exactly `cells` (and `report_totals` their all-months sums), and
/// publishes afresh from them with the recorded threshold.
pub async fn replace_cells(
    db: &impl ConnectionTrait,
    cells: &HashMap<CellKey, CellSums>,
) -> AppResult<()> {
    report_cell::Entity::delete_many().exec(db).await?;
    report_total::Entity::delete_many().exec(db).await?;
    let mut batch = Increments::default();
    for (key, sums) in cells {
        let values = stored_values(sums);
        let (count_values, sum_values) = values.split_at(COUNT_COLUMNS.len());
        let counts: Vec<(&str, i64)> = COUNT_COLUMNS
            .iter()
            .zip(count_values)
            .map(|(c, v)| (*c, *v as i64))
            .collect();
        let sums: Vec<(&str, f64)> = SUM_COLUMNS
            .iter()
            .copied()
            .zip(sum_values.iter().copied())
            .collect();
        let mut row = key.key();
        batch.add(Table::ReportCells, row.clone(), &counts, &sums)?;
        row.pop();
        batch.add(Table::ReportTotals, row, &counts, &sums)?;
    }
    batch.write(db).await?;
    let threshold = publication::threshold(db).await?;
    publication::rebuild(db, threshold).await
}
