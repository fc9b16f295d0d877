//! Importing people from an ESR-like CSV file.
//!
//! Columns (header row required, any order): employee_number, email, display_name,
//! organisation_code, staff_group, job_role, band. The whole file is checked first; if any row
//! is bad nothing is imported and every bad row is reported by line. Otherwise, in one
//! transaction, new people are created (each with an activation link) and existing ones (matched
//! by employee number, then email) updated; a changed organisation, job role or band ends the
//! current job assignment and starts a new one, so the history is kept.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::Serialize;

use super::Email;
use super::one_time::{self, Purpose};
use super::users::{self, NewUser};
use crate::audit::{self, Event, action};
use crate::entities::{job_assignment, job_role, organisation, staff_group, user};
use crate::error::AppResult;

pub const COLUMNS: [&str; 7] = [
    "employee_number",
    "email",
    "display_name",
    "organisation_code",
    "staff_group",
    "job_role",
    "band",
];

/// One bad row (or the header, line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.problem)
    }
}

/// A new person and the link that lets them set their password.
#[derive(Debug, Clone, Serialize)]
pub struct Activation {
    pub email: String,
    pub display_name: String,
    pub link: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub created: Vec<Activation>,
    pub updated: usize,
    pub unchanged: usize,
    pub new_job_assignments: usize,
}

/// A row that passed every check.
#[derive(Debug, Clone)]
struct Row {
    employee_number: String,
    email: Email,
    display_name: String,
    organisation_id: i64,
    job_role_id: i64,
    band: Option<String>,
}

struct Lookups {
    organisations: HashMap<String, i64>,
    /// Staff group id by lower-cased slug and by lower-cased name.
    staff_groups: HashMap<String, i64>,
    /// (staff group id, job role id) by lower-cased slug and by lower-cased name.
    job_roles: HashMap<String, Vec<(i64, i64)>>,
}

async fn lookups(db: &impl ConnectionTrait) -> AppResult<Lookups> {
    let organisations = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code.to_uppercase(), o.id))
        .collect();
    let mut staff_groups = HashMap::new();
    for group in staff_group::Entity::find().all(db).await? {
        staff_groups.insert(group.slug.to_lowercase(), group.id);
        staff_groups.insert(group.name.to_lowercase(), group.id);
    }
    let mut job_roles: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for role in job_role::Entity::find().all(db).await? {
        for key in [role.slug.to_lowercase(), role.name.to_lowercase()] {
            let entry = job_roles.entry(key).or_default();
            if !entry.contains(&(role.staff_group_id, role.id)) {
                entry.push((role.staff_group_id, role.id));
            }
        }
    }
    Ok(Lookups {
        organisations,
        staff_groups,
        job_roles,
    })
}

fn check_row(record: &HashMap<&str, String>, lookups: &Lookups) -> Result<Row, Vec<String>> {
    let get = |name: &str| {
        record
            .get(name)
            .map(|v| v.trim())
            .unwrap_or_default()
            .to_owned()
    };
    let mut problems = Vec::new();
    let employee_number = get("employee_number");
    if employee_number.is_empty() {
        problems.push("employee_number is empty".to_owned());
    } else if employee_number.len() > 30 {
        problems.push("employee_number is longer than 30 characters".to_owned());
    }
    let email = Email::parse(&get("email"))
        .map_err(|p| problems.push(format!("email: {}", p.to_lowercase())))
        .ok();
    let display_name = get("display_name");
    if display_name.is_empty() {
        problems.push("display_name is empty".to_owned());
    } else if display_name.chars().count() > 200 {
        problems.push("display_name is longer than 200 characters".to_owned());
    }
    let code = get("organisation_code").to_uppercase();
    let organisation_id = lookups.organisations.get(&code).copied();
    if organisation_id.is_none() {
        problems.push(if code.is_empty() {
            "organisation_code is empty".to_owned()
        } else {
            format!("organisation_code {code} is not a known organisation (add it first)")
        });
    }
    let group_text = get("staff_group");
    let group = lookups
        .staff_groups
        .get(&group_text.to_lowercase())
        .copied();
    if group.is_none() {
        problems.push(format!(
            "staff_group \"{group_text}\" is not a known staff group"
        ));
    }
    let role_text = get("job_role");
    let candidates = lookups.job_roles.get(&role_text.to_lowercase());
    let job_role_id = match (candidates, group) {
        (None, _) => {
            problems.push(format!("job_role \"{role_text}\" is not a known job role"));
            None
        }
        (Some(roles), Some(group)) => {
            let found = roles.iter().find(|(g, _)| *g == group).map(|(_, id)| *id);
            if found.is_none() {
                problems.push(format!(
                    "job_role \"{role_text}\" is not in staff group \"{group_text}\""
                ));
            }
            found
        }
        (Some(_), None) => None,
    };
    let band = Some(get("band")).filter(|b| !b.is_empty());
    if band.as_ref().is_some_and(|b| b.chars().count() > 20) {
        problems.push("band is longer than 20 characters".to_owned());
    }
    match (email, organisation_id, job_role_id) {
        (Some(email), Some(organisation_id), Some(job_role_id)) if problems.is_empty() => Ok(Row {
            employee_number,
            email,
            display_name,
            organisation_id,
            job_role_id,
            band,
        }),
        _ => Err(problems),
    }
}

