//! The published side of the report aggregates (issue 16). `report_cells` and `report_totals`
//! stay the exact truth that `verify` recomputes; what managers see is built only from
//! *released batches*: each learner's contribution first waits in `report_pending` for its atom
//! (organisation × job role × band group × topic × phase) and is published, with the rest of
//! the atom's waiting contributions, once at least `min_cell_size` learners have contributed
//! since the last release. `report_published` holds each release under the month it was
//! published; `report_published_totals` adds those up over the months. `publication_state`
//! records the threshold the releases were made with. The tables are filled by the service at
//! start (a replay of `report_cells`), since the threshold is a setting, not known here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, string};

use crate::helpers::{drop_tables, fk, reference};
use crate::m20261123_000005_create_aggregates::{REPORT_COUNTS, REPORT_SUMS, with_measures};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ATOM_KEYS: [&str; 5] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
];

fn atom_table(name: &'static str, with_period: bool) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(reference("organisation_id"))
        .col(reference("job_role_id"))
        .col(string("band"))
        .col(reference("topic_id"))
        .col(string("phase"));
    let mut key = Index::create();
    for column in ATOM_KEYS {
        key.col(column);
    }
    if with_period {
        table.col(string("period"));
        key.col("period");
    }
    table.primary_key(&mut key);
    for (column, to) in [
        ("organisation_id", "organisations"),
        ("job_role_id", "job_roles"),
        ("topic_id", "topics"),
    ] {
        table.foreign_key(&mut fk(name, column, to, ForeignKeyAction::Cascade));
    }
    with_measures(&mut table, REPORT_COUNTS, REPORT_SUMS);
    // Learners whose contribution changed: what a release waits for.
    table.col(big_integer("n_changes").default(0));
    table.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(atom_table("report_pending", false))
            .await?;
        manager
            .create_table(atom_table("report_published", true))
            .await?;
        manager
            .create_table(atom_table("report_published_totals", false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("publication_state")
                    .col(integer("id").primary_key())
                    .col(integer("min_cell_size"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "publication_state",
                "report_published_totals",
                "report_published",
                "report_pending",
            ],
        )
        .await
    }
}
