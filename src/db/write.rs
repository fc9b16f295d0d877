//! Write transactions, and the turn SQLite writers in this process take in order.
//!
//! SQLite lets one writer in at a time. A writer that finds the lock taken sleeps in SQLite's
//! busy handler and tries again, sleeping longer each time (1, 2, 5, 10 ... 100 ms), so under a
//! burst of submits the lock often sat free while every waiter slept. Writers in this process
//! now queue for a turn first (first come, first served) and are woken the moment the writer
//! before them finishes; SQLite's own lock still decides between processes, and between these
//! writers and anything that writes without [`begin_write`].
//!
//! A writer's turn is the whole service's wait, so it is kept short three ways:
//! - the hottest writers (a learner's save and submit) run their turn on a thread of its own
//!   ([`on_writer_thread`]). On the request runtime, each statement's answer from SQLite's
//!   connection thread woke the writer into the runtime's shared queue, behind every other
//!   request's work, while every other writer waited;
//! - every turn writes through one connection kept for writing, whose page cache stays warm
//!   ([`writer_connection`]);
//! - checkpoints of the write-ahead log run after turns, on the shared pool ([`Write::commit`]).
//!
//! docs/benchmarks.md has what each did to submits at 64 clients.

use std::collections::HashMap;
use std::future::Future;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqlitePoolOptions;
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, RuntimeErr, SqliteTransactionMode, SqlxSqliteConnector, Statement,
    TransactionOptions, TransactionTrait,
};
use tokio::runtime::Handle;
use tokio::sync::{Mutex as Queue, OwnedMutexGuard};

/// How long a writer waits for its turn when the database was not opened by
/// [`super::connect`]: the service's default busy timeout.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// One SQLite database file's queue of writers, and how long each may wait in it. The writer
/// whose turn it is holds this process's one connection for writing to that file.
struct Turns {
    queue: Arc<Queue<Writer>>,
    wait: Duration,
}

/// What the writer whose turn it is holds.
#[derive(Debug, Default)]
struct Writer {
    /// The connection, opened by the first writer.
    connection: Option<DatabaseConnection>,
    /// Writes committed through it, for checkpointing every [`CHECKPOINT_EVERY`].
    commits: u64,
}

type Turn = OwnedMutexGuard<Writer>;

/// Writes (a submit or a save each) between checkpoints of the write-ahead log: about
/// SQLite's own 1,000 pages at a submit's few dozen pages each.
const CHECKPOINT_EVERY: u64 = 32;

/// The size (in pages) at which the writer connection checkpoints by itself, should the
/// checkpoints after its turns fall behind.
const WRITER_AUTOCHECKPOINT: &str = "10000";

/// The queues by database file (an in-memory database has a file name of its own).
static TURNS: LazyLock<Mutex<HashMap<PathBuf, Turns>>> = LazyLock::new(Default::default);

/// Sets how long writers to `path` wait for their turn: as long as SQLite would wait for its
/// lock, so a writer that cannot get in is answered 503 after the same time as before.
pub(super) fn set_wait(path: &Path, wait: Duration) {
    let mut turns = TURNS.lock().unwrap_or_else(PoisonError::into_inner);
    turns
        .entry(path.to_path_buf())
        .and_modify(|t| t.wait = wait)
        .or_insert_with(|| Turns {
            queue: Arc::default(),
            wait,
        });
}

/// Waits for this process's turn to write to `db`'s SQLite file (`None` on PostgreSQL, whose
/// writers lock only the rows they change).
async fn take_turn(db: &DatabaseConnection) -> Result<Option<Turn>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let path = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    let (queue, wait) = {
        let mut turns = TURNS.lock().unwrap_or_else(PoisonError::into_inner);
        let turns = turns.entry(path).or_insert_with(|| Turns {
            queue: Arc::default(),
            wait: DEFAULT_WAIT,
        });
        (Arc::clone(&turns.queue), turns.wait)
    };
    match tokio::time::timeout(wait, queue.lock_owned()).await {
        Ok(turn) => Ok(Some(turn)),
        // Answered like a pool with no free connection: the database is busy, try later (503).
        Err(_) => Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
    }
}

