//! Frameworks, their competencies and the topics and modules mapped to them.
//!
//! The mapping holds no history a learner or report depends on (figures stay with topics), so
//! a change anywhere replaces the whole mapping; an unchanged file changes nothing.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::*;
use crate::entities::{
    framework, framework_competency, framework_competency_module, framework_competency_topic,
};

/// A framework as comparable plain values: (slug, name, publisher, year, url, competencies).
type Shape = (String, String, String, i32, String, Vec<CompetencyShape>);
/// (number, name, not_covered, topic ids, module ids).
type CompetencyShape = (String, String, Option<String>, BTreeSet<i64>, BTreeSet<i64>);

async fn stored_shape(db: &impl ConnectionTrait) -> Result<Vec<Shape>, DbErr> {
    let mut links: HashMap<i64, (BTreeSet<i64>, BTreeSet<i64>)> = HashMap::new();
    for row in framework_competency_topic::Entity::find().all(db).await? {
        links
            .entry(row.competency_id)
            .or_default()
            .0
            .insert(row.topic_id);
    }
    for row in framework_competency_module::Entity::find().all(db).await? {
        links
            .entry(row.competency_id)
            .or_default()
            .1
            .insert(row.module_id);
    }
    let mut competencies = framework_competency::Entity::find().all(db).await?;
    competencies.sort_by_key(|c| (c.framework_id, c.position));
    let mut frameworks = framework::Entity::find().all(db).await?;
    frameworks.sort_by_key(|f| f.position);
    Ok(frameworks
        .into_iter()
        .map(|f| {
            let own = competencies
                .iter()
                .filter(|c| c.framework_id == f.id)
                .map(|c| {
                    let (topics, modules) = links.get(&c.id).cloned().unwrap_or_default();
                    (
                        c.number.clone(),
                        c.name.clone(),
                        c.not_covered.clone(),
                        topics,
                        modules,
                    )
                })
                .collect();
            (f.slug, f.name, f.publisher, f.year, f.url, own)
        })
        .collect())
}

fn file_shape(
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    modules: &HashMap<String, (i64, i64)>,
) -> Vec<Shape> {
    tree.frameworks
        .iter()
        .map(|f| {
            let own = f
                .competencies
                .iter()
                .map(|c| {
                    let topic_ids = c.topics.iter().filter_map(|t| topics.get(t).copied());
                    let module_ids = c
                        .modules
                        .iter()
                        .filter_map(|m| modules.get(m).map(|ids| ids.0));
                    (
                        c.number.clone(),
                        c.name.clone(),
                        c.not_covered.clone(),
                        topic_ids.collect(),
                        module_ids.collect(),
                    )
                })
                .collect();
            let year = i32::try_from(f.year).unwrap_or_default();
            (
                f.slug.clone(),
                f.name.clone(),
                f.publisher.clone(),
                year,
                f.url.clone(),
                own,
            )
        })
        .collect()
}

pub(super) async fn load_frameworks(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    modules: &HashMap<String, (i64, i64)>,
    summary: &mut LoadSummary,
) -> Result<(), DbErr> {
    let wanted = file_shape(tree, topics, modules);
    let stored = stored_shape(db).await?;
    if stored == wanted {
        return Ok(());
    }
    summary.frameworks_changed += wanted.len().max(stored.len());
    framework_competency_topic::Entity::delete_many()
        .exec(db)
        .await?;
    framework_competency_module::Entity::delete_many()
        .exec(db)
        .await?;
    framework_competency::Entity::delete_many().exec(db).await?;
    framework::Entity::delete_many().exec(db).await?;
    for (position, (slug, name, publisher, year, url, competencies)) in
        wanted.into_iter().enumerate()
    {
        let framework_id = framework::ActiveModel {
            slug: Set(slug),
            name: Set(name),
            publisher: Set(publisher),
            year: Set(year),
            url: Set(url),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id;
        for (position, (number, name, not_covered, topic_ids, module_ids)) in
            competencies.into_iter().enumerate()
        {
            let competency_id = framework_competency::ActiveModel {
                framework_id: Set(framework_id),
                number: Set(number),
                name: Set(name),
                not_covered: Set(not_covered),
                position: Set(position as i32),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id;
            for topic_id in topic_ids {
                framework_competency_topic::ActiveModel {
                    competency_id: Set(competency_id),
                    topic_id: Set(topic_id),
                }
                .insert(db)
                .await?;
            }
            for module_id in module_ids {
                framework_competency_module::ActiveModel {
                    competency_id: Set(competency_id),
                    module_id: Set(module_id),
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}
