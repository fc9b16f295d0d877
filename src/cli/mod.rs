//! The command line: `serve` (the default), `migrate`, and the tools for people, content,
//! question banks, reports and backups. Each subcommand prints one clear line on failure and
//! exits non-zero.

mod backup;
mod bank;
mod bench;
mod calibrate;
mod content;
mod demo;
mod lti;
mod mail;
mod modules;
mod people;
mod reports;
mod retention;
mod targets;
mod xapi;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::bench::load::Scenario;
use sea_orm::DatabaseConnection;

use crate::accounts::setup;
use crate::app::{self, StartupError};
use crate::config::{self, AppConfig};
use crate::db;
use crate::state::AppState;

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
    Serve {
        /// Load the demo organisation (synthetic staff with answers) and demo sign-ins for
        /// each persona, printed at start. Idempotent: a second start adds nothing.
        #[arg(long)]
        demo: bool,
        /// How many synthetic staff the demo creates the first time.
        #[arg(long, default_value_t = crate::demo::setup::DEFAULT_STAFF)]
        demo_staff: usize,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage organisations.
    #[command(subcommand)]
    Orgs(OrgsCommand),
    /// Scheduled mail (assignment notices, reminders, weekly summaries).
    #[command(subcommand)]
    Mail(MailCommand),
    /// xAPI statements for the learning record store (app.xapi; docs/xapi.md).
    #[command(subcommand)]
    Xapi(XapiCommand),
    /// Learning content files.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Modules as packages for other learning systems.
    #[command(subcommand)]
    Modules(ModulesCommand),
    /// Question banks in GIFT and Moodle XML.
    #[command(subcommand)]
    Questions(QuestionsCommand),
    /// The item bank's Rasch calibration (docs/calibration.md).
    #[command(subcommand)]
    Bank(BankCommand),
    /// Managers' reports, with the same numbers as the web pages.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Recompute every aggregate from the raw answers; prints each difference, exits non-zero
    /// if there is any.
    Verify,
    /// Job roles' targets (required level and importance per topic).
    #[command(subcommand)]
    Targets(TargetsCommand),
    /// The trust's own ESR job titles mapped to job roles, for the people import.
    #[command(subcommand)]
    JobTitles(JobTitlesCommand),
    /// Learning platforms (LTI 1.3) that launch the tool, and the tool's signing key.
    #[command(subcommand)]
    Lti(LtiCommand),
    /// Write a consistent snapshot of the SQLite database while the service runs (default:
    /// <data_dir>/backups/genomics-training-<time>.db). On PostgreSQL, prints the pg_dump
    /// command to use instead and exits 2.
    Backup {
        /// Where to write the snapshot (must not exist yet).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Retention of raw responses (app.response_retention_months).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// The benchmark suite (docs/benchmarks.md). Use a database of its own, never a live one.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a synthetic population (staff, baselines, post-assessments, aggregates) straight
    /// into the configured database, which must hold no benchmark population yet.
    Seed {
        #[arg(long)]
        staff: usize,
        #[arg(long, default_value_t = 1, value_parser = at_least_one)]
        orgs: usize,
        /// Share of staff who also sat the post-assessment, from 0 to 1.
        #[arg(long, default_value_t = 0.3, value_parser = share)]
        post_share: f64,
        /// Learners left with an open baseline and a session, for `bench load`.
        #[arg(long, default_value_t = 0)]
        ready: usize,
        /// Where to write the ready learners and the manager's session.
        #[arg(long)]
        ready_file: Option<PathBuf>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Load a running server's hot paths at several concurrencies and print throughput, p50,
    /// p99 and (with --server-pid) the server's peak memory.
    Load {
        #[arg(long, default_value = "http://127.0.0.1:8000")]
        url: String,
        #[arg(long)]
        ready_file: PathBuf,
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Scenario::Health, Scenario::Module, Scenario::Dashboard, Scenario::TrustDashboard, Scenario::Submit, Scenario::SignIn])]
        scenario: Vec<Scenario>,
        #[arg(long, value_delimiter = ',', default_values_t = [1, 16, 64])]
        concurrency: Vec<usize>,
        /// Seconds per run.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long)]
        server_pid: Option<u32>,
        /// The module whose first page is loaded.
        #[arg(long, default_value = "genomics-basics")]
        module: String,
        /// Append each run's figures as a JSON line to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A label stored with each line (e.g. "sqlite 1.5M").
        #[arg(long, default_value = "")]
        label: String,
        /// Ready learners already used by an earlier run (their attempts are submitted).
        #[arg(long, default_value_t = 0)]
        ready_offset: usize,
    },
    /// The yardsticks on the configured database: a submit's rows by plain SQL, and the gap
    /// grid by a GROUP BY over the raw responses.
    Sql {
        #[arg(long, value_delimiter = ',', default_values_t = [64])]
        concurrency: Vec<usize>,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Timed runs of the GROUP BY (0 to skip it).
        #[arg(long, default_value_t = 3)]
        group_by_runs: usize,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Simulate learners with known knowledge sitting the baseline, decided by the real plan
    /// rule, and print how often the test-out decision is wrong (docs/measurement.md).
    /// Loads the content into the configured database first, as the server does.
    Simulate {
        /// People to simulate.
        #[arg(long, default_value_t = 10_000, value_parser = at_least_one)]
        people: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Which baseline design to run.
        #[arg(long, value_enum, default_value_t = SimulateDesign::Both)]
        design: SimulateDesign,
        /// Spread (SD in logits) of item difficulties for topics without p-values.
        #[arg(long, default_value_t = 1.0)]
        spread: f64,
        /// People in the first cohort whose baselines the role priors are fitted to; 0 runs
        /// the uniform prior only.
        #[arg(long, default_value_t = 2_000)]
        prior_cohort: usize,
        /// How far people of a staff group differ around its mean, as a multiple of the
        /// benchmark population's spread.
        #[arg(long, default_value_t = 1.0)]
        ability_spread: f64,
    },
    /// Print a results file as a Markdown table with the ratios.
    Report {
        results: PathBuf,
        /// The label of the large population's runs.
        #[arg(long, default_value = "large")]
        large: String,
        /// The label of the 1,000-staff runs.
        #[arg(long, default_value = "small")]
        small: String,
    },
}