/// Starts a transaction that will write. On SQLite it waits for this process's turn, then
/// takes the write lock at once (`BEGIN IMMEDIATE`), waiting up to the busy timeout for it: a
/// deferred transaction that reads first fails at once with "database is locked" when it comes
/// to write after another writer has committed, however long the busy timeout. PostgreSQL
/// ignores the mode and needs no turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<Write, DbErr> {
    let mut turn = take_turn(db).await?;
    let writer = match turn.as_deref_mut() {
        Some(writer) => writer_connection(db, &mut writer.connection).await?,
        None => db.clone(),
    };
    let txn = writer
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    let shared = turn.is_some().then(|| db.clone());
    Ok(Write { txn, turn, shared })
}

/// This process's one connection for writing to `db`'s SQLite file, opened on first use with
/// `db`'s options. SQLite empties a connection's page cache whenever another connection has
/// written since its last transaction, so writers drawn from the shared pool started each
/// turn reading every page again from the operating system; the one connection that does the
/// writing keeps its cache. It closes when it has been idle a while (and opens again).
async fn writer_connection(
    db: &DatabaseConnection,
    writer: &mut Option<DatabaseConnection>,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(open) = writer {
        return Ok(open.clone());
    }
    let shared = db.get_sqlite_connection_pool();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(WRITER_IDLE)
        .test_before_acquire(false)
        .acquire_timeout(shared.options().get_acquire_timeout())
        .connect_with(
            (*shared.connect_options())
                .clone()
                .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT)
                .statement_cache_capacity(WRITER_STATEMENT_CACHE),
        )
        .await
        .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))))?;
    let open = SqlxSqliteConnector::from_sqlx_sqlite_pool(pool);
    *writer = Some(open.clone());
    Ok(open)
}

/// Statements the writer connection keeps prepared. A group of submits writes the additions
/// they share as one text whose rows vary from group to group, so most texts never come
/// again; sqlx's default of 100 kept up to 100 of those large programs, about 100 MB.
const WRITER_STATEMENT_CACHE: usize = 16;

/// How long the writer connection stays open without a write.
const WRITER_IDLE: Duration = Duration::from_secs(30);

/// The runtime, on a thread of its own, that SQLite's hot writers run their turns on (`None`
/// if the thread could not be started: they then run where they are).
static WRITER_THREAD: LazyLock<Option<Handle>> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .ok()?;
    Some(handle)
});

/// Runs `work` (a whole write transaction: its turn, statements and commit) on the writer
/// thread when `db` is SQLite, so that between its statements it is woken at once rather than
/// queued behind other requests while it holds the turn. On PostgreSQL, whose writers do not
/// take turns, it runs here. A panic in `work` carries on here, as if it had run here.
pub async fn on_writer_thread<F, T, E>(db: &DatabaseConnection, work: F) -> Result<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
{
    let writer = match (db.get_database_backend(), WRITER_THREAD.as_ref()) {
        (DbBackend::Sqlite, Some(writer)) => writer,
        _ => return work.await,
    };
    match writer.spawn(work).await {
        Ok(output) => output,
        Err(failed) => match failed.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // The writer's runtime never shuts down, so this is not expected.
            Err(failed) => {
                Err(DbErr::Custom(format!("the writer thread's task ended: {failed}")).into())
            }
        },
    }
}

/// A write transaction that holds its writer's turn until it is committed, rolled back or
/// dropped. It is used like the transaction it holds.
#[derive(Debug)]
pub struct Write {
    txn: DatabaseTransaction,
    // Declared after the transaction, so that a Write dropped unfinished gives up its turn
    // only once its transaction is set to roll back.
    turn: Option<Turn>,
    /// The shared pool, on SQLite, for checkpoints.
    shared: Option<DatabaseConnection>,
}

