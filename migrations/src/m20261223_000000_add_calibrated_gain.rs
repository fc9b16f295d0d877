//! Calibrated gain in the reports (issue 23 point 4): each post-assessment's scores on the
//! calibrated scale keep the learner's baseline scored under the same calibration run
//! (`pre_expected_percent`), and the report tables sum the pairs (`n_calibrated`,
//! `sum_calibrated_gain`) as they sum the Hake pairs. Rows written before this have no
//! baseline score, so their pairs count nowhere until `bank rescore` rewrites them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double, double_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REPORT_TABLES: [&str; 5] = [
    "report_cells",
    "report_totals",
    "report_pending",
    "report_published",
    "report_published_totals",
];

/// One column per `ALTER TABLE`: SQLite takes no more.
async fn add(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(Table::alter().table(table).add_column(&mut column).take())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: &'static str,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).take())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            "attempt_topic_abilities",
            double_null("pre_expected_percent"),
        )
        .await?;
        for table in REPORT_TABLES {
            add(
                manager,
                table,
                big_integer("n_calibrated").default(0).take(),
            )
            .await?;
            add(
                manager,
                table,
                double("sum_calibrated_gain").default(0.0).take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in REPORT_TABLES {
            drop(manager, table, "n_calibrated").await?;
            drop(manager, table, "sum_calibrated_gain").await?;
        }
        drop(manager, "attempt_topic_abilities", "pre_expected_percent").await
    }
}
