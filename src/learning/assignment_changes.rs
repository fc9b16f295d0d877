//! Making, re-dating and removing assignments from the page or the JSON API: every input
//! checked against the manager's scope, every change audited.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    ModelTrait, QueryFilter, Set,
};

use super::assignment_list::{self, AssignmentRow, AssignmentsPage};
use super::assignments::{Audience, assign, current_jobs};
use crate::accounts::{OrgScope, teams};
use crate::audit::{self, Event, action};
use crate::entities::{job_assignment, job_role, user};
use crate::error::AppResult;
use crate::ids::{ModuleId, PersonId};
use crate::validation::FieldErrors;

/// An assignment as entered on the page or in the JSON API.
#[derive(Debug, Clone, Copy)]
pub struct AssignInput<'a> {
    /// The module's slug.
    pub module: &'a str,
    pub organisation_id: Option<i64>,
    /// A team (its organisation is then implied).
    pub team_id: Option<i64>,
    /// None: everyone in the organisation or team.
    pub job_role_id: Option<i64>,
    /// One person's email address or employee number; empty for a group.
    pub person: &'a str,
    /// `YYYY-MM-DD`.
    pub due_on: &'a str,
}

/// A due date as entered: a date, today or later.
fn due_date(text: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok() {
        None => errors.push((
            "due_on",
            "Enter the due date as a date, for example 2027-03-31".into(),
        )),
        Some(date) if date < Utc::now().date_naive() => {
            errors.push(("due_on", "The due date must be today or later".into()));
        }
        Some(date) => return Some(date),
    }
    None
}

/// The person with this email address or employee number, if they work in `scope` now:
/// (their id, their organisation).
async fn person_in_scope(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    who: &str,
) -> AppResult<Option<(i64, i64)>> {
    let found = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Email.eq(who.to_lowercase()))
                .add(user::Column::EmployeeNumber.eq(who)),
        )
        .all(db)
        .await?;
    let ids: Vec<i64> = found.iter().map(|u| u.id).collect();
    Ok(current_jobs(
        db,
        Condition::all().add(job_assignment::Column::UserId.is_in(ids)),
    )
    .await?
    .into_iter()
    .find(|job| scope.covers(job.organisation_id, job.team_id))
    .map(|job| (job.user_id, job.organisation_id)))
}

/// Who the input names, within `scope`; the problems are filed under their fields.
async fn audience(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    input: AssignInput<'_>,
    errors: &mut FieldErrors,
) -> AppResult<Option<Audience>> {
    let person = input.person.trim();
    if !person.is_empty() {
        if input.team_id.is_some() || input.job_role_id.is_some() {
            errors.push((
                "person",
                "Assign to one person, or to a team or job role, not both".into(),
            ));
            return Ok(None);
        }
        let found = person_in_scope(db, scope, person).await?;
        if found.is_none() {
            errors.push((
                "person",
                "Enter the email address or employee number of someone in your teams or \
                 organisations"
                    .into(),
            ));
        }
        return Ok(found.map(|(user_id, organisation_id)| Audience {
            organisation_id,
            user_id: Some(user_id),
            ..Audience::default()
        }));
    }
    let organisation_id = match input.team_id {
        Some(team_id) => {
            let team = teams::find(db, team_id)
                .await?
                .filter(|t| scope.covers(t.organisation_id, Some(t.id)));
            match team {
                Some(team)
                    if input
                        .organisation_id
                        .is_none_or(|o| o == team.organisation_id) =>
                {
                    Some(team.organisation_id)
                }
                Some(_) => {
                    errors.push(("team_id", "Choose a team of the organisation chosen".into()));
                    None
                }
                None => {
                    errors.push(("team_id", "Choose one of your teams".into()));
                    None
                }
            }
        }
        None => {
            let whole = input.organisation_id.filter(|id| scope.whole(*id));
            if whole.is_none() {
                let message = match scope {
                    OrgScope::Partly { .. } => {
                        "Choose one of your organisations, or one of your teams"
                    }
                    _ => "Choose one of your organisations",
                };
                errors.push(("organisation_id", message.into()));
            }
            whole
        }
    };
    if let Some(role) = input.job_role_id
        && job_role::Entity::find_by_id(role).one(db).await?.is_none()
    {
        errors.push((
            "job_role_id",
            "Choose a job role from the list, or everyone".into(),
        ));
    }
    Ok(organisation_id.map(|organisation_id| Audience {
        organisation_id,
        job_role_id: input.job_role_id,
        team_id: input.team_id,
        user_id: None,
    }))
}

