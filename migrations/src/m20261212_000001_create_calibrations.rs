//! Rasch calibrations of the item bank (docs/calibration.md): each run is kept, with when it
//! ran, how many persons informed it and by which method; each item version it saw has one
//! row with its difficulty in logits, standard error and fit mean squares, or the reason it
//! has none. Reports and pages read the latest run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double_null, string};

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
                table_with_id("calibration_runs")
                    .col(created_at())
                    .col(string("method"))
                    .col(string("trigger"))
                    .col(big_integer("n_persons"))
                    .col(big_integer("n_persons_extreme"))
                    .col(big_integer("n_responses"))
                    .col(big_integer("n_items_estimated"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("item_calibrations")
                    .col(reference("calibration_run_id"))
                    .col(reference("item_version_id"))
                    .col(reference("topic_id"))
                    .col(string("status"))
                    .col(big_integer("n"))
                    .col(big_integer("n_right"))
                    .col(double_null("difficulty"))
                    .col(double_null("standard_error"))
                    .col(double_null("infit"))
                    .col(double_null("outfit"))
                    .primary_key(
                        Index::create()
                            .col("calibration_run_id")
                            .col("item_version_id"),
                    )
                    .foreign_key(&mut fk(
                        "item_calibrations",
                        "calibration_run_id",
                        "calibration_runs",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "item_calibrations",
                        "item_version_id",
                        "item_versions",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "item_calibrations",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index("item_calibrations", &["item_version_id"], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["item_calibrations", "calibration_runs"]).await
    }
}
