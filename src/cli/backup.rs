//! `backup`: a consistent snapshot of the SQLite database while the service runs; on PostgreSQL,
//! the `pg_dump` command to run instead.

use std::path::PathBuf;
use std::process::ExitCode;

use super::fail;
use crate::backup::{self, pg_dump_command};
use crate::config::{self, AppConfig, DatabaseKind};
use crate::db;

pub(super) async fn backup(to: Option<PathBuf>) -> ExitCode {
    let config = match AppConfig::from_figment(&config::figment()) {
        Ok(config) => config,
        Err(error) => return fail(error),
    };
    let now = chrono::Utc::now();
    if config.database_url.kind() == DatabaseKind::Postgres {
        let to = to
            .unwrap_or_else(|| backup::default_path(&config.data_dir, now).with_extension("dump"));
        eprintln!(
            "error: this service runs on PostgreSQL, which pg_dump backs up consistently while \
             the service runs. Run:\n  {}\n(restore with pg_restore; see docs/reliability.md)",
            pg_dump_command(&config.database_url, &to)
        );
        return ExitCode::from(2);
    }
    // Connecting would create an empty database where none is: refuse instead.
    match config.database_url.sqlite_path() {
        Some(path) if path.is_file() => {}
        Some(path) => return fail(format!("there is no database at {}", path.display())),
        None => return fail("an in-memory database cannot be backed up"),
    }
    let db = match db::connect(&config).await {
        Ok(db) => db,
        Err(error) => return fail(error),
    };
    let to = to.unwrap_or_else(|| backup::default_path(&config.data_dir, now));
    match backup::snapshot_sqlite(&db, &to).await {
        Ok(snapshot) => {
            println!(
                "backup written: {} ({} bytes, integrity checked)",
                snapshot.path.display(),
                snapshot.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
