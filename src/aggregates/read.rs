//! Reading the aggregate tables: the report cells with their job role's staff group (what
//! every report reads), the band choices, and whole tables keyed for `verify`.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QueryResult,
    QuerySelect,
};

use super::tables::{CELL_KEYS, COUNT_COLUMNS, SUM_COLUMNS, Table};
use crate::entities::{report_published_national, report_published_total};
use crate::error::AppResult;
use crate::measures::{CellSums, ResponseSums};

/// A stored count as a count; a negative one (never written by the submit path) counts as 0
/// rather than wrapping around, and `verify` reports it.
fn count(row: &QueryResult, column: &str) -> AppResult<u64> {
    let value: i64 = row.try_get("", column)?;
    Ok(u64::try_from(value).unwrap_or(0))
}

/// A numeric column as f64, whichever way the driver returns it.
pub fn number(row: &QueryResult, column: &str) -> AppResult<f64> {
    match row.try_get::<f64>("", column) {
        Ok(value) => Ok(value),
        Err(_) => Ok(row.try_get::<i64>("", column)? as f64),
    }
}

fn sums_of(row: &QueryResult) -> AppResult<CellSums> {
    let rating = number(row, "sum_rating")?;
    Ok(CellSums {
        n_learners: count(row, "n_learners")?,
        sum_knowledge: number(row, "sum_knowledge")?,
        sum_knowledge_sq: number(row, "sum_knowledge_sq")?,
        n_rated: count(row, "n_rated")?,
        // Ratings are whole numbers 1–5, stored in a double column.
        sum_rating: if rating > 0.0 {
            rating.round() as u64
        } else {
            0
        },
        n_rating_high: count(row, "n_rating_high")?,
        n_high_below_target: count(row, "n_high_below_target")?,
        n_at_target: count(row, "n_at_target")?,
        n_completed: count(row, "n_completed")?,
        responses: ResponseSums {
            n_responses: count(row, "n_responses")?,
            n_answered: count(row, "n_answered")?,
            n_dont_know: count(row, "n_dont_know")?,
            n_confidently_wrong: count(row, "n_confidently_wrong")?,
            sum_fraction_answered: number(row, "sum_answered_fraction")?,
            sum_stated_probability: number(row, "sum_stated_probability")?,
            sum_brier: number(row, "sum_brier")?,
            sum_cbm_mark: 0.0,
        },
        n_paired: count(row, "n_paired")?,
        sum_paired_pre: number(row, "sum_paired_pre")?,
        sum_paired_post: number(row, "sum_paired_post")?,
        n_gain: count(row, "n_gain")?,
        sum_gain: number(row, "sum_gain")?,
        n_calibrated: count(row, "n_calibrated")?,
        sum_calibrated_gain: number(row, "sum_calibrated_gain")?,
        sum_target: 0.0,
        sum_importance: 0.0,
    })
}

/// One stored row with its job role's staff group.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCell {
    pub organisation_id: i64,
    pub job_role_id: i64,
    pub staff_group_id: i64,
    pub band: String,
    pub topic_id: i64,
    pub phase: String,
    /// 0 where the rows were added up over teams.
    pub team_id: i64,
    pub period: String,
    pub sums: CellSums,
}

/// Which stored rows to read; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CellFilter {
    /// Organisations the caller may see whole; `None` = all.
    pub organisations: Option<Vec<i64>>,
    /// Teams whose own releases the caller may also see (with `organisations` given): a
    /// team's rows hold only what was released for that team.
    pub teams: Vec<i64>,
    pub staff_group: Option<i64>,
    pub band: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub phase: Option<String>,
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// The rows of `table` matching `filter`, joined to their job role's staff group.
fn matching(table: &str, filter: &CellFilter) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(Alias::new(table))
        .join(
            JoinType::InnerJoin,
            Alias::new("job_roles"),
            col("job_roles", "id").equals((Alias::new(table), Alias::new("job_role_id"))),
        )
        .expr_as(
            col("job_roles", "staff_group_id"),
            Alias::new("staff_group_id"),
        );
    if let Some(organisations) = &filter.organisations {
        let whole = col(table, "organisation_id").is_in(organisations.iter().copied());
        query.and_where(if filter.teams.is_empty() {
            whole
        } else {
            whole.or(col(table, "team_id").is_in(filter.teams.iter().copied()))
        });
    }
    if let Some(group) = filter.staff_group {
        query.and_where(col("job_roles", "staff_group_id").eq(group));
    }
    if let Some(band) = &filter.band {
        query.and_where(col(table, "band").eq(band.as_str()));
    }
    // 'YYYY-MM' strings sort chronologically.
    if let Some(from) = &filter.from {
        query.and_where(col(table, "period").gte(from.as_str()));
    }
    if let Some(to) = &filter.to {
        query.and_where(col(table, "period").lte(to.as_str()));
    }
    if let Some(phase) = &filter.phase {
        query.and_where(col(table, "phase").eq(phase.as_str()));
    }
    query.take()
}

