//! `verify` for the published side ([`super::publication`]): what waits plus what was
//! published is exactly the recomputed truth, per atom added up over teams (a team's waiting
//! contributions may be released as its organisation's); the months of `report_published` add
//! up to `report_published_totals`, and those over the organisations and teams to
//! `report_published_national`; and every release held at least the threshold of learners
//! while nothing that reached it is still waiting.

use sea_orm::ConnectionTrait;

use super::verify::{Difference, compare, over_all_months};
use crate::aggregates::publication::{self, with_band_group};
use crate::aggregates::read::{KeyedRows, keyed_rows, rows_added_up, without_team};
use crate::aggregates::tables::{N_CHANGES, Table};
use crate::error::AppResult;

fn add_into(into: &mut KeyedRows, key: String, values: &[f64]) {
    let row = into.entry(key).or_insert_with(|| vec![0.0; values.len()]);
    for (total, value) in row.iter_mut().zip(values) {
        *total += value;
    }
}

/// Adds every difference of the published tables to `out`; `expected` is the recomputed
/// per-month truth (`report_cells`' keys and columns).
pub(super) async fn check(
    db: &impl ConnectionTrait,
    expected: &KeyedRows,
    out: &mut Vec<Difference>,
) -> AppResult<()> {
    // The exact tables' measures: the published ones' without `n_changes`.
    let columns = Table::ReportCells.measures();
    let mut truth = KeyedRows::new();
    for (key, values) in over_all_months(expected) {
        add_into(
            &mut truth,
            without_team(&with_band_group(&key)).to_owned(),
            &values,
        );
    }
    let pending = keyed_rows(db, Table::ReportPending, &columns).await?;
    let totals = keyed_rows(db, Table::ReportPublishedTotals, &columns).await?;
    let mut held = KeyedRows::new();
    for (key, values) in pending.iter().chain(&totals) {
        add_into(&mut held, without_team(key).to_owned(), values);
    }
    compare(
        &format!(
            "{} + {}",
            Table::ReportPending.name(),
            Table::ReportPublishedTotals.name()
        ),
        &columns,
        &truth,
        &held,
        out,
    );
    let months = keyed_rows(db, Table::ReportPublished, &columns).await?;
    compare(
        Table::ReportPublishedTotals.name(),
        &columns,
        &over_all_months(&months),
        &totals,
        out,
    );
    // What all-organisation scopes read must be exactly the published rows it stands for.
    let national = Table::ReportPublishedNational;
    let columns = national.measures();
    compare(
        national.name(),
        &columns,
        &rows_added_up(db, Table::ReportPublishedTotals, national.keys(), &columns).await?,
        &keyed_rows(db, national, &columns).await?,
        out,
    );

    let threshold = f64::from(publication::threshold(db).await?);
    for (table, released) in [
        (Table::ReportPublished, true),
        (Table::ReportPending, false),
    ] {
        for (key, values) in keyed_rows(db, table, &[N_CHANGES]).await? {
            let n = values.first().copied().unwrap_or(0.0);
            let wrong = if released {
                n < threshold
            } else {
                n >= threshold
            };
            if wrong {
                out.push(Difference {
                    table: table.name().into(),
                    key,
                    column: if released {
                        format!("{N_CHANGES} (a release needs at least {threshold})")
                    } else {
                        format!("{N_CHANGES} (should have been released at {threshold})")
                    },
                    stored: n,
                    expected: threshold,
                });
            }
        }
    }
    Ok(())
}
