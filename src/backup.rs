//! Online backups. On SQLite, `VACUUM INTO` writes a consistent snapshot of the database (one
//! read transaction, so it sees every committed write, including those still in the WAL, and
//! none half-done) while the service keeps serving and writing. The snapshot is then opened
//! read-only and integrity-checked. PostgreSQL has its own tool, `pg_dump`; the command line
//! prints the exact command rather than wrapping it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::config::DatabaseUrl;

/// A written snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Why a backup could not be written; displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose another --to (a backup never overwrites a file)")]
    Exists(String),
    #[error("cannot create the backup folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("the snapshot could not be written: {0}")]
    Write(DbErr),
    #[error("the snapshot {path} failed its integrity check: {problem}")]
    Check { path: String, problem: String },
    #[error("cannot read the snapshot {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// `<data_dir>/backups/genomics-training-<UTC time>.db`.
pub fn default_path(data_dir: &Path, now: DateTime<Utc>) -> PathBuf {
    data_dir.join("backups").join(format!(
        "genomics-training-{}.db",
        now.format("%Y%m%dT%H%M%SZ")
    ))
}

/// The `pg_dump` command that backs up the PostgreSQL database at `url` into `to` (custom
/// format, restored with `pg_restore`). Any password in the URL is shown as `***`.
pub fn pg_dump_command(url: &DatabaseUrl, to: &Path) -> String {
    format!(
        "pg_dump --format=custom --no-owner --file='{}' '{url}'",
        to.display()
    )
}

/// Writes a consistent snapshot of the SQLite database `db` to `to`, then checks it.
#[tracing::instrument(skip(db))]
pub async fn snapshot_sqlite(db: &DatabaseConnection, to: &Path) -> Result<Snapshot, BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.display().to_string()));
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| BackupError::Folder {
            path: parent.display().to_string(),
            source,
        })?;
    }
    // The file name is a bound value, so no path needs quoting.
    let target = to.display().to_string();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.clone().into()],
    ))
    .await
    .map_err(BackupError::Write)?;
    check(&target).await?;
    let bytes = std::fs::metadata(to)
        .map_err(|source| BackupError::Read {
            path: target,
            source,
        })?
        .len();
    Ok(Snapshot {
        path: to.to_path_buf(),
        bytes,
    })
}

/// `PRAGMA integrity_check` on the snapshot, opened read-only.
async fn check(path: &str) -> Result<(), BackupError> {
    let failed = |problem: String| BackupError::Check {
        path: path.to_owned(),
        problem,
    };
    let snapshot = Database::connect(format!("sqlite://{path}?mode=ro"))
        .await
        .map_err(|e| failed(e.to_string()))?;
    let row = snapshot
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .map_err(|e| failed(e.to_string()))?;
    snapshot.close().await.ok();
    let verdict: String = row
        .map(|r| r.try_get_by_index(0))
        .transpose()
        .map_err(|e| failed(e.to_string()))?
        .unwrap_or_default();
    if verdict == "ok" {
        Ok(())
    } else {
        Err(failed(verdict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_is_timestamped_under_backups() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(
            default_path(Path::new("data"), now),
            PathBuf::from("data/backups/genomics-training-20260304T050607Z.db")
        );
    }

    #[test]
    fn pg_dump_command_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://gt:secret@db.example:5432/gt");
        let command = url.map(|u| pg_dump_command(&u, Path::new("/backups/gt.dump")));
        assert_eq!(
            command.as_deref(),
            Ok(
                "pg_dump --format=custom --no-owner --file='/backups/gt.dump' \
                'postgres://***@db.example:5432/gt'"
            )
        );
    }
}
