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
