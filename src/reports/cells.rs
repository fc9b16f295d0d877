//! Reading `report_cells` (the aggregate the submit path maintains) and the small lookup tables
//! a report needs. The mapping between the stored columns and [`CellSums`] lives here only, so
//! reports and `verify` cannot disagree about it.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, ExprTrait, QueryOrder, QueryResult};

use crate::entities::{job_role, organisation, role_target, staff_group, topic};
use crate::error::AppResult;
use crate::measures::{CellSums, ResponseSums};

/// The count columns of the report tables, with any extra ones after them.
macro_rules! report_counts {
    ($($extra:literal),*) => {
        &[
            "n_learners",
            "n_rated",
            "n_rating_high",
            "n_high_below_target",
            "n_at_target",
            "n_completed",
            "n_responses",
            "n_answered",
            "n_dont_know",
            "n_confidently_wrong",
            "n_paired",
            "n_gain",
            $($extra),*
        ]
    };
}

/// The count columns of `report_cells`, in the order [`stored_values`] returns them.
pub const COUNT_COLUMNS: &[&str] = report_counts!();

/// The count columns of the published tables (`super::publication`): the report counts, then
/// `n_changes`, the learners whose contribution the row holds.
pub const PUBLISHED_COUNT_COLUMNS: &[&str] = report_counts!("n_changes");

/// The running-sum columns of `report_cells`, after the counts in [`stored_values`].
pub const SUM_COLUMNS: &[&str] = &[
    "sum_knowledge",
    "sum_knowledge_sq",
    "sum_rating",
    "sum_stated_probability",
    "sum_answered_fraction",
    "sum_brier",
    "sum_paired_pre",
    "sum_paired_post",
    "sum_gain",
];

/// The stored columns' values for `sums`: counts then sums, as [`COUNT_COLUMNS`] and
/// [`SUM_COLUMNS`] name them. Target, importance and CBM mark are not stored: targets are the
/// roles' current ones, joined at report time.
pub fn stored_values(s: &CellSums) -> Vec<f64> {
    let r = &s.responses;
    let counts = [
        s.n_learners,
        s.n_rated,
        s.n_rating_high,
        s.n_high_below_target,
        s.n_at_target,
        s.n_completed,
        r.n_responses,
        r.n_answered,
        r.n_dont_know,
        r.n_confidently_wrong,
        s.n_paired,
        s.n_gain,
    ];
    let sums = [
        s.sum_knowledge,
        s.sum_knowledge_sq,
        s.sum_rating as f64,
        r.sum_stated_probability,
        r.sum_fraction_answered,
        r.sum_brier,
        s.sum_paired_pre,
        s.sum_paired_post,
        s.sum_gain,
    ];
    counts.iter().map(|&c| c as f64).chain(sums).collect()
}

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
    pub period: String,
    pub sums: CellSums,
}

/// Which stored rows to read; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CellFilter {
    /// Organisations the caller may see; `None` = all.
    pub organisations: Option<Vec<i64>>,
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
        query.and_where(col(table, "organisation_id").is_in(organisations.iter().copied()));
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

/// The key columns of `report_cells` and `report_published`.
pub static CELL_KEYS: [&str; 6] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
    "period",
];

/// The key columns of the all-months tables (`report_totals`, `report_pending`,
/// `report_published_totals`): [`CELL_KEYS`] without the month.
pub static ATOM_KEYS: [&str; 5] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
];

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
        period: text("period")?,
        sums: sums_of(row)?,
    })
}

/// The published rows matching `filter`, one per atom and month of release (organisation,
/// role, band group, topic, phase, month): what every report reads.
pub async fn load(db: &impl ConnectionTrait, filter: &CellFilter) -> AppResult<Vec<StoredCell>> {
    load_table(db, "report_published", filter).await
}

/// The rows of a per-month table (`report_cells`, the exact aggregate, or
/// `report_published`) matching `filter`.
pub async fn load_table(
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
/// all-months totals, so the gap grid's cost does not grow with the months of answers.
pub async fn load_by_role(
    db: &impl ConnectionTrait,
    filter: &CellFilter,
) -> AppResult<Vec<StoredCell>> {
    let table = if filter.from.is_none() && filter.to.is_none() {
        "report_published_totals"
    } else {
        "report_published"
    };
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

/// The lookup tables a report labels and weights its cells with.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub topics: Vec<topic::Model>,
    pub staff_groups: Vec<staff_group::Model>,
    pub job_roles: Vec<job_role::Model>,
    pub organisations: Vec<organisation::Model>,
    /// (job role, topic) → (required level 0–100, importance 1–7), the current values.
    pub targets: HashMap<(i64, i64), (f64, f64)>,
}

impl Lookups {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let targets = role_target::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                let value = (f64::from(t.required_level), f64::from(t.importance));
                ((t.job_role_id, t.topic_id), value)
            })
            .collect();
        Ok(Self {
            topics: topic::Entity::find()
                .order_by_asc(topic::Column::Position)
                .order_by_asc(topic::Column::Id)
                .all(db)
                .await?,
            staff_groups: staff_group::Entity::find()
                .order_by_asc(staff_group::Column::Position)
                .order_by_asc(staff_group::Column::Id)
                .all(db)
                .await?,
            job_roles: job_role::Entity::find()
                .order_by_asc(job_role::Column::Position)
                .order_by_asc(job_role::Column::Id)
                .all(db)
                .await?,
            organisations: organisation::Entity::find()
                .order_by_asc(organisation::Column::Code)
                .all(db)
                .await?,
            targets,
        })
    }

    /// The role's current target and importance for a topic. A role without a target row is
    /// judged as the submit path judges it (target 0, importance 1), so "at target" counts and
    /// the gap agree.
    pub fn target(&self, job_role_id: i64, topic_id: i64) -> (f64, f64) {
        self.targets
            .get(&(job_role_id, topic_id))
            .copied()
            .unwrap_or((0.0, 1.0))
    }
}
