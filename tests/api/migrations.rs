//! The migrations run up, down and up again on each database engine.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};

use crate::helpers::TestDatabase;

async fn table_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name <> 'seaql_migrations' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY 1"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("list tables");
    rows.iter()
        .filter_map(|row| row.try_get::<String>("", "name").ok())
        .collect()
}

#[rocket::async_test]
async fn migrations_run_up_down_and_up_again() {
    let database = TestDatabase::create().await;
    let db = Database::connect(&database.url).await.expect("connect");
    Migrator::up(&db, None).await.expect("first up");
    let tables = table_names(&db).await;
    for expected in [
        "organisations",
        "staff_groups",
        "job_roles",
        "users",
        "job_assignments",
        "manager_scopes",
        "topics",
        "role_targets",
        "modules",
        "module_versions",
        "module_pages",
        "items",
        "item_versions",
        "assessments",
        "blueprint_topics",
        "attempts",
        "responses",
        "topic_ratings",
        "report_cells",
        "item_stats",
        "item_rest_histogram",
        "sessions",
        "audit_log",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "missing table {expected}: {tables:?}"
        );
    }
    Migrator::down(&db, None).await.expect("down");
    assert!(
        table_names(&db).await.is_empty(),
        "down removes every table"
    );
    Migrator::up(&db, None).await.expect("second up");
    assert_eq!(table_names(&db).await, tables);
    db.close().await.ok();
}

/// Bands stored before the import normalised them ("3", "band 8A") are respelt "Band N" by
/// migration m20261207_030000; other scales are kept.
#[rocket::async_test]
async fn stored_bands_are_respelt_band_n() {
    use genomics_training::entities::job_assignment;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, QueryOrder};

    let app = crate::helpers::spawn_app().await;
    let _world = app.given_world().await;
    let db = app.db();
    let jobs = job_assignment::Entity::find()
        .order_by_asc(job_assignment::Column::Id)
        .all(db)
        .await
        .unwrap();
    assert!(jobs.len() >= 3, "{jobs:?}");
    let given = ["3", " band 8A", "Consultant"];
    for (job, band) in jobs.iter().zip(given) {
        let mut active = job.clone().into_active_model();
        active.band = Set(Some(band.to_owned()));
        active.update(db).await.unwrap();
    }
    // Undo this migration and every later one, then apply them again.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let position = names
        .iter()
        .position(|n| n == "m20261207_030000_normalise_bands")
        .expect("the migration is listed");
    let later = u32::try_from(names.len() - position).unwrap();
    Migrator::down(db, Some(later)).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    let bands: Vec<Option<String>> = job_assignment::Entity::find()
        .order_by_asc(job_assignment::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .take(3)
        .map(|j| j.band)
        .collect();
    assert_eq!(
        bands,
        [Some("Band 3"), Some("Band 8a"), Some("Consultant")].map(|b| b.map(str::to_owned))
    );
}
