//! Connecting to SQLite or PostgreSQL and running the migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx;
use sea_orm::sqlx::sqlite::{SqliteError, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr};

use crate::config::{AppConfig, DatabaseKind};

mod batch;
mod write;

pub use batch::{MAX_PARAMETERS, execute_all, execute_then_query};
pub use write::{Write, begin_write, on_writer_thread};

/// Why the database could not be used at start; displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum DbStartError {
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
}

/// Opens a connection pool. SQLite runs in WAL mode with foreign keys on, a busy timeout and
/// `synchronous = NORMAL`: a committed attempt survives a crash of the process (power loss
/// could lose the last transactions; choose PostgreSQL where that matters). A request waits at
/// most `database_timeout_seconds` for a connection, so a database outage is answered with 503
/// in bounded time; the pool reconnects by itself once the database is back.
pub async fn connect(config: &AppConfig) -> Result<DatabaseConnection, DbStartError> {
    open(config, None).await
}

/// Swaps the start-up pool for one to serve requests: each statement may run (or wait for a
/// lock) at most `statement_timeout_seconds`, so a database that accepts connections but hangs
/// answers 503 in bounded time instead of holding the request and its connection. Start-up
/// work (migrations, republishing at national scale) ran without that limit. An in-memory
/// SQLite database lives only as long as its pool, so it keeps the one it has.
pub async fn for_requests(
    config: &AppConfig,
    startup: DatabaseConnection,
) -> Result<DatabaseConnection, DbStartError> {
    let url = &config.database_url;
    if url.kind() == DatabaseKind::Sqlite && url.sqlite_path().is_none() {
        return Ok(startup);
    }
    if let Err(error) = startup.close().await {
        tracing::warn!(%error, "could not close the start-up database pool");
    }
    let limit = Duration::from_secs(u64::from(config.statement_timeout_seconds));
    open(config, Some(limit)).await
}

async fn open(
    config: &AppConfig,
    statement_timeout: Option<Duration>,
) -> Result<DatabaseConnection, DbStartError> {
    let url = &config.database_url;
    let timeout = Duration::from_secs(u64::from(config.database_timeout_seconds));
    let mut options = ConnectOptions::new(url.expose().to_owned());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false);
    if url.kind() == DatabaseKind::Sqlite {
        if let Some(path) = url.sqlite_path()
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|source| DbStartError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        // A pooled connection is a file handle on this machine that cannot go stale, so it is
        // not pinged on every checkout (sqlx's default): on SQLite that ping is one more round
        // trip to the connection's thread before each statement outside a transaction and at
        // the start of each transaction (docs/benchmarks.md). sqlx still pings each connection
        // as it goes back to the pool; that cannot be turned off.
        options.test_before_acquire(false);
        options.map_sqlx_sqlite_opts(move |opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(sqlite_busy_timeout(statement_timeout))
                .row_buffer_size(SQLITE_ROW_BUFFER)
        });
    } else {
        // sqlx pings every PostgreSQL connection when it goes back to the pool (closing it if
        // the ping fails) and, by default, again when it is taken out: a network round trip
        // each way around every statement outside a transaction. Only a connection that has
        // sat idle for a while, which may have died with a server restart since it was last
        // checked, is pinged when taken out.
        options.test_before_acquire_if_idle_for(POSTGRES_IDLE_BEFORE_PING);
        if let Some(limit) = statement_timeout {
            let millis = limit.as_millis().to_string();
            options.map_sqlx_postgres_opts(move |opts| {
                opts.options([("statement_timeout", millis.as_str())])
            });
        }
    }
    let db = Database::connect(options)
        .await
        .map_err(|source| DbStartError::Connect {
            url: url.to_string(),
            source,
        })?;
    if url.kind() == DatabaseKind::Sqlite {
        let options = db.get_sqlite_connection_pool().connect_options();
        write::set_wait(
            options.get_filename(),
            sqlite_busy_timeout(statement_timeout),
        );
    }
    Ok(db)
}