/// The baseline designs `bench simulate` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateDesign {
    Fixed,
    Adaptive,
    Both,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Fit the Rasch model to every learner's first baseline, topic by topic, and store it as
    /// a new calibration run: each item version's difficulty in logits, its standard error and
    /// infit/outfit mean squares. Prints the run and every item that was not estimated or
    /// misfits. Also runs on a schedule (app.calibration_interval_hours).
    Calibrate,
    /// Fit the Rasch model to a response matrix in a CSV file (a header naming the items, one
    /// row per person: 1 right, 0 wrong, empty not answered) and print each item's difficulty,
    /// standard error, infit and outfit as CSV. Touches no database.
    FitCsv { file: PathBuf },
    /// Rewrite every submitted baseline's and post-assessment's scores on the calibrated scale
    /// under the latest calibration (after which `verify` agrees with them). Attempts whose
    /// responses retention removed keep the scores they have.
    Rescore,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Remove the responses of attempts submitted longer ago than the setting, keeping their
    /// sums so that reports and verify do not change. Safe to run daily; also runs at start.
    Apply,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The training-gap grid (job role x topic), suppressed as on the dashboard.
    Gaps {
        /// Only this organisation (its ODS code); default: all organisations.
        #[arg(long)]
        org: Option<String>,
        /// Only this team's own figures (its name, any case), in the organisation of --org.
        #[arg(long, requires = "org")]
        team: Option<String>,
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
        #[arg(long, value_enum, default_value_t = PhaseArg::Baseline)]
        phase: PhaseArg,
    },
    /// Recompute the report figures from the raw answers with the current targets, in one
    /// transaction (saving a target does this itself).
    Rebuild,
    /// The ESR completion file: each person's module quiz results by employee number and
    /// module code (docs/admins.md). Audited.
    Completions {
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModulesCommand {
    /// Write a published module's SCORM 1.2 package (its pages, sources and quiz) to a zip
    /// file, for ESR OLM, the NHS Learning Hub or Moodle (docs/trainers.md).
    ExportScorm {
        /// The module's slug, e.g. genomics-basics.
        slug: String,
        /// The zip file to write (must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TargetsCommand {
    /// A job role's targets as CSV (topic, required level, importance, set by app or file).
    Show {
        /// The job role's slug, e.g. phlebotomist.
        job_role: String,
    },
    /// Set one topic's target of a job role; the report figures are rebuilt with it.
    Set {
        job_role: String,
        /// The topic's slug, e.g. samples.
        topic: String,
        /// Required level, a whole number 0 to 100.
        #[arg(long)]
        required: String,
        /// Importance, a whole number 1 to 7.
        #[arg(long)]
        importance: String,
        /// The email of the trainer or admin making the change (for the history and audit).
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobTitlesCommand {
    /// Every mapping as CSV.
    List,
    /// Map a job title (any case and spacing) to a job role, for every organisation or one.
    Add {
        title: String,
        /// The job role's slug or name.
        job_role: String,
        /// Only for this organisation (its ODS code).
        #[arg(long)]
        org: Option<String>,
    },
    /// Remove a mapping by its id (see `list`).
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum LtiCommand {
    /// The addresses a platform admin needs, and the registered platforms, as JSON.
    Show,
    /// Register a platform.
    Add {
        #[arg(long)]
        name: String,
        /// The platform's issuer (Moodle: Platform ID).
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        client_id: String,
        /// The platform's OIDC authentication request URL.
        #[arg(long)]
        login_url: String,
        #[arg(long)]
        token_url: String,
        /// The platform's public key set (JWKS) URL.
        #[arg(long)]
        jwks_url: String,
        /// A deployment id (give it once per deployment).
        #[arg(long = "deployment", required = true)]
        deployments: Vec<String>,
    },
    /// Remove a platform by its id (see `show`).
    Remove { id: i64 },
    /// Make a new signing key; the old one stays published for a day.
    RotateKey,
    /// Send the queued scores that are due now.
    SendScores,
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
pub enum MailCommand {
    /// Queue what is due today (assignment notices, reminders, this week's manager summaries)
    /// and send every message waiting in the outbox. Safe to run as often as you like: nothing
    /// is queued twice.
    SendDue,
}

#[derive(Debug, Subcommand)]
pub enum XapiCommand {
    /// Send every statement that is due to the learning record store, in order per learner.
    /// Safe to run beside the server: one sender at a time holds the outbox.
    SendDue,
    /// How many statements are queued, failing (waiting for a retry) and sent in the last 7 days.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Import people from an ESR-like CSV file (columns: employee_number, email, display_name,
    /// organisation_code, staff_group, job_role, band). A file with any bad row imports nothing.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Email each new person an activation link (instead of printing the links).
        #[arg(long)]
        send_activation: bool,
    },
    /// Erase a leaver: replace their name, email and employee number with a pseudonym, remove
    /// their password, sessions, links and roles, and disable the account. Their answers stay,
    /// under the pseudonym, so reports do not change. Cannot be undone.
    Erase {
        /// Their email address or employee number.
        who: String,
        /// Erase without asking (without it, prints who would be erased and exits 1).
        #[arg(long)]
        yes: bool,
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
    /// Import a GIFT or Moodle XML file into the bank: prints the preview (questions, drafts
    /// that need an explanation, skipped questions, replaced ids), then imports every question
    /// the service can score, or nothing (exit 1, errors as file:line) if any is broken.
    Import {
        file: PathBuf,
        /// The topic every question goes into (default: the topic each `$CATEGORY:` names).
        #[arg(long)]
        topic: Option<String>,
        /// Publish new items at once (default: they are drafts; items without an
        /// explanation stay drafts either way).
        #[arg(long)]
        publish: bool,
        /// Print the preview only; write nothing.
        #[arg(long)]
        dry_run: bool,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    Gift,
    MoodleXml,
}

impl From<ExportFormatArg> for crate::authoring::ExportFormat {
    fn from(value: ExportFormatArg) -> Self {
        match value {
            ExportFormatArg::Gift => Self::Gift,
            ExportFormatArg::MoodleXml => Self::MoodleXml,
        }
    }
}

fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "must be a whole number of at least 1 (got {value})"
        )),
    }
}

fn share(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "must be a share from 0 to 1, such as 0.3 (got {value})"
        )),
    }
}

