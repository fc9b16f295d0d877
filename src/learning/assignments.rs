//! Modules that managers and admins assign to a job role or an organisation, with a due date.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::modules::ModuleSummary;
use crate::accounts::OrgScope;
use crate::accounts::organisations::{self, Organisation};
use crate::assessment::job::current_job;
use crate::audit::{self, Event, action};
use crate::entities::module_assignment;
use crate::error::{AppError, AppResult};
use crate::ids::{ModuleId, PersonId};
use crate::validation::FieldErrors;

/// Who an assignment is for: everyone in an organisation, or one job role within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub organisation_id: i64,
    pub job_role_id: Option<i64>,
}

/// Assigns a module. The caller has checked that the actor may act for the organisation.
pub async fn assign(
    db: &impl ConnectionTrait,
    actor_id: PersonId,
    module_id: ModuleId,
    audience: Audience,
    due_on: NaiveDate,
) -> AppResult<module_assignment::Model> {
    if due_on < Utc::now().date_naive() {
        return Err(AppError::Unprocessable(
            "The due date must be today or later.".into(),
        ));
    }
    Ok(module_assignment::ActiveModel {
        module_id: Set(module_id.get()),
        organisation_id: Set(Some(audience.organisation_id)),
        job_role_id: Set(audience.job_role_id),
        due_on: Set(due_on),
        created_by: Set(Some(actor_id.get())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Modules assigned to the learner's current organisation or job role, with the earliest due
/// date for each.
pub async fn assigned_to(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Vec<(i64, NaiveDate)>> {
    let Some(job) = current_job(db, user_id).await? else {
        return Ok(Vec::new());
    };
    let rows = module_assignment::Entity::find()
        .filter(module_assignment::Column::OrganisationId.eq(job.organisation_id))
        .all(db)
        .await?;
    let mut due: HashMap<i64, NaiveDate> = HashMap::new();
    for row in rows
        .into_iter()
        .filter(|r| r.job_role_id.is_none_or(|role| role == job.job_role_id))
    {
        due.entry(row.module_id)
            .and_modify(|d| *d = (*d).min(row.due_on))
            .or_insert(row.due_on);
    }
    let mut out: Vec<(i64, NaiveDate)> = due.into_iter().collect();
    out.sort_by_key(|(id, date)| (*date, *id));
    Ok(out)
}

/// An assignment as managers see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AssignmentRow {
    pub id: i64,
    pub module: String,
    pub organisation: String,
    pub job_role: Option<String>,
    pub due_on: NaiveDate,
}

/// Assignments for the organisations in `scope`, soonest due first.
pub async fn list(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<Vec<AssignmentRow>> {
    use crate::entities::{job_role, organisation};
    let modules = super::modules::published_modules(db).await?;
    let organisations: HashMap<i64, String> = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, format!("{} ({})", o.name, o.code)))
        .collect();
    let roles: HashMap<i64, String> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let mut rows: Vec<AssignmentRow> = module_assignment::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.organisation_id.is_some_and(|org| scope.includes(org)))
        .map(|a| AssignmentRow {
            id: a.id,
            module: modules
                .iter()
                .find(|m| m.module_id.get() == a.module_id)
                .map(|m| m.title.clone())
                .unwrap_or_default(),
            organisation: a
                .organisation_id
                .and_then(|o| organisations.get(&o).cloned())
                .unwrap_or_default(),
            job_role: a.job_role_id.and_then(|r| roles.get(&r).cloned()),
            due_on: a.due_on,
        })
        .collect();
    rows.sort_by_key(|r| (r.due_on, r.id));
    Ok(rows)
}

/// The job roles a module can be assigned to, by name: (id, name).
pub async fn role_choices(db: &impl ConnectionTrait) -> AppResult<Vec<(i64, String)>> {
    use crate::entities::job_role;
    Ok(job_role::Entity::find()
        .order_by_asc(job_role::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// Whether `job_role_id` names a job role.
pub async fn role_exists(db: &impl ConnectionTrait, job_role_id: i64) -> AppResult<bool> {
    use crate::entities::job_role;
    Ok(job_role::Entity::find_by_id(job_role_id)
        .one(db)
        .await?
        .is_some())
}

/// What the assignments page offers to choose from, and the assignments made so far.
pub struct AssignmentsPage {
    pub modules: Vec<ModuleSummary>,
    pub organisations: Vec<Organisation>,
    /// (id, name), by name.
    pub roles: Vec<(i64, String)>,
    pub assignments: Vec<AssignmentRow>,
}

/// The assignments page for a manager (or admin) with `scope`.
pub async fn page(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<AssignmentsPage> {
    Ok(AssignmentsPage {
        modules: super::modules::published_modules(db).await?,
        organisations: organisations::list(db, scope).await?,
        roles: role_choices(db).await?,
        assignments: list(db, scope).await?,
    })
}

/// An assignment as entered on the page or in the JSON API.
#[derive(Debug, Clone, Copy)]
pub struct AssignInput<'a> {
    /// The module's slug.
    pub module: &'a str,
    pub organisation_id: Option<i64>,
    /// None: everyone in the organisation.
    pub job_role_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub due_on: &'a str,
}

/// Checks `input` against the published modules, the job roles and `scope`; the problems are
/// by field, in page order.
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
    let organisation = input.organisation_id.filter(|id| scope.includes(*id));
    if organisation.is_none() {
        errors.push(("organisation_id", "Choose one of your organisations".into()));
    }
    if let Some(role) = input.job_role_id
        && !role_exists(db, role).await?
    {
        errors.push((
            "job_role_id",
            "Choose a job role from the list, or everyone".into(),
        ));
    }
    let due = NaiveDate::parse_from_str(input.due_on.trim(), "%Y-%m-%d").ok();
    match due {
        None => errors.push((
            "due_on",
            "Enter the due date as a date, for example 2027-03-31".into(),
        )),
        Some(date) if date < Utc::now().date_naive() => {
            errors.push(("due_on", "The due date must be today or later".into()));
        }
        Some(_) => {}
    }
    Ok(match (module, organisation, due, errors.is_empty()) {
        (Some(module), Some(organisation_id), Some(due), true) => Ok((
            module.module_id,
            Audience {
                organisation_id,
                job_role_id: input.job_role_id,
            },
            due,
        )),
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
    audit::record(
        db,
        Event::new(action::MODULE_ASSIGNED)
            .by(Some(actor))
            .subject(format!("module {module_id}"))
            .detail(serde_json::json!({
                "module_id": module_id,
                "organisation_id": audience.organisation_id,
                "job_role_id": audience.job_role_id,
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
            Err(errors) => Err((errors, page(db, scope).await?)),
        },
    )
}
