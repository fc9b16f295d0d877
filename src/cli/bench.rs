//! `bench seed`, `bench load` and `bench sql`: the benchmark suite's commands (see
//! docs/benchmarks.md). Each prints its figures, one line per run, and can append them as JSON
//! lines to a results file.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fail;
use crate::app::{self, StartupError};
use crate::bench::baseline;
use crate::bench::load::{self, Measure, Scenario, Target};
use crate::bench::memory::{PeakRss, status_kb};
use crate::bench::seed::{self, SeedSpec};
use crate::config::{self, AppConfig};

/// The password every seeded person has (a benchmark database is never a live one).
pub const BENCH_PASSWORD: &str = "bench-Genomics-2026";

fn append(out: Option<&Path>, measure: &Measure, label: &str) -> std::io::Result<()> {
    let Some(path) = out else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut value = serde_json::to_value(measure).unwrap_or_default();
    value["label"] = label.into();
    writeln!(file, "{value}")
}

/// The configured database, migrated and with the content loaded, as the server starts it;
/// and the configured session length in hours.
async fn prepared() -> Result<(u32, crate::state::AppState), StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    let hours = config.session_absolute_hours;
    Ok((hours, app::prepare(config).await?))
}

pub(super) async fn seed(mut spec: SeedSpec) -> ExitCode {
    let started = Instant::now();
    let state = match prepared().await {
        Ok((hours, state)) => {
            spec.session_hours = hours;
            state
        }
        Err(error) => return fail(error),
    };
    match seed::seed(&state.db, &spec).await {
        Ok(summary) => {
            println!(
                "seeded {} staff in {} organisations: {} attempts, {} responses, {} aggregate row \
                 writes, {} ready learners; {:.1} s",
                summary.staff,
                summary.orgs,
                summary.attempts,
                summary.responses,
                summary.aggregate_rows,
                summary.ready,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// What `bench load` runs.
pub struct LoadArgs {
    pub url: String,
    pub ready_file: PathBuf,
    pub scenarios: Vec<Scenario>,
    pub concurrency: Vec<usize>,
    pub seconds: u64,
    pub server_pid: Option<u32>,
    pub module: String,
    pub out: Option<PathBuf>,
    pub label: String,
    pub ready_offset: usize,
}

pub(super) async fn load(args: LoadArgs) -> ExitCode {
    let ready = match load::read_ready(&args.ready_file) {
        Ok(ready) => ready,
        Err(error) => return fail(error),
    };
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(60))
        .build()
    {
        Ok(client) => client,
        Err(error) => return fail(error),
    };
    let target = Arc::new(Target::new(
        client,
        args.url.trim_end_matches('/').to_owned(),
        ready,
        format!("/learn/modules/{}/pages/1", args.module),
        BENCH_PASSWORD.to_owned(),
        args.ready_offset,
    ));
    let rss = args.server_pid.and_then(PeakRss::start);
    let mut failed = false;
    for &scenario in &args.scenarios {
        for &concurrency in &args.concurrency {
            let measure = load::run(
                &target,
                scenario,
                concurrency,
                Duration::from_secs(args.seconds),
                rss.as_ref(),
            )
            .await;
            println!("{}", measure.line());
            failed |= measure.errors > 0 || measure.operations == 0;
            if let Err(error) = append(args.out.as_deref(), &measure, &args.label) {
                return fail(format!("cannot write the results: {error}"));
            }
        }
    }
    if let Some(pid) = args.server_pid
        && let Some(kb) = status_kb(pid, "VmHWM")
    {
        println!(
            "server peak resident memory since start (VmHWM): {:.0} MB",
            kb as f64 / 1024.0
        );
    }
    if failed {
        return fail("some requests failed or a run did nothing (see first_error above)");
    }
    ExitCode::SUCCESS
}

pub(super) async fn sql(
    concurrency: Vec<usize>,
    seconds: u64,
    group_by_runs: usize,
    out: Option<PathBuf>,
    label: String,
) -> ExitCode {
    let (_, db) = match super::connect().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let mut measures = Vec::new();
    for c in concurrency {
        match baseline::plain_inserts(&db, c, Duration::from_secs(seconds)).await {
            Ok(m) => measures.push(m),
            Err(error) => return fail(error),
        }
    }
    if group_by_runs > 0 {
        match baseline::group_by(&db, group_by_runs).await {
            Ok(m) => measures.push(m),
            Err(error) => return fail(error),
        }
    }
    for measure in &measures {
        println!("{}", measure.line());
        if let Err(error) = append(out.as_deref(), measure, &label) {
            return fail(format!("cannot write the results: {error}"));
        }
    }
    ExitCode::SUCCESS
}

pub(super) fn report(results: &Path, large: &str, small: &str) -> ExitCode {
    let text = match std::fs::read_to_string(results) {
        Ok(text) => text,
        Err(error) => return fail(format!("cannot read {}: {error}", results.display())),
    };
    match crate::bench::report::parse(&text) {
        Ok(lines) => {
            print!("{}", crate::bench::report::render(&lines, large, small));
            ExitCode::SUCCESS
        }
        Err(error) => fail(format!("{}: {error}", results.display())),
    }
}

/// What `bench simulate` was asked for.
pub(super) struct SimulateOptions {
    pub people: usize,
    pub seed: u64,
    pub design: super::SimulateDesign,
    pub spread: f64,
    pub prior_cohort: usize,
    pub ability_spread: f64,
}

pub(super) async fn simulate(options: SimulateOptions) -> ExitCode {
    use crate::bench::simulate::{self, Design, SimPriors};
    use crate::measures::decision::FollowUp;
    let SimulateOptions {
        people,
        seed,
        design,
        spread,
        prior_cohort,
        ability_spread,
    } = options;
    if !(ability_spread.is_finite() && ability_spread >= 0.0) {
        return fail("--ability-spread must be a number of 0 or more");
    }
    let state = match prepared().await {
        Ok((_, state)) => state,
        Err(error) => return fail(error),
    };
    let mut bank = match simulate::load(&state.db, spread, seed).await {
        Ok(bank) => bank,
        Err(error) => return fail(error),
    };
    bank.ability_spread = ability_spread;
    println!(
        "baseline bank: {} items in {} topics; difficulties from item p-values for {} topics, \
         spread {spread} logits for the rest; people {ability_spread} × the benchmark spread \
         around their staff group's mean",
        bank.pool.len(),
        bank.blueprint.len(),
        bank.topics_from_p_values
    );
    let rule = FollowUp::BASELINE;
    let designs: Vec<Design> = match design {
        super::SimulateDesign::Fixed => vec![Design::Fixed],
        super::SimulateDesign::Adaptive => vec![Design::Adaptive(rule)],
        super::SimulateDesign::Both => vec![Design::Fixed, Design::Adaptive(rule)],
    };
    if designs.iter().any(|d| matches!(d, Design::Adaptive(_))) {
        println!(
            "adaptive rule: start {} items per topic, add {} while {} < P(at or above target) \
             < {}, at most {} per topic",
            rule.start, rule.step, rule.low, rule.high, rule.cap
        );
    }
    let mut prior_sets = vec![SimPriors::default()];
    if prior_cohort > 0 {
        let fitted = simulate::fit_priors(&bank, rule, prior_cohort, seed);
        println!(
            "role priors: fitted to a first cohort of {prior_cohort} people (adaptive, uniform \
             prior) for {} of {} role-topics; the rest uniform",
            fitted.fitted(),
            bank.roles.len() * bank.blueprint.len()
        );
        prior_sets.push(fitted);
    }
    for priors in &prior_sets {
        for design in &designs {
            println!(
                "{}",
                simulate::run(&bank, *design, priors, people, seed).line()
            );
        }
    }
    ExitCode::SUCCESS
}
