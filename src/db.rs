//! Connecting to SQLite or PostgreSQL and running the migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::{AppConfig, DatabaseKind};

/// Why the database could not be used at start; displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum DbStartError {
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
}

/// Opens a connection pool. SQLite runs in WAL mode with foreign keys on, a busy timeout and
/// `synchronous = NORMAL`: a committed attempt survives a crash of the process (power loss
/// could lose the last transactions; choose PostgreSQL where that matters).
pub async fn connect(config: &AppConfig) -> Result<DatabaseConnection, DbStartError> {
    let url = &config.database_url;
    let mut options = ConnectOptions::new(url.expose().to_owned());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if url.kind() == DatabaseKind::Sqlite {
        if let Some(path) = url.sqlite_path()
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|source| DbStartError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        options.map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    }
    Database::connect(options)
        .await
        .map_err(|source| DbStartError::Connect {
            url: url.to_string(),
            source,
        })
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbStartError> {
    Migrator::up(db, None).await.map_err(DbStartError::Migrate)
}
