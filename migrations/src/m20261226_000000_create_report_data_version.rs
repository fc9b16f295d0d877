//! A number that changes whenever anything a manager's gap dashboard is built from changes
//! (issue 27): the published report batches, the threshold they were released with, and the
//! lookup tables that label and weigh them. The service keeps a dashboard's figures in memory
//! and reuses them only while this number is the one it read them under, so an instance never
//! shows figures older than the database, whichever instance or command wrote.
//!
//! Triggers keep it, not the service's code: every writer (a release in a submit, a rebuild at
//! start, an administrator's edit, an import, a cascading delete) changes it without having to
//! remember to. On SQLite, where writes take turns anyway, each changed row adds one. On
//! PostgreSQL the rise is deferred to the commit and made once per transaction, so concurrent
//! submits that release figures hold the row's lock only while committing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "report_data_version";

/// The tables a gap dashboard (its grid, priorities and filter choices) is built from.
const WATCHED: [&str; 10] = [
    "report_published",
    "report_published_totals",
    "report_published_national",
    "publication_state",
    "topics",
    "staff_groups",
    "job_roles",
    "organisations",
    "role_targets",
    "teams",
];

const OPERATIONS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

fn sqlite_trigger(table: &str, operation: &str) -> String {
    let name = sqlite_trigger_name(table, operation);
    format!(
        "CREATE TRIGGER {name} AFTER {operation} ON {table} \
         BEGIN UPDATE {TABLE} SET version = version + 1 WHERE id = 1; END"
    )
}

fn sqlite_trigger_name(table: &str, operation: &str) -> String {
    format!("{TABLE}_{table}_{}", operation.to_ascii_lowercase())
}

/// Once per transaction, at its commit: a transaction-local setting marks that it has been
/// counted, so a release of many rows (or a seed's `COPY`) adds one, not one per row.
const POSTGRES_FUNCTION: &str = "CREATE FUNCTION report_data_changed() RETURNS trigger \
    LANGUAGE plpgsql AS $$ BEGIN \
    IF current_setting('report_data.changed', true) IS DISTINCT FROM 'yes' THEN \
    UPDATE report_data_version SET version = version + 1 WHERE id = 1; \
    PERFORM set_config('report_data.changed', 'yes', true); \
    END IF; RETURN NULL; END $$";

fn postgres_triggers(table: &str) -> [String; 2] {
    [
        format!(
            "CREATE CONSTRAINT TRIGGER {TABLE}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} \
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION report_data_changed()"
        ),
        // A constraint trigger cannot watch TRUNCATE; this one runs at once.
        format!(
            "CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON {table} \
             FOR EACH STATEMENT EXECUTE FUNCTION report_data_changed()"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(ColumnDef::new("id").integer().not_null().primary_key())
                    .col(ColumnDef::new("version").big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!("INSERT INTO {TABLE} (id, version) VALUES (1, 0)"))
            .await?;
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        if postgres {
            db.execute_unprepared(POSTGRES_FUNCTION).await?;
        }
        for table in WATCHED {
            if postgres {
                for trigger in postgres_triggers(table) {
                    db.execute_unprepared(&trigger).await?;
                }
            } else {
                for operation in OPERATIONS {
                    db.execute_unprepared(&sqlite_trigger(table, operation))
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        for table in WATCHED {
            if postgres {
                for trigger in ["changes", "truncate"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {TABLE}_{trigger} ON {table}"
                    ))
                    .await?;
                }
            } else {
                for operation in OPERATIONS {
                    let name = sqlite_trigger_name(table, operation);
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                        .await?;
                }
            }
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS report_data_changed()")
                .await?;
        }
        drop_tables(manager, &[TABLE]).await
    }
}
