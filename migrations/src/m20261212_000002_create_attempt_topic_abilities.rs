//! Per submitted attempt and topic, the learner's ability on the calibrated scale and the
//! expected percentage on the topic's whole bank (docs/calibration.md, "Scores on the
//! calibrated scale"), written at submit under the calibration run it names, rewritten by
//! `bank rescore`, and checked by `verify`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double_null};

use crate::helpers::{create_indexes, drop_tables, fk, index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("attempt_topic_abilities")
                    .col(reference("attempt_id"))
                    .col(reference("topic_id"))
                    .col(reference("calibration_run_id"))
                    .col(big_integer("n_items"))
                    .col(double_null("theta"))
                    .col(double_null("standard_error"))
                    .col(double_null("expected_percent"))
                    .primary_key(Index::create().col("attempt_id").col("topic_id"))
                    .foreign_key(&mut fk(
                        "attempt_topic_abilities",
                        "attempt_id",
                        "attempts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "attempt_topic_abilities",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "attempt_topic_abilities",
                        "calibration_run_id",
                        "calibration_runs",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![index(
                "attempt_topic_abilities",
                &["calibration_run_id"],
                false,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["attempt_topic_abilities"]).await
    }
}
