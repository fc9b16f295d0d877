//! Reading a module: its current published version, pages rendered safely, progress saved.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, IntoCondition, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef,
};
use serde::Serialize;

use super::frameworks::{SupportedCompetency, supported_by_module};
use super::module_versions::ModuleVersions;
use crate::accounts::local_details;
use crate::content::Source;
use crate::content::local_details::LocalTexts;
use crate::entities::{module, module_page, module_progress, module_topic, module_version};
use crate::error::{AppError, AppResult};
use crate::ids::{ModuleId, PersonId};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleSummary {
    #[schema(value_type = i64)]
    pub module_id: ModuleId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub topic_ids: Vec<i64>,
    pub version_id: i64,
    pub version: i32,
    pub outcomes: Vec<String>,
    pub sources: Vec<Source>,
    pub pass_mark: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub last_page: i32,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModulePage {
    pub module: ModuleSummary,
    pub page_number: i32,
    pub page_count: i32,
    pub page_title: String,
    pub html: String,
    pub progress: Option<Progress>,
}

pub(super) fn summary_of(
    row: &module::Model,
    version: module_version::Model,
    topic_ids: Vec<i64>,
) -> ModuleSummary {
    ModuleSummary {
        module_id: row.id.into(),
        slug: row.slug.clone(),
        title: version.title,
        summary: version.summary,
        minutes: version.minutes,
        topic_ids,
        version_id: version.id,
        version: version.version,
        outcomes: serde_json::from_str(&version.outcomes).unwrap_or_default(),
        sources: serde_json::from_str(&version.sources).unwrap_or_default(),
        pass_mark: version.pass_mark,
    }
}

/// Every published module at its current version, in slug order.
pub async fn published_modules(db: &impl ConnectionTrait) -> AppResult<Vec<ModuleSummary>> {
    let rows = module::Entity::find()
        .filter(module::Column::Status.eq("published"))
        .order_by_asc(module::Column::Slug)
        .all(db)
        .await?;
    let version_ids: Vec<i64> = rows.iter().filter_map(|m| m.current_version_id).collect();
    let versions = module_version::Entity::find()
        .filter(module_version::Column::Id.is_in(version_ids.clone()))
        .all(db)
        .await?;
    let topics = module_topic::Entity::find()
        .filter(module_topic::Column::ModuleVersionId.is_in(version_ids))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for row in &rows {
        let Some(version) = versions
            .iter()
            .find(|v| Some(v.id) == row.current_version_id)
            .cloned()
        else {
            continue;
        };
        let topic_ids = topics
            .iter()
            .filter(|t| t.module_version_id == version.id)
            .map(|t| t.topic_id)
            .collect();
        out.push(summary_of(row, version, topic_ids));
    }
    Ok(out)
}

/// Where a learner is with a module, for its card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModuleStatus {
    NotStarted,
    /// Some pages read, not all.
    InProgress,
    /// Every page read; the quiz not passed yet.
    QuizToDo,
    Completed,
}

/// A published module with how far the learner has got: "3 of 5 pages read".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleCard {
    #[serde(flatten)]
    pub module: ModuleSummary,
    /// Pages in the module's current version.
    pub page_count: i32,
    /// Pages read, counting to the furthest one reached (at most `page_count`).
    pub pages_read: i32,
    pub status: ModuleStatus,
}

