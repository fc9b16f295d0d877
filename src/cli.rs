//! The command line: `serve` (the default), `migrate`, and the content, question-bank and
//! report tools.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, StartupError};
use crate::authoring::{self, ExportFormat, RowStatus};
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
    /// Import a GIFT or Moodle XML file into the bank: prints the preview, then imports all
    /// questions, or nothing (exit 1, errors as file:line) if any question is broken.
    Import {
        file: PathBuf,
        /// The topic every question goes into (default: the topic each `$CATEGORY:` names).
        #[arg(long)]
        topic: Option<String>,
        /// Publish new items at once (default: they are drafts).
        #[arg(long)]
        publish: bool,
    },
    /// Print the bank (current versions of items not retired) as GIFT or Moodle XML.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// Only this topic's items.
        #[arg(long)]
        topic: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormatArg {
    Gift,
    MoodleXml,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(value: ExportFormatArg) -> Self {
        match value {
            ExportFormatArg::Gift => ExportFormat::Gift,
            ExportFormatArg::MoodleXml => ExportFormat::MoodleXml,
        }
    }
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
        Command::Questions {
            command:
                QuestionsCommand::Import {
                    file,
                    topic,
                    publish,
                },
        } => import_questions(&file, topic.as_deref(), publish).await,
        Command::Questions {
            command: QuestionsCommand::Export { format, topic },
        } => export_questions(format.into(), topic.as_deref()).await,
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

/// The database as `serve` would have it: migrated, with the content loaded (so topics exist).
async fn prepared_db() -> Result<sea_orm::DatabaseConnection, StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    Ok(app::prepare(config).await?.db)
}

async fn import_questions(file: &Path, topic: Option<&str>, publish: bool) -> ExitCode {
    let source = match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(source) => source,
            Err(_) => {
                eprintln!(
                    "{}:1: The file does not use UTF-8 character encoding",
                    file.display()
                );
                return ExitCode::FAILURE;
            }
        },
        Err(error) => return fail(format!("{}: {error}", file.display())),
    };
    let db = match prepared_db().await {
        Ok(db) => db,
        Err(error) => return fail(error),
    };
    let name = file.display().to_string();
    let preview = match authoring::preview_import(&db, &source, &name, topic).await {
        Ok(preview) => preview,
        Err(error) => return fail(error),
    };
    for row in &preview.questions {
        let status = match row.status {
            RowStatus::New => "new",
            RowStatus::Changed => "changed",
            RowStatus::Unchanged => "unchanged",
        };
        println!(
            "{status:<9} {:<11} {:<20} {:<24} {}",
            row.qtype, row.id, row.topic, row.name
        );
    }
    if !preview.errors.is_empty() {
        for error in &preview.errors {
            eprintln!("{error}");
        }
        eprintln!(
            "error: {} broken question(s); nothing was imported",
            preview.errors.len()
        );
        return ExitCode::FAILURE;
    }
    match authoring::apply_import(&db, None, &source, &name, topic, publish).await {
        Ok(summary) => {
            println!(
                "imported: {} new, {} changed, {} unchanged, {} published",
                summary.created, summary.new_versions, summary.unchanged, summary.published
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

async fn export_questions(format: ExportFormat, topic: Option<&str>) -> ExitCode {
    let db = match prepared_db().await {
        Ok(db) => db,
        Err(error) => return fail(error),
    };
    match authoring::export_bank(&db, format, topic).await {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
