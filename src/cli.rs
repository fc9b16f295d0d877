//! The command line: `serve` (the default), `migrate`, and the content and report tools.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, StartupError};
use crate::config::{self, AppConfig};
use crate::{content, db, questions};

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
    /// Learning content files.
    Content {
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// Question banks in GIFT and Moodle XML.
    Questions {
        #[command(subcommand)]
        command: QuestionsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Validate the whole content folder; prints every problem as file:line.
    Check {
        /// The content folder (default: app.content_dir from Rocket.toml).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuestionsCommand {
    /// Read a GIFT or Moodle XML file and print its questions as a JSON array.
    Parse { file: PathBuf },
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
        Command::Content {
            command: ContentCommand::Check { dir },
        } => check_content(dir),
        Command::Questions {
            command: QuestionsCommand::Parse { file },
        } => parse_questions(&file),
    }
}

async fn serve() -> ExitCode {
    let rocket = match app::build(config::figment()).await {
        Ok(rocket) => rocket,
        Err(error) => return fail(error),
    };
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

fn check_content(dir: Option<PathBuf>) -> ExitCode {
    let dir = match dir {
        Some(dir) => dir,
        None => match AppConfig::from_figment(&config::figment()) {
            Ok(config) => config.content_dir,
            Err(error) => return fail(error),
        },
    };
    match content::read_and_check(&dir) {
        Ok(tree) => {
            println!(
                "content OK: {} topics, {} job roles, {} targets, {} modules, {} questions",
                tree.topics.len(),
                tree.job_roles().count(),
                tree.targets.len(),
                tree.modules.len(),
                tree.items.len()
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for problem in &problems {
                println!("{}/{problem}", dir.display());
            }
            eprintln!("error: {} problem(s) in {}", problems.len(), dir.display());
            ExitCode::FAILURE
        }
    }
}

fn parse_questions(file: &Path) -> ExitCode {
    match questions::parse_file(file) {
        Ok(parsed) => match serde_json::to_string_pretty(&questions::to_json(&parsed)) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            ExitCode::FAILURE
        }
    }
}
