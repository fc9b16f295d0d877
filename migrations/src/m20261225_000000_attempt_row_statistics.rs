//! PostgreSQL's estimate of how many attempts the per-attempt tables hold (issue 27).
//!
//! `ANALYZE` samples whole pages, and an attempt's rows are written together onto the same
//! pages, so it saw about one attempt in twenty: at 1.5 million staff it took `responses` to
//! hold 96,000 attempts instead of 1.95 million, about 400 answers each. The planner then read
//! a range of attempts' answers (as `verify` and the rebuild do) by scanning all 47 million
//! rows, 4.2 s a range, instead of the index, 44 ms (docs/benchmarks.md). Here the number of
//! distinct attempts is given as a share of the rows instead, which holds at any size: an
//! attempt has up to 24 items and answers (a module quiz fewer) and one rating per topic.
//! SQLite keeps no such statistic, so there is nothing to do there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, distinct attempts as a negative share of its rows, as PostgreSQL writes it).
const SHARES: [(&str, &str); 3] = [
    ("responses", "-0.05"),
    ("attempt_items", "-0.05"),
    ("topic_ratings", "-0.125"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (table, share) in SHARES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN attempt_id SET (n_distinct = {share})"
            ))
            .await?;
            // Takes effect when the column is next analysed; a sample, so quick at any size.
            db.execute_unprepared(&format!("ANALYZE {table} (attempt_id)"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (table, _) in SHARES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN attempt_id RESET (n_distinct)"
            ))
            .await?;
        }
        Ok(())
    }
}
