//! A trust's own job titles as ESR writes them ("Staff Nurse", "Band 5 Staff Nurse") mapped to
//! the taxonomy's job roles, for every organisation or for one, so the people import takes them
//! instead of refusing the line. Titles match whatever their case and spacing.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Event, action};
use crate::entities::{job_role, job_title_mapping as mapping, organisation};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// What a title is matched on: lower case, runs of whitespace as one space, trimmed.
pub fn title_key(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One mapping, as the page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobTitle {
    pub id: i64,
    pub title: String,
    /// The organisation it applies to; none for every organisation.
    pub organisation_code: Option<String>,
    pub organisation_name: Option<String>,
    pub job_role: String,
    pub job_role_name: String,
    pub created_at: DateTime<Utc>,
}

/// A new mapping as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJobTitle {
    pub title: String,
    /// The job role's slug or name.
    pub job_role: String,
    /// An organisation's code; empty or absent for every organisation.
    #[serde(default)]
    pub organisation_code: Option<String>,
}

/// Problems with a new mapping, as (field, message) in page order.
pub type MappingProblems = Vec<(&'static str, String)>;

/// Who changes mappings, for the audit log.
#[derive(Debug, Clone)]
pub struct MappedBy {
    pub user_id: Option<PersonId>,
    pub client_address: Option<String>,
}

/// Every mapping, by title then organisation.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<JobTitle>> {
    let rows = mapping::Entity::find()
        .order_by_asc(mapping::Column::TitleKey)
        .order_by_asc(mapping::Column::Id)
        .all(db)
        .await?;
    let roles = job_role::Entity::find().all(db).await?;
    let organisations = organisation::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let role = roles.iter().find(|j| j.id == r.job_role_id);
            let org = organisations
                .iter()
                .find(|o| Some(o.id) == r.organisation_id);
            JobTitle {
                id: r.id,
                title: r.title,
                organisation_code: org.map(|o| o.code.clone()),
                organisation_name: org.map(|o| o.name.clone()),
                job_role: role.map(|j| j.slug.clone()).unwrap_or_default(),
                job_role_name: role.map(|j| j.name.clone()).unwrap_or_default(),
                created_at: r.created_at,
            }
        })
        .collect())
}

/// A choice in one of the page's lists: a job role (by slug) or an organisation (by code).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The mappings and what a new one can name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobTitlesPage {
    pub mappings: Vec<JobTitle>,
    pub job_roles: Vec<Choice>,
    pub organisations: Vec<Choice>,
}

/// Everything the job titles page shows.
pub async fn page(db: &impl ConnectionTrait) -> AppResult<JobTitlesPage> {
    let job_roles = job_role::Entity::find()
        .order_by_asc(job_role::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Choice {
            value: r.slug,
            label: r.name,
        })
        .collect();
    let organisations = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| Choice {
            label: format!("{} ({})", o.name, o.code),
            value: o.code,
        })
        .collect();
    Ok(JobTitlesPage {
        mappings: list(db).await?,
        job_roles,
        organisations,
    })
}

/// (organisation, title, staff group, job role) of every mapping, for the import.
pub async fn for_import(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<(Option<i64>, String, i64, i64)>> {
    let roles = job_role::Entity::find().all(db).await?;
    Ok(mapping::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            let role = roles.iter().find(|j| j.id == m.job_role_id)?;
            Some((m.organisation_id, m.title, role.staff_group_id, role.id))
        })
        .collect())
}

/// Checks and stores a mapping. `Ok(Err(..))` names each problem; nothing is then stored.
pub async fn add(
    db: &DatabaseConnection,
    new: &NewJobTitle,
    by: MappedBy,
) -> AppResult<Result<JobTitle, MappingProblems>> {
    let txn = crate::db::begin_write(db).await?;
    let mut problems = MappingProblems::new();
    let title = new.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let key = title_key(&title);
    if title.is_empty() {
        problems.push((
            "title",
            "Enter the job title as your ESR extract writes it".into(),
        ));
    } else if title.chars().count() > 200 || title.chars().any(char::is_control) {
        problems.push((
            "title",
            "The job title must be up to 200 characters of plain text".into(),
        ));
    }
    let wanted_role = new.job_role.trim().to_lowercase();
    let roles = job_role::Entity::find().all(&txn).await?;
    let role = roles
        .iter()
        .find(|r| r.slug.to_lowercase() == wanted_role || r.name.to_lowercase() == wanted_role);
    if role.is_none() {
        problems.push(("job_role", "Choose a job role".into()));
    }
    if roles
        .iter()
        .any(|r| title_key(&r.name) == key || r.slug == key)
    {
        problems.push((
            "title",
            format!("“{title}” is already a job role's name: the import takes it as it is"),
        ));
    }
    let code = new
        .organisation_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_uppercase);
    let org = match &code {
        Some(code) => {
            let found = organisation::Entity::find()
                .filter(organisation::Column::Code.eq(code.clone()))
                .one(&txn)
                .await?;
            if found.is_none() {
                problems.push((
                    "organisation_code",
                    format!("There is no organisation {code}"),
                ));
            }
            found
        }
        None => None,
    };
    let org_id = org.as_ref().map(|o| o.id);
    let same = mapping::Entity::find()
        .filter(mapping::Column::TitleKey.eq(key.clone()))
        .all(&txn)
        .await?;
    if !key.is_empty() && same.iter().any(|m| m.organisation_id == org_id) {
        problems.push((
            "title",
            format!("“{title}” is already mapped for that organisation: remove it first"),
        ));
    }
    let Some(role) = role.filter(|_| problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let row = mapping::ActiveModel {
        title_key: Set(key),
        title: Set(title.clone()),
        organisation_id: Set(org_id),
        job_role_id: Set(role.id),
        created_by: Set(by.user_id.map(PersonId::get)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(action::JOB_TITLE_MAPPED)
            .by(by.user_id)
            .subject(title)
            .detail(serde_json::json!({
                "job_role": role.name,
                "organisation_id": org_id,
            }))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(JobTitle {
        id: row.id,
        title: row.title,
        organisation_code: org.as_ref().map(|o| o.code.clone()),
        organisation_name: org.map(|o| o.name),
        job_role: role.slug.clone(),
        job_role_name: role.name.clone(),
        created_at: row.created_at,
    }))
}

/// A removed mapping.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Removed {
    pub id: i64,
    pub title: String,
}

/// Removes a mapping; people already imported keep the job role they were given.
pub async fn remove(db: &DatabaseConnection, id: i64, by: MappedBy) -> AppResult<Removed> {
    let txn = crate::db::begin_write(db).await?;
    let row = mapping::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("That job title mapping was not found.".into()))?;
    let role = job_role::Entity::find_by_id(row.job_role_id)
        .one(&txn)
        .await?;
    mapping::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Event::new(action::JOB_TITLE_UNMAPPED)
            .by(by.user_id)
            .subject(row.title.clone())
            .detail(serde_json::json!({
                "job_role": role.map(|r| r.name),
                "organisation_id": row.organisation_id,
            }))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Removed {
        id,
        title: row.title,
    })
}

#[cfg(test)]
mod tests {
    use super::title_key;

    #[test]
    fn titles_match_whatever_their_case_and_spacing() {
        assert_eq!(title_key("  Band 5   Staff\tNurse "), "band 5 staff nurse");
        assert_eq!(title_key("STAFF NURSE"), title_key("staff nurse"));
    }
}
