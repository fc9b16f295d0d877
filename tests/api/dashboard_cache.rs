//! Issue 27: a manager's dashboard is kept in memory between views
//! (`reports::dashboard_cache`). What is kept is never another scope's, never older than the
//! data (whatever wrote it: a release in a submit, an edit of a target, a direct write), and
//! every view is still checked against the scope and recorded.

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::error::AppError;
use genomics_training::reports::dashboard::{Dashboard, Viewer, dashboard};
use genomics_training::reports::dashboard_cache::{DashboardCache, Key, data_version};
use genomics_training::reports::{GapQuery, Scope};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::*;

const MIN: u32 = 8;
const SAMPLES: &str = "samples";
const ALL: &str = "All staff in scope";

async fn view(db: &DatabaseConnection, cache: &DashboardCache, query: &GapQuery) -> Dashboard {
    dashboard(db, cache, query, MIN, &Viewer::default())
        .await
        .unwrap()
}

fn scope_of(org: i64) -> GapQuery {
    GapQuery::new(Scope::Organisations(vec![org]))
}

async fn views_recorded(db: &DatabaseConnection) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = 'report.view'";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

async fn version(db: &DatabaseConnection) -> i64 {
    data_version(db).await.unwrap().expect("the version row")
}

#[rocket::async_test]
async fn a_kept_dashboard_is_never_another_scopes_nor_older_than_the_data() {
    let app = spawn_app().await;
    let db = app.db();
    // Trust A: 7 phlebotomists, too few to publish; trust B: 8, all right.
    group(db, "RA1", "phlebotomist", "Band 3", 7, sitting(0, High, 5)).await;
    group(db, "RB1", "phlebotomist", "Band 3", 8, sitting(3, High, 3)).await;
    let (a, b) = (org_id(db, "RA1").await, org_id(db, "RB1").await);
    let cache = DashboardCache::default();

    let first_a = view(db, &cache, &scope_of(a)).await;
    assert_eq!(shown(&first_a.report, ALL, SAMPLES).n, 0);
    let first_b = view(db, &cache, &scope_of(b)).await;
    assert_eq!(shown(&first_b.report, ALL, SAMPLES).n, 8);
    close(shown(&first_b.report, ALL, SAMPLES).knowledge, 100.0);
    // Both are kept, each under its own scope; viewing again gives each its own.
    let now = version(db).await;
    assert!(cache.get(&Key::of(&scope_of(a), MIN), now).is_some());
    assert!(cache.get(&Key::of(&scope_of(b), MIN), now).is_some());
    let again_a = view(db, &cache, &scope_of(a)).await;
    assert_same_figures(&again_a, &first_a);
    assert!(
        again_a.report.as_of >= first_a.report.as_of,
        "the time is the view's"
    );
    assert_same_figures(&view(db, &cache, &scope_of(b)).await, &first_b);
    assert_eq!(
        views_recorded(db).await,
        4,
        "every view is recorded, kept or not"
    );

    // A's manager asking for B's organisation is refused and nothing is recorded, although
    // B's figures are kept.
    let mut sneaky = scope_of(a);
    sneaky.organisation = Some(b);
    let refused = dashboard(db, &cache, &sneaky, MIN, &Viewer::default()).await;
    assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    assert_eq!(views_recorded(db).await, 4);

    // An eighth phlebotomist in A makes a release: A's next view shows it at once.
    group(db, "RA1", "phlebotomist", "Band 3", 1, sitting(0, High, 5)).await;
    assert!(version(db).await > now, "the release raised the version");
    let released = view(db, &cache, &scope_of(a)).await;
    assert_eq!(shown(&released.report, ALL, SAMPLES).n, 8);
    close(shown(&released.report, ALL, SAMPLES).knowledge, 0.0);

    // A target changed by a plain write to the table (as an import or another instance
    // would): the next view uses it.
    let before = shown(&released.report, "Phlebotomist", SAMPLES).target;
    close(before, 80.0);
    let (role, topic) = (
        role_id(db, "phlebotomist").await,
        topic_id(db, SAMPLES).await,
    );
    db.execute_unprepared(&format!(
        "UPDATE role_targets SET required_level = 60 WHERE job_role_id = {role} AND topic_id = {topic}"
    ))
    .await
    .unwrap();
    let edited = view(db, &cache, &scope_of(a)).await;
    close(shown(&edited.report, "Phlebotomist", SAMPLES).target, 60.0);
    assert_aggregates_consistent(&app).await;
}

fn assert_same_figures(got: &Dashboard, kept: &Dashboard) {
    assert_eq!(got.report.rows, kept.report.rows);
    assert_eq!(got.report.topics, kept.report.topics);
    assert_eq!(got.report.query, kept.report.query);
    assert_eq!(got.priorities, kept.priorities);
    assert_eq!(got.people_priorities, kept.people_priorities);
    assert_eq!(got.choices, kept.choices);
}

/// The tables a dashboard is built from, each with a column a write can set to itself.
const WATCHED: [(&str, &str); 10] = [
    ("report_published", "n_learners"),
    ("report_published_totals", "n_learners"),
    ("report_published_national", "n_learners"),
    ("publication_state", "min_cell_size"),
    ("topics", "name"),
    ("staff_groups", "name"),
    ("job_roles", "name"),
    ("organisations", "name"),
    ("role_targets", "importance"),
    ("teams", "name"),
];

#[rocket::async_test]
async fn every_write_to_what_a_dashboard_is_built_from_raises_the_data_version() {
    let app = spawn_app().await;
    let db = app.db();
    group(db, "RA1", "phlebotomist", "Band 3", 8, sitting(3, High, 3)).await;
    let org = org_id(db, "RA1").await;
    let at = if db.get_database_backend() == DbBackend::Postgres {
        "now()"
    } else {
        "CURRENT_TIMESTAMP"
    };
    let insert = format!(
        "INSERT INTO teams (organisation_id, name, created_at) VALUES ({org}, 'Ward 9', {at})"
    );
    let before = version(db).await;
    db.execute_unprepared(&insert).await.unwrap();
    assert!(version(db).await > before, "a team added");
    for (table, column) in WATCHED {
        let count = format!("SELECT COUNT(*) FROM {table}");
        let rows: i64 = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), count))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        assert!(rows > 0, "{table} has rows to write");
        let before = version(db).await;
        db.execute_unprepared(&format!("UPDATE {table} SET {column} = {column}"))
            .await
            .unwrap();
        assert!(version(db).await > before, "{table} updated");
    }
    let before = version(db).await;
    db.execute_unprepared("DELETE FROM teams WHERE name = 'Ward 9'")
        .await
        .unwrap();
    assert!(version(db).await > before, "a team deleted");

    // Writes elsewhere (a view's audit record, a session) leave it as it is.
    let before = version(db).await;
    let cache = DashboardCache::default();
    view(db, &cache, &scope_of(org)).await;
    view(db, &cache, &scope_of(org)).await;
    assert_eq!(version(db).await, before);

    // A transaction that writes many rows raises it once it commits, not before; a rolled
    // back one not at all. (On PostgreSQL once per transaction; on SQLite once per row.)
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("UPDATE role_targets SET importance = importance")
        .await
        .unwrap();
    assert_eq!(version(db).await, before, "not before the commit");
    txn.rollback().await.unwrap();
    assert_eq!(version(db).await, before, "rolled back");
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("UPDATE role_targets SET importance = importance")
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let after = version(db).await;
    assert!(after > before, "committed");
    if db.get_database_backend() == DbBackend::Postgres {
        assert_eq!(after, before + 1, "once per transaction");
    }
}