impl Write {
    /// Commits and gives up the turn. Every [`CHECKPOINT_EVERY`] writes, a checkpoint of the
    /// write-ahead log then starts on the shared pool. SQLite would otherwise run it inside the
    /// commit that fills the log past 1,000 pages, copying pages into the database file and
    /// syncing it while every other writer waited for this one's turn; a passive checkpoint on
    /// another connection runs alongside the next writers.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.commit_of(1).await
    }

    /// [`Self::commit`] for a transaction holding `writes` writers' work (a group of submits),
    /// counted as that many towards the next checkpoint.
    pub async fn commit_of(self, writes: u64) -> Result<(), DbErr> {
        let Self { txn, turn, shared } = self;
        txn.commit().await?;
        let due = turn.is_some_and(|mut turn| {
            let before = turn.commits / CHECKPOINT_EVERY;
            turn.commits += writes;
            turn.commits / CHECKPOINT_EVERY != before
        });
        if let (true, Some(shared)) = (due, shared) {
            tokio::spawn(async move {
                let checkpoint = shared.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)");
                if let Err(error) = checkpoint.await {
                    tracing::warn!(%error, "checkpoint of the write-ahead log failed");
                }
            });
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for Write {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::Database;

    use super::*;
    use crate::db::is_unavailable;

    async fn memory_database(wait: Duration) -> DatabaseConnection {
        let Ok(db) = Database::connect("sqlite::memory:").await else {
            panic!("cannot open an in-memory database");
        };
        let options = db.get_sqlite_connection_pool().connect_options();
        set_wait(options.get_filename(), wait);
        db
    }

    #[tokio::test]
    async fn a_writer_waits_for_the_turn_and_is_told_busy_when_its_wait_runs_out() {
        let db = memory_database(Duration::from_millis(50)).await;
        let Ok(first) = begin_write(&db).await else {
            panic!("the first writer gets its turn");
        };
        let second = begin_write(&db).await;
        assert!(
            second.as_ref().is_err_and(is_unavailable),
            "a writer that cannot get its turn is answered as busy: {second:?}"
        );
        assert!(
            matches!(
                second,
                Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
            ),
            "it waited for the turn, not for SQLite's lock: {second:?}"
        );
        drop(first);
        let third = begin_write(&db).await;
        assert!(
            third.is_ok(),
            "a dropped writer gives up its turn: {third:?}"
        );
    }

    async fn total(db: &impl ConnectionTrait) -> i64 {
        let sum = "SELECT SUM(n) AS s FROM t";
        let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sum));
        row.await.unwrap().unwrap().try_get("", "s").unwrap()
    }

    #[tokio::test]
    async fn sqlite_writers_run_on_the_writer_thread_through_one_connection_that_sees_the_pool() {
        let db = memory_database(Duration::from_secs(5)).await;
        db.execute_unprepared("CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();
        let writer_db = db.clone();
        let thread = on_writer_thread(&db, async move {
            let write = begin_write(&writer_db).await?;
            write.execute_unprepared("INSERT INTO t VALUES (1)").await?;
            write.commit().await?;
            Ok::<_, DbErr>(std::thread::current().name().map(str::to_owned))
        })
        .await
        .unwrap();
        assert_eq!(thread.as_deref(), Some("sqlite-writer"));
        // A write through the shared pool, then a write transaction: each sees the other's.
        db.execute_unprepared("INSERT INTO t VALUES (2)")
            .await
            .unwrap();
        let write = begin_write(&db).await.unwrap();
        assert_eq!(
            total(&write).await,
            3,
            "the writer connection sees the pool's write"
        );
        write
            .execute_unprepared("INSERT INTO t VALUES (4)")
            .await
            .unwrap();
        write.commit().await.unwrap();
        let seen = total(&db).await;
        assert_eq!(seen, 7, "the pool sees the writer connection's write");
    }

    #[tokio::test]
    async fn each_database_file_has_its_own_turn() {
        let one = memory_database(Duration::from_millis(50)).await;
        let two = memory_database(Duration::from_millis(50)).await;
        let Ok(writing) = begin_write(&one).await else {
            panic!("the first database's writer gets its turn");
        };
        let other = begin_write(&two).await;
        assert!(other.is_ok(), "{other:?}");
        let committed = writing.commit().await;
        assert!(committed.is_ok(), "{committed:?}");
    }
}
