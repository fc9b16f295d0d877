//! Rest-score histograms per item version, phase and staff group (0 = everyone), kept at
//! submit time beside `item_stats`. Discriminative efficiency needs the distribution of the
//! rest of the test, which running sums cannot give; a histogram of rest scores rounded to
//! 0.01 (stored as whole hundredths, so the bucket can be part of the key) can, and it stays
//! additive under concurrent submits.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string};

use crate::helpers::{drop_tables, fk, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("item_rest_histogram")
                    .col(reference("item_version_id"))
                    .col(string("phase"))
                    .col(big_integer("staff_group_id"))
                    // Rest score × 100, rounded: 2.5 is stored as 250.
                    .col(big_integer("rest_bucket"))
                    .col(big_integer("n").default(0))
                    .primary_key(
                        Index::create()
                            .col("item_version_id")
                            .col("phase")
                            .col("staff_group_id")
                            .col("rest_bucket"),
                    )
                    .foreign_key(&mut fk(
                        "item_rest_histogram",
                        "item_version_id",
                        "item_versions",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["item_rest_histogram"]).await
    }
}
