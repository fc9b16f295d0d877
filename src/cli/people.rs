//! `users import`, `users erase` and `orgs add`.

use std::path::Path;
use std::process::ExitCode;

use super::{fail, open_database, read_at_most};
use crate::accounts::activation_mail::{self, SentBy, Which};
use crate::accounts::erasure::{self, ErasedBy};
use crate::accounts::import::{self, ImportedBy};
use crate::accounts::organisations::{self, AddedBy, NewOrganisation, OrganisationInput};
use crate::validation;

pub(super) async fn import_users(file: &Path, send_activation: bool) -> ExitCode {
    let bytes = match read_at_most(file, import::MAX_CSV_BYTES) {
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
            if send_activation {
                let people = report.created.iter().map(|c| c.person_id).collect();
                let by = SentBy::default();
                match activation_mail::email_links(
                    &db,
                    &config.public_url,
                    Which::These(people),
                    by,
                )
                .await
                {
                    Ok(sent) => println!("queued {} activation email(s)", sent.links),
                    Err(error) => return fail(error),
                }
            } else {
                for created in &report.created {
                    println!(
                        "{} <{}>: {}",
                        created.display_name, created.email, created.link
                    );
                }
            }
            println!(
                "imported {}: {} created, {} updated, {} unchanged, {} new job assignments, {} new \
                 teams",
                file.display(),
                report.created.len(),
                report.updated,
                report.unchanged,
                report.new_job_assignments,
                report.new_teams
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

/// Pseudonymises the person named by email or employee number; without `yes`, only says who.
pub(super) async fn erase_user(who: &str, yes: bool) -> ExitCode {
    let (_, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    let person = match erasure::find(&db, who).await {
        Ok(person) => person,
        Err(error) => return fail(error),
    };
    if person.pseudonymised_at.is_some() {
        return fail(format!("user {} has already been erased", person.id));
    }
    if !yes {
        println!(
            "would erase user {}: {} <{}>; run again with --yes to erase (cannot be undone)",
            person.id, person.display_name, person.email
        );
        return ExitCode::FAILURE;
    }
    let by = ErasedBy {
        via: "command line",
        ..ErasedBy::default()
    };
    match erasure::erase(&db, by, person.id.into()).await {
        Ok(erased) => {
            println!(
                "erased user {} as {}; {} attempts kept under the pseudonym",
                erased.user_id, erased.pseudonym, erased.attempts_kept
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

pub(super) async fn add_organisation(code: &str, name: &str) -> ExitCode {
    let input = OrganisationInput {
        code: code.to_owned(),
        name: name.to_owned(),
    };
    let new = match NewOrganisation::try_from(&input) {
        Ok(new) => new,
        Err(problems) => return fail(validation::joined(&problems, "; ")),
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
