//! The command line: `serve` (the default), `migrate`, and the content and report tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::path::{Path, PathBuf};

use sea_orm::DatabaseConnection;

use crate::accounts::import::{self, ImportedBy};
use crate::accounts::organisations::{self, AddedBy, NewOrganisation};
use crate::accounts::setup;
use crate::app::{self, AppState, StartupError};
use crate::config::{self, AppConfig};
use crate::db;

#[derive(Debug, Parser)]
#[command(
    name = "genomics-training",
    version,
    about = "Genomics training for NHS staff"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, load content and serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage organisations.
    #[command(subcommand)]
    Orgs(OrgsCommand),
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Import people from an ESR-like CSV file (columns: employee_number, email, display_name,
    /// organisation_code, staff_group, job_role, band). A file with any bad row imports nothing.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgsCommand {
    /// Add an organisation by its ODS code and name.
    Add {
        /// ODS code, e.g. RJ1.
        code: String,
        /// Name, e.g. "Guy's and St Thomas' NHS Foundation Trust".
        name: String,
    },
}

/// Prints one clear line for a failure, without a backtrace.
fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

pub async fn run(cli: Cli) -> ExitCode {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::Migrate => migrate().await,
        Command::Users(UsersCommand::Import { file }) => import_users(&file).await,
        Command::Orgs(OrgsCommand::Add { code, name }) => add_organisation(&code, &name).await,
    }
}

async fn serve() -> ExitCode {
    let rocket = match app::build(config::figment()).await {
        Ok(rocket) => rocket,
        Err(error) => return fail(error),
    };
    if let Some(state) = rocket.state::<AppState>() {
        match setup::first_admin_token(&state.db).await {
            Ok(Some(token)) => println!(
                "Create the first admin account: {}/setup/{token}",
                state.config.public_url
            ),
            Ok(None) => {}
            Err(error) => return fail(error),
        }
    }
    match rocket.launch().await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

async fn migrate() -> ExitCode {
    let result = async {
        let config = AppConfig::from_figment(&config::figment())?;
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        Ok::<_, StartupError>(())
    }
    .await;
    match result {
        Ok(()) => {
            println!("database is up to date");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// Connects and migrates, for subcommands that work on the database.
async fn open_database() -> Result<(AppConfig, DatabaseConnection), StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    Ok((config, db))
}

async fn import_users(file: &Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => return fail(format!("cannot read {}: {error}", file.display())),
    };
    let (config, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let by = ImportedBy {
        actor_user_id: None,
        source: format!("command line: {}", file.display()),
        client_address: None,
    };
    match import::import(&db, &config.public_url, &bytes, by).await {
        Ok(Ok(report)) => {
            for created in &report.created {
                println!(
                    "{} <{}>: {}",
                    created.display_name, created.email, created.link
                );
            }
            println!(
                "imported {}: {} created, {} updated, {} unchanged, {} new job assignments",
                file.display(),
                report.created.len(),
                report.updated,
                report.unchanged,
                report.new_job_assignments
            );
            ExitCode::SUCCESS
        }
        Ok(Err(problems)) => {
            for problem in &problems {
                eprintln!("{}:{}: {}", file.display(), problem.line, problem.problem);
            }
            eprintln!(
                "error: {} bad row(s) in {}; nothing was imported",
                problems.len(),
                file.display()
            );
            ExitCode::FAILURE
        }
        Err(error) => fail(error),
    }
}

async fn add_organisation(code: &str, name: &str) -> ExitCode {
    let new = match NewOrganisation::parse(code, name) {
        Ok(new) => new,
        Err(problems) => {
            let text: Vec<String> = problems.into_iter().map(|(_, m)| m).collect();
            return fail(text.join("; "));
        }
    };
    let (_, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let by = AddedBy {
        via: "command line",
        ..AddedBy::default()
    };
    match organisations::create(&db, by, new).await {
        Ok(created) => {
            println!("added organisation {} ({})", created.code, created.name);
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
