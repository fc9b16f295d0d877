//! Local details (issue 20 point 18): what each organisation says where a module can only speak
//! in general, such as its incident reporting system or how to book an interpreter. One row per
//! organisation and detail; a detail with no row shows the module's default.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, string, text, timestamp_with_time_zone};

use crate::helpers::{drop_tables, fk, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organisation_local_details")
                    .col(reference("organisation_id"))
                    .col(string("detail"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(big_integer_null("updated_by_user_id"))
                    .primary_key(Index::create().col("organisation_id").col("detail"))
                    .foreign_key(&mut fk(
                        "organisation_local_details",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "organisation_local_details",
                        "updated_by_user_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["organisation_local_details"]).await
    }
}
