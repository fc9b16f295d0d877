//! The mail outbox: a message is written here in the same transaction as the event that causes
//! it (a password-reset link), and a background sender delivers it after the response. So the
//! answer to a request never waits for the mail relay (nor shows by its timing whether mail was
//! sent), and a message is not lost when the relay is down: it is retried until it goes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

use crate::helpers::{create_indexes, created_at, drop_tables, index, table_with_id};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("mail_outbox")
                    .col(string("recipient"))
                    .col(text("subject"))
                    .col(text("body"))
                    .col(created_at())
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index("mail_outbox", &["sent_at", "next_attempt_at"], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["mail_outbox"]).await
    }
}
