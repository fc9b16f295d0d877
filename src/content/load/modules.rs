//! Modules: a new version when a module's files change.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use serde::Serialize;

use super::*;
use crate::entities::{module, module_page, module_topic, module_version};

/// What a module version holds; its hash decides whether a file or an edit is a new version.
#[derive(Serialize)]
pub struct ModuleContent<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub minutes: i64,
    pub topics: &'a [String],
    pub outcomes: &'a [String],
    pub sources: &'a [Source],
    pub review_by: String,
    pub pass_mark: i64,
    pub pages: &'a [PageDef],
}

impl ModuleContent<'_> {
    pub fn hash(&self) -> String {
        hash_json(self)
    }
}

fn content_of(def: &ModuleDef) -> ModuleContent<'_> {
    ModuleContent {
        title: &def.title,
        summary: &def.summary,
        minutes: def.minutes,
        topics: &def.topics,
        outcomes: &def.outcomes,
        sources: &def.sources,
        review_by: def.review_by.to_string(),
        pass_mark: def.pass_mark,
        pages: &def.pages,
    }
}

pub(super) fn module_hash(def: &ModuleDef) -> String {
    content_of(def).hash()
}

/// Adds version `version` of a module with its pages and topics (slugs in `topics` that
/// `topic_ids` lacks are skipped) and makes it current.
pub async fn add_module_version(
    db: &impl ConnectionTrait,
    module_id: i64,
    version: i32,
    content: &ModuleContent<'_>,
    review_by: chrono::NaiveDate,
    topic_ids: &HashMap<String, i64>,
    created_by: Option<i64>,
) -> Result<module_version::Model, DbErr> {
    let now = Utc::now();
    let row = module_version::ActiveModel {
        module_id: Set(module_id),
        version: Set(version),
        title: Set(content.title.to_owned()),
        summary: Set(content.summary.to_owned()),
        minutes: Set(i32::try_from(content.minutes).unwrap_or(i32::MAX)),
        outcomes: Set(serde_json::to_string(content.outcomes).unwrap_or_default()),
        sources: Set(serde_json::to_string(content.sources).unwrap_or_default()),
        review_by: Set(review_by),
        pass_mark: Set(i32::try_from(content.pass_mark).unwrap_or(i32::MAX)),
        content_hash: Set(content.hash()),
        created_at: Set(now),
        created_by: Set(created_by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (position, page) in content.pages.iter().enumerate() {
        module_page::ActiveModel {
            module_version_id: Set(row.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX) + 1),
            title: Set(page.title.clone()),
            body: Set(page.body.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for slug in content.topics {
        if let Some(&topic_id) = topic_ids.get(slug) {
            module_topic::ActiveModel {
                module_version_id: Set(row.id),
                topic_id: Set(topic_id),
            }
            .insert(db)
            .await?;
        }
    }
    module::Entity::update_many()
        .col_expr(module::Column::CurrentVersionId, row.id.into())
        .col_expr(module::Column::UpdatedAt, now.into())
        .filter(module::Column::Id.eq(module_id))
        .exec(db)
        .await?;
    Ok(row)
}

pub(super) async fn load_modules(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<HashMap<String, (i64, i64)>, DbErr> {
    let mut ids = HashMap::new();
    for def in &tree.modules {
        let hash = module_hash(def);
        let now = Utc::now();
        let existing = module::Entity::find()
            .filter(module::Column::Slug.eq(&def.slug))
            .one(db)
            .await?;
        let (module_id, latest) = match existing {
            Some(row) => {
                let current = match row.current_version_id {
                    Some(id) => module_version::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                if let (Some(_), Some(current)) = (row.edited_at, &current) {
                    // Once trainers edit a module in the app, the app is where it is kept up
                    // to date; its file only seeded it.
                    summary.app_edits_kept += usize::from(current.content_hash != hash);
                    ids.insert(def.slug.clone(), (row.id, current.id));
                    continue;
                }
                (row.id, current)
            }
            None => {
                let row = module::ActiveModel {
                    slug: Set(def.slug.clone()),
                    status: Set(PUBLISHED.into()),
                    current_version_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                (row.id, None)
            }
        };
        if let Some(current) = latest.as_ref().filter(|v| v.content_hash == hash) {
            ids.insert(def.slug.clone(), (module_id, current.id));
            continue;
        }
        let next = latest.map_or(1, |v| v.version + 1);
        let version = add_module_version(
            db,
            module_id,
            next,
            &content_of(def),
            def.review_by,
            topics,
            None,
        )
        .await?;
        module::Entity::update_many()
            .col_expr(module::Column::Status, PUBLISHED.into())
            .filter(module::Column::Id.eq(module_id))
            .exec(db)
            .await?;
        summary.module_versions_created += 1;
        ids.insert(def.slug.clone(), (module_id, version.id));
    }
    Ok(ids)
}