/// How long a PostgreSQL connection may sit in the pool before it is pinged on checkout.
const POSTGRES_IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// How long SQLite waits for its write lock (and a writer here for its turn).
fn sqlite_busy_timeout(statement_timeout: Option<Duration>) -> Duration {
    statement_timeout.unwrap_or(Duration::from_secs(10))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbStartError> {
    Migrator::up(db, None).await.map_err(DbStartError::Migrate)
}

/// Whether a database error means the database cannot be used right now (down, restarting,
/// the connection lost, or SQLite busy past its timeout) rather than a fault in the request or
/// the code: such a request may succeed later, so it is answered 503, not 500.
pub fn is_unavailable(error: &DbErr) -> bool {
    let cause = match error {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(cause))
        | DbErr::Exec(RuntimeErr::SqlxError(cause))
        | DbErr::Query(RuntimeErr::SqlxError(cause)) => cause,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match cause.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => {
            let code = database.code().unwrap_or_default();
            if database.try_downcast_ref::<SqliteError>().is_some() {
                // The primary result code is the low byte of the extended one.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, SQLITE_BUSY | SQLITE_LOCKED))
            } else {
                postgres_unavailable(&code)
            }
        }
        _ => false,
    }
}

/// Rows SQLite's worker thread may hand over before it waits for the request to take them.
/// sqlx's default of 50 made a gap grid of a few hundred cells wait on the request several
/// times per query, each a thread switch (docs/benchmarks.md); reports read at most a few
/// thousand rows per query, so this bounds memory all the same.
const SQLITE_ROW_BUFFER: usize = 4096;

const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;

/// PostgreSQL SQLSTATEs for a lost or refused connection (class 08), a server shutting down,
/// crashed or starting (57P01-57P03), no connection slot left (53300), and a statement that
/// ran past `statement_timeout` (57014).
fn postgres_unavailable(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || matches!(
            sqlstate,
            "57P01" | "57P02" | "57P03" | "53300" | QUERY_CANCELED
        )
}

