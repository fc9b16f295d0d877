//! Issue 22 point 7: a quiz submit and a page read of the same module by one learner cannot
//! race on the module-progress row. Page reads do not take the learner's lock, so a page read's
//! row may be inserted but not yet committed when a submit completes the module or when another
//! page read (a second tab) starts. Each test holds the first writer's transaction open until the
//! second is seen waiting on PostgreSQL (in `pg_stat_activity`, so nothing here measures time),
//! then commits it: the second must neither fail on the key nor count the module's topics twice.
//! Two page reads at once failed on the key before the upsert. A submit behind an uncommitted page
//! read waits already at the learner's lock (the page read's insert holds a key-share lock on the
//! learner's row through the foreign key), so that test guards the order rather than showing the
//! old failure. Two submits of one module cannot overlap at all: a learner has one open attempt
//! per assessment and submits take the learner's lock. SQLite lets one writer in at a time, so
//! there the first writer commits before the second starts.

use genomics_training::assessment::attempts;
use genomics_training::db;
use genomics_training::entities::module_progress;
use genomics_training::learning::modules;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, Statement};

use crate::assessment_flow::create_learner;
use crate::helpers::{TestApp, assert_aggregates_consistent, spawn_app};
use crate::learning_journey::{answered, complete};

const MODULE: &str = "data-protection-sharing";

/// Runs `second` against the app while `first` (already written, uncommitted) stays open, and
/// commits `first` once `second` waits on it; on SQLite commits `first` beforehand.
async fn race<T>(app: &TestApp, first: db::Write, second: impl Future<Output = T>) -> T {
    if app.db().get_database_backend() != DbBackend::Postgres {
        first.commit().await.expect("commit the first writer");
        return second.await;
    }
    let release = async {
        while !someone_waits_on_a_lock(app.db()).await {
            tokio::task::yield_now().await;
        }
        first.commit().await.expect("commit the first writer");
    };
    rocket::tokio::join!(second, release).0
}

pub async fn someone_waits_on_a_lock(db: &DatabaseConnection) -> bool {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        ))
        .await
        .expect("read pg_stat_activity")
        .expect("one row");
    row.try_get::<i64>("", "n").expect("a count") > 0
}

/// A learner with a reported baseline that left `MODULE` to do, so completing it counts in the
/// baseline cells.
async fn learner_with_module_to_do(app: &TestApp, email: &str) -> i64 {
    let user = create_learner(app.db(), email, "RX1", "receptionist").await;
    complete(app.db(), user, "baseline", &[MODULE]).await;
    user
}

async fn progress(app: &TestApp, user: i64) -> module_progress::Model {
    let module = modules::module_by_slug(app.db(), MODULE).await.unwrap();
    module_progress::Entity::find_by_id((user, module.module_id.get()))
        .one(app.db())
        .await
        .unwrap()
        .expect("progress saved")
}

#[rocket::async_test]
async fn a_quiz_submit_racing_a_page_read_completes_the_module_once() {
    let app = spawn_app().await;
    let user = learner_with_module_to_do(&app, "race-submit@nhs.test").await;
    let quiz = answered(app.db(), user, &format!("quiz-{MODULE}"), &[]).await;

    let other = Database::connect(app.database_url()).await.unwrap();
    let page_read = db::begin_write(&other).await.unwrap();
    modules::read_page(&page_read, user.into(), MODULE, 1)
        .await
        .unwrap();
    let submitted = race(
        &app,
        page_read,
        attempts::submit(app.db(), None, user.into(), quiz.id.into()),
    )
    .await;

    let submitted = submitted.expect("the submit succeeds");
    let stored = progress(&app, user).await;
    assert!(stored.completed_at.is_some(), "the module is complete");
    assert_eq!(stored.completing_attempt_id, Some(submitted.id));
    assert_eq!(stored.last_page, 1, "the page read is kept");
    // The baseline cell counts the module's topic once, as recomputing from the rows does.
    assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn two_page_reads_at_once_both_save_progress() {
    let app = spawn_app().await;
    let user = learner_with_module_to_do(&app, "race-pages@nhs.test").await;

    let other = Database::connect(app.database_url()).await.unwrap();
    let first = db::begin_write(&other).await.unwrap();
    modules::read_page(&first, user.into(), MODULE, 1)
        .await
        .unwrap();
    let second = race(
        &app,
        first,
        modules::read_page(app.db(), user.into(), MODULE, 2),
    )
    .await;

    let page = second.expect("the second page read succeeds");
    assert_eq!(page.page_number, 2);
    assert_eq!(progress(&app, user).await.last_page, 2);
    assert!(progress(&app, user).await.completed_at.is_none());
}
