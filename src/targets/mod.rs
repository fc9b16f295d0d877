//! Role × topic targets edited in the app (issue 24 point 3): what a job role should know of
//! each topic (required level 0–100 %) and how much it matters (importance 1–7).
//!
//! `content/targets.toml` seeds the defaults; an edit here marks the target as the
//! organisation's own (`updated_by`), and a later content load leaves it alone
//! (`content::load::taxonomy::load_targets`). Every change is kept as a version
//! ([`history`]), audited, and the report aggregates are rebuilt from the raw data in the same
//! transaction ([`crate::reports::rebuild`]), since a cell's "at target" counts were summed
//! against the targets of the day.

pub mod history;
mod input;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

pub use self::history::TargetVersion;
pub use self::input::{RawTarget, TargetProblems};
use crate::audit::{self, Event, action};
use crate::entities::{job_role, role_target, role_target_version, staff_group, topic};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::reports::rebuild::{Rebuilt, rebuild_from_raw};

/// One topic's target for a role, as the page edits it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicTarget {
    pub topic: String,
    pub topic_name: String,
    /// Required knowledge, 0–100 %; none when neither the file nor an edit set one (reports
    /// then count the role's target as 0 and its importance as 1).
    pub required_level: Option<i32>,
    pub importance: Option<i32>,
    /// Set in the app (kept when content is reloaded) rather than taken from the file.
    pub edited_in_app: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A job role's targets, every current topic, and their history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleTargets {
    pub job_role: String,
    pub job_role_name: String,
    pub staff_group_name: String,
    pub targets: Vec<TopicTarget>,
    /// Changes made in the app, newest first.
    pub history: Vec<TargetVersion>,
}

/// A job role in the list of roles whose targets can be edited.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleListing {
    pub job_role: String,
    pub job_role_name: String,
    pub staff_group_name: String,
    /// Topics with a target edited in the app.
    pub edited: usize,
}

/// Who changes targets, for the versions and the audit log.
#[derive(Debug, Clone)]
pub struct ChangedBy {
    pub user_id: PersonId,
    /// "web", "api" or "command line".
    pub source: &'static str,
    pub client_address: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// Topics whose target changed.
    pub changed: Vec<String>,
    /// The rebuild of the report figures, when something changed.
    pub rebuilt: Option<Rebuilt>,
}

/// Every job role, by staff group.
pub async fn roles(db: &impl ConnectionTrait) -> AppResult<Vec<RoleListing>> {
    let groups: HashMap<i64, String> = staff_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut edited: HashMap<i64, usize> = HashMap::new();
    for t in role_target::Entity::find()
        .filter(role_target::Column::UpdatedBy.is_not_null())
        .all(db)
        .await?
    {
        *edited.entry(t.job_role_id).or_default() += 1;
    }
    let mut roles: Vec<(String, job_role::Model)> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            (
                groups.get(&r.staff_group_id).cloned().unwrap_or_default(),
                r,
            )
        })
        .collect();
    roles.sort_by(|a, b| (&a.0, a.1.position, &a.1.name).cmp(&(&b.0, b.1.position, &b.1.name)));
    Ok(roles
        .into_iter()
        .map(|(group, r)| RoleListing {
            edited: edited.get(&r.id).copied().unwrap_or(0),
            job_role: r.slug,
            job_role_name: r.name,
            staff_group_name: group,
        })
        .collect())
}

async fn role_by_slug(db: &impl ConnectionTrait, slug: &str) -> AppResult<job_role::Model> {
    job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no job role \"{slug}\".")))
}

async fn current_topics(db: &impl ConnectionTrait) -> AppResult<Vec<topic::Model>> {
    Ok(topic::Entity::find()
        .filter(topic::Column::RetiredAt.is_null())
        .order_by_asc(topic::Column::Position)
        .order_by_asc(topic::Column::Id)
        .all(db)
        .await?)
}

async fn stored(
    db: &impl ConnectionTrait,
    job_role_id: i64,
) -> AppResult<HashMap<i64, role_target::Model>> {
    Ok(role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job_role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.topic_id, t))
        .collect())
}

