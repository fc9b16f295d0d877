//! Who an assignment covers. Kept in one place so that new kinds of audience (a team, one
//! person) change only this function, and every message and figure about assignments follows.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{job_assignment, module_assignment, module_progress, user};
use crate::error::AppResult;

/// A person an assignment covers, as mail needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    /// They have completed the assignment's module.
    pub completed: bool,
}

/// The people `assignment` covers today: everyone whose current job is in its organisation
/// (and job role, when it names one), leaving out disabled and erased accounts.
pub async fn covered(
    db: &impl ConnectionTrait,
    assignment: &module_assignment::Model,
) -> AppResult<Vec<Covered>> {
    let Some(organisation_id) = assignment.organisation_id else {
        return Ok(Vec::new());
    };
    let mut jobs = job_assignment::Entity::find()
        .filter(job_assignment::Column::OrganisationId.eq(organisation_id))
        .filter(job_assignment::Column::EndedAt.is_null());
    if let Some(role) = assignment.job_role_id {
        jobs = jobs.filter(job_assignment::Column::JobRoleId.eq(role));
    }
    let ids: Vec<i64> = jobs.all(db).await?.into_iter().map(|j| j.user_id).collect();
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::PseudonymisedAt.is_null())
        .all(db)
        .await?;
    let completed: std::collections::HashSet<i64> = module_progress::Entity::find()
        .filter(module_progress::Column::ModuleId.eq(assignment.module_id))
        .filter(module_progress::Column::UserId.is_in(ids))
        .filter(module_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    let mut out: Vec<Covered> = people
        .into_iter()
        .map(|p| Covered {
            completed: completed.contains(&p.id),
            user_id: p.id,
            email: p.email,
            display_name: p.display_name,
        })
        .collect();
    out.sort_by_key(|c| c.user_id);
    Ok(out)
}
