//! Who an assignment covers, as mail needs them: the people of
//! [`super::assignments::people_covered`] with their addresses and whether they have completed
//! the module, so every message and figure about assignments follows the same rule.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{module_assignment, module_progress, user};
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

/// The people `assignment` covers today ([`super::assignments::people_covered`]: its
/// organisation, team and job role, or its one person), leaving out disabled and erased
/// accounts.
pub async fn covered(
    db: &impl ConnectionTrait,
    assignment: &module_assignment::Model,
) -> AppResult<Vec<Covered>> {
    let ids: Vec<i64> = super::assignments::people_covered(db, assignment)
        .await?
        .into_iter()
        .map(|id| id.get())
        .collect();
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
