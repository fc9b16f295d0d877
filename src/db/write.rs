//! Write transactions, and the turn SQLite writers in this process take in order.
//!
//! SQLite lets one writer in at a time. A writer that finds the lock taken sleeps in SQLite's
//! busy handler and tries again, sleeping longer each time (1, 2, 5, 10 ... 100 ms), so under a
//! burst of submits the lock often sat free while every waiter slept. Writers in this process
//! now queue for a turn first (first come, first served) and are woken the moment the writer
//! before them finishes; SQLite's own lock still decides between processes, and between these
//! //! writers and anything that writes without [`begin_write`]. docs/benchmarks.md has what it
//! did to submits at 64 clients.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex as Queue, OwnedMutexGuard};

/// How long a writer waits for its turn when the database was not opened by
/// [`super::connect`]: the service's default busy timeout.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// One SQLite database file's queue of writers, and how long each may wait in it.
struct Turns {
    queue: Arc<Queue<()>>,
    wait: Duration,
}

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
async fn take_turn(db: &DatabaseConnection) -> Result<Option<OwnedMutexGuard<()>>, DbErr> {
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
    let turn = take_turn(db).await?;
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(Write { txn, _turn: turn })
}

/// A write transaction that holds its writer's turn until it is committed, rolled back or
/// dropped. It is used like the transaction it holds.
#[derive(Debug)]
pub struct Write {
    txn: DatabaseTransaction,
    // Declared after the transaction, so that a Write dropped unfinished gives up its turn
    // only once its transaction is set to roll back.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Write {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
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
