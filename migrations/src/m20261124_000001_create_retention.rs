//! Retention of raw responses. When responses older than the retention period are deleted, each
//! attempt keeps its per-topic response sums (`attempt_topic_scores`), which is all reports,
//! the learner's plan and results, and `verify` need of it; the attempt records when its
//! responses went. Their contribution to the item-level statistics, which need one row per
//! response to rebuild, is kept as the sums `verify` would have rebuilt
//! (`removed_response_sums`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double, string, timestamp_with_time_zone_null};

use crate::helpers::{drop_tables, fk, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SCORE_COUNTS: &[&str] = &[
    "n_responses",
    "n_answered",
    "n_dont_know",
    "n_confidently_wrong",
];

const SCORE_SUMS: &[&str] = &[
    "sum_fraction_answered",
    "sum_stated_probability",
    "sum_brier",
    "sum_cbm_mark",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("attempts")
                    .add_column(timestamp_with_time_zone_null("responses_removed_at"))
                    .take(),
            )
            .await?;
        let mut scores = Table::create()
            .table("attempt_topic_scores")
            .col(reference("attempt_id"))
            .col(reference("topic_id"))
            .primary_key(Index::create().col("attempt_id").col("topic_id"))
            .foreign_key(&mut fk(
                "attempt_topic_scores",
                "attempt_id",
                "attempts",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "attempt_topic_scores",
                "topic_id",
                "topics",
                ForeignKeyAction::Restrict,
            ))
            .take();
        for column in SCORE_COUNTS {
            scores.col(big_integer(*column));
        }
        for column in SCORE_SUMS {
            scores.col(double(*column));
        }
        manager.create_table(scores).await?;
        manager
            .create_table(
                Table::create()
                    .table("removed_response_sums")
                    .col(string("aggregate"))
                    .col(string("row_key"))
                    .col(string("column_name"))
                    .col(double("value").default(0.0))
                    .primary_key(
                        Index::create()
                            .col("aggregate")
                            .col("row_key")
                            .col("column_name"),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["removed_response_sums", "attempt_topic_scores"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("attempts")
                    .drop_column("responses_removed_at")
                    .take(),
            )
            .await
    }
}
