//! Monthly trends: the gap grid for each month of submissions in the query's range, each month
//! suppressed on its own (a month is a narrower group, so it obeys the same rule).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::gaps::{self, GapQuery, ReportRow, TopicColumn};
use super::lookups::Lookups;
use crate::aggregates::read::{self, StoredCell};
use crate::error::AppResult;

/// One month's grid.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrendMonth {
    /// 'YYYY-MM'.
    pub period: String,
    pub rows: Vec<ReportRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Trends {
    pub as_of: DateTime<Utc>,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub topics: Vec<TopicColumn>,
    /// Months with data, oldest first.
    pub months: Vec<TrendMonth>,
}

/// Monthly grids for `query` (its `from`/`to` bound the months).
#[tracing::instrument(skip(db))]
pub async fn trends(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    min_cell_size: u32,
) -> AppResult<Trends> {
    let filter = query.cell_filter(db).await?;
    let as_of = Utc::now();
    let stored = read::load(db, &filter).await?;
    let lookups = Lookups::load(db).await?;
    let mut by_month: BTreeMap<String, Vec<StoredCell>> = BTreeMap::new();
    for row in stored {
        by_month.entry(row.period.clone()).or_default().push(row);
    }
    // The topic columns of the whole range, so every month lines up.
    let all: Vec<StoredCell> = by_month.values().flatten().cloned().collect();
    let (topics, _) = gaps::build(&all, &lookups, query.phase, min_cell_size)?;
    let mut months = Vec::new();
    for (period, rows) in by_month {
        let (month_topics, rows) = gaps::build(&rows, &lookups, query.phase, min_cell_size)?;
        // Topics only differ when a retired topic has data in some months; realign by id.
        let rows = rows
            .into_iter()
            .map(|mut row| {
                row.cells = topics
                    .iter()
                    .map(|t| {
                        month_topics
                            .iter()
                            .position(|m| m.id == t.id)
                            .and_then(|i| row.cells.get(i).cloned())
                            .unwrap_or_else(|| {
                                gaps::Cell::Shown(Box::new(
                                    crate::measures::CellMeasures::from_sums(&Default::default()),
                                ))
                            })
                    })
                    .collect();
                row
            })
            .collect();
        months.push(TrendMonth { period, rows });
    }
    Ok(Trends {
        as_of,
        min_cell_size,
        query: query.clone(),
        topics,
        months,
    })
}
