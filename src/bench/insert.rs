//! Bulk inserts for the seed: multi-row statements under both databases' parameter limits,
//! ids given by the seed (so rows can refer to each other without reading them back), and
//! PostgreSQL's id sequences moved past them afterwards.

use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, Statement};

use crate::error::AppResult;

/// Statement parameters stay under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// Inserts `rows` in as few statements as the parameter limit allows.
pub async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> AppResult<()>
where
    A: ActiveModelTrait + Send,
{
    let width = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (MAX_PARAMETERS / width).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The first id after the largest in `table`.
pub async fn next_id(db: &impl ConnectionTrait, table: &str) -> AppResult<i64> {
    let query = Query::select()
        .expr_as(
            Func::coalesce([
                Expr::from(Func::max(Expr::col(Alias::new("id")))),
                Expr::val(0i64),
            ]),
            Alias::new("top"),
        )
        .from(Alias::new(table))
        .take();
    let top: i64 = match db.query_one(&query).await? {
        Some(row) => row.try_get("", "top")?,
        None => 0,
    };
    Ok(top + 1)
}

/// On PostgreSQL, moves each table's id sequence past the ids the seed gave, so rows the
/// service inserts later get fresh ids. SQLite needs nothing.
pub async fn resync_ids(db: &impl ConnectionTrait, tables: &[&str]) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        // Table names are the seed's own constants, never user input.
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        );
        db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await?;
    }
    Ok(())
}
