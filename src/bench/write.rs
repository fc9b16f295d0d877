//! Writing one batch of the seed in one transaction, on a connection of its own taken from the
//! pool: PostgreSQL gets each table as a `COPY` stream ([`super::copy`]), SQLite multi-row
//! INSERTs with durability and cache settings meant for a bulk load, set on that connection
//! for the batch only. Aggregates (the whole population's, with the last batch) go through
//! the same upserts a submit writes ([`crate::aggregates::Increments`]), inside the same
//! transaction.

use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder, Values};
use sea_orm::sqlx::{self, AssertSqlSafe, Connection as _, PgPool, SqlitePool};
use sea_orm::{ActiveModelTrait, DbBackend, EntityTrait, QueryTrait};
use sea_query_sqlx::{SqlxBinder as _, SqlxValues};

use super::copy::copy_in;
use super::seed::Rows;
use crate::error::{AppError, AppResult};

fn failed(error: sqlx::Error) -> AppError {
    AppError::internal(error)
}

/// Writes `rows` to PostgreSQL: one `COPY` per table, then the aggregate upserts.
pub(super) async fn copy(pool: &PgPool, mut rows: Rows) -> AppResult<usize> {
    let tables = [
        copy_in(&rows.users)?,
        copy_in(&rows.jobs)?,
        copy_in(&rows.attempts)?,
        copy_in(&rows.items)?,
        copy_in(&rows.ratings)?,
        copy_in(&rows.responses)?,
        copy_in(&rows.sessions)?,
    ];
    let written = rows.aggregates.len();
    let statements = rows.aggregates.take_statements()?;
    let mut tx = pool.begin().await.map_err(failed)?;
    skip_reference_checks(&mut tx).await?;
    for table in tables.into_iter().flatten() {
        let mut stream = tx.copy_in_raw(&table.statement).await.map_err(failed)?;
        stream.send(table.data.as_bytes()).await.map_err(failed)?;
        stream.finish().await.map_err(failed)?;
    }
    for statement in statements {
        let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
        sqlx::query_with(AssertSqlSafe(sql), values)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
    }
    tx.commit().await.map_err(failed)?;
    Ok(written)
}

/// Leaves out the foreign-key checks for the rest of the batch's transaction when the role may
/// (a superuser: `session_replication_role`), as `pg_restore --disable-triggers` does for a
/// data-only load. Every seeded row refers to rows the seed itself wrote or read, and the
/// checks, a lookup per referring row, were most of PostgreSQL's work (docs/benchmarks.md).
/// The schema has no triggers of its own, so nothing else is skipped.
async fn skip_reference_checks(tx: &mut sqlx::PgConnection) -> AppResult<()> {
    let superuser: String = sqlx::query_scalar("SELECT current_setting('is_superuser')")
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
    if superuser == "on" {
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// Rows per statement: SQLite allows 32,766 parameters.
const MAX_PARAMETERS: usize = 30_000;

/// The multi-row INSERTs of `rows`, as many rows per statement as the parameter limit allows.
fn inserts<A>(rows: Vec<A>) -> Vec<sea_orm::Statement>
where
    A: ActiveModelTrait + Send,
{
    use sea_orm::Iterable as _;
    let width = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (MAX_PARAMETERS / width).max(1);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        out.push(<A::Entity as EntityTrait>::insert_many(chunk).build(DbBackend::Sqlite));
    }
    out
}

/// Writes `rows` to SQLite in one `BEGIN IMMEDIATE` transaction. The connection skips fsync
/// and keeps a large page cache while it writes the batch (a seed goes into a fresh benchmark
/// database, which a crash leaves unusable anyway), and is set back before it returns to the
/// pool.
pub(super) async fn insert(pool: &SqlitePool, mut rows: Rows) -> AppResult<usize> {
    let written = rows.aggregates.len();
    let upserts = rows.aggregates.take_statements()?;
    let mut statements = inserts(rows.users);
    statements.extend(inserts(rows.jobs));
    statements.extend(inserts(rows.attempts));
    statements.extend(inserts(rows.items));
    statements.extend(inserts(rows.ratings));
    statements.extend(inserts(rows.responses));
    statements.extend(inserts(rows.sessions));
    let mut conn = pool.acquire().await.map_err(failed)?;
    let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *conn)
        .await
        .map_err(failed)?;
    sqlx::raw_sql("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    let result = async {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        for statement in statements {
            let values = SqlxValues(statement.values.unwrap_or(Values(Vec::new())));
            sqlx::query_with(AssertSqlSafe(statement.sql), values)
                .execute(&mut *tx)
                .await?;
        }
        for statement in upserts {
            let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
            sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
    .await;
    // The pool's other users expect the settings `crate::db` gives every connection.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = {cache}"
    )))
    .execute(&mut *conn)
    .await
    .map_err(failed)?;
    result.map_err(failed)?;
    Ok(written)
}
