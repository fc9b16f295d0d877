//! The versions of a role's targets: every change made in the app, who made it and when, old →
//! new. The content file's own values are not versions (the file's history is in its
//! repository).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entities::{role_target_version, topic, user};
use crate::error::AppResult;

/// One change to one topic's target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetVersion {
    pub topic_name: String,
    /// Before the change; none when the pair had no target.
    pub old_required_level: Option<i32>,
    pub old_importance: Option<i32>,
    pub new_required_level: i32,
    pub new_importance: i32,
    /// Who changed it ("someone no longer in the service" once their account is gone).
    pub changed_by: String,
    /// Where: "web", "api" or "command line".
    pub source: String,
    pub changed_at: DateTime<Utc>,
}

/// A role's versions, newest first.
pub async fn of_role(db: &impl ConnectionTrait, job_role_id: i64) -> AppResult<Vec<TargetVersion>> {
    let rows = role_target_version::Entity::find()
        .filter(role_target_version::Column::JobRoleId.eq(job_role_id))
        .order_by_desc(role_target_version::Column::CreatedAt)
        .order_by_desc(role_target_version::Column::Id)
        .all(db)
        .await?;
    let topics: HashMap<i64, String> = topic::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let people: Vec<i64> = rows.iter().filter_map(|r| r.changed_by).collect();
    let names: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| TargetVersion {
            topic_name: topics.get(&r.topic_id).cloned().unwrap_or_default(),
            old_required_level: r.old_required_level,
            old_importance: r.old_importance,
            new_required_level: r.new_required_level,
            new_importance: r.new_importance,
            changed_by: r
                .changed_by
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "someone no longer in the service".to_owned()),
            source: r.source,
            changed_at: r.created_at,
        })
        .collect())
}
