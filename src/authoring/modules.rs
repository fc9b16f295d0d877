//! Modules in the app: create (a draft with its quiz), edit (every saved change is a new
//! version; learners' progress stays with the module), publish and retire. Once a module is
//! changed here the content loader leaves it alone (`modules.edited_at`).

use serde_json::json;
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::audit::action;
use crate::content::{
    ModuleContent, PUBLISHED, PageDef, RETIRED, Source, add_module_version, is_slug, quiz_tag,
};
use crate::entities::{
    assessment, assessment_item, item, module, module_page, module_topic, module_version, topic,
};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

pub const DRAFT: &str = "draft";
pub const MAX_PAGES: usize = 30;
pub const MAX_PAGE_CHARS: usize = 50_000;
const MAX_LINE_CHARS: usize = 300;

/// Everything a trainer sets on a module version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ModuleDraft {
    pub title: String,
    pub summary: String,
    pub minutes: i64,
    pub topics: Vec<String>,
    pub outcomes: Vec<String>,
    pub sources: Vec<Source>,
    pub review_by: Option<NaiveDate>,
    pub pass_mark: i64,
    pub pages: Vec<PageDef>,
}

/// A problem with one field of a draft; `field` is the form input's id.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

fn too_long(value: &str, max: usize) -> bool {
    value.chars().count() > max
}

/// Every problem with `draft`, given the live topic slugs and today's date.
pub fn module_problems(draft: &ModuleDraft, topics: &[String], today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut add = |field: &str, message: String| {
        out.push(Problem {
            field: field.to_owned(),
            message,
        })
    };
    if draft.title.trim().is_empty() || too_long(&draft.title, 150) {
        add("title", "Enter a title of up to 150 characters".into());
    }
    if draft.summary.trim().is_empty() || too_long(&draft.summary, 600) {
        add("summary", "Enter a summary of up to 600 characters".into());
    }
    if !(1..=30).contains(&draft.minutes) {
        add(
            "minutes",
            "Enter the reading time as a whole number of minutes from 1 to 30".into(),
        );
    }
    if !(0..=100).contains(&draft.pass_mark) {
        add(
            "pass_mark",
            "Enter the quiz pass mark as a whole number from 0 to 100".into(),
        );
    }
    if draft.topics.is_empty() {
        add(
            "topics",
            "Choose at least one topic the module teaches".into(),
        );
    }
    for slug in &draft.topics {
        if !topics.contains(slug) {
            add("topics", format!("There is no topic `{slug}`"));
        }
    }
    if draft.outcomes.is_empty() {
        add("outcomes", "Enter at least one learning outcome".into());
    }
    if draft.outcomes.iter().any(|o| too_long(o, MAX_LINE_CHARS)) {
        add(
            "outcomes",
            format!("Keep each learning outcome to {MAX_LINE_CHARS} characters"),
        );
    }
    match draft.review_by {
        None => add("review_by", "Enter a review-by date".into()),
        Some(date) if date <= today => add(
            "review_by",
            "The review-by date must be in the future".into(),
        ),
        Some(date) if date > today + chrono::Duration::days(5 * 366) => add(
            "review_by",
            "The review-by date must be within 5 years".into(),
        ),
        Some(_) => {}
    }
    if draft.sources.is_empty() {
        add(
            "sources-0-title",
            "Cite at least one source (NHS England, Genomics England or the Genomics Education Programme)"
                .into(),
        );
    }
    for (n, source) in draft.sources.iter().enumerate() {
        let number = n + 1;
        if source.title.trim().is_empty() || too_long(&source.title, MAX_LINE_CHARS) {
            add(
                &format!("sources-{n}-title"),
                format!("Enter the title of source {number}"),
            );
        }
        if source.publisher.trim().is_empty() || too_long(&source.publisher, MAX_LINE_CHARS) {
            add(
                &format!("sources-{n}-publisher"),
                format!("Enter who published source {number}"),
            );
        }
        let url = source.url.trim();
        if !url.starts_with("https://")
            || url.len() < 12
            || url.len() > 2000
            || url.contains(char::is_whitespace)
        {
            add(
                &format!("sources-{n}-url"),
                format!("Enter the web address of source {number}, starting https://"),
            );
        }
    }
    if draft.pages.is_empty() {
        add("pages-0-title", "A module needs at least one page".into());
    }
    if draft.pages.len() > MAX_PAGES {
        add(
            "pages-0-title",
            format!("A module can have at most {MAX_PAGES} pages"),
        );
    }
    for (n, page) in draft.pages.iter().enumerate() {
        let number = n + 1;
        if page.title.trim().is_empty() || too_long(&page.title, 150) {
            add(
                &format!("pages-{n}-title"),
                format!("Enter a title of up to 150 characters for page {number}"),
            );
        }
        if page.body.trim().is_empty() || too_long(&page.body, MAX_PAGE_CHARS) {
            add(
                &format!("pages-{n}-body"),
                format!("Write page {number} (up to {MAX_PAGE_CHARS} characters)"),
            );
        }
        if let Some(unknown) = crate::content::local_details::unknown_markers(&page.body).first() {
            add(
                &format!("pages-{n}-body"),
                format!(
                    "Page {number}, line {}: {}",
                    unknown.line,
                    unknown.message()
                ),
            );
        }
    }
    out
}