/// Prints one clear line for a failure, without a backtrace.
/// The file's bytes, refusing (without reading it all into memory) a file over `limit`.
fn read_at_most(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        let megabytes = limit / 1024 / 1024;
        return Err(std::io::Error::other(format!(
            "the file is larger than {megabytes} MB and was not read"
        )));
    }
    Ok(bytes)
}

fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

pub async fn run(cli: Cli) -> ExitCode {
    let default = Command::Serve {
        demo: false,
        demo_staff: crate::demo::setup::DEFAULT_STAFF,
    };
    match cli.command.unwrap_or(default) {
        Command::Serve { demo, demo_staff } => serve(demo.then_some(demo_staff)).await,
        Command::Migrate => migrate().await,
        Command::Users(UsersCommand::Import {
            file,
            send_activation,
        }) => people::import_users(&file, send_activation).await,
        Command::Mail(MailCommand::SendDue) => mail::send_due().await,
        Command::Xapi(XapiCommand::SendDue) => xapi::send_due().await,
        Command::Xapi(XapiCommand::Status) => xapi::status().await,
        Command::Users(UsersCommand::Erase { who, yes }) => people::erase_user(&who, yes).await,
        Command::Orgs(OrgsCommand::Add { code, name }) => {
            people::add_organisation(&code, &name).await
        }
        Command::Content(ContentCommand::Check { dir }) => content::check_content(dir),
        Command::Questions(QuestionsCommand::Parse { file }) => content::parse_questions(&file),
        Command::Questions(QuestionsCommand::Import {
            file,
            topic,
            publish,
            dry_run,
        }) => {
            let mode = if dry_run {
                bank::ImportMode::DryRun
            } else {
                bank::ImportMode::Apply { publish }
            };
            bank::import_questions(&file, topic.as_deref(), mode).await
        }
        Command::Questions(QuestionsCommand::Export { format, topic }) => {
            bank::export_questions(format.into(), topic.as_deref()).await
        }
        Command::Bank(BankCommand::Calibrate) => calibrate::calibrate().await,
        Command::Bank(BankCommand::FitCsv { file }) => calibrate::fit_csv(&file),
        Command::Bank(BankCommand::Rescore) => calibrate::rescore().await,
        Command::Report(ReportCommand::Gaps {
            org,
            team,
            format,
            phase,
        }) => reports::report_gaps(org, team, format, phase).await,
        Command::Verify => reports::verify_aggregates().await,
        Command::Report(ReportCommand::Rebuild) => targets::rebuild_figures().await,
        Command::Report(ReportCommand::Completions { format }) => {
            modules::report_completions(format).await
        }
        Command::Modules(ModulesCommand::ExportScorm { slug, out }) => {
            modules::export_scorm(&slug, &out).await
        }
        Command::Targets(TargetsCommand::Show { job_role }) => targets::show(&job_role).await,
        Command::Targets(TargetsCommand::Set {
            job_role,
            topic,
            required,
            importance,
            by,
        }) => targets::set(&job_role, &topic, &required, &importance, &by).await,
        Command::JobTitles(JobTitlesCommand::List) => targets::list_titles().await,
        Command::JobTitles(JobTitlesCommand::Add {
            title,
            job_role,
            org,
        }) => targets::add_title(title, job_role, org).await,
        Command::JobTitles(JobTitlesCommand::Remove { id }) => targets::remove_title(id).await,
        Command::Lti(LtiCommand::Show) => lti::show().await,
        Command::Lti(LtiCommand::Add {
            name,
            issuer,
            client_id,
            login_url,
            token_url,
            jwks_url,
            deployments,
        }) => {
            lti::add(crate::lti::platforms::PlatformInput {
                name,
                issuer,
                client_id,
                login_url,
                token_url,
                jwks_url,
                deployment_ids: deployments,
            })
            .await
        }
        Command::Lti(LtiCommand::Remove { id }) => lti::remove(id).await,
        Command::Lti(LtiCommand::RotateKey) => lti::rotate_key().await,
        Command::Lti(LtiCommand::SendScores) => lti::send_scores().await,
        Command::Backup { to } => backup::backup(to).await,
        Command::Retention(RetentionCommand::Apply) => retention::apply().await,
        Command::Bench(command) => run_bench(command).await,
    }
}

