//! A team level in the reports (issue 24 point 2). Each submitted attempt keeps the team its
//! learner was in (`attempts.team_id`, like its organisation, role and band), and every report
//! table gains `team_id` in its key (0: no team, or released for the organisation only), so
//! publication can release a team's contributions as a team. `report_pending.waiting_since` is
//! the month a team's waiting contributions started waiting: from the month after, they may be
//! released with the organisation's instead (`src/aggregates/publication.rs`).
//!
//! Existing rows keep `team_id` 0: attempts submitted before this have no team.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, double, string, string_null};
use sea_orm_migration::sea_orm::DbBackend;

use crate::helpers::{create_indexes, fk, index, reference};
use crate::m20261123_000005_create_aggregates::{REPORT_COUNTS, REPORT_SUMS};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each report table and whether it is per month (has `period`) and published (`n_changes`).
const TABLES: [(&str, bool, bool); 5] = [
    ("report_cells", true, false),
    ("report_totals", false, false),
    ("report_pending", false, true),
    ("report_published", true, true),
    ("report_published_totals", false, true),
];

const KEYS: [&str; 5] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
];

/// The measure columns every report table has now (the calibrated pair came later).
fn measures(published: bool) -> Vec<&'static str> {
    let mut out: Vec<&str> = REPORT_COUNTS.to_vec();
    out.push("n_calibrated");
    out.extend(REPORT_SUMS);
    out.push("sum_calibrated_gain");
    if published {
        out.push("n_changes");
    }
    out
}

fn key_columns(per_month: bool, team: bool) -> Vec<&'static str> {
    let mut out = KEYS.to_vec();
    if team {
        out.push("team_id");
    }
    if per_month {
        out.push("period");
    }
    out
}

/// The table as it is after this migration (`team`) or before it.
fn table_shape(
    name: &'static str,
    per_month: bool,
    published: bool,
    team: bool,
) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(reference("organisation_id"))
        .col(reference("job_role_id"))
        .col(string("band"))
        .col(reference("topic_id"))
        .col(string("phase"));
    if team {
        table.col(big_integer("team_id").default(0));
    }
    if per_month {
        table.col(string("period"));
    }
    let mut key = Index::create();
    for column in key_columns(per_month, team) {
        key.col(column);
    }
    table.primary_key(&mut key);
    for (column, to) in [
        ("organisation_id", "organisations"),
        ("job_role_id", "job_roles"),
        ("topic_id", "topics"),
    ] {
        table.foreign_key(&mut fk(name, column, to, ForeignKeyAction::Cascade));
    }
    for column in measures(published) {
        if column.starts_with("n_") {
            table.col(big_integer(column).default(0));
        } else {
            table.col(double(column).default(0.0));
        }
    }
    if team && name == "report_pending" {
        table.col(string_null("waiting_since"));
    }
    table.take()
}

/// `SELECT` of the old keys and the measures summed over teams, for going back.
fn summed(per_month: bool, published: bool, from: &str) -> String {
    let keys = key_columns(per_month, false).join(", ");
    let sums: Vec<String> = measures(published)
        .iter()
        .map(|c| format!("SUM({c}) AS {c}"))
        .collect();
    format!(
        "SELECT {keys}, {} FROM {from} GROUP BY {keys}",
        sums.join(", ")
    )
}

/// SQLite cannot change a primary key: the table is made again (with the team in its key, or
/// without it when going back) and its rows copied.
async fn remake_sqlite(
    manager: &SchemaManager<'_>,
    (name, per_month, published): (&'static str, bool, bool),
    team: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let old = format!("{name}_old_shape");
    db.execute_unprepared(&format!("ALTER TABLE {name} RENAME TO {old}"))
        .await?;
    manager
        .create_table(table_shape(name, per_month, published, team))
        .await?;
    let columns = key_columns(per_month, false)
        .into_iter()
        .chain(measures(published))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = if team {
        format!("SELECT {columns} FROM {old}")
    } else {
        summed(per_month, published, &old)
    };
    db.execute_unprepared(&format!("INSERT INTO {name} ({columns}) {rows}"))
        .await?;
    db.execute_unprepared(&format!("DROP TABLE {old}")).await?;
    Ok(())
}

async fn unkey_postgres(
    manager: &SchemaManager<'_>,
    (name, per_month, published): (&'static str, bool, bool),
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let columns = key_columns(per_month, false)
        .into_iter()
        .chain(measures(published))
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "CREATE TEMPORARY TABLE {name}_summed AS {}",
        summed(per_month, published, name)
    ))
    .await?;
    db.execute_unprepared(&format!("DELETE FROM {name}"))
        .await?;
    db.execute_unprepared(&format!("ALTER TABLE {name} DROP CONSTRAINT {name}_pkey"))
        .await?;
    db.execute_unprepared(&format!("ALTER TABLE {name} DROP COLUMN team_id"))
        .await?;
    if name == "report_pending" {
        db.execute_unprepared("ALTER TABLE report_pending DROP COLUMN waiting_since")
            .await?;
    }
    db.execute_unprepared(&format!(
        "ALTER TABLE {name} ADD PRIMARY KEY ({})",
        key_columns(per_month, false).join(", ")
    ))
    .await?;
    db.execute_unprepared(&format!(
        "INSERT INTO {name} ({columns}) SELECT * FROM {name}_summed"
    ))
    .await?;
    db.execute_unprepared(&format!("DROP TABLE {name}_summed"))
        .await?;
    Ok(())
}

async fn rekey_postgres(
    manager: &SchemaManager<'_>,
    name: &'static str,
    per_month: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "ALTER TABLE {name} ADD COLUMN team_id BIGINT NOT NULL DEFAULT 0"
    ))
    .await?;
    db.execute_unprepared(&format!("ALTER TABLE {name} DROP CONSTRAINT {name}_pkey"))
        .await?;
    db.execute_unprepared(&format!(
        "ALTER TABLE {name} ADD PRIMARY KEY ({})",
        key_columns(per_month, true).join(", ")
    ))
    .await?;
    if name == "report_pending" {
        db.execute_unprepared("ALTER TABLE report_pending ADD COLUMN waiting_since VARCHAR NULL")
            .await?;
    }
    Ok(())
}

/// `report_cells`' own indexes, dropped with its old table on SQLite.
async fn cell_indexes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    create_indexes(
        manager,
        vec![
            index("report_cells", &["topic_id", "phase"], false),
            index("report_cells", &["job_role_id"], false),
        ],
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("attempts")
                    .add_column(big_integer_null("team_id"))
                    .take(),
            )
            .await?;
        let sqlite = manager.get_database_backend() == DbBackend::Sqlite;
        for table in TABLES {
            if sqlite {
                remake_sqlite(manager, table, true).await?;
            } else {
                rekey_postgres(manager, table.0, table.1).await?;
            }
        }
        if sqlite {
            cell_indexes(manager).await?;
        }
        Ok(())
    }

    /// Going back adds each team's rows into its organisation's.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sqlite = manager.get_database_backend() == DbBackend::Sqlite;
        for table in TABLES {
            if sqlite {
                remake_sqlite(manager, table, false).await?;
            } else {
                unkey_postgres(manager, table).await?;
            }
        }
        if sqlite {
            cell_indexes(manager).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("attempts")
                    .drop_column("team_id")
                    .take(),
            )
            .await
    }
}
