//! Teams (issue 24 point 2): the organisation unit an ESR extract carries (ward, department,
//! cost centre), named once per organisation. A person's team belongs to their job assignment,
//! so a move between teams keeps its history like any other change of job. Managers may be
//! limited to some teams of an organisation, and a module may be assigned to a team or to one
//! person as well as to an organisation or job role.
//!
//! The new columns on existing tables carry no foreign key because SQLite cannot add one to an
//! existing table; the application removes what they point to itself (teams are never deleted,
//! and erasing a person removes the assignments made to them).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, string_len};

use crate::helpers::{
    create_indexes, created_at, drop_tables, fk, index, reference, table_with_id,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) pairs added to tables that already exist.
const ADDED: [(&str, &str); 3] = [
    ("job_assignments", "team_id"),
    ("module_assignments", "team_id"),
    ("module_assignments", "user_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("teams")
                    .col(reference("organisation_id"))
                    .col(string_len("name", 100))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "teams",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("manager_team_scopes")
                    .col(big_integer("user_id"))
                    .col(big_integer("team_id"))
                    .col(created_at())
                    .primary_key(Index::create().col("user_id").col("team_id"))
                    .foreign_key(&mut fk(
                        "manager_team_scopes",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "manager_team_scopes",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        for (table, column) in ADDED {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(big_integer_null(column))
                        .take(),
                )
                .await?;
        }
        create_indexes(
            manager,
            vec![
                index("teams", &["organisation_id", "name"], true),
                index("job_assignments", &["team_id"], false),
                index("module_assignments", &["team_id"], false),
                index("module_assignments", &["user_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in ADDED {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{table}_{column}"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        drop_tables(manager, &["manager_team_scopes", "teams"]).await
    }
}
