//! `targets show|set`, `job-titles list|add|remove` and `report rebuild`: the command-line
//! twins of the targets and job titles pages.

use std::collections::HashMap;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::{fail, open_database};
use crate::accounts::job_titles::{self, MappedBy, NewJobTitle};
use crate::csv_out::CsvOut;
use crate::error::AppResult;
use crate::reports::rebuild::{Rebuilt, rebuild};
use crate::targets::{self, ChangedBy, RawTarget};

/// Runs `work` on the migrated database and prints what it returns, or the error.
pub(super) async fn with_database<T, F>(
    work: impl AsyncFnOnce(DatabaseConnection) -> AppResult<T>,
    print: F,
) -> ExitCode
where
    F: FnOnce(T) -> ExitCode,
{
    let db = match open_database().await {
        Ok((_, db)) => db,
        Err(error) => return fail(error),
    };
    match work(db).await {
        Ok(value) => print(value),
        Err(error) => fail(error),
    }
}

fn print_csv(csv: String) -> ExitCode {
    print!("{csv}");
    ExitCode::SUCCESS
}

/// Prints each (field, message) problem and fails.
pub(super) fn problems<F: std::fmt::Display>(problems: &[(F, String)]) -> ExitCode {
    for (field, message) in problems {
        eprintln!("error: {field}: {message}");
    }
    ExitCode::FAILURE
}

pub(super) async fn show(job_role: &str) -> ExitCode {
    let work = async |db: DatabaseConnection| {
        let mut out = CsvOut::new();
        out.record(["topic", "required_level", "importance", "set_by"])?;
        let value = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        for t in targets::of_role(&db, job_role).await?.targets {
            let by = if t.edited_in_app { "app" } else { "file" };
            out.record([
                t.topic,
                value(t.required_level),
                value(t.importance),
                by.to_owned(),
            ])?;
        }
        out.finish()
    };
    with_database(work, print_csv).await
}

fn rebuilt_line(rebuilt: Rebuilt) -> String {
    format!(
        "report figures rebuilt from {} assessments ({} cells)",
        rebuilt.attempts, rebuilt.cells
    )
}

pub(super) async fn set(
    job_role: &str,
    topic: &str,
    required: &str,
    importance: &str,
    by: &str,
) -> ExitCode {
    let entries = HashMap::from([(
        topic.to_owned(),
        RawTarget {
            required_level: required.to_owned(),
            importance: importance.to_owned(),
        },
    )]);
    let work = async |db: DatabaseConnection| {
        let by = ChangedBy {
            user_id: targets::editor(&db, by).await?,
            source: "command line",
            client_address: None,
        };
        targets::save(&db, job_role, &entries, by).await
    };
    with_database(work, |saved| match saved {
        Ok(saved) => {
            match saved.rebuilt {
                Some(rebuilt) => println!(
                    "saved {} target(s); {}",
                    saved.changed.len(),
                    rebuilt_line(rebuilt)
                ),
                None => println!("nothing changed"),
            }
            ExitCode::SUCCESS
        }
        Err(bad) => problems(&bad),
    })
    .await
}

/// Rebuilds the report figures from the raw data in one transaction.
pub(super) async fn rebuild_figures() -> ExitCode {
    let work = async |db: DatabaseConnection| rebuild(&db).await;
    with_database(work, |rebuilt| {
        println!("{}", rebuilt_line(rebuilt));
        ExitCode::SUCCESS
    })
    .await
}

const BY: MappedBy = MappedBy {
    user_id: None,
    client_address: None,
};

pub(super) async fn list_titles() -> ExitCode {
    let work = async |db: DatabaseConnection| {
        let mut out = CsvOut::new();
        out.record(["id", "title", "organisation_code", "job_role"])?;
        for m in job_titles::list(&db).await? {
            let org = m.organisation_code.unwrap_or_default();
            out.record([m.id.to_string(), m.title, org, m.job_role])?;
        }
        out.finish()
    };
    with_database(work, print_csv).await
}

pub(super) async fn add_title(title: String, job_role: String, org: Option<String>) -> ExitCode {
    let new = NewJobTitle {
        title,
        job_role,
        organisation_code: org,
    };
    let work = async |db: DatabaseConnection| job_titles::add(&db, &new, BY).await;
    with_database(work, |added| match added {
        Ok(added) => {
            println!(
                "mapped \"{}\" to {} (id {})",
                added.title, added.job_role_name, added.id
            );
            ExitCode::SUCCESS
        }
        Err(bad) => problems(&bad),
    })
    .await
}

pub(super) async fn remove_title(id: i64) -> ExitCode {
    let work = async |db: DatabaseConnection| job_titles::remove(&db, id, BY).await;
    with_database(work, |removed| {
        println!("removed the mapping of \"{}\"", removed.title);
        ExitCode::SUCCESS
    })
    .await
}
