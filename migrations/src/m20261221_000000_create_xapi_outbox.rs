//! xAPI out (docs/xapi.md): the statements written in the same transaction as the learning
//! event they describe, waiting for (or kept after) delivery to the learning record store; the
//! random account name each learner has in the store; and the lease that lets one sender at a
//! time deliver, so that a learner's statements arrive in the order they were made.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string_len, string_len_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use crate::helpers::{
    create_indexes, created_at, drop_tables, fk, index, reference, table_with_id,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("xapi_outbox")
                    .col(string_len("statement_id", 36))
                    .col(reference("user_id"))
                    // The verb (answered, rated, ...), so the outbox reads without parsing JSON.
                    .col(string_len("verb", 32))
                    .col(text("statement"))
                    .col(created_at())
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .foreign_key(&mut fk(
                        "xapi_outbox",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("xapi_actors")
                    .col(reference("user_id").primary_key())
                    .col(string_len("account_name", 36).unique_key())
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "xapi_actors",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("xapi_sender_lease")
                    .col(integer("id").primary_key())
                    .col(string_len_null("holder", 36))
                    .col(timestamp_with_time_zone("held_until"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("xapi_outbox", &["statement_id"], true),
                index("xapi_outbox", &["sent_at", "user_id", "id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["xapi_sender_lease", "xapi_actors", "xapi_outbox"],
        )
        .await
    }
}
