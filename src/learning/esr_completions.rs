//! The ESR-ready completion file (docs/admins.md): one row per person and module quiz they
//! have sat, keyed by ESR employee number and the module's code (its slug), for a trust to load
//! into its learning records where it has no SCORM route. Admins only; each download is
//! audited by the front-end that offers it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::audit::{self, Event, action};
use crate::csv_out::CsvOut;
use crate::entities::{
    AttemptStatus, Phase, assessment, attempt, module, module_progress, module_version, user,
};
use crate::error::AppResult;
use crate::ids::PersonId;

/// The file's columns, in order (documented in docs/admins.md).
pub const COLUMNS: [&str; 9] = [
    "employee_number",
    "module_code",
    "module_title",
    "module_version",
    "completion_date",
    "result",
    "score",
    "pass_mark",
    "cpd_minutes",
];

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CompletionRow {
    pub employee_number: String,
    /// The module's slug, its stable code.
    pub module_code: String,
    pub module_title: String,
    pub module_version: i32,
    /// The day of the passing sitting, or of the latest sitting when not passed (UTC).
    pub completion_date: String,
    /// `passed` or `failed`.
    pub result: String,
    /// Percentage of the quiz's marks, 0 to 100; empty when unknown.
    pub score: Option<i64>,
    pub pass_mark: i32,
    /// The module's minutes as CPD time, for a pass only.
    pub cpd_minutes: Option<i32>,
}

/// Every row, by employee number then module code. People without an employee number (ESR
/// cannot take them) and erased people are left out.
pub async fn rows(db: &impl ConnectionTrait) -> AppResult<Vec<CompletionRow>> {
    let quizzes: HashMap<i64, i64> = assessment::Entity::find()
        .filter(assessment::Column::Kind.eq(Phase::Quiz))
        .filter(assessment::Column::ModuleId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| a.module_id.map(|m| (a.id, m)))
        .collect();
    let people: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::EmployeeNumber.is_not_null())
        .filter(user::Column::PseudonymisedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| {
            let number = u.employee_number?.trim().to_owned();
            (!number.is_empty()).then_some((u.id, number))
        })
        .collect();
    let sittings: Vec<attempt::Model> = attempt::Entity::find()
        .filter(attempt::Column::Phase.eq(Phase::Quiz))
        .filter(attempt::Column::Status.eq(AttemptStatus::Submitted))
        .filter(attempt::Column::AssessmentId.is_in(quizzes.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| people.contains_key(&a.user_id))
        .collect();
    let completions: HashMap<(i64, i64), module_progress::Model> = module_progress::Entity::find()
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|p| ((p.user_id, p.module_id), p))
        .collect();
    let modules: HashMap<i64, module::Model> = module::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let versions: HashMap<i64, module_version::Model> = module_version::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    // The latest sitting of each person and module.
    let mut latest: HashMap<(i64, i64), &attempt::Model> = HashMap::new();
    for sitting in &sittings {
        let Some(&module_id) = quizzes.get(&sitting.assessment_id) else {
            continue;
        };
        let slot = latest
            .entry((sitting.user_id, module_id))
            .or_insert(sitting);
        if sitting.submitted_at > slot.submitted_at {
            *slot = sitting;
        }
    }
    let mut out = Vec::new();
    for ((user_id, module_id), last) in latest {
        let (Some(number), Some(module)) = (people.get(&user_id), modules.get(&module_id)) else {
            continue;
        };
        let passed = completions.get(&(user_id, module_id));
        let (sitting, version_id, date) = match passed {
            Some(p) => (
                sittings
                    .iter()
                    .find(|a| Some(a.id) == p.completing_attempt_id),
                Some(p.module_version_id),
                p.completed_at,
            ),
            None => (Some(last), module.current_version_id, last.submitted_at),
        };
        let Some(version) = version_id.and_then(|id| versions.get(&id)) else {
            continue;
        };
        out.push(CompletionRow {
            employee_number: number.clone(),
            module_code: module.slug.clone(),
            module_title: version.title.clone(),
            module_version: version.version,
            completion_date: day(date),
            result: if passed.is_some() { "passed" } else { "failed" }.to_owned(),
            score: sitting
                .and_then(|a| a.accuracy)
                .map(|accuracy| (100.0 * accuracy).round() as i64),
            pass_mark: version.pass_mark,
            cpd_minutes: passed.map(|_| version.minutes),
        });
    }
    out.sort_by(|a, b| {
        (&a.employee_number, &a.module_code).cmp(&(&b.employee_number, &b.module_code))
    });
    Ok(out)
}

/// [`rows`], recorded in the audit log as downloaded in `format` (`csv` or `json`) by
/// `actor` (none from the command line): the one call an export's front-end makes.
pub async fn export(
    db: &impl ConnectionTrait,
    format: &str,
    actor: Option<PersonId>,
    client_address: Option<String>,
) -> AppResult<Vec<CompletionRow>> {
    let rows = rows(db).await?;
    let event = Event::new(action::COMPLETIONS_EXPORTED)
        .by(actor)
        .subject("esr")
        .detail(serde_json::json!({ "rows": rows.len(), "format": format }))
        .from_address(client_address);
    audit::record(db, event).await?;
    Ok(rows)
}

fn day(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `rows` as the CSV file (CRLF line ends, a header row).
pub fn csv(rows: &[CompletionRow]) -> AppResult<String> {
    let mut out = CsvOut::crlf();
    out.record(COLUMNS)?;
    for row in rows {
        out.record([
            row.employee_number.clone(),
            row.module_code.clone(),
            row.module_title.clone(),
            row.module_version.to_string(),
            row.completion_date.clone(),
            row.result.clone(),
            row.score.map(|s| s.to_string()).unwrap_or_default(),
            row.pass_mark.to_string(),
            row.cpd_minutes.map(|m| m.to_string()).unwrap_or_default(),
        ])?;
    }
    out.finish()
}