/// Checks `input` against the published modules, the job roles, teams, people and `scope`;
/// the problems are by field, in page order.
async fn check(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    input: AssignInput<'_>,
) -> AppResult<Result<(ModuleId, Audience, NaiveDate), FieldErrors>> {
    let mut errors: FieldErrors = Vec::new();
    let module = super::modules::published_modules(db)
        .await?
        .into_iter()
        .find(|m| m.slug == input.module);
    if module.is_none() {
        errors.push(("module", "Choose a module".into()));
    }
    let audience = audience(db, scope, input, &mut errors).await?;
    let due = due_date(input.due_on, &mut errors);
    Ok(match (module, audience, due, errors.is_empty()) {
        (Some(module), Some(audience), Some(due), true) => Ok((module.module_id, audience, due)),
        _ => Err(errors),
    })
}

/// Checks and makes an assignment for `actor` (a manager within `scope`, or an admin), and
/// records it in the audit log: the new assignment's id, or the problems by field.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    actor: PersonId,
    client_address: Option<String>,
    input: AssignInput<'_>,
) -> AppResult<Result<i64, FieldErrors>> {
    let (module_id, audience, due) = match check(db, scope, input).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(Err(errors)),
    };
    let row = assign(db, actor, module_id, audience, due).await?;
    let team = match audience.team_id {
        Some(id) => teams::find(db, id).await?.map(|t| t.name),
        None => None,
    };
    audit::record(
        db,
        Event::new(action::MODULE_ASSIGNED)
            .by(Some(actor))
            .subject(format!("module {module_id}"))
            .detail(serde_json::json!({
                "assignment_id": row.id,
                "module_id": module_id,
                "organisation_id": audience.organisation_id,
                "job_role_id": audience.job_role_id,
                "team_id": audience.team_id,
                "team": team,
                "user_id": audience.user_id,
                "due_on": due,
            }))
            .from_address(client_address),
    )
    .await?;
    Ok(Ok(row.id))
}

/// [`create`] from the page: when refused, the problems with the page to show again.
pub async fn create_from_page(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    actor: PersonId,
    client_address: Option<String>,
    input: AssignInput<'_>,
) -> AppResult<Result<i64, (FieldErrors, AssignmentsPage)>> {
    Ok(
        match create(db, scope, actor, client_address, input).await? {
            Ok(id) => Ok(id),
            Err(errors) => Err((errors, assignment_list::page(db, scope).await?)),
        },
    )
}

/// Who changes an assignment, for the audit log.
#[derive(Debug, Clone)]
pub struct ChangedBy<'a> {
    pub scope: &'a OrgScope,
    pub actor: PersonId,
    pub client_address: Option<String>,
}

/// Moves the due date of assignment `id` (404 outside `by.scope`): the assignment as it is now,
/// or the problems by field with the assignment as it was.
pub async fn change_due(
    db: &impl ConnectionTrait,
    by: ChangedBy<'_>,
    id: i64,
    due_on: &str,
) -> AppResult<Result<AssignmentRow, (FieldErrors, AssignmentRow)>> {
    let row = assignment_list::changeable(db, by.scope, id).await?;
    let mut errors = Vec::new();
    let Some(due) = due_date(due_on, &mut errors) else {
        return Ok(Err((errors, assignment_list::one(db, by.scope, id).await?)));
    };
    let before = row.due_on;
    let mut active = row.into_active_model();
    active.due_on = Set(due);
    active.update(db).await?;
    audit::record(
        db,
        Event::new(action::MODULE_ASSIGNMENT_CHANGED)
            .by(Some(by.actor))
            .subject(format!("assignment {id}"))
            .detail(serde_json::json!({ "assignment_id": id, "was": before, "due_on": due }))
            .from_address(by.client_address),
    )
    .await?;
    Ok(Ok(assignment_list::one(db, by.scope, id).await?))
}

/// Removes assignment `id` (404 outside `by.scope`); the module leaves the plans of those it
/// was for, and what they have done in it is kept.
pub async fn remove(db: &impl ConnectionTrait, by: ChangedBy<'_>, id: i64) -> AppResult<()> {
    let row = assignment_list::changeable(db, by.scope, id).await?;
    let detail = serde_json::json!({
        "assignment_id": id,
        "module_id": row.module_id,
        "organisation_id": row.organisation_id,
        "team_id": row.team_id,
        "user_id": row.user_id,
        "due_on": row.due_on,
    });
    row.delete(db).await?;
    audit::record(
        db,
        Event::new(action::MODULE_ASSIGNMENT_REMOVED)
            .by(Some(by.actor))
            .subject(format!("assignment {id}"))
            .detail(detail)
            .from_address(by.client_address),
    )
    .await
}
