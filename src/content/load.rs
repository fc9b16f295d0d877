//! Loading a checked content tree into the database in one transaction, idempotently:
//! unchanged content creates nothing, a changed question or module gets one new version, and a
//! question removed from the files is retired (never deleted) so answers keep their version.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::tree::*;
use crate::entities::{
    assessment, assessment_item, blueprint_topic, item, item_tag, item_version, job_role, module,
    module_page, module_topic, module_version, role_target, staff_group, topic,
};
use crate::questions::Question;

/// What a load changed; all zero when the content was already loaded.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    pub topics_changed: usize,
    pub job_roles_changed: usize,
    pub targets_changed: usize,
    pub module_versions_created: usize,
    pub items_created: usize,
    pub item_versions_created: usize,
    pub items_retired: usize,
    pub assessments_changed: usize,
}

impl LoadSummary {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Item status values.
pub const PUBLISHED: &str = "published";
pub const RETIRED: &str = "retired";
/// Items that came from `content/` (the loader may retire them); others were authored in the app.
pub const ORIGIN_CONTENT: &str = "content";

fn hash_json(value: &impl Serialize) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// The hash that decides whether a question changed: its wording, answers and feedback.
/// Tags and category are kept on the item, so moving or re-tagging a question makes no new
/// version (its statistics stay together).
pub fn version_hash(question: &Question) -> String {
    let mut question = stored_question(question);
    question.tags.clear();
    question.category = None;
    hash_json(&question)
}

/// The stored form of a question: independent of where in a file it was written.
pub fn stored_question(question: &Question) -> Question {
    let mut question = question.clone();
    question.line = 0;
    question
}

async fn load_topics(
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
        if !ids.contains_key(slug) && row.retired_at.is_none() {
            let mut active: topic::ActiveModel = row.clone().into();
            active.retired_at = Set(Some(Utc::now()));
            active.update(db).await?;
            summary.topics_changed += 1;
        }
    }
    Ok(ids)
}

