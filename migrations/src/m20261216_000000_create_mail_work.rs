//! Mail that does the work (issue 24 point 1): the outbox keeps an HTML alternative beside the
//! plain text; each person's choice of the optional messages; and a record of the scheduled
//! messages already queued (reminders, weekly summaries), so that a rerun never sends one twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, string, text_null, timestamp_with_time_zone,
};

use crate::helpers::{create_indexes, created_at, drop_tables, fk, index, table_with_id};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("mail_outbox")
                    .add_column(text_null("html_body"))
                    .take(),
            )
            .await?;
        // No row: every optional message is wanted (the default a trust expects).
        manager
            .create_table(
                Table::create()
                    .table("mail_preferences")
                    .col(big_integer("user_id").primary_key())
                    .col(boolean("assignment_notices"))
                    .col(boolean("reminders"))
                    .col(boolean("weekly_summary"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "mail_preferences",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // `reference` names what the message was about: an assignment, or a week.
        manager
            .create_table(
                table_with_id("mail_sent")
                    .col(big_integer("user_id"))
                    .col(string("kind"))
                    .col(string("reference"))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "mail_sent",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index("mail_sent", &["user_id", "kind", "reference"], true)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["mail_sent", "mail_preferences"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("mail_outbox")
                    .drop_column("html_body")
                    .take(),
            )
            .await
    }
}
