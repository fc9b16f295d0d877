//! The yardsticks the hot paths are compared with, run on the same database: the raw rows of a
//! baseline submit inserted by plain SQL (the storage engine's limit), and the gap grid
//! computed by a plain GROUP BY over every raw response (what the dashboard would cost
//! without its aggregates).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, ExprTrait, TransactionTrait};

use super::load::{Measure, closed_loop};
use crate::entities::Phase;
use crate::error::{AppError, AppResult};

/// Marks the yardstick's own attempts, so they can be removed afterwards and count nowhere.
const MARK: &str = "bench_sql";

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Existing rows the yardstick's rows refer to.
struct Ids {
    user: i64,
    assessment: i64,
    item_versions: Vec<i64>,
    topics: Vec<i64>,
}

impl Ids {
    async fn load(db: &DatabaseConnection) -> AppResult<Self> {
        let first = |table: &str, n: u64| {
            Query::select()
                .column(Alias::new("id"))
                .from(Alias::new(table))
                .order_by(Alias::new("id"), Order::Asc)
                .limit(n)
                .take()
        };
        let mut lists = Vec::new();
        for (table, n) in [
            ("users", 1),
            ("assessments", 1),
            ("item_versions", 24),
            ("topics", 8),
        ] {
            let rows = db.query_all(&first(table, n)).await?;
            let ids = rows
                .iter()
                .map(|r| r.try_get::<i64>("", "id"))
                .collect::<Result<Vec<i64>, _>>()?;
            if ids.is_empty() {
                return Err(AppError::Conflict("Seed the database first.".into()));
            }
            lists.push(ids);
        }
        Ok(Self {
            user: lists[0][0],
            assessment: lists[1][0],
            item_versions: lists[2].clone(),
            topics: lists[3].clone(),
        })
    }
}

/// One submit's rows by plain SQL in one write transaction: the attempt, 24 responses and 8
/// topic ratings.
async fn insert_rows(db: &DatabaseConnection, ids: &Ids) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let attempt = Query::insert()
        .into_table(Alias::new("attempts"))
        .columns(
            [
                "user_id",
                "assessment_id",
                "phase",
                "status",
                "started_at",
                "is_reported",
            ]
            .map(Alias::new),
        )
        .values([
            ids.user.into(),
            ids.assessment.into(),
            Phase::Baseline.as_str().into(),
            MARK.into(),
            now.into(),
            false.into(),
        ])
        .map_err(AppError::internal)?
        .returning_col(Alias::new("id"))
        .take();
    let id: i64 = txn
        .query_one(&attempt)
        .await?
        .ok_or_else(|| AppError::internal("no id returned"))?
        .try_get("", "id")?;
    let mut responses = Query::insert();
    responses.into_table(Alias::new("responses")).columns(
        [
            "attempt_id",
            "item_version_id",
            "answer",
            "fraction",
            "certainty",
            "dont_know",
            "time_on_item_ms",
            "answered_at",
        ]
        .map(Alias::new),
    );
    for &item in &ids.item_versions {
        let values: [SimpleExpr; 8] = [
            id.into(),
            item.into(),
            r#"{"choice":1}"#.into(),
            1.0_f64.into(),
            2_i16.into(),
            false.into(),
            30_000_i32.into(),
            now.into(),
        ];
        responses.values(values).map_err(AppError::internal)?;
    }
    txn.execute(&responses).await?;
    let mut ratings = Query::insert();
    ratings
        .into_table(Alias::new("topic_ratings"))
        .columns(["attempt_id", "topic_id", "rating"].map(Alias::new));
    for &topic in &ids.topics {
        let values: [SimpleExpr; 3] = [id.into(), topic.into(), 3_i16.into()];
        ratings.values(values).map_err(AppError::internal)?;
    }
    txn.execute(&ratings).await?;
    txn.commit().await?;
    Ok(())
}

/// Plain inserts of a submit's rows by `concurrency` clients for `duration`. Needs a user and
/// item versions 1–24 and topics 1–8 (any seeded database has them); removes its rows after.
pub async fn plain_inserts(
    db: &DatabaseConnection,
    concurrency: usize,
    duration: Duration,
) -> AppResult<Measure> {
    let ids = Ids::load(db).await?;
    let shared = Arc::new((db.clone(), ids));
    let measure = closed_loop("plain_sql_insert", concurrency, duration, move |_| {
        let shared = Arc::clone(&shared);
        async move {
            let (db, ids) = &*shared;
            Some(insert_rows(db, ids).await.map_err(|e| e.to_string()))
        }
    })
    .await;
    remove_marked(db).await?;
    Ok(measure)
}

async fn remove_marked(db: &DatabaseConnection) -> AppResult<()> {
    let marked = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("attempts"))
        .and_where(Expr::col(Alias::new("status")).eq(MARK))
        .take();
    let txn = db.begin().await?;
    for table in ["responses", "topic_ratings"] {
        let delete = Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new("attempt_id")).in_subquery(marked.clone()))
            .take();
        txn.execute(&delete).await?;
    }
    let delete = Query::delete()
        .from_table(Alias::new("attempts"))
        .and_where(Expr::col(Alias::new("status")).eq(MARK))
        .take();
    txn.execute(&delete).await?;
    txn.commit().await?;
    Ok(())
}

/// The gap grid (organisation × job role × topic: learners' responses and mean score) by a
/// GROUP BY over every raw response of counted baselines, timed `runs` times.
pub async fn group_by(db: &DatabaseConnection, runs: usize) -> AppResult<Measure> {
    let query = Query::select()
        .column((Alias::new("a"), Alias::new("organisation_id")))
        .column((Alias::new("a"), Alias::new("job_role_id")))
        .column((Alias::new("ai"), Alias::new("topic_id")))
        .expr_as(Func::count(col("r", "id")), Alias::new("n"))
        .expr_as(Func::avg(col("r", "fraction")), Alias::new("mean"))
        .from_as(Alias::new("responses"), Alias::new("r"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("attempts"),
            Alias::new("a"),
            col("a", "id").equals((Alias::new("r"), Alias::new("attempt_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("attempt_items"),
            Alias::new("ai"),
            col("ai", "attempt_id")
                .equals((Alias::new("r"), Alias::new("attempt_id")))
                .and(
                    col("ai", "item_version_id")
                        .equals((Alias::new("r"), Alias::new("item_version_id"))),
                ),
        )
        .and_where(col("a", "phase").eq(Phase::Baseline.as_str()))
        .and_where(col("a", "is_reported").eq(true))
        .group_by_col((Alias::new("a"), Alias::new("organisation_id")))
        .group_by_col((Alias::new("a"), Alias::new("job_role_id")))
        .group_by_col((Alias::new("ai"), Alias::new("topic_id")))
        .take();
    let started = Instant::now();
    let mut latencies = Vec::new();
    for _ in 0..runs.max(1) {
        let began = Instant::now();
        db.query_all(&query).await?;
        latencies.push(began.elapsed().as_micros() as u64);
    }
    Ok(Measure::from_latencies(
        "plain_group_by",
        1,
        latencies,
        0,
        None,
        started.elapsed(),
    ))
}
