//! The audit log: who did what, when, from which address.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, string, string_null, text_null};

use crate::helpers::{create_indexes, created_at, drop_tables, fk, index, table_with_id};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("audit_log")
                    .col(created_at())
                    .col(big_integer_null("actor_user_id"))
                    .col(string("action"))
                    .col(string_null("subject"))
                    .col(text_null("detail"))
                    .col(string_null("client_address"))
                    .foreign_key(&mut fk(
                        "audit_log",
                        "actor_user_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("audit_log", &["created_at"], false),
                index("audit_log", &["action", "created_at"], false),
                index("audit_log", &["actor_user_id", "created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_log"]).await
    }
}