/// One module as trainers list it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ModuleRow {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub version: i32,
    pub review_by: Option<NaiveDate>,
    pub review_due: bool,
    pub edited_in_app: bool,
    pub quiz_items: u64,
}

/// A module with its current content and version history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleDetail {
    #[serde(flatten)]
    pub row: ModuleRow,
    pub draft: ModuleDraft,
    pub versions: Vec<VersionEntry>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ModuleVersion)]
pub struct VersionEntry {
    pub version: i32,
    pub title: String,
    pub created_at: chrono::DateTime<Utc>,
    /// `created_at` for people, e.g. "24 November 2026 at 02:20 (UTC)".
    pub saved: String,
    pub by_trainer: bool,
}

/// What saving a module did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ModuleSaveOutcome)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SaveOutcome {
    Unchanged,
    NewVersion { version: i32 },
}

fn content_of(draft: &ModuleDraft) -> ModuleContent<'_> {
    ModuleContent {
        title: draft.title.trim(),
        summary: draft.summary.trim(),
        minutes: draft.minutes,
        topics: &draft.topics,
        outcomes: &draft.outcomes,
        sources: &draft.sources,
        review_by: draft.review_by.map(|d| d.to_string()).unwrap_or_default(),
        pass_mark: draft.pass_mark,
        pages: &draft.pages,
    }
}

async fn live_topics(db: &impl ConnectionTrait) -> AppResult<HashMap<String, i64>> {
    Ok(topic::Entity::find()
        .filter(topic::Column::RetiredAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id))
        .collect())
}

/// Every problem with `draft` as of today, against the live topics (for showing each one
/// beside its field before saving).
pub async fn problems_now(
    db: &impl ConnectionTrait,
    draft: &ModuleDraft,
) -> AppResult<Vec<Problem>> {
    let slugs: Vec<String> = live_topics(db).await?.into_keys().collect();
    Ok(module_problems(draft, &slugs, Utc::now().date_naive()))
}

async fn check(db: &impl ConnectionTrait, draft: &ModuleDraft) -> AppResult<HashMap<String, i64>> {
    let topics = live_topics(db).await?;
    let slugs: Vec<String> = topics.keys().cloned().collect();
    refuse(module_problems(draft, &slugs, Utc::now().date_naive()))?;
    Ok(topics)
}

/// All of a draft's problems as one 422 (the web form shows each beside its field instead).
pub(super) fn refuse(problems: Vec<Problem>) -> AppResult<()> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(AppError::Unprocessable(
        problems
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
            .join("; "),
    ))
}

