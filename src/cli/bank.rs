//! `questions import` and `questions export`.

use std::path::Path;
use std::process::ExitCode;

use super::{fail, read_at_most};
use crate::app::{self, StartupError};
use crate::authoring::{self, ExportFormat, ImportPreview, NEEDS_EXPLANATION, RowStatus};
use crate::config::{self, AppConfig};

/// The database as `serve` would have it: migrated, with the content loaded (so topics exist).
pub(super) async fn prepared_db() -> Result<sea_orm::DatabaseConnection, StartupError> {
    let config = AppConfig::from_figment(&config::figment())?;
    Ok(app::prepare(config).await?.db)
}

/// Whether `questions import` writes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ImportMode {
    /// Print the preview and stop.
    DryRun,
    Apply {
        publish: bool,
    },
}

pub(super) async fn import_questions(
    file: &Path,
    topic: Option<&str>,
    mode: ImportMode,
) -> ExitCode {
    let source = match read_at_most(file, crate::questions::MAX_SOURCE_BYTES) {
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
    print_preview(&preview, &name);
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
    let ImportMode::Apply { publish } = mode else {
        println!(
            "dry run: {} to import ({} need an explanation), {} skipped, {} id(s) replaced; \
             nothing was imported",
            preview.questions.len(),
            preview
                .questions
                .iter()
                .filter(|q| q.needs_explanation)
                .count(),
            preview.skipped.len(),
            preview.renamed.len()
        );
        return ExitCode::SUCCESS;
    };
    match authoring::apply_import(&db, None, &source, &name, topic, publish).await {
        Ok(summary) => {
            println!(
                "imported: {} new, {} changed, {} unchanged, {} published, {} need an \
                 explanation, {} skipped, {} id(s) replaced",
                summary.created,
                summary.new_versions,
                summary.unchanged,
                summary.published,
                summary.needs_explanation,
                summary.skipped,
                summary.renamed
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// One line per question to import, then one per replaced id and per skipped question, each
/// located as file:line so an editor can jump there.
fn print_preview(preview: &ImportPreview, file: &str) {
    for row in &preview.questions {
        let status = match row.status {
            RowStatus::New => "new",
            RowStatus::Changed => "changed",
            RowStatus::Unchanged => "unchanged",
        };
        let draft = if row.needs_explanation {
            format!(" [draft: {NEEDS_EXPLANATION}]")
        } else {
            String::new()
        };
        println!(
            "{status:<9} {:<11} {:<20} {:<24} {}{draft}",
            row.qtype, row.id, row.topic, row.name
        );
    }
    for renamed in &preview.renamed {
        println!(
            "renamed   {file}:{}: question {} \"{}\": {}; imported as `{}`",
            renamed.line, renamed.position, renamed.name, renamed.reason, renamed.to
        );
    }
    for skipped in &preview.skipped {
        println!(
            "skipped   {file}:{}: question {} \"{}\" ({}): {}",
            skipped.line, skipped.position, skipped.name, skipped.qtype, skipped.reason
        );
    }
}

pub(super) async fn export_questions(format: ExportFormat, topic: Option<&str>) -> ExitCode {
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
