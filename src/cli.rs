//! The command line: `serve` (the default), `migrate`, and the content and report tools.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{self, StartupError};
use crate::config::{self, AppConfig};
use crate::reports::export::{self, Format};
use crate::reports::{GapQuery, Phase, Scope, gap_report, verify};
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
    /// Managers' reports, with the same numbers as the web pages.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Recompute every aggregate from the raw answers; prints each difference, exits non-zero
    /// if there is any.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The training-gap grid (job role x topic), suppressed as on the dashboard.
    Gaps {
        /// Only this organisation (its ODS code); default: all organisations.
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
        #[arg(long, value_enum, default_value_t = PhaseArg::Baseline)]
        phase: PhaseArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseArg {
    Baseline,
    Post,
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
        Command::Report {
            command: ReportCommand::Gaps { org, format, phase },
        } => report_gaps(org, format, phase).await,
        Command::Verify => verify_aggregates().await,
    }
}

async fn connect() -> Result<(AppConfig, sea_orm::DatabaseConnection), StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    let db = db::connect(&config).await?;
    Ok((config, db))
}

/// Prints the export exactly as the service renders it, and audits it with no actor.
async fn report_gaps(org: Option<String>, format: FormatArg, phase: PhaseArg) -> ExitCode {
    let (config, db) = match connect().await {
        Ok(connected) => connected,
        Err(error) => return fail(error),
    };
    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.phase = match phase {
        PhaseArg::Baseline => Phase::Baseline,
        PhaseArg::Post => Phase::Post,
    };
    if let Some(code) = org {
        match organisation_id(&db, &code).await {
            Ok(Some(id)) => query.organisation = Some(id),
            Ok(None) => return fail(format!("there is no organisation with code {code}")),
            Err(error) => return fail(error),
        }
    }
    let format = match format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
    };
    let result = async {
        let report = gap_report(&db, &query, config.min_cell_size).await?;
        export::export(&db, &report, format, None, None).await
    }
    .await;
    match result {
        Ok(body) => {
            print!("{body}");
            if format == Format::Json {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

async fn organisation_id(
    db: &sea_orm::DatabaseConnection,
    code: &str,
) -> Result<Option<i64>, sea_orm::DbErr> {
    use crate::entities::organisation;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .map(|o| o.id))
}

async fn verify_aggregates() -> ExitCode {
    let db = match connect().await {
        Ok((_, db)) => db,
        Err(error) => return fail(error),
    };
    match verify::verify(&db).await {
        Ok(differences) if differences.is_empty() => {
            println!("aggregates OK: every stored value matches the raw data");
            ExitCode::SUCCESS
        }
        Ok(differences) => {
            for difference in &differences {
                println!("{difference}");
            }
            eprintln!("error: {} difference(s) found", differences.len());
            ExitCode::FAILURE
        }
        Err(error) => fail(error),
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
