//! A save racing a submit of the same attempt on PostgreSQL: the submit holds the learner's
//! lock until it commits, and the save waits for it, then finds the attempt submitted and
//! stores nothing. Before the save took that lock, it wrote its answers while the submit was
//! in flight and they were stored behind what the submit had scored. The submit is held open
//! until the save is seen waiting (`pg_stat_activity`), so nothing here measures time. SQLite
//! lets one writer in at a time, so there the submit commits before the save starts.

use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::{AttemptStatus, bank};
use genomics_training::db;
use genomics_training::entities::{attempt, response};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    Statement,
};

use crate::assessment_flow::pick;
use crate::helpers::spawn_app;
use crate::progress_race::someone_waits_on_a_lock;
use crate::reports_support::learner;

#[rocket::async_test]
async fn a_save_behind_a_submit_in_flight_waits_and_stores_nothing() {
    let app = spawn_app().await;
    let db = app.db();
    let user = learner(db, "save-race@nhs.test", "SP1", "porter", "Band 2").await;
    let open = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, open.id).await.unwrap();
    let items: Vec<SaveItem> = slots
        .iter()
        .map(|s| SaveItem {
            position: s.position,
            answer: pick(&s.question, true),
            sureness: None,
            time_on_item_ms: None,
        })
        .collect();

    // A submit in flight, as far as the save can tell: the learner's lock taken and the
    // attempt marked submitted, not yet committed.
    let other = Database::connect(app.database_url()).await.unwrap();
    let submit = db::begin_write(&other).await.unwrap();
    let backend = submit.get_database_backend();
    if backend == DbBackend::Postgres {
        let lock = format!("SELECT id FROM users WHERE id = {user} FOR UPDATE");
        submit
            .execute_raw(Statement::from_string(backend, lock))
            .await
            .unwrap();
    }
    let flip = format!(
        "UPDATE attempts SET status = '{}' WHERE id = {}",
        AttemptStatus::Submitted.as_str(),
        open.id
    );
    submit
        .execute_raw(Statement::from_string(backend, flip))
        .await
        .unwrap();

    let saved = if backend == DbBackend::Postgres {
        let (db, id) = (db.clone(), open.id);
        let save =
            tokio::spawn(
                async move { attempts::save(&db, user.into(), id.into(), &[], &items).await },
            );
        // Committed once the save waits on it, or at once if the save did not wait (the bug).
        while !save.is_finished() && !someone_waits_on_a_lock(app.db()).await {
            tokio::task::yield_now().await;
        }
        submit.commit().await.unwrap();
        save.await.unwrap()
    } else {
        submit.commit().await.unwrap();
        attempts::save(db, user.into(), open.id.into(), &[], &items).await
    };

    let refused = saved.map(|_| ());
    assert!(
        refused.as_ref().is_err_and(|e| e.status().code == 409),
        "the save finds the attempt submitted: {refused:?}"
    );
    let stored = response::Entity::find()
        .filter(response::Column::AttemptId.eq(open.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "no answers stored behind the submit");
    let now = attempt::Entity::find_by_id(open.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, AttemptStatus::Submitted);
}
