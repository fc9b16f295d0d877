//! The assignments a manager sees and may change, and what the assignments page offers to
//! choose from.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::assignments::{Member, current_jobs, in_scope};
use super::modules::ModuleSummary;
use crate::accounts::OrgScope;
use crate::accounts::organisations::{self, Organisation};
use crate::accounts::teams::{self, Team};
use crate::entities::{job_assignment, job_role, module_assignment, user};
use crate::error::{AppError, AppResult};

/// An assignment as managers see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AssignmentRow {
    pub id: i64,
    pub module: String,
    pub organisation: String,
    pub job_role: Option<String>,
    pub team: Option<String>,
    /// The one person it is for ("Name (email)").
    pub person: Option<String>,
    pub due_on: NaiveDate,
}

/// The assignments `scope` may see (see [`in_scope`]), soonest due first.
pub async fn list(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<Vec<AssignmentRow>> {
    let all = module_assignment::Entity::find().all(db).await?;
    rows(db, scope, all).await
}

/// The assignment with `id` if `scope` may see it (else 404, as if there were none).
pub async fn one(db: &impl ConnectionTrait, scope: &OrgScope, id: i64) -> AppResult<AssignmentRow> {
    let found = module_assignment::Entity::find_by_id(id).all(db).await?;
    rows(db, scope, found).await?.pop().ok_or_else(|| {
        AppError::NotFound("No such assignment in your teams or organisations.".into())
    })
}

/// The stored assignment with `id` if `scope` may change it.
pub async fn changeable(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    id: i64,
) -> AppResult<module_assignment::Model> {
    let row = one(db, scope, id).await?;
    module_assignment::Entity::find_by_id(row.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such assignment.".into()))
}

async fn rows(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    assignments: Vec<module_assignment::Model>,
) -> AppResult<Vec<AssignmentRow>> {
    let people: Vec<i64> = assignments.iter().filter_map(|a| a.user_id).collect();
    let jobs: HashMap<i64, Member> = current_jobs(
        db,
        Condition::all().add(job_assignment::Column::UserId.is_in(people.clone())),
    )
    .await?
    .iter()
    .map(|job| (job.user_id, Member::from(job)))
    .collect();
    let names: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
        .collect();
    let modules = super::modules::published_modules(db).await?;
    let organisations = organisations::labels(db).await?;
    let roles = role_names(db).await?;
    let team_names = teams::names(db).await?;
    let mut rows: Vec<AssignmentRow> = assignments
        .into_iter()
        .filter(|a| in_scope(scope, a, a.user_id.and_then(|u| jobs.get(&u))))
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
            team: a.team_id.and_then(|t| team_names.get(&t).cloned()),
            person: a.user_id.and_then(|u| names.get(&u).cloned()),
            due_on: a.due_on,
        })
        .collect();
    rows.sort_by_key(|r| (r.due_on, r.id));
    Ok(rows)
}

/// Every job role's name, by id.
pub async fn role_names(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// The job roles a module can be assigned to, by name: (id, name).
pub async fn role_choices(db: &impl ConnectionTrait) -> AppResult<Vec<(i64, String)>> {
    Ok(job_role::Entity::find()
        .order_by_asc(job_role::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// What the assignments page offers to choose from, and the assignments made so far.
pub struct AssignmentsPage {
    pub modules: Vec<ModuleSummary>,
    /// The organisations the manager sees whole (assignable to everyone in them).
    pub organisations: Vec<Organisation>,
    pub teams: Vec<Team>,
    /// (id, name), by name.
    pub roles: Vec<(i64, String)>,
    pub assignments: Vec<AssignmentRow>,
}

/// The assignments page for a manager (or admin) with `scope`.
pub async fn page(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<AssignmentsPage> {
    Ok(AssignmentsPage {
        modules: super::modules::published_modules(db).await?,
        organisations: organisations::list(db, scope)
            .await?
            .into_iter()
            .filter(|o| scope.whole(o.id))
            .collect(),
        teams: teams::list(db, scope).await?,
        roles: role_choices(db).await?,
        assignments: list(db, scope).await?,
    })
}
