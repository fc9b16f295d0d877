//! Importing people from an ESR-like CSV file.
//!
//! Columns (header row required, any order): employee_number, email, display_name,
//! organisation_code, staff_group, job_role, band. The whole file is checked first; if any row
//! is bad nothing is imported and every bad row (up to 200) is reported by line; the checks
//! that need no database are in [`super::import_check`]. Otherwise, in one
//! transaction, new people are created (each with an activation link) and existing ones (matched
//! by employee number, then email) updated; a changed organisation, job role or band ends the
//! current job assignment and starts a new one, so the history is kept. The optional team column
//! (see [`super::import_check::TEAM_COLUMNS`]) names the person's team within the organisation;
//! teams not seen before are made, and a change of team is a change of job like the others.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::Serialize;

use super::band::normalise_band;
pub use super::import_check::{
    COLUMNS, Lookups, MAX_CSV_BYTES, Row, RowError, TeamCell, check_rows,
};
use super::one_time::{self, Purpose};
use super::teams::TeamNames;
use super::users::{self, NewUser};
use crate::audit::{self, Event, action};
use crate::entities::{job_assignment, job_role, organisation, staff_group, user};
use crate::error::AppResult;
use crate::ids::PersonId;

/// A new person and the link that lets them set their password.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activation {
    pub person_id: i64,
    pub email: String,
    pub display_name: String,
    pub link: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: Vec<Activation>,
    pub updated: usize,
    pub unchanged: usize,
    pub new_job_assignments: usize,
    /// Teams the file named that did not exist before.
    pub new_teams: usize,
}

async fn lookups(db: &impl ConnectionTrait) -> AppResult<Lookups> {
    let mut lookups = Lookups::default();
    for o in organisation::Entity::find().all(db).await? {
        lookups.add_organisation(&o.code, o.id);
    }
    for group in staff_group::Entity::find().all(db).await? {
        lookups.add_staff_group(&group.slug, &group.name, group.id);
    }
    for role in job_role::Entity::find().all(db).await? {
        lookups.add_job_role(role.staff_group_id, &role.slug, &role.name, role.id);
    }
    for (organisation_id, title, group, role) in super::job_titles::for_import(db).await? {
        lookups.add_job_title(organisation_id, &title, group, role);
    }
    Ok(lookups)
}

/// Checks the whole file, then each row against the people already stored.
async fn check_file(
    db: &impl ConnectionTrait,
    csv_bytes: &[u8],
) -> AppResult<Result<Vec<Row>, Vec<RowError>>> {
    let lookups = lookups(db).await?;
    let (rows, mut errors) = match check_rows(csv_bytes, &lookups) {
        Ok(rows) => (rows, Vec::new()),
        Err(errors) => return Ok(Err(errors)),
    };
    // Rows that would take over another person's email or employee number.
    for row in &rows {
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
                line: row.line,
                problem: format!(
                    "email {} belongs to another person than employee_number {}",
                    row.email, row.employee_number
                ),
            });
        }
    }
    Ok(if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    })
}

/// Who is importing, for the audit log.
#[derive(Debug, Clone)]
pub struct ImportedBy {
    pub actor_user_id: Option<PersonId>,
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
    let mut organisations = std::collections::BTreeSet::new();
    let mut teams = TeamNames::load(&txn).await?;
    for row in rows {
        organisations.insert(row.organisation_id);
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
                    person_id: created.id,
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
        let team_id = match &row.team {
            TeamCell::Named(name) => Some(teams.id_of(&txn, row.organisation_id, name).await?),
            TeamCell::NoTeam => None,
            // Without a team column a person keeps their team while their organisation does.
            TeamCell::NotGiven => current
                .as_ref()
                .filter(|job| job.organisation_id == row.organisation_id)
                .and_then(|job| job.team_id),
        };
        let same_job = current.as_ref().is_some_and(|job| {
            job.organisation_id == row.organisation_id
                && job.team_id == team_id
                && job.job_role_id == row.job_role_id
                // Stored before bands were normalised, "3" is the same band as "Band 3".
                && job.band.as_deref().map(normalise_band) == row.band
        });
        if !same_job {
            if let Some(job) = current {
                let mut active = job.into_active_model();
                active.ended_at = Set(Some(now));
                active.update(&txn).await?;
                changed = true;
            }
            users::start_job_in_team(
                &txn,
                user_id,
                (row.organisation_id, team_id),
                row.job_role_id,
                row.band.as_deref(),
                now,
            )
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
            .detail(serde_json::json!({
                "created": report.created.len(),
                "updated": report.updated,
                "unchanged": report.unchanged,
                "new_job_assignments": report.new_job_assignments,
                "new_teams": teams.created(),
                "organisations": organisations,
            }))
            .from_address(by.client_address),
    )
    .await?;
    report.new_teams = teams.created();
    txn.commit().await?;
    Ok(Ok(report))
}
