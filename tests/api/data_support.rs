//! Reading the whole database generically, for the data-rights tests: every row of a table as
//! text, every text value anywhere, and the numbers every report is built from.

use genomics_training::reports::export::{Format, render};
use genomics_training::reports::{GapQuery, Phase, Scope, gap_report};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement};

use crate::helpers::TestApp;

/// One value as text, whichever type the driver returns it as.
fn value(row: &QueryResult, column: &str) -> String {
    macro_rules! first_that_decodes {
        ($($t:ty),*) => {
            $(if let Ok(v) = row.try_get::<Option<$t>>("", column) {
                return format!("{v:?}");
            })*
        };
    }
    first_that_decodes!(
        String,
        i64,
        i32,
        i16,
        f64,
        bool,
        chrono::DateTime<chrono::Utc>
    );
    "?".to_owned()
}

pub async fn rows_of(db: &DatabaseConnection, table: &str) -> Vec<QueryResult> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT * FROM {table}"),
    ))
    .await
    .unwrap()
}

/// Every row of `table` as text, sorted.
pub async fn dump(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let mut out: Vec<String> = rows_of(db, table)
        .await
        .iter()
        .map(|row| {
            row.column_names()
                .iter()
                .map(|c| format!("{c}={}", value(row, c)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    out.sort();
    out
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        _ => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect()
}

/// Every text value in the database containing `needle` (ignoring case), as "table.column".
pub async fn mentions_anywhere(db: &DatabaseConnection, needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    let mut found = Vec::new();
    for table in tables(db).await {
        for row in rows_of(db, &table).await {
            for column in row.column_names() {
                if let Ok(Some(text)) = row.try_get::<Option<String>>("", &column)
                    && text.to_lowercase().contains(&needle)
                {
                    found.push(format!("{table}.{column}: {text}"));
                }
            }
        }
    }
    found
}

pub const AGGREGATES: &[&str] = &[
    "report_cells",
    "item_stats",
    "item_option_counts",
    "assessment_stats",
    "item_rest_histogram",
    "attempts",
    "topic_ratings",
    "module_progress",
];

/// `tables` (e.g. [`AGGREGATES`]) and the gap report for both phases.
pub async fn numbers(app: &TestApp, tables: &[&str]) -> Vec<Vec<String>> {
    let db = app.db();
    let mut out = Vec::new();
    for table in tables {
        out.push(dump(db, table).await);
    }
    for phase in [Phase::Baseline, Phase::Post] {
        let mut query = GapQuery::new(Scope::AllOrganisations);
        query.phase = phase;
        let report = gap_report(db, &query, 2).await.unwrap();
        // Without the as_of column (the read time).
        let csv = render(&report, Format::Csv).unwrap();
        out.push(
            csv.lines()
                .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned())
                .collect(),
        );
    }
    out
}
