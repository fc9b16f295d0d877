//! `content check` and `questions parse`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::fail;
use crate::config::{self, AppConfig};
use crate::{content, questions};

pub(super) fn check_content(dir: Option<PathBuf>) -> ExitCode {
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

pub(super) fn parse_questions(file: &Path) -> ExitCode {
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
