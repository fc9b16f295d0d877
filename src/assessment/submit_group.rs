//! SQLite submits committed in groups. SQLite lets one writer in at a time, and under load a
//! submit's turn was mostly the item-analysis rows that every submit of an assessment adds to
//! (about 150), the `BEGIN` and the commit's write of every changed page to the log
//! (docs/benchmarks.md, "Issue 27, fifth round"). Submits that arrive while one is writing now
//! queue; a task the first of them starts writes them all in one transaction: each in a
//! savepoint of its own, in arrival order, exactly as if each had had its own turn (every one
//! still checks under the lock that what it was planned from is unchanged, and sees the ones
//! before it), with the additions they share merged and written once before the one commit.
//!
//! Nothing is acknowledged before that commit: each learner's request waits for it, so a
//! submit the service has answered survives a crash as before. One that fails gives up its
//! savepoint only; a failed commit fails every submit of the group.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend, TransactionTrait};
use tokio::sync::oneshot;

use super::aggregates::AttemptTopics;
use super::submit_plan::{self, SubmitPlan};
use crate::aggregates::Increments;
use crate::config::XapiActor;
use crate::entities::attempt;
use crate::error::{AppError, AppResult};
use crate::ids::{AttemptId, PersonId};
use crate::xapi::Recording;

/// One learner's submit, planned, waiting for its group.
pub struct Job {
    pub plan: SubmitPlan,
    /// The xAPI recording's public URL and actor, when xAPI is on.
    pub recording: Option<(String, XapiActor)>,
    pub user_id: PersonId,
    pub attempt_id: AttemptId,
    pub at: DateTime<Utc>,
}

/// What became of a submit in its group: the attempt as stored with its scored topics when
/// this submit flipped it, `None` when another request had submitted it first (read it back
/// after the commit).
pub type Applied = Option<(attempt::Model, AttemptTopics)>;

type Reply = oneshot::Sender<AppResult<Applied>>;

#[derive(Default)]
struct Queue {
    waiting: Vec<(Job, Reply)>,
    /// Whether a submit is writing groups from this queue now.
    leading: bool,
}

/// The queues by database file.
static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<Mutex<Queue>>>>> =
    LazyLock::new(Default::default);

fn queue_of(db: &DatabaseConnection) -> Arc<Mutex<Queue>> {
    let path = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    let mut queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(queues.entry(path).or_default())
}

/// Submits `job` with whichever others are waiting, and gives what became of it once its
/// group has committed. SQLite only: call it on the writer thread, where the groups are
/// written.
pub async fn submit(db: &DatabaseConnection, job: Job) -> AppResult<Applied> {
    debug_assert_eq!(db.get_database_backend(), DbBackend::Sqlite);
    let queue = queue_of(db);
    let (reply, outcome) = oneshot::channel();
    let first = {
        let mut waiting = queue.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.waiting.push((job, reply));
        !std::mem::replace(&mut waiting.leading, true)
    };
    if first {
        // The groups are written by a task of their own, so that no learner's answer waits
        // for the groups that queue after its own.
        tokio::spawn(lead(db.clone(), queue));
    }
    outcome.await.unwrap_or_else(|_| {
        Err(AppError::internal(
            "the submit's group ended without an answer",
        ))
    })
}

/// Writes the waiting submits, a group at a time, until none are waiting.
async fn lead(db: DatabaseConnection, queue: Arc<Mutex<Queue>>) {
    let mut leading = Leading(Some(Arc::clone(&queue)));
    loop {
        let group = {
            let mut waiting = queue.lock().unwrap_or_else(PoisonError::into_inner);
            let group = std::mem::take(&mut waiting.waiting);
            // Seen empty and given up under one lock, so no submit queues unseen.
            if group.is_empty() {
                waiting.leading = false;
                leading.0 = None;
            }
            group
        };
        if group.is_empty() {
            return;
        }
        write_group(&db, group).await;
    }
}

/// Hands leading back if the leader panics: its group's submits are answered with an error
/// as their replies drop, and those queued behind it as busy (they may be sent again).
struct Leading(Option<Arc<Mutex<Queue>>>);

impl Drop for Leading {
    fn drop(&mut self) {
        let Some(queue) = self.0.take() else {
            return;
        };
        let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.leading = false;
        for (_, reply) in queue.waiting.drain(..) {
            let busy = AppError::from(sea_orm::DbErr::ConnectionAcquire(
                sea_orm::ConnAcquireErr::Timeout,
            ));
            let _ = reply.send(Err(busy));
        }
    }
}

/// Writes `group` in one transaction and answers each of its submits.
async fn write_group(db: &DatabaseConnection, group: Vec<(Job, Reply)>) {
    let txn = match crate::db::begin_write(db).await {
        Ok(txn) => txn,
        Err(error) => {
            for (_, reply) in group {
                let _ = reply.send(Err(error.clone().into()));
            }
            return;
        }
    };
    let mut shared = Increments::default();
    let mut written = Vec::new();
    for (job, reply) in group {
        match in_savepoint(&txn, job, &mut shared).await {
            Ok(Ok(applied)) => written.push((reply, applied)),
            Ok(Err(refused)) => {
                let _ = reply.send(Err(refused));
            }
            // The transaction itself failed: none of the group can be committed.
            Err(failed) => {
                let _ = reply.send(Err(failed.clone().into()));
                for (reply, _) in written {
                    let _ = reply.send(Err(failed.clone().into()));
                }
                return;
            }
        }
    }
    let writes = u64::try_from(written.len()).unwrap_or(u64::MAX);
    let committed = match shared.write(&*txn).await {
        Ok(()) => txn.commit_of(writes).await.map_err(AppError::from),
        Err(failed) => Err(failed),
    };
    for (reply, applied) in written {
        let _ = reply.send(match &committed {
            Ok(()) => Ok(applied),
            Err(failed) => Err(same(failed)),
        });
    }
}

/// `error` again, for each submit of a group that failed as a whole.
fn same(error: &AppError) -> AppError {
    match error {
        AppError::Unavailable(db) => AppError::Unavailable(db.clone()),
        other => AppError::internal(other.to_string()),
    }
}

/// One submit in a savepoint of the group's transaction: `Ok(Err(_))` when it was refused or
/// failed and its savepoint was rolled back, `Err(_)` when the transaction cannot go on.
async fn in_savepoint(
    txn: &crate::db::Write,
    job: Job,
    shared: &mut Increments,
) -> Result<AppResult<Applied>, sea_orm::DbErr> {
    let savepoint = txn.begin().await?;
    let mut own = Increments::default();
    match apply(&savepoint, job, &mut own).await {
        Ok(applied) => {
            savepoint.commit().await?;
            shared.merge(own);
            Ok(Ok(applied))
        }
        Err(refused) => {
            savepoint.rollback().await?;
            Ok(Err(refused))
        }
    }
}

/// The submit under the lock: as planned if nothing it was planned from has changed, else
/// planned again from what is stored now.
async fn apply(
    txn: &sea_orm::DatabaseTransaction,
    job: Job,
    shared: &mut Increments,
) -> AppResult<Applied> {
    let Job {
        mut plan,
        recording,
        user_id,
        attempt_id,
        at,
    } = job;
    let xapi = recording.as_ref().map(|(home, actor)| Recording {
        home,
        actor: *actor,
    });
    if !submit_plan::unchanged(txn, &plan).await? {
        match super::attempts::replan(txn, user_id, attempt_id, at).await? {
            Ok(again) => plan = again,
            Err(_) => return Ok(None),
        }
    }
    submit_plan::apply_submit(txn, plan, xapi, shared).await
}