/// Reads and checks the whole file; returns the rows with their line numbers, or every problem.
async fn check_file(
    db: &impl ConnectionTrait,
    csv_bytes: &[u8],
) -> AppResult<Result<Vec<(u64, Row)>, Vec<RowError>>> {
    let lookups = lookups(db).await?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(csv_bytes);
    let header_error = |problem: String| Ok(Err(vec![RowError { line: 1, problem }]));
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => return header_error(format!("cannot read the header row: {e}")),
    };
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return header_error(format!(
            "the header row lacks column(s) {}; expected {}",
            missing.join(", "),
            COLUMNS.join(",")
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut emails: HashMap<String, u64> = HashMap::new();
    let mut numbers: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                errors.push(RowError {
                    line,
                    problem: format!("cannot read this row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let fields: HashMap<&str, String> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter().map(str::to_owned))
            .collect();
        match check_row(&fields, &lookups) {
            Ok(row) => {
                let mut duplicate = Vec::new();
                if let Some(first) = emails.insert(row.email.to_string(), line) {
                    duplicate.push(format!("email {} is also on line {first}", row.email));
                }
                if let Some(first) = numbers.insert(row.employee_number.clone(), line) {
                    duplicate.push(format!(
                        "employee_number {} is also on line {first}",
                        row.employee_number
                    ));
                }
                if duplicate.is_empty() {
                    rows.push((line, row));
                } else {
                    errors.push(RowError {
                        line,
                        problem: duplicate.join("; "),
                    });
                }
            }
            Err(problems) => errors.push(RowError {
                line,
                problem: problems.join("; "),
            }),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return header_error("the file has no rows to import".to_owned());
    }
    // Rows that would take over another person's email or employee number.
    for (line, row) in &rows {
        let by_number = user::Entity::find()
            .filter(user::Column::EmployeeNumber.eq(row.employee_number.clone()))
            .one(db)
            .await?;
        let by_email = user::Entity::find()
            .filter(user::Column::Email.eq(row.email.as_str()))
            .one(db)
            .await?;
        if let (Some(a), Some(b)) = (&by_number, &by_email)
            && a.id != b.id
        {
            errors.push(RowError {
                line: *line,
                problem: format!(
                    "email {} belongs to another person than employee_number {}",
                    row.email, row.employee_number
                ),
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    })
}

/// Who is importing, for the audit log.
#[derive(Debug, Clone)]
pub struct ImportedBy {
    pub actor_user_id: Option<i64>,
    pub source: String,
    pub client_address: Option<String>,
}

/// Checks `csv_bytes` and, if every row is good, imports it in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    public_url: &str,
    csv_bytes: &[u8],
    by: ImportedBy,
) -> AppResult<Result<ImportReport, Vec<RowError>>> {
    let txn = crate::db::begin_write(db).await?;
    let rows = match check_file(&txn, csv_bytes).await? {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut report = ImportReport::default();
    let now = Utc::now();
    let mut seen = HashSet::new();
    for (_, row) in rows {
        let existing = match user::Entity::find()
            .filter(user::Column::EmployeeNumber.eq(row.employee_number.clone()))
            .one(&txn)
            .await?
        {
            Some(found) => Some(found),
            None => {
                user::Entity::find()
                    .filter(user::Column::Email.eq(row.email.as_str()))
                    .one(&txn)
                    .await?
            }
        };
        let (user_id, mut changed) = match existing {
            Some(found) => {
                let changed = found.email != row.email.as_str()
                    || found.display_name != row.display_name
                    || found.employee_number.as_deref() != Some(row.employee_number.as_str());
                let id = found.id;
                if changed {
                    let mut active = found.into_active_model();
                    active.email = Set(row.email.to_string());
                    active.display_name = Set(row.display_name.clone());
                    active.employee_number = Set(Some(row.employee_number.clone()));
                    active.updated_at = Set(now);
                    active.update(&txn).await?;
                }
                (id, changed)
            }
            None => {
                let new = NewUser {
                    email: row.email.to_string(),
                    display_name: row.display_name.clone(),
                    employee_number: Some(row.employee_number.clone()),
                    ..NewUser::default()
                };
                let created = users::create(&txn, new).await?;
                let raw = one_time::issue(&txn, Purpose::Activation, Some(created.id)).await?;
                report.created.push(Activation {
                    email: created.email.clone(),
                    display_name: created.display_name.clone(),
                    link: format!("{public_url}/activate/{raw}"),
                });
                (created.id, false)
            }
        };
        seen.insert(user_id);
        let current = job_assignment::Entity::find()
            .filter(job_assignment::Column::UserId.eq(user_id))
            .filter(job_assignment::Column::EndedAt.is_null())
            .one(&txn)
            .await?;
        let same_job = current.as_ref().is_some_and(|job| {
            job.organisation_id == row.organisation_id
                && job.job_role_id == row.job_role_id
                && job.band == row.band
        });
        if !same_job {
            if let Some(job) = current {
                let mut active = job.into_active_model();
                active.ended_at = Set(Some(now));
                active.update(&txn).await?;
                changed = true;
            }
            job_assignment::ActiveModel {
                user_id: Set(user_id),
                organisation_id: Set(row.organisation_id),
                job_role_id: Set(row.job_role_id),
                band: Set(row.band.clone()),
                started_at: Set(now),
                ended_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            report.new_job_assignments += 1;
        }
        let is_new = report
            .created
            .last()
            .is_some_and(|a| a.email == row.email.as_str());
        if !is_new {
            if changed {
                report.updated += 1;
            } else {
                report.unchanged += 1;
            }
        }
    }
    audit::record(
        &txn,
        Event::new(action::USERS_IMPORTED)
            .by(by.actor_user_id)
            .subject(by.source)
            .detail(format!(
                "created={} updated={} unchanged={} new_job_assignments={}",
                report.created.len(),
                report.updated,
                report.unchanged,
                report.new_job_assignments
            ))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(report))
}
