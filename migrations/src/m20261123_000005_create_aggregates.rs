//! Aggregate tables maintained in the same transaction as each attempt submit, so reports and
//! item statistics cost O(cells), not O(responses). Every measure is a count or a running sum,
//! which concurrent writers can update with atomic increments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, double, string};

use crate::helpers::{create_indexes, drop_tables, fk, index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(crate) const REPORT_COUNTS: &[&str] = &[
    "n_learners",
    "n_rated",
    "n_rating_high",
    "n_high_below_target",
    "n_at_target",
    "n_completed",
    "n_responses",
    "n_answered",
    "n_dont_know",
    "n_confidently_wrong",
    "n_paired",
    "n_gain",
];

pub(crate) const REPORT_SUMS: &[&str] = &[
    "sum_knowledge",
    "sum_knowledge_sq",
    "sum_rating",
    "sum_stated_probability",
    "sum_answered_fraction",
    "sum_brier",
    "sum_paired_pre",
    "sum_paired_post",
    "sum_gain",
];

const ITEM_COUNTS: &[&str] = &[
    "n",
    "n_dont_know",
    "n_certainty_1",
    "n_certainty_2",
    "n_certainty_3",
    "n_confidently_wrong",
];

const ITEM_SUMS: &[&str] = &[
    "sum_fraction",
    "sum_fraction_sq",
    "sum_rest",
    "sum_rest_sq",
    "sum_fraction_rest",
];

pub(crate) fn with_measures(
    table: &mut TableCreateStatement,
    counts: &[&'static str],
    sums: &[&'static str],
) {
    for column in counts {
        table.col(big_integer(*column).default(0));
    }
    for column in sums {
        table.col(double(*column).default(0.0));
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per organisation x job role x band x topic x phase x month of submission: the
        // finest grain any dashboard filter needs; coarser views add rows up.
        let mut cells = Table::create()
            .table("report_cells")
            .col(reference("organisation_id"))
            .col(reference("job_role_id"))
            .col(string("band"))
            .col(reference("topic_id"))
            .col(string("phase"))
            .col(string("period"))
            .primary_key(
                Index::create()
                    .col("organisation_id")
                    .col("job_role_id")
                    .col("band")
                    .col("topic_id")
                    .col("phase")
                    .col("period"),
            )
            .foreign_key(&mut fk(
                "report_cells",
                "organisation_id",
                "organisations",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "report_cells",
                "job_role_id",
                "job_roles",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "report_cells",
                "topic_id",
                "topics",
                ForeignKeyAction::Cascade,
            ))
            .take();
        with_measures(&mut cells, REPORT_COUNTS, REPORT_SUMS);
        manager.create_table(cells).await?;

        // Item statistics per item version, phase and staff group (0 = everyone).
        let mut items = Table::create()
            .table("item_stats")
            .col(reference("item_version_id"))
            .col(string("phase"))
            .col(big_integer("staff_group_id"))
            .primary_key(
                Index::create()
                    .col("item_version_id")
                    .col("phase")
                    .col("staff_group_id"),
            )
            .foreign_key(&mut fk(
                "item_stats",
                "item_version_id",
                "item_versions",
                ForeignKeyAction::Cascade,
            ))
            .take();
        with_measures(&mut items, ITEM_COUNTS, ITEM_SUMS);
        manager.create_table(items).await?;

        manager
            .create_table(
                Table::create()
                    .table("item_option_counts")
                    .col(reference("item_version_id"))
                    .col(string("phase"))
                    .col(big_integer("staff_group_id"))
                    .col(string("option_key"))
                    .col(big_integer("n").default(0))
                    .primary_key(
                        Index::create()
                            .col("item_version_id")
                            .col("phase")
                            .col("staff_group_id")
                            .col("option_key"),
                    )
                    .foreign_key(&mut fk(
                        "item_option_counts",
                        "item_version_id",
                        "item_versions",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;

        // Whole-test score moments per assessment, for Cronbach's alpha and the standard error.
        manager
            .create_table(
                Table::create()
                    .table("assessment_stats")
                    .col(reference("assessment_id"))
                    .col(string("phase"))
                    .col(big_integer("staff_group_id"))
                    .col(big_integer("n").default(0))
                    .col(big_integer("sum_items").default(0))
                    .col(double("sum_total").default(0.0))
                    .col(double("sum_total_sq").default(0.0))
                    .primary_key(
                        Index::create()
                            .col("assessment_id")
                            .col("phase")
                            .col("staff_group_id"),
                    )
                    .foreign_key(&mut fk(
                        "assessment_stats",
                        "assessment_id",
                        "assessments",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("report_cells", &["topic_id", "phase"], false),
                index("report_cells", &["job_role_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "assessment_stats",
                "item_option_counts",
                "item_stats",
                "report_cells",
            ],
        )
        .await
    }
}