async fn load_roles(
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
async fn load_targets(
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

fn module_hash(def: &ModuleDef) -> String {
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

async fn load_modules(
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

async fn sync_tags(db: &impl ConnectionTrait, item_id: i64, tags: &[String]) -> Result<(), DbErr> {
    let current: HashSet<String> = item_tag::Entity::find()
        .filter(item_tag::Column::ItemId.eq(item_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    let wanted: HashSet<String> = tags.iter().cloned().collect();
    for tag in current.difference(&wanted) {
        item_tag::Entity::delete_many()
            .filter(item_tag::Column::ItemId.eq(item_id))
            .filter(item_tag::Column::Tag.eq(tag.as_str()))
            .exec(db)
            .await?;
    }
    for tag in wanted.difference(&current) {
        item_tag::ActiveModel {
            item_id: Set(item_id),
            tag: Set(tag.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Adds a new immutable version of an item and makes it current.
pub async fn add_item_version(
    db: &impl ConnectionTrait,
    item_id: i64,
    version: i32,
    question: &Question,
    created_by: Option<i64>,
) -> Result<item_version::Model, DbErr> {
    let stored = stored_question(question);
    let row = item_version::ActiveModel {
        item_id: Set(item_id),
        version: Set(version),
        qtype: Set(stored.kind.type_name().to_owned()),
        name: Set(stored.name.clone()),
        body: Set(serde_json::to_string(&stored).unwrap_or_default()),
        explanation: Set(stored.general_feedback.clone()),
        content_hash: Set(version_hash(&stored)),
        created_at: Set(Utc::now()),
        created_by: Set(created_by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    item::Entity::update_many()
        .col_expr(item::Column::CurrentVersionId, row.id.into())
        .col_expr(item::Column::UpdatedAt, Utc::now().into())
        .filter(item::Column::Id.eq(item_id))
        .exec(db)
        .await?;
    Ok(row)
}

async fn load_items(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<HashMap<String, i64>, DbErr> {
    let existing: HashMap<String, item::Model> = item::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.uid.clone(), i))
        .collect();
    let mut ids = HashMap::new();
    for def in &tree.items {
        let (Some(uid), Some(topic_id)) = (def.uid(), def.topic().and_then(|t| topics.get(t)))
        else {
            continue;
        };
        let now = Utc::now();
        let hash = version_hash(&def.question);
        let item_id = match existing.get(uid) {
            Some(row) => {
                let current = match row.current_version_id {
                    Some(id) => item_version::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                if current.as_ref().is_none_or(|v| v.content_hash != hash) {
                    let next = current.map_or(1, |v| v.version + 1);
                    add_item_version(db, row.id, next, &def.question, None).await?;
                    summary.item_versions_created += 1;
                }
                if row.topic_id != *topic_id || row.status != PUBLISHED {
                    item::Entity::update_many()
                        .col_expr(item::Column::TopicId, (*topic_id).into())
                        .col_expr(item::Column::Status, PUBLISHED.into())
                        .col_expr(item::Column::UpdatedAt, now.into())
                        .filter(item::Column::Id.eq(row.id))
                        .exec(db)
                        .await?;
                }
                row.id
            }
            None => {
                let row = item::ActiveModel {
                    uid: Set(uid.to_owned()),
                    topic_id: Set(*topic_id),
                    status: Set(PUBLISHED.into()),
                    origin: Set(ORIGIN_CONTENT.into()),
                    current_version_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                add_item_version(db, row.id, 1, &def.question, None).await?;
                summary.items_created += 1;
                summary.item_versions_created += 1;
                row.id
            }
        };
        sync_tags(db, item_id, &def.question.tags).await?;
        ids.insert(uid.to_owned(), item_id);
    }
    for (uid, row) in &existing {
        if row.origin == ORIGIN_CONTENT && row.status != RETIRED && !ids.contains_key(uid) {
            item::Entity::update_many()
                .col_expr(item::Column::Status, RETIRED.into())
                .col_expr(item::Column::UpdatedAt, Utc::now().into())
                .filter(item::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            summary.items_retired += 1;
        }
    }
    Ok(ids)
}

/// Makes sure an assessment exists with exactly this pool of items; true if anything changed.
async fn sync_assessment(
    db: &impl ConnectionTrait,
    slug: &str,
    kind: &str,
    title: &str,
    module_id: Option<i64>,
    pass_mark: Option<i32>,
    pool: &[i64],
) -> Result<(i64, bool), DbErr> {
    let mut changed = false;
    let row = match assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(slug))
        .one(db)
        .await?
    {
        Some(row)
            if row.title == title && row.pass_mark == pass_mark && row.module_id == module_id =>
        {
            row
        }
        Some(row) => {
            changed = true;
            let mut active: assessment::ActiveModel = row.into();
            active.title = Set(title.to_owned());
            active.pass_mark = Set(pass_mark);
            active.module_id = Set(module_id);
            active.update(db).await?
        }
        None => {
            changed = true;
            assessment::ActiveModel {
                slug: Set(slug.to_owned()),
                kind: Set(kind.to_owned()),
                title: Set(title.to_owned()),
                module_id: Set(module_id),
                pass_mark: Set(pass_mark),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let current: HashSet<i64> = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.item_id)
        .collect();
    let wanted: HashSet<i64> = pool.iter().copied().collect();
    let gone: Vec<i64> = current.difference(&wanted).copied().collect();
    // Only items from the files leave with the files: items trainers authored or imported
    // were added to the pool in the app and stay there.
    let stale: Vec<i64> = if gone.is_empty() {
        gone
    } else {
        item::Entity::find()
            .filter(item::Column::Id.is_in(gone))
            .filter(item::Column::Origin.eq(ORIGIN_CONTENT))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect()
    };
    if !stale.is_empty() {
        changed = true;
        assessment_item::Entity::delete_many()
            .filter(assessment_item::Column::AssessmentId.eq(row.id))
            .filter(assessment_item::Column::ItemId.is_in(stale))
            .exec(db)
            .await?;
    }
    for (position, item_id) in pool.iter().enumerate() {
        if !current.contains(item_id) {
            changed = true;
            assessment_item::ActiveModel {
                assessment_id: Set(row.id),
                item_id: Set(*item_id),
                position: Set(position as i32),
            }
            .insert(db)
            .await?;
        }
    }
    Ok((row.id, changed))
}

async fn sync_blueprint(
    db: &impl ConnectionTrait,
    assessment_id: i64,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
) -> Result<bool, DbErr> {
    let existing: HashMap<i64, blueprint_topic::Model> = blueprint_topic::Entity::find()
        .filter(blueprint_topic::Column::AssessmentId.eq(assessment_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.topic_id, b))
        .collect();
    let count = tree.blueprint.items_per_topic as i32;
    let mut changed = false;
    for (position, def) in tree.topics.iter().enumerate() {
        let Some(&topic_id) = topics.get(&def.slug) else {
            continue;
        };
        let position = position as i32;
        if existing.get(&topic_id).is_some_and(|b| {
            b.edited_at.is_some() || (b.item_count == count && b.position == position)
        }) {
            continue;
        }
        changed = true;
        blueprint_topic::Entity::insert(blueprint_topic::ActiveModel {
            assessment_id: Set(assessment_id),
            topic_id: Set(topic_id),
            item_count: Set(count),
            position: Set(position),
            edited_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([
                blueprint_topic::Column::AssessmentId,
                blueprint_topic::Column::TopicId,
            ])
            .update_columns([
                blueprint_topic::Column::ItemCount,
                blueprint_topic::Column::Position,
            ])
            .to_owned(),
        )
        .exec(db)
        .await?;
    }
    let stale: Vec<i64> = existing
        .keys()
        .filter(|id| !topics.values().any(|t| t == *id))
        .copied()
        .collect();
    if !stale.is_empty() {
        changed = true;
        blueprint_topic::Entity::delete_many()
            .filter(blueprint_topic::Column::AssessmentId.eq(assessment_id))
            .filter(blueprint_topic::Column::TopicId.is_in(stale))
            .exec(db)
            .await?;
    }
    Ok(changed)
}

async fn load_assessments(
    db: &impl ConnectionTrait,
    tree: &ContentTree,
    topics: &HashMap<String, i64>,
    modules: &HashMap<String, (i64, i64)>,
    items: &HashMap<String, i64>,
    summary: &mut LoadSummary,
) -> Result<(), DbErr> {
    let pool_for = |tag: &str| -> Vec<i64> {
        tree.items
            .iter()
            .filter(|item| item.has_tag(tag))
            .filter_map(|item| item.uid().and_then(|uid| items.get(uid)).copied())
            .collect()
    };
    let baseline_pool = pool_for(BASELINE_TAG);
    for (slug, kind, title) in [
        ("baseline", "baseline", "Genomics baseline"),
        ("post", "post", "Genomics post-assessment"),
    ] {
        let (id, changed) =
            sync_assessment(db, slug, kind, title, None, None, &baseline_pool).await?;
        let blueprint_changed = sync_blueprint(db, id, tree, topics).await?;
        summary.assessments_changed += usize::from(changed || blueprint_changed);
    }
    for def in &tree.modules {
        let Some(&(module_id, _)) = modules.get(&def.slug) else {
            continue;
        };
        let tag = quiz_tag(&def.slug);
        let title = format!("Quiz: {}", def.title);
        let (_, changed) = sync_assessment(
            db,
            &tag,
            "quiz",
            &title,
            Some(module_id),
            Some(def.pass_mark as i32),
            &pool_for(&tag),
        )
        .await?;
        summary.assessments_changed += usize::from(changed);
    }
    Ok(())
}

/// Loads a checked tree in one transaction and reports what changed.
pub async fn load_tree(db: &DatabaseConnection, tree: &ContentTree) -> Result<LoadSummary, DbErr> {
    let txn = db.begin().await?;
    let mut summary = LoadSummary::default();
    let topics = load_topics(&txn, tree, &mut summary).await?;
    let roles = load_roles(&txn, tree, &mut summary).await?;
    load_targets(&txn, tree, &topics, &roles, &mut summary).await?;
    let modules = load_modules(&txn, tree, &topics, &mut summary).await?;
    let items = load_items(&txn, tree, &topics, &mut summary).await?;
    load_assessments(&txn, tree, &topics, &modules, &items, &mut summary).await?;
    txn.commit().await?;
    Ok(summary)
}