async fn find_module(db: &impl ConnectionTrait, slug: &str) -> AppResult<module::Model> {
    module::Entity::find()
        .filter(module::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no module `{slug}`.")))
}

/// The module's quiz (every module has one), created if a file-loaded module lacks it.
async fn quiz_of(
    db: &impl ConnectionTrait,
    row: &module::Model,
    title: &str,
    pass_mark: i64,
) -> AppResult<assessment::Model> {
    let now = Utc::now();
    let pass_mark = i32::try_from(pass_mark).ok();
    let found = assessment::Entity::find()
        .filter(assessment::Column::ModuleId.eq(row.id))
        .filter(assessment::Column::Kind.eq(crate::entities::Phase::Quiz))
        .one(db)
        .await?;
    let mut active: assessment::ActiveModel = match found {
        Some(quiz) => quiz.into(),
        None => assessment::ActiveModel {
            slug: Set(quiz_tag(&row.slug)),
            kind: Set(crate::entities::Phase::Quiz),
            module_id: Set(Some(row.id)),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.title = Set(format!("Quiz: {title}"));
    active.pass_mark = Set(pass_mark);
    active.edited_at = Set(Some(now));
    Ok(active.save(db).await?.try_into()?)
}

/// Creates a draft module (learners see it once published) with an empty quiz.
#[tracing::instrument(skip(db, draft))]
pub async fn create_module(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    slug: &str,
    draft: &ModuleDraft,
) -> AppResult<ModuleRow> {
    if !is_slug(slug) {
        return Err(AppError::Unprocessable(
            "Enter a short name for the web address: lower-case letters, digits and hyphens".into(),
        ));
    }
    let topics = check(db, draft).await?;
    let txn = crate::db::begin_write(db).await?;
    if module::Entity::find()
        .filter(module::Column::Slug.eq(slug))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "There is already a module `{slug}`; choose another short name."
        )));
    }
    let now = Utc::now();
    let row = module::ActiveModel {
        slug: Set(slug.to_owned()),
        status: Set(DRAFT.into()),
        current_version_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        edited_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let review_by = draft.review_by.unwrap_or_default();
    add_module_version(
        &txn,
        row.id,
        1,
        &content_of(draft),
        review_by,
        &topics,
        actor.map(PersonId::get),
    )
    .await?;
    quiz_of(&txn, &row, draft.title.trim(), draft.pass_mark).await?;
    super::audit_change(&txn, actor, action::MODULE_CREATED, slug, json!({})).await?;
    let row = find_module(&txn, slug).await?;
    let out = row_of(&txn, row).await?;
    txn.commit().await?;
    Ok(out)
}

/// Saves a trainer's change as a new version (nothing when nothing changed).
#[tracing::instrument(skip(db, draft))]
pub async fn edit_module(
    db: &DatabaseConnection,
    actor: Option<PersonId>,
    slug: &str,
    draft: &ModuleDraft,
) -> AppResult<SaveOutcome> {
    let topics = check(db, draft).await?;
    let txn = crate::db::begin_write(db).await?;
    let row = find_module(&txn, slug).await?;
    if row.status == RETIRED {
        return Err(AppError::Conflict(format!(
            "Module `{slug}` is retired and cannot be changed."
        )));
    }
    let content = content_of(draft);
    let current = current_version(&txn, &row).await?;
    if current
        .as_ref()
        .is_some_and(|v| v.content_hash == content.hash())
    {
        return Ok(SaveOutcome::Unchanged);
    }
    let version = current.map_or(1, |v| v.version + 1);
    let review_by = draft.review_by.unwrap_or_default();
    add_module_version(
        &txn,
        row.id,
        version,
        &content,
        review_by,
        &topics,
        actor.map(PersonId::get),
    )
    .await?;
    module::Entity::update_many()
        .col_expr(module::Column::EditedAt, Some(Utc::now()).into())
        .filter(module::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    quiz_of(&txn, &row, draft.title.trim(), draft.pass_mark).await?;
    super::audit_change(
        &txn,
        actor,
        action::MODULE_EDITED,
        slug,
        json!({ "version": version }),
    )
    .await?;
    txn.commit().await?;
    Ok(SaveOutcome::NewVersion { version })
}

async fn published_quiz_items(db: &impl ConnectionTrait, module_id: i64) -> AppResult<u64> {
    let Some(quiz) = assessment::Entity::find()
        .filter(assessment::Column::ModuleId.eq(module_id))
        .filter(assessment::Column::Kind.eq(crate::entities::Phase::Quiz))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let ids: Vec<i64> = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(quiz.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.item_id)
        .collect();
    Ok(item::Entity::find()
        .filter(item::Column::Id.is_in(ids))
        .filter(item::Column::Status.eq(PUBLISHED))
        .count(db)
        .await?)
}

async fn set_status(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    row: module::Model,
    status: &str,
    audit: &str,
) -> AppResult<ModuleRow> {
    let slug = row.slug.clone();
    if row.status != status {
        let now = Utc::now();
        let mut active: module::ActiveModel = row.into();
        active.status = Set(status.to_owned());
        active.updated_at = Set(now);
        active.edited_at = Set(Some(now));
        active.update(db).await?;
        super::audit_change(db, actor, audit, &slug, json!({})).await?;
    }
    let row = find_module(db, &slug).await?;
    row_of(db, row).await
}

/// Shows a draft module to learners. Its quiz needs a published question first, or no one
/// could complete it.
#[tracing::instrument(skip(db))]
pub async fn publish_module(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    slug: &str,
) -> AppResult<ModuleRow> {
    let row = find_module(db, slug).await?;
    if row.status == RETIRED {
        return Err(AppError::Conflict(format!(
            "Module `{slug}` is retired and cannot be published again."
        )));
    }
    if published_quiz_items(db, row.id).await? == 0 {
        return Err(AppError::Unprocessable(format!(
            "Add at least one published question to the module's quiz (/author/quizzes/{slug}) before publishing it, so learners can complete it."
        )));
    }
    set_status(db, actor, row, PUBLISHED, action::MODULE_PUBLISHED).await
}

/// Takes a module away from learners for good; progress and certificates stay.
#[tracing::instrument(skip(db))]
pub async fn retire_module(
    db: &impl ConnectionTrait,
    actor: Option<PersonId>,
    slug: &str,
) -> AppResult<ModuleRow> {
    let row = find_module(db, slug).await?;
    set_status(db, actor, row, RETIRED, action::MODULE_RETIRED).await
}

async fn current_version(
    db: &impl ConnectionTrait,
    row: &module::Model,
) -> AppResult<Option<module_version::Model>> {
    Ok(match row.current_version_id {
        Some(id) => module_version::Entity::find_by_id(id).one(db).await?,
        None => None,
    })
}

async fn row_of(db: &impl ConnectionTrait, row: module::Model) -> AppResult<ModuleRow> {
    let current = current_version(db, &row).await?;
    let today = Utc::now().date_naive();
    Ok(ModuleRow {
        quiz_items: published_quiz_items(db, row.id).await?,
        title: current
            .as_ref()
            .map_or_else(|| row.slug.clone(), |v| v.title.clone()),
        version: current.as_ref().map_or(0, |v| v.version),
        review_by: current.as_ref().map(|v| v.review_by),
        review_due: current.as_ref().is_some_and(|v| v.review_by < today) && row.status != RETIRED,
        edited_in_app: row.edited_at.is_some(),
        status: row.status,
        slug: row.slug,
    })
}

/// One module as trainers list it, or 404.
pub async fn module_row(db: &impl ConnectionTrait, slug: &str) -> AppResult<ModuleRow> {
    row_of(db, find_module(db, slug).await?).await
}

/// Every module (retired ones too), by slug.
pub async fn list_modules(db: &impl ConnectionTrait) -> AppResult<Vec<ModuleRow>> {
    let rows = module::Entity::find()
        .order_by_asc(module::Column::Slug)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(row_of(db, row).await?);
    }
    Ok(out)
}

