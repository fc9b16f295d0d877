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

#[derive(Serialize)]
struct ModuleHashInput<'a> {
    title: &'a str,
    summary: &'a str,
    minutes: i64,
    topics: &'a [String],
    outcomes: &'a [String],
    sources: &'a [Source],
    review_by: String,
    pass_mark: i64,
    pages: &'a [PageDef],
}

pub(super) fn module_hash(def: &ModuleDef) -> String {
    hash_json(&ModuleHashInput {
        title: &def.title,
        summary: &def.summary,
        minutes: def.minutes,
        topics: &def.topics,
        outcomes: &def.outcomes,
        sources: &def.sources,
        review_by: def.review_by.to_string(),
        pass_mark: def.pass_mark,
        pages: &def.pages,
    })
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
        let version = module_version::ActiveModel {
            module_id: Set(module_id),
            version: Set(latest.map_or(1, |v| v.version + 1)),
            title: Set(def.title.clone()),
            summary: Set(def.summary.clone()),
            minutes: Set(def.minutes as i32),
            outcomes: Set(serde_json::to_string(&def.outcomes).unwrap_or_default()),
            sources: Set(serde_json::to_string(&def.sources).unwrap_or_default()),
            review_by: Set(def.review_by),
            pass_mark: Set(def.pass_mark as i32),
            content_hash: Set(hash),
            created_at: Set(now),
            created_by: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for (position, page) in def.pages.iter().enumerate() {
            module_page::ActiveModel {
                module_version_id: Set(version.id),
                position: Set(position as i32 + 1),
                title: Set(page.title.clone()),
                body: Set(page.body.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        for slug in &def.topics {
            if let Some(&topic_id) = topics.get(slug) {
                module_topic::ActiveModel {
                    module_version_id: Set(version.id),
                    topic_id: Set(topic_id),
                }
                .insert(db)
                .await?;
            }
        }
        module::Entity::update_many()
            .col_expr(module::Column::CurrentVersionId, version.id.into())
            .col_expr(module::Column::UpdatedAt, now.into())
            .col_expr(module::Column::Status, PUBLISHED.into())
            .filter(module::Column::Id.eq(module_id))
            .exec(db)
            .await?;
        summary.module_versions_created += 1;
        ids.insert(def.slug.clone(), (module_id, version.id));
    }
    Ok(ids)
}
