//! The published totals without the organisation (issue 27): `report_published_totals` added
//! up over the organisations, one row per job role × band group × topic × phase. A scope that
//! covers every organisation (the national view) reads these few thousand rows instead of
//! adding up a row per organisation too. The service keeps it in the same release step as
//! `report_published_totals`, and `verify` checks that it equals their sum; here it is filled
//! from what is already published, so a migrated database reads the same figures at once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string;
use sea_orm_migration::sea_query::Func;

use crate::helpers::{drop_tables, fk, reference};
use crate::m20261123_000005_create_aggregates::{REPORT_COUNTS, REPORT_SUMS, with_measures};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "report_published_national";
const KEYS: [&str; 4] = ["job_role_id", "band", "topic_id", "phase"];
/// The measures added since `REPORT_COUNTS` and `REPORT_SUMS` were written: the publication's
/// `n_changes` and the calibrated gain's pair (m20261223_000000).
const LATER_COUNTS: [&str; 2] = ["n_calibrated", "n_changes"];
const LATER_SUMS: [&str; 1] = ["sum_calibrated_gain"];

fn create() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(TABLE)
        .col(reference("job_role_id"))
        .col(string("band"))
        .col(reference("topic_id"))
        .col(string("phase"));
    let mut key = Index::create();
    for column in KEYS {
        key.col(column);
    }
    table.primary_key(&mut key);
    for (column, to) in [("job_role_id", "job_roles"), ("topic_id", "topics")] {
        table.foreign_key(&mut fk(TABLE, column, to, ForeignKeyAction::Cascade));
    }
    let counts: Vec<&'static str> = REPORT_COUNTS.iter().copied().chain(LATER_COUNTS).collect();
    let sums: Vec<&'static str> = REPORT_SUMS.iter().copied().chain(LATER_SUMS).collect();
    with_measures(&mut table, &counts, &sums);
    table.take()
}

/// `INSERT INTO report_published_national SELECT keys, SUM(...) FROM report_published_totals
/// GROUP BY keys`.
fn fill() -> Result<InsertStatement, DbErr> {
    let mut select = Query::select();
    select.from("report_published_totals");
    for column in KEYS {
        select.column(column).group_by_col(column);
    }
    // PostgreSQL sums integers as numeric: cast counts back to a 64-bit integer.
    for column in REPORT_COUNTS.iter().chain(&LATER_COUNTS) {
        select.expr(Func::cast_as(Func::sum(Expr::col(*column)), "BIGINT"));
    }
    for column in REPORT_SUMS.iter().chain(&LATER_SUMS) {
        select.expr(Func::sum(Expr::col(*column)));
    }
    let columns = KEYS
        .iter()
        .chain(REPORT_COUNTS)
        .chain(&LATER_COUNTS)
        .chain(REPORT_SUMS)
        .chain(&LATER_SUMS)
        .copied();
    Ok(Query::insert()
        .into_table(TABLE)
        .columns(columns)
        .select_from(select)
        .map_err(|e| DbErr::Migration(e.to_string()))?
        .take())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(create()).await?;
        manager.exec_stmt(fill()?).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
