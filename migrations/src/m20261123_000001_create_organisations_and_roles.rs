//! Organisations (NHS trusts and other bodies) and the ESR role taxonomy.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string, string_uniq};

use crate::helpers::{created_at, drop_tables, fk, reference, table_with_id};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("organisations")
                    .col(string_uniq("code"))
                    .col(string("name"))
                    .col(created_at())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("staff_groups")
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(integer("position"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("job_roles")
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(reference("staff_group_id"))
                    .col(integer("position"))
                    .foreign_key(&mut fk(
                        "job_roles",
                        "staff_group_id",
                        "staff_groups",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(crate::helpers::index(
                "job_roles",
                &["staff_group_id"],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["job_roles", "staff_groups", "organisations"]).await
    }
}