/// A job role's targets (by its slug) for every current topic, with their history.
pub async fn of_role(db: &impl ConnectionTrait, job_role: &str) -> AppResult<RoleTargets> {
    let role = role_by_slug(db, job_role).await?;
    let group = staff_group::Entity::find_by_id(role.staff_group_id)
        .one(db)
        .await?
        .map(|g| g.name)
        .unwrap_or_default();
    let stored = stored(db, role.id).await?;
    let targets = current_topics(db)
        .await?
        .into_iter()
        .map(|t| {
            let own = stored.get(&t.id);
            TopicTarget {
                topic: t.slug,
                topic_name: t.name,
                required_level: own.map(|o| o.required_level),
                importance: own.map(|o| o.importance),
                edited_in_app: own.is_some_and(|o| o.updated_by.is_some()),
                updated_at: own.map(|o| o.updated_at),
            }
        })
        .collect();
    Ok(RoleTargets {
        history: history::of_role(db, role.id).await?,
        job_role: role.slug,
        job_role_name: role.name,
        staff_group_name: group,
        targets,
    })
}

/// Checks `entries` (by topic slug) and saves the changed targets of `job_role`, keeping each
/// change as a version, auditing it, and rebuilding the report figures, all in one
/// transaction. `Ok(Err(..))` names every bad value; nothing is then saved.
pub async fn save(
    db: &DatabaseConnection,
    job_role: &str,
    entries: &HashMap<String, RawTarget>,
    by: ChangedBy,
) -> AppResult<Result<Saved, TargetProblems>> {
    let txn = crate::db::begin_write(db).await?;
    let role = role_by_slug(&txn, job_role).await?;
    let topics = current_topics(&txn).await?;
    let stored = stored(&txn, role.id).await?;
    let wanted = match input::parse(&topics, &stored, entries) {
        Ok(wanted) => wanted,
        Err(problems) => return Ok(Err(problems)),
    };
    let now = Utc::now();
    let actor = by.user_id.get();
    let mut changed = Vec::new();
    let mut detail = Vec::new();
    for (topic, required, importance) in wanted {
        let old = stored.get(&topic.id);
        if old.is_some_and(|o| o.required_level == required && o.importance == importance) {
            continue;
        }
        let row = role_target::ActiveModel {
            job_role_id: Set(role.id),
            topic_id: Set(topic.id),
            required_level: Set(required),
            importance: Set(importance),
            updated_at: Set(now),
            updated_by: Set(Some(actor)),
        };
        if old.is_some() {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
        role_target_version::ActiveModel {
            job_role_id: Set(role.id),
            topic_id: Set(topic.id),
            old_required_level: Set(old.map(|o| o.required_level)),
            old_importance: Set(old.map(|o| o.importance)),
            new_required_level: Set(required),
            new_importance: Set(importance),
            changed_by: Set(Some(actor)),
            source: Set(by.source.to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        detail.push(serde_json::json!({
            "topic": topic.slug,
            "old": old.map(|o| [o.required_level, o.importance]),
            "new": [required, importance],
        }));
        changed.push(topic.slug.clone());
    }
    if changed.is_empty() {
        return Ok(Ok(Saved {
            changed,
            rebuilt: None,
        }));
    }
    let rebuilt = rebuild_from_raw(&txn).await?;
    audit::record(
        &txn,
        Event::new(action::TARGETS_CHANGED)
            .by(Some(by.user_id))
            .subject(role.slug.clone())
            .detail(serde_json::json!({
                "job_role_id": role.id,
                "source": by.source,
                "changes": detail,
                "rebuilt_cells": rebuilt.cells,
            }))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Saved {
        changed,
        rebuilt: Some(rebuilt),
    }))
}

/// The trainer or admin with `email`, who edits targets from the command line.
pub async fn editor(db: &impl ConnectionTrait, email: &str) -> AppResult<PersonId> {
    let email = crate::accounts::Email::parse(email).map_err(AppError::BadRequest)?;
    match crate::accounts::users::find_by_email(db, &email).await? {
        Some(u) if (u.is_trainer || u.is_admin) && u.disabled_at.is_none() => Ok(u.id.into()),
        Some(_) => Err(AppError::Forbidden(format!(
            "{email} is not an active trainer or admin"
        ))),
        None => Err(AppError::NotFound(format!("nobody has the email {email}"))),
    }
}