/// A statement cancelled, here by `statement_timeout`: the database hangs or a lock is held.
const QUERY_CANCELED: &str = "57014";

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{ConnAcquireErr, ConnectionTrait, DbBackend, Statement, TransactionTrait};

    use super::*;

    fn query_error(cause: sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(cause)))
    }

    #[test]
    fn lost_connections_and_pool_timeouts_are_unavailable() {
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_unavailable(&query_error(sqlx::Error::Io(reset))));
        assert!(is_unavailable(&query_error(sqlx::Error::PoolTimedOut)));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
    }

    #[test]
    fn faults_in_the_query_or_data_are_not_unavailable() {
        assert!(!is_unavailable(&query_error(sqlx::Error::RowNotFound)));
        assert!(!is_unavailable(&DbErr::RecordNotFound("x".into())));
        assert!(!is_unavailable(&DbErr::Custom("x".into())));
    }

    #[test]
    fn postgres_shutdown_and_connection_states_are_unavailable() {
        for state in ["08006", "08001", "57P01", "57P03", "53300"] {
            assert!(postgres_unavailable(state), "{state}");
        }
        for state in ["23505", "42P01", "40001"] {
            assert!(!postgres_unavailable(state), "{state}");
        }
    }

    async fn sqlite(path: &std::path::Path, busy_ms: u64) -> Option<DatabaseConnection> {
        let mut options = ConnectOptions::new(format!("sqlite://{}", path.display()));
        options.max_connections(1).sqlx_logging(false);
        options.map_sqlx_sqlite_opts(move |o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_millis(busy_ms))
        });
        Database::connect(options).await.ok()
    }

    #[tokio::test]
    async fn sqlite_writers_leave_checkpoints_to_after_their_turns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.db");
        let db = sqlite(&path, 1_000).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await
            .unwrap();
        let write = begin_write(&db).await.unwrap();
        let pragma = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_autocheckpoint");
        let row = write.query_one_raw(pragma).await.unwrap().unwrap();
        let limit: i64 = row.try_get_by_index(0).unwrap();
        assert_eq!(
            limit, 10_000,
            "the writer connection does not checkpoint in its commits"
        );
        write.commit().await.unwrap();
        // The table's pages are only in the log until a checkpoint copies them to the file.
        let before = std::fs::metadata(&path).unwrap().len();
        for x in 1..32 {
            let write = begin_write(&db).await.unwrap();
            let insert = format!("INSERT INTO t VALUES ({x})");
            write.execute_unprepared(&insert).await.unwrap();
            write.commit().await.unwrap();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() <= before {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint after 32 commits"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// `.cargo/config.toml` builds SQLite with the query planner stability guarantee, so a
    /// statement with a bound LIMIT is not planned again on every run (docs/benchmarks.md).
    #[tokio::test]
    async fn sqlite_is_built_with_the_query_planner_stability_guarantee() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary folder");
        };
        let Some(db) = sqlite(&dir.path().join("options.db"), 1_000).await else {
            panic!("cannot open a database");
        };
        let found = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'",
            ))
            .await;
        assert!(
            matches!(found, Ok(Some(_))),
            "SQLite was built without SQLITE_ENABLE_QPSG: {found:?}"
        );
    }

    /// Why `begin_write`: a deferred transaction that read before another writer committed
    /// cannot write at all, while an immediate one waits its turn and then succeeds.
    #[tokio::test]
    async fn write_transactions_wait_for_the_sqlite_lock_instead_of_failing() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary folder");
        };
        let path = dir.path().join("writers.db");
        let (Some(one), Some(two)) = (sqlite(&path, 5_000).await, sqlite(&path, 5_000).await)
        else {
            panic!("cannot open {}", path.display());
        };
        let created = one.execute_unprepared("CREATE TABLE t (x INTEGER)").await;
        assert!(created.is_ok(), "{created:?}");
        let add = "INSERT INTO t SELECT count(*) FROM t";

        let deferred = two.begin().await;
        let Ok(deferred) = deferred else {
            panic!("{deferred:?}");
        };
        let read = deferred.execute_unprepared("SELECT count(*) FROM t").await;
        assert!(read.is_ok(), "{read:?}");
        let other = one.execute_unprepared(add).await;
        assert!(other.is_ok(), "{other:?}");
        let stale = deferred.execute_unprepared(add).await;
        assert!(stale.as_ref().is_err_and(is_unavailable), "{stale:?}");
        let rolled_back = deferred.rollback().await;
        assert!(rolled_back.is_ok(), "{rolled_back:?}");

        let first = begin_write(&one).await;
        let Ok(first) = first else {
            panic!("{first:?}");
        };
        let second = tokio::spawn(async move {
            let txn = begin_write(&two).await?;
            txn.execute_unprepared("SELECT count(*) FROM t").await?;
            txn.execute_unprepared(add).await?;
            txn.commit().await
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let wrote = first.execute_unprepared(add).await;
        assert!(wrote.is_ok(), "{wrote:?}");
        let committed = first.commit().await;
        assert!(committed.is_ok(), "{committed:?}");
        let waited = second.await.map_err(|e| e.to_string());
        assert!(matches!(waited, Ok(Ok(()))), "{waited:?}");
    }

    #[tokio::test]
    async fn sqlite_busy_past_its_timeout_is_unavailable_and_a_bad_query_is_not() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary folder");
        };
        let path = dir.path().join("busy.db");
        let (Some(holder), Some(waiter)) = (sqlite(&path, 0).await, sqlite(&path, 50).await) else {
            panic!("cannot open {}", path.display());
        };
        let created = holder
            .execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await;
        assert!(created.is_ok(), "{created:?}");
        let locked = holder.execute_unprepared("BEGIN IMMEDIATE").await;
        assert!(locked.is_ok(), "{locked:?}");
        let busy = waiter.execute_unprepared("INSERT INTO t VALUES (1)").await;
        assert!(busy.as_ref().is_err_and(is_unavailable), "{busy:?}");
        let bad = waiter.execute_unprepared("SELECT nope FROM t").await;
        assert!(bad.as_ref().is_err_and(|e| !is_unavailable(e)), "{bad:?}");
    }
}