async fn run_bench(command: BenchCommand) -> ExitCode {
    match command {
        BenchCommand::Seed {
            staff,
            orgs,
            post_share,
            ready,
            ready_file,
            seed,
        } => {
            bench::seed(crate::bench::seed::SeedSpec {
                staff,
                orgs,
                post_share,
                ready,
                ready_file,
                seed,
                password: bench::BENCH_PASSWORD.to_owned(),
                session_hours: 12,
            })
            .await
        }
        BenchCommand::Load {
            url,
            ready_file,
            scenario,
            concurrency,
            seconds,
            server_pid,
            module,
            out,
            label,
            ready_offset,
        } => {
            bench::load(bench::LoadArgs {
                ready_offset,
                url,
                ready_file,
                scenarios: scenario,
                concurrency,
                seconds,
                server_pid,
                module,
                out,
                label,
            })
            .await
        }
        BenchCommand::Sql {
            concurrency,
            seconds,
            group_by_runs,
            out,
            label,
        } => bench::sql(concurrency, seconds, group_by_runs, out, label).await,
        BenchCommand::Report {
            results,
            large,
            small,
        } => bench::report(&results, &large, &small),
        BenchCommand::Simulate {
            people,
            seed,
            design,
            spread,
            prior_cohort,
            ability_spread,
        } => {
            bench::simulate(bench::SimulateOptions {
                people,
                seed,
                design,
                spread,
                prior_cohort,
                ability_spread,
            })
            .await
        }
    }
}

