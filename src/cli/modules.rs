//! `modules export-scorm` and `report completions`: the two files a trust's learning systems
//! take from the service.

use std::path::Path;
use std::process::ExitCode;

use super::{FormatArg, fail};
use crate::error::AppError;
use crate::learning::{esr_completions, scorm};

/// Writes the SCORM 1.2 package of the published module `slug` to `out` (which must not
/// exist yet), with the content files loaded first, as `serve` loads them.
pub(super) async fn export_scorm(slug: &str, out: &Path) -> ExitCode {
    if out.exists() {
        return fail(format!(
            "{} already exists; choose a new file name",
            out.display()
        ));
    }
    let db = match super::bank::prepared_db().await {
        Ok(db) => db,
        Err(error) => return fail(error),
    };
    let package = match scorm::export(&db, slug).await {
        Ok(package) => package,
        Err(error) => return fail(error),
    };
    if let Err(error) = std::fs::write(out, &package.bytes) {
        return fail(format!("{}: {error}", out.display()));
    }
    println!(
        "wrote {} ({} bytes): SCORM 1.2 package of {slug}",
        out.display(),
        package.bytes.len()
    );
    ExitCode::SUCCESS
}

/// Prints the ESR completion file (docs/admins.md) and audits it with no actor.
pub(super) async fn report_completions(format: FormatArg) -> ExitCode {
    let (_, db) = match super::connect().await {
        Ok(connected) => connected,
        Err(error) => return fail(error),
    };
    let name = match format {
        FormatArg::Csv => "csv",
        FormatArg::Json => "json",
    };
    let body = async {
        let rows = esr_completions::export(&db, name, None, None).await?;
        match format {
            FormatArg::Csv => esr_completions::csv(&rows),
            FormatArg::Json => serde_json::to_string_pretty(&rows)
                .map(|json| json + "\n")
                .map_err(AppError::internal),
        }
    }
    .await;
    match body {
        Ok(body) => {
            print!("{body}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}
