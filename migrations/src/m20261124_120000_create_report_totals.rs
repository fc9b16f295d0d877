//! `report_totals`: report_cells added up over the months, kept by the same submit. The gap
//! dashboard without a date range (its default) reads this instead of every month's cells, so
//! its cost depends on organisations × roles × bands × topics, not on how many months of
//! answers there are. Filled from the existing cells.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string;

use crate::helpers::{drop_tables, fk, reference};
use crate::m20261123_000005_create_aggregates::{REPORT_COUNTS, REPORT_SUMS, with_measures};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEYS: [&str; 5] = [
    "organisation_id",
    "job_role_id",
    "band",
    "topic_id",
    "phase",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut totals = Table::create()
            .table("report_totals")
            .col(reference("organisation_id"))
            .col(reference("job_role_id"))
            .col(string("band"))
            .col(reference("topic_id"))
            .col(string("phase"))
            .primary_key(
                Index::create()
                    .col("organisation_id")
                    .col("job_role_id")
                    .col("band")
                    .col("topic_id")
                    .col("phase"),
            )
            .foreign_key(&mut fk(
                "report_totals",
                "organisation_id",
                "organisations",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "report_totals",
                "job_role_id",
                "job_roles",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "report_totals",
                "topic_id",
                "topics",
                ForeignKeyAction::Cascade,
            ))
            .take();
        with_measures(&mut totals, REPORT_COUNTS, REPORT_SUMS);
        manager.create_table(totals).await?;
        let measures: Vec<&str> = REPORT_COUNTS.iter().chain(REPORT_SUMS).copied().collect();
        let mut select = Query::select();
        select.from("report_cells");
        for key in KEYS {
            select.column(key).group_by_col(key);
        }
        for column in &measures {
            select.expr(Expr::col(*column).sum());
        }
        let fill = Query::insert()
            .into_table("report_totals")
            .columns(KEYS.iter().chain(&measures).map(|c| Alias::new(*c)))
            .select_from(select)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .take();
        manager.exec_stmt(fill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["report_totals"]).await
    }
}
