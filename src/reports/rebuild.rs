//! Rebuilding the report aggregates from the raw data, for when what they were summed against
//! changes: a role's targets (`n_at_target`, `n_high_below_target` and `n_completed` depend on
//! them), or the calibrated scores a rescore rewrites (`n_calibrated`, `sum_calibrated_gain`). The exact tables (`report_cells`, `report_totals`) are recomputed exactly as `verify`
//! recomputes them, replaced whole, and publication is replayed from them
//! (`crate::aggregates::replace`), so `verify` is clean afterwards.
//!
//! Runs inside the caller's transaction (the target change and the rebuild commit together or
//! not at all). Set-based where the data allow: the old rows go in one `DELETE` per table and
//! the new ones in multi-row inserts; the counted attempts are read and scored a range of
//! learners at a time ([`super::counted`]).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend};
use serde::Serialize;

use super::counted::Ranges;
use super::verify::Against;
use crate::aggregates::replace::replace_cells;
use crate::assessment::calibrated::{self, Rescored};
use crate::error::AppResult;

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rebuilt {
    /// Attempts the reports count (first baselines, latest post-assessments), rescored.
    pub attempts: usize,
    /// Report cells (group × topic × phase × month) written.
    pub cells: usize,
}

/// The tables a submit adds to, in the order it writes them, so on PostgreSQL the rebuild
/// waits for submits under way and submits that start later wait for it (no deadlock: the
/// same order).
const LOCKED: &str = "LOCK TABLE report_cells, report_totals, report_pending, report_published, \
                      report_published_totals, report_published_national IN EXCLUSIVE MODE";

/// `bank rescore`: every attempt's scores on the calibrated scale rewritten under the latest
/// calibration, then the report cells, which sum the calibrated gains those scores give,
/// rebuilt from them. Nothing is rebuilt before the first calibration.
pub async fn rescore(db: &DatabaseConnection) -> AppResult<(Rescored, Option<Rebuilt>)> {
    let rescored = calibrated::rescore(db).await?;
    let rebuilt = match rescored.run_id {
        Some(_) => Some(rebuild(db).await?),
        None => None,
    };
    Ok((rescored, rebuilt))
}

/// [`rebuild_from_raw`] in a transaction of its own.
pub async fn rebuild(db: &DatabaseConnection) -> AppResult<Rebuilt> {
    let txn = crate::db::begin_write(db).await?;
    let rebuilt = rebuild_from_raw(&txn).await?;
    txn.commit().await?;
    Ok(rebuilt)
}

/// Recomputes `report_cells` and `report_totals` from the raw data with the current targets,
/// and publishes afresh from them, inside the caller's transaction `db` (which holds the
/// tables' locks on PostgreSQL until it ends).
#[tracing::instrument(skip(db))]
pub async fn rebuild_from_raw(db: &DatabaseTransaction) -> AppResult<Rebuilt> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(LOCKED).await?;
    }
    let against = Against::load(db).await?;
    let mut cells = HashMap::new();
    let mut attempts = 0;
    let mut ranges = Ranges::start(db).await?;
    while let Some(range) = ranges.next(db).await? {
        attempts += range.counted.len();
        against.add(&range.counted, &mut cells);
    }
    replace_cells(db, &cells).await?;
    Ok(Rebuilt {
        attempts,
        cells: cells.len(),
    })
}
