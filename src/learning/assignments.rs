//! Modules that managers and admins assign to a job role or an organisation, with a due date.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::assessment::job::current_job;
use crate::entities::module_assignment;
use crate::error::{AppError, AppResult};

/// Who an assignment is for: everyone in an organisation, or one job role within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub organisation_id: i64,
    pub job_role_id: Option<i64>,
}

/// Assigns a module. The caller has checked that the actor may act for the organisation.
pub async fn assign(
    db: &impl ConnectionTrait,
    actor_id: i64,
    module_id: i64,
    audience: Audience,
    due_on: NaiveDate,
) -> AppResult<module_assignment::Model> {
    if due_on < Utc::now().date_naive() {
        return Err(AppError::Unprocessable(
            "The due date must be today or later.".into(),
        ));
    }
    Ok(module_assignment::ActiveModel {
        module_id: Set(module_id),
        organisation_id: Set(Some(audience.organisation_id)),
        job_role_id: Set(audience.job_role_id),
        due_on: Set(due_on),
        created_by: Set(Some(actor_id)),
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
    user_id: i64,
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
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &crate::accounts::OrgScope,
) -> AppResult<Vec<AssignmentRow>> {
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
                .find(|m| m.module_id == a.module_id)
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
