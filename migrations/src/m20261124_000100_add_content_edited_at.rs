//! When a trainer last changed a topic, module, item or assessment pool in the app. The
//! content loader seeds these from `content/` and follows later file edits, but must not undo
//! a trainer's work at the next start (as with blueprint rows and admin-edited targets).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["topics", "modules", "items", "assessments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One statement per table: SQLite adds a single column per ALTER TABLE.
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null("edited_at"))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(Table::alter().table(table).drop_column("edited_at").take())
                .await?;
        }
        Ok(())
    }
}
