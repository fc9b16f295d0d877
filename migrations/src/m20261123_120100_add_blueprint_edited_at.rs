//! When a trainer last edited a blueprint row in the app. The content loader seeds and
//! follows `blueprint.toml`, but must not undo a trainer's edit at the next start, as it
//! already leaves admin-edited targets alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("blueprint_topics")
                    .add_column(timestamp_with_time_zone_null("edited_at"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("blueprint_topics")
                    .drop_column("edited_at")
                    .take(),
            )
            .await
    }
}