/// A module's current content (as the edit form starts from it) and its versions.
pub async fn module_detail(db: &impl ConnectionTrait, slug: &str) -> AppResult<ModuleDetail> {
    let row = find_module(db, slug).await?;
    let current = current_version(db, &row)
        .await?
        .ok_or_else(|| AppError::internal(format!("module {slug} has no version")))?;
    let pages = module_page::Entity::find()
        .filter(module_page::Column::ModuleVersionId.eq(current.id))
        .order_by_asc(module_page::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PageDef {
            title: p.title,
            body: p.body,
        })
        .collect();
    let topic_ids: Vec<i64> = module_topic::Entity::find()
        .filter(module_topic::Column::ModuleVersionId.eq(current.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.topic_id)
        .collect();
    let topics = topic::Entity::find()
        .filter(topic::Column::Id.is_in(topic_ids))
        .order_by_asc(topic::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    let draft = ModuleDraft {
        title: current.title.clone(),
        summary: current.summary.clone(),
        minutes: i64::from(current.minutes),
        topics,
        outcomes: serde_json::from_str(&current.outcomes).unwrap_or_default(),
        sources: serde_json::from_str(&current.sources).unwrap_or_default(),
        review_by: Some(current.review_by),
        pass_mark: i64::from(current.pass_mark),
        pages,
    };
    let versions = module_version::Entity::find()
        .filter(module_version::Column::ModuleId.eq(row.id))
        .order_by_desc(module_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VersionEntry {
            version: v.version,
            title: v.title,
            saved: v.created_at.format("%-d %B %Y at %H:%M (UTC)").to_string(),
            created_at: v.created_at,
            by_trainer: v.created_by.is_some(),
        })
        .collect();
    Ok(ModuleDetail {
        row: row_of(db, row).await?,
        draft,
        versions,
    })
}
