//! `verify` for the published side ([`super::publication`]): what waits plus what was
//! published is exactly the recomputed truth, per atom; the months of `report_published` add
//! up to `report_published_totals`; and every release held at least the threshold of learners
//! while nothing that reached it is still waiting.

use sea_orm::ConnectionTrait;

use super::cells::{ATOM_KEYS, CELL_KEYS, COUNT_COLUMNS, SUM_COLUMNS};
use super::publication::{self, band_group};
use super::verify::{Difference, Table, compare, load_table, over_all_months};
use crate::error::AppResult;

/// A totals key ("organisation_id=… job_role_id=… band=… topic_id=… phase=…") with its band
/// replaced by the band's group.
fn with_band_group(key: &str) -> String {
    let Some((head, rest)) = key.split_once(" band=") else {
        return key.to_owned();
    };
    let Some((band, tail)) = rest.split_once(" topic_id=") else {
        return key.to_owned();
    };
    format!("{head} band={} topic_id={tail}", band_group(band))
}

fn add_into(into: &mut Table, key: String, values: &[f64]) {
    let row = into.entry(key).or_insert_with(|| vec![0.0; values.len()]);
    for (total, value) in row.iter_mut().zip(values) {
        *total += value;
    }
}

/// Adds every difference of the published tables to `out`; `expected` is the recomputed
/// per-month truth (`report_cells`' keys and columns).
pub(super) async fn check(
    db: &impl ConnectionTrait,
    expected: &Table,
    out: &mut Vec<Difference>,
) -> AppResult<()> {
    let columns: Vec<&str> = COUNT_COLUMNS.iter().chain(SUM_COLUMNS).copied().collect();
    let mut truth = Table::new();
    for (key, values) in over_all_months(expected) {
        add_into(&mut truth, with_band_group(&key), &values);
    }
    let pending = load_table(db, "report_pending", &ATOM_KEYS, &columns).await?;
    let totals = load_table(db, "report_published_totals", &ATOM_KEYS, &columns).await?;
    let mut held = Table::new();
    for (key, values) in pending.iter().chain(&totals) {
        add_into(&mut held, key.clone(), values);
    }
    compare(
        "report_pending + report_published_totals",
        &columns,
        &truth,
        &held,
        out,
    );
    let months = load_table(db, "report_published", &CELL_KEYS, &columns).await?;
    compare(
        "report_published_totals",
        &columns,
        &over_all_months(&months),
        &totals,
        out,
    );

    let threshold = f64::from(publication::threshold(db).await?);
    let changes = ["n_changes"];
    for (table, keys, released) in [
        ("report_published", &CELL_KEYS[..], true),
        ("report_pending", &ATOM_KEYS[..], false),
    ] {
        for (key, values) in load_table(db, table, keys, &changes).await? {
            let n = values.first().copied().unwrap_or(0.0);
            let wrong = if released {
                n < threshold
            } else {
                n >= threshold
            };
            if wrong {
                out.push(Difference {
                    table: table.into(),
                    key,
                    column: if released {
                        format!("n_changes (a release needs at least {threshold})")
                    } else {
                        format!("n_changes (should have been released at {threshold})")
                    },
                    stored: n,
                    expected: threshold,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_totals_key_is_regrouped_by_band_group() {
        assert_eq!(
            with_band_group("organisation_id=1 job_role_id=2 band=Band 3 topic_id=4 phase=post"),
            "organisation_id=1 job_role_id=2 band=Bands 1–4 topic_id=4 phase=post"
        );
    }
}