fn stored_cell(row: &QueryResult, whole: bool) -> AppResult<StoredCell> {
    let text = |column: &str| -> AppResult<String> {
        Ok(if whole {
            row.try_get("", column)?
        } else {
            String::new()
        })
    };
    Ok(StoredCell {
        organisation_id: if whole {
            row.try_get("", "organisation_id")?
        } else {
            0
        },
        job_role_id: row.try_get("", "job_role_id")?,
        staff_group_id: row.try_get("", "staff_group_id")?,
        band: text("band")?,
        topic_id: row.try_get("", "topic_id")?,
        phase: text("phase")?,
        team_id: if whole {
            row.try_get("", "team_id")?
        } else {
            0
        },
        period: text("period")?,
        sums: sums_of(row)?,
    })
}

/// The published rows matching `filter`, one per atom and month of release (organisation,
/// role, band group, topic, phase, month): what every report reads.
pub async fn load(db: &impl ConnectionTrait, filter: &CellFilter) -> AppResult<Vec<StoredCell>> {
    load_table(db, Table::ReportPublished.name(), filter).await
}

/// Every row of `report_cells`, the exact aggregate (publication replays it).
pub async fn load_exact(db: &impl ConnectionTrait) -> AppResult<Vec<StoredCell>> {
    load_table(db, Table::ReportCells.name(), &CellFilter::default()).await
}

/// The rows of a per-month table (`report_cells` or `report_published`) matching `filter`.
async fn load_table(
    db: &impl ConnectionTrait,
    table: &str,
    filter: &CellFilter,
) -> AppResult<Vec<StoredCell>> {
    let mut query = matching(table, filter);
    for column in CELL_KEYS.iter().chain(COUNT_COLUMNS).chain(SUM_COLUMNS) {
        query.expr_as(col(table, column), Alias::new(*column));
    }
    for column in CELL_KEYS {
        query.order_by((Alias::new(table), Alias::new(column)), Order::Asc);
    }
    let rows = db.query_all(&query).await?;
    rows.iter().map(|row| stored_cell(row, true)).collect()
}

/// The published rows matching `filter` added up per job role and topic by the database
/// (organisation, band, phase and period left empty). Without a date range it reads the
/// all-months totals, so the gap grid's cost does not grow with the months of answers, and
/// for every organisation the totals without the organisation, so it does not grow with the
/// organisations either.
pub async fn load_by_role(
    db: &impl ConnectionTrait,
    filter: &CellFilter,
) -> AppResult<Vec<StoredCell>> {
    let table = match (&filter.organisations, &filter.from, &filter.to) {
        (None, None, None) => Table::ReportPublishedNational,
        (Some(_), None, None) => Table::ReportPublishedTotals,
        _ => Table::ReportPublished,
    }
    .name();
    let mut query = matching(table, filter);
    for column in ["job_role_id", "topic_id"] {
        query
            .expr_as(col(table, column), Alias::new(column))
            .group_by_col((Alias::new(table), Alias::new(column)));
    }
    query.group_by_col((Alias::new("job_roles"), Alias::new("staff_group_id")));
    // PostgreSQL sums integers as numeric: cast counts back to a 64-bit integer.
    for column in COUNT_COLUMNS {
        let sum = Func::cast_as(Func::sum(col(table, column)), Alias::new("BIGINT"));
        query.expr_as(sum, Alias::new(*column));
    }
    for column in SUM_COLUMNS {
        query.expr_as(Func::sum(col(table, column)), Alias::new(*column));
    }
    query
        .order_by((Alias::new(table), Alias::new("job_role_id")), Order::Asc)
        .order_by((Alias::new(table), Alias::new("topic_id")), Order::Asc);
    let rows = db.query_all(&query).await?;
    rows.iter().map(|row| stored_cell(row, false)).collect()
}