/// Serves the app; with `demo_staff`, loads the demo first and prints its sign-ins.
async fn serve(demo_staff: Option<usize>) -> ExitCode {
    let rocket = match app::build(config::figment()).await {
        Ok(rocket) => rocket,
        Err(error) => return fail(error),
    };
    if let (Some(staff), Some(state)) = (demo_staff, rocket.state::<AppState>())
        && let Err(error) = demo::load(&state.db, &state.config, staff).await
    {
        return fail(error);
    }
    if let Some(state) = rocket.state::<AppState>() {
        // A failed retention run is reported but does not stop the service; the next run
        // (start or cron) picks up where it stopped.
        match retention::apply_setting(&state.db, &state.config).await {
            Ok(Some(removed)) => println!("{}", retention::describe(&removed)),
            Ok(None) => {}
            Err(error) => eprintln!("error: {error}"),
        }
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
pub(super) async fn open_database() -> Result<(AppConfig, DatabaseConnection), StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    crate::reports::publication::prepare(&db, config.min_cell_size)
        .await
        .map_err(StartupError::Publication)?;
    Ok((config, db))
}

/// Connects without migrating, for read-only subcommands.
async fn connect() -> Result<(AppConfig, DatabaseConnection), StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    let db = db::connect(&config).await?;
    Ok((config, db))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_seed_refuses_shares_outside_0_to_1_and_no_organisations() {
        assert_eq!(share("0.3"), Ok(0.3));
        assert_eq!(share("1"), Ok(1.0));
        assert!(share("2").is_err_and(|e| e.contains("from 0 to 1")));
        assert!(share("-0.1").is_err() && share("NaN").is_err() && share("x").is_err());
        assert_eq!(at_least_one("209"), Ok(209));
        assert!(at_least_one("0").is_err_and(|e| e.contains("at least 1")));
    }
}