/// Every published module (as [`published_modules`]) with the learner's progress in it.
pub async fn module_cards(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Vec<ModuleCard>> {
    let modules = published_modules(db).await?;
    let version_ids: Vec<i64> = modules.iter().map(|m| m.version_id).collect();
    let pages = module_page::Entity::find()
        .filter(module_page::Column::ModuleVersionId.is_in(version_ids))
        .all(db)
        .await?;
    let progress = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .all(db)
        .await?;
    Ok(modules
        .into_iter()
        .map(|module| {
            let page_count = pages
                .iter()
                .filter(|p| p.module_version_id == module.version_id)
                .count();
            let page_count = i32::try_from(page_count).unwrap_or(i32::MAX);
            let row = progress
                .iter()
                .find(|p| ModuleId::from(p.module_id) == module.module_id);
            let pages_read = row.map_or(0, |r| r.last_page.clamp(0, page_count));
            let status = match row {
                Some(r) if r.completed_at.is_some() => ModuleStatus::Completed,
                _ if pages_read == 0 => ModuleStatus::NotStarted,
                _ if pages_read >= page_count => ModuleStatus::QuizToDo,
                _ => ModuleStatus::InProgress,
            };
            ModuleCard {
                module,
                page_count,
                pages_read,
                status,
            }
        })
        .collect())
}

pub async fn module_by_slug(db: &impl ConnectionTrait, slug: &str) -> AppResult<ModuleSummary> {
    published_modules(db)
        .await?
        .into_iter()
        .find(|m| m.slug == slug)
        .ok_or_else(|| AppError::NotFound("That module was not found.".into()))
}

pub async fn progress_of(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    module_id: ModuleId,
) -> AppResult<Option<module_progress::Model>> {
    Ok(module_progress::Entity::find()
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .filter(module_progress::Column::ModuleId.eq(module_id.get()))
        .one(db)
        .await?)
}

/// Page `number` (from 1) of a module, recording that the learner reached it.
pub async fn read_page(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    slug: &str,
    number: i32,
) -> AppResult<ModulePage> {
    read_page_from(db, &ModuleVersions::default(), user_id, slug, number).await
}

/// [`read_page`], with the module's published version from `versions` when it was read before.
/// Reading a page already reached costs one statement (the module with the learner's progress);
/// the progress row is written only when the learner gets further.
pub async fn read_page_from(
    db: &impl ConnectionTrait,
    versions: &ModuleVersions,
    user_id: PersonId,
    slug: &str,
    number: i32,
) -> AppResult<ModulePage> {
    let (row, progress) = published_with_progress(db, user_id, slug).await?;
    let version = versions.current(db, &row).await?;
    let page = version.page(number)?;
    let progress = match progress {
        Some(progress) if progress.last_page >= number => progress,
        _ => record_reached(db, user_id, &version.summary, number).await?,
    };
    // Most pages mark no local detail, so the learner's organisation is read only when needed.
    let local = if page.body.is_local() {
        local_details::for_learner(db, user_id).await?
    } else {
        LocalTexts::default()
    };
    Ok(ModulePage {
        page_number: number,
        page_count: version.page_count(),
        page_title: page.title.clone(),
        html: page.body.fill(&local),
        progress: Some(Progress {
            last_page: progress.last_page,
            completed_at: progress.completed_at,
        }),
        module: version.summary.clone(),
    })
}

/// The published module `slug` and, when they have opened it, `user_id`'s progress in it.
async fn published_with_progress(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    slug: &str,
) -> AppResult<(module::Model, Option<module_progress::Model>)> {
    let user = user_id.get();
    let theirs: RelationDef = module::Entity::belongs_to(module_progress::Entity)
        .from(module::Column::Id)
        .to(module_progress::Column::ModuleId)
        .on_condition(move |_, progress| {
            Expr::col((progress, module_progress::Column::UserId))
                .eq(user)
                .into_condition()
        })
        .into();
    module::Entity::find()
        .filter(module::Column::Slug.eq(slug))
        .filter(module::Column::Status.eq("published"))
        .select_also(module_progress::Entity)
        .join(JoinType::LeftJoin, theirs)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That module was not found.".into()))
}

/// Records that `user_id` reached page `number` of `module`, and reads the progress back.
async fn record_reached(
    db: &impl ConnectionTrait,
    user_id: PersonId,
    module: &ModuleSummary,
    number: i32,
) -> AppResult<module_progress::Model> {
    // A quiz submit may make the same row at the same moment (it does not wait for page reads),
    // so the row is made if missing, raised only forwards, then read back as it stands.
    module_progress::Entity::insert(module_progress::ActiveModel {
        user_id: Set(user_id.get()),
        module_id: Set(module.module_id.get()),
        module_version_id: Set(module.version_id),
        last_page: Set(number),
        started_at: Set(Utc::now()),
        completed_at: Set(None),
        completing_attempt_id: Set(None),
        certificate_code: Set(None),
    })
    .on_conflict(
        OnConflict::columns([
            module_progress::Column::UserId,
            module_progress::Column::ModuleId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    module_progress::Entity::update_many()
        .col_expr(module_progress::Column::LastPage, number.into())
        .filter(module_progress::Column::UserId.eq(user_id.get()))
        .filter(module_progress::Column::ModuleId.eq(module.module_id.get()))
        .filter(module_progress::Column::LastPage.lt(number))
        .exec(db)
        .await?;
    progress_of(db, user_id, module.module_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That module was not found.".into()))
}

/// A module page as its reader sees it, with (on the first page only) the framework
/// competencies the module supports.
pub struct Reading {
    pub page: ModulePage,
    pub supports: Vec<SupportedCompetency>,
}

/// [`read_page_from`], with the module's competencies on page 1.
pub async fn reading(
    db: &impl ConnectionTrait,
    versions: &ModuleVersions,
    user_id: PersonId,
    slug: &str,
    number: i32,
) -> AppResult<Reading> {
    let page = read_page_from(db, versions, user_id, slug, number).await?;
    // The mapping is shown once, with the outcomes it is about.
    let supports = if number == 1 {
        supported_by_module(db, page.module.module_id).await?
    } else {
        Vec::new()
    };
    Ok(Reading { page, supports })
}
