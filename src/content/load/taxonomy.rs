//! Topics, staff groups, job roles and role targets.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::*;
use crate::entities::{job_role, role_target, staff_group, topic};

pub(super) async fn load_topics(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    summary: &mut LoadSummary,
) -> Result<HashMap<String, i64>, DbErr> {
    let existing: HashMap<String, topic::Model> = topic::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.slug.clone(), t))
        .collect();
    let mut ids = HashMap::new();
    for (position, def) in tree.topics.iter().enumerate() {
        let position = position as i32;
        match existing.get(&def.slug) {
            Some(row) if row.edited_at.is_some() => {
                if row.name != def.name || row.description != def.description {
                    summary.app_edits_kept += 1;
                }
                ids.insert(def.slug.clone(), row.id);
            }
            Some(row) => {
                if row.name != def.name
                    || row.description != def.description
                    || row.position != position
                    || row.retired_at.is_some()
                {
                    let mut active: topic::ActiveModel = row.clone().into();
                    active.name = Set(def.name.clone());
                    active.description = Set(def.description.clone());
                    active.position = Set(position);
                    active.retired_at = Set(None);
                    active.update(db).await?;
                    summary.topics_changed += 1;
                }
                ids.insert(def.slug.clone(), row.id);
            }
            None => {
                let row = topic::ActiveModel {
                    slug: Set(def.slug.clone()),
                    name: Set(def.name.clone()),
                    description: Set(def.description.clone()),
                    position: Set(position),
                    retired_at: Set(None),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                summary.topics_changed += 1;
                ids.insert(def.slug.clone(), row.id);
            }
        }
    }
    for (slug, row) in &existing {
        if !ids.contains_key(slug) && row.retired_at.is_none() && row.edited_at.is_none() {
            let mut active: topic::ActiveModel = row.clone().into();
            active.retired_at = Set(Some(Utc::now()));
            active.update(db).await?;
            summary.topics_changed += 1;
        }
    }
    Ok(ids)
}

pub(super) async fn load_roles(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    summary: &mut LoadSummary,
) -> Result<HashMap<String, i64>, DbErr> {
    let groups: HashMap<String, staff_group::Model> = staff_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.slug.clone(), g))
        .collect();
    let roles: HashMap<String, job_role::Model> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.slug.clone(), r))
        .collect();
    let mut role_ids = HashMap::new();
    for (group_position, group) in tree.staff_groups.iter().enumerate() {
        let group_position = group_position as i32;
        let group_id = match groups.get(&group.slug) {
            Some(row) if row.name == group.name && row.position == group_position => row.id,
            Some(row) => {
                let mut active: staff_group::ActiveModel = row.clone().into();
                active.name = Set(group.name.clone());
                active.position = Set(group_position);
                summary.job_roles_changed += 1;
                active.update(db).await?.id
            }
            None => {
                summary.job_roles_changed += 1;
                staff_group::ActiveModel {
                    slug: Set(group.slug.clone()),
                    name: Set(group.name.clone()),
                    position: Set(group_position),
                    ..Default::default()
                }
                .insert(db)
                .await?
                .id
            }
        };
        for (position, role) in group.job_roles.iter().enumerate() {
            let position = position as i32;
            let id = match roles.get(&role.slug) {
                Some(row)
                    if row.name == role.name
                        && row.staff_group_id == group_id
                        && row.position == position =>
                {
                    row.id
                }
                Some(row) => {
                    let mut active: job_role::ActiveModel = row.clone().into();
                    active.name = Set(role.name.clone());
                    active.staff_group_id = Set(group_id);
                    active.position = Set(position);
                    summary.job_roles_changed += 1;
                    active.update(db).await?.id
                }
                None => {
                    summary.job_roles_changed += 1;
                    job_role::ActiveModel {
                        slug: Set(role.slug.clone()),
                        name: Set(role.name.clone()),
                        staff_group_id: Set(group_id),
                        position: Set(position),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?
                    .id
                }
            };
            role_ids.insert(role.slug.clone(), id);
        }
    }
    Ok(role_ids)
}

/// Targets from the files fill gaps and follow file edits, but never overwrite a target an
/// admin has edited in the app (`updated_by` set).
pub(super) async fn load_targets(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    roles: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<(), DbErr> {
    let existing: HashMap<(i64, i64), role_target::Model> = role_target::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| ((t.job_role_id, t.topic_id), t))
        .collect();
    for def in &tree.targets {
        let (Some(&role_id), Some(&topic_id)) = (roles.get(&def.job_role), topics.get(&def.topic))
        else {
            continue;
        };
        let (required, importance) = (def.required as i32, def.importance as i32);
        match existing.get(&(role_id, topic_id)) {
            Some(row) if row.updated_by.is_some() => {}
            Some(row) if row.required_level == required && row.importance == importance => {}
            Some(row) => {
                let mut active: role_target::ActiveModel = row.clone().into();
                active.required_level = Set(required);
                active.importance = Set(importance);
                active.updated_at = Set(Utc::now());
                active.update(db).await?;
                summary.targets_changed += 1;
            }
            None => {
                role_target::ActiveModel {
                    job_role_id: Set(role_id),
                    topic_id: Set(topic_id),
                    required_level: Set(required),
                    importance: Set(importance),
                    updated_at: Set(Utc::now()),
                    updated_by: Set(None),
                }
                .insert(db)
                .await?;
                summary.targets_changed += 1;
            }
        }
    }
    Ok(())
}