/// The bands with published figures, in `organisations` (`None` = all): the band filter's
/// choices.
pub async fn published_bands(
    db: &impl ConnectionTrait,
    organisations: Option<&[i64]>,
) -> AppResult<Vec<String>> {
    let Some(ids) = organisations else {
        return Ok(report_published_national::Entity::find()
            .select_only()
            .distinct()
            .column(report_published_national::Column::Band)
            .order_by_asc(report_published_national::Column::Band)
            .into_tuple()
            .all(db)
            .await?);
    };
    Ok(report_published_total::Entity::find()
        .select_only()
        .distinct()
        .column(report_published_total::Column::Band)
        .filter(report_published_total::Column::OrganisationId.is_in(ids.iter().copied()))
        .order_by_asc(report_published_total::Column::Band)
        .into_tuple()
        .all(db)
        .await?)
}

/// The teams of `organisations` with figures of their own (released for the team).
pub async fn published_teams(
    db: &impl ConnectionTrait,
    organisations: &[i64],
) -> AppResult<Vec<i64>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    Ok(report_published_total::Entity::find()
        .select_only()
        .distinct()
        .column(report_published_total::Column::TeamId)
        .filter(report_published_total::Column::OrganisationId.is_in(organisations.iter().copied()))
        .filter(report_published_total::Column::TeamId.ne(0))
        .into_tuple()
        .all(db)
        .await?)
}

/// Key → the values of the compared columns, as `verify` compares tables.
pub type KeyedRows = BTreeMap<String, Vec<f64>>;

/// Every row of `table` with the values of `columns`, keyed by its key columns
/// ("column=value" joined by spaces, as [`row_key`] writes them).
pub async fn keyed_rows(
    db: &impl ConnectionTrait,
    table: Table,
    columns: &[&str],
) -> AppResult<KeyedRows> {
    rows_added_up(db, table, table.keys(), columns).await
}

/// The rows of `table` added up by `keys` (some of its key columns), keyed as
/// [`keyed_rows`] keys a table whose key columns are `keys`.
pub async fn rows_added_up(
    db: &impl ConnectionTrait,
    table: Table,
    keys: &[&str],
    columns: &[&str],
) -> AppResult<KeyedRows> {
    let mut query = Query::select();
    query.from(Alias::new(table.name()));
    for column in keys.iter().chain(columns) {
        query.column(Alias::new(*column));
    }
    let mut out = KeyedRows::new();
    for row in db.query_all(&query).await? {
        let mut key = Vec::with_capacity(keys.len());
        for column in keys {
            let value = match row.try_get::<i64>("", column) {
                Ok(id) => id.to_string(),
                Err(_) => row.try_get::<String>("", column)?,
            };
            key.push(format!("{column}={value}"));
        }
        let total = out
            .entry(key.join(" "))
            .or_insert_with(|| vec![0.0; columns.len()]);
        for (sum, column) in total.iter_mut().zip(columns) {
            *sum += number(&row, column)?;
        }
    }
    Ok(out)
}

/// A row's key as [`keyed_rows`] writes it, from its key columns' values in order.
pub fn row_key(table: Table, values: &[impl std::fmt::Display]) -> String {
    table
        .keys()
        .iter()
        .zip(values)
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `report_cells` row key ([`row_key`]) without its month: its `report_totals` row's key.
pub fn without_period(key: &str) -> &str {
    key.split(" period=").next().unwrap_or(key)
}

/// A report row key ([`row_key`]) without its team (and month): its organisation's atom, what
/// a team's rows and its organisation's release add up to.
pub fn without_team(key: &str) -> &str {
    key.split(" team_id=").next().unwrap_or(key)
}
