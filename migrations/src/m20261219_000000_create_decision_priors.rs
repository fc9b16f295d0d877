//! Per calibration run, the prior each job role's (and staff group's) learners start from in
//! the test-out decision: a Beta(alpha, beta) on the share of a topic known, fitted to first
//! baselines (docs/measurement.md, "What a learner's role tells us").

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double, string_len};

use crate::helpers::{drop_tables, fk, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("decision_priors")
                    .col(reference("calibration_run_id"))
                    // "job_role" or "staff_group"
                    .col(string_len("scope", 16))
                    .col(big_integer("scope_id"))
                    .col(reference("topic_id"))
                    .col(double("alpha"))
                    .col(double("beta"))
                    .col(big_integer("learners"))
                    .primary_key(
                        Index::create()
                            .col("calibration_run_id")
                            .col("scope")
                            .col("scope_id")
                            .col("topic_id"),
                    )
                    .foreign_key(&mut fk(
                        "decision_priors",
                        "calibration_run_id",
                        "calibration_runs",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "decision_priors",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["decision_priors"]).await
    }
}
