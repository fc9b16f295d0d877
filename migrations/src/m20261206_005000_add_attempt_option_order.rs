//! The order an attempt shows each item's options in (docs/design.md §3: options are shuffled per
//! attempt and the order is stored with the attempt), so that resume, review, results and the
//! API show what the learner saw. Answers stay stored against the item's own option indices.
//!
//! A JSON text, or NULL for the order written: attempts started before this column existed
//! were shown their options unshuffled, so NULL describes them exactly.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("attempt_items")
                    .add_column(text_null("option_order"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("attempt_items")
                    .drop_column("option_order")
                    .take(),
            )
            .await
    }
}
