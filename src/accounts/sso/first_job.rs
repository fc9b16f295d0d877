//! A learner made at their first single sign-on (`create_unknown`) has an organisation (from
//! the provider's claim, kept on their link) but no job role yet: they choose it on their first
//! visit, and their answers then count in that job's group like anyone's.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::accounts::users;
use crate::assessment::job::current_job;
use crate::entities::{identity_link, job_role, organisation, staff_group};
use crate::error::AppResult;
use crate::ids::PersonId;

/// A job role to choose, with its staff group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleChoice {
    pub slug: String,
    pub name: String,
    pub group: String,
}

/// The organisation a person without a current job was put in by single sign-on, if any.
pub async fn pending_organisation(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Option<organisation::Model>> {
    if current_job(db, user_id).await?.is_some() {
        return Ok(None);
    }
    let Some(organisation_id) = identity_link::Entity::find()
        .filter(identity_link::Column::UserId.eq(user_id.get()))
        .filter(identity_link::Column::OrganisationId.is_not_null())
        .one(db)
        .await?
        .and_then(|link| link.organisation_id)
    else {
        return Ok(None);
    };
    Ok(organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?)
}

/// Every job role, by staff group then role, as the taxonomy orders them.
pub async fn choices(db: &impl ConnectionTrait) -> AppResult<Vec<RoleChoice>> {
    let groups = staff_group::Entity::find()
        .order_by_asc(staff_group::Column::Position)
        .all(db)
        .await?;
    let roles = job_role::Entity::find()
        .order_by_asc(job_role::Column::Position)
        .all(db)
        .await?;
    Ok(groups
        .iter()
        .flat_map(|group| {
            roles
                .iter()
                .filter(move |role| role.staff_group_id == group.id)
                .map(move |role| RoleChoice {
                    slug: role.slug.clone(),
                    name: role.name.clone(),
                    group: group.name.clone(),
                })
        })
        .collect())
}

/// Starts the job `slug` in the person's pending organisation; false when there is nothing
/// to choose or no such role.
pub async fn choose(db: &impl ConnectionTrait, user_id: PersonId, slug: &str) -> AppResult<bool> {
    let Some(organisation) = pending_organisation(db, user_id).await? else {
        return Ok(false);
    };
    let Some(role) = job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    users::start_job(
        db,
        user_id.get(),
        organisation.id,
        role.id,
        None,
        Utc::now(),
    )
    .await?;
    Ok(true)
}
