//! Each organisation's local details (labelling rules, incident reporting, interpreters,
//! information governance and the Caldicott Guardian), kept by admins and shown to that
//! organisation's learners where a module page marks them (`content::local_details`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;

use crate::audit::{self, Event, action};
use crate::content::local_details::{LocalKey, LocalTexts, MAX_LOCAL_CHARS};
use crate::entities::{job_assignment, organisation, organisation_local_detail as row};
use crate::error::{AppError, AppResult};
use crate::ids::{OrganisationId, PersonId};

/// One detail as an admin edits it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocalDetail {
    pub key: LocalKey,
    pub label: &'static str,
    pub hint: &'static str,
    pub default_text: &'static str,
    /// The organisation's own text; empty when learners see the default.
    pub text: String,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An organisation with its details, every key in a fixed order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganisationDetails {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub details: Vec<LocalDetail>,
}

async fn organisation_row(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That organisation was not found.".into()))
}

async fn stored(db: &impl ConnectionTrait, organisation_id: i64) -> AppResult<Vec<row::Model>> {
    Ok(row::Entity::find()
        .filter(row::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?)
}

/// Every detail of an organisation, filled in or not.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> AppResult<OrganisationDetails> {
    let organisation_id = organisation_id.get();
    let organisation = organisation_row(db, organisation_id).await?;
    let rows = stored(db, organisation_id).await?;
    let details = LocalKey::ALL
        .into_iter()
        .map(|key| {
            let own = rows.iter().find(|r| r.detail == key.slug());
            LocalDetail {
                key,
                label: key.label(),
                hint: key.hint(),
                default_text: key.default_text(),
                text: own.map(|r| r.body.clone()).unwrap_or_default(),
                updated_at: own.map(|r| r.updated_at),
            }
        })
        .collect();
    Ok(OrganisationDetails {
        organisation_id,
        organisation_name: organisation.name,
        details,
    })
}

/// The texts for a learner's pages: those of the organisation of their current job, or none
/// (every page then shows the defaults) for someone without one.
pub async fn for_learner(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<LocalTexts> {
    let user_id = user_id.get();
    let job = job_assignment::Entity::find()
        .filter(job_assignment::Column::UserId.eq(user_id))
        .filter(job_assignment::Column::EndedAt.is_null())
        .order_by_desc(job_assignment::Column::StartedAt)
        .order_by_desc(job_assignment::Column::Id)
        .one(db)
        .await?;
    let Some(job) = job else {
        return Ok(LocalTexts::default());
    };
    let organisation = organisation_row(db, job.organisation_id).await?;
    let texts = stored(db, job.organisation_id)
        .await?
        .into_iter()
        .filter_map(|r| LocalKey::from_slug(&r.detail).map(|key| (key, r.body)))
        .collect();
    Ok(LocalTexts {
        organisation: Some(organisation.name),
        texts,
    })
}

/// New texts by key, checked: at most [`MAX_LOCAL_CHARS`] characters each, trimmed; an empty
/// text means "show the default".
#[derive(Debug, Clone, Default)]
pub struct DetailChanges(BTreeMap<LocalKey, String>);

impl DetailChanges {
    /// Checks `(slug, text)` pairs; problems are named by slug so a form can show them in place.
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<(String, String)>> {
        let mut changes = BTreeMap::new();
        let mut problems = Vec::new();
        for (slug, text) in entries {
            let Some(key) = LocalKey::from_slug(slug) else {
                let known: Vec<&str> = LocalKey::ALL.iter().map(|k| k.slug()).collect();
                problems.push((
                    slug.to_owned(),
                    format!(
                        "There is no local detail called `{slug}`; use {}",
                        known.join(", ")
                    ),
                ));
                continue;
            };
            let text = text.trim();
            if text.chars().count() > MAX_LOCAL_CHARS {
                problems.push((
                    slug.to_owned(),
                    format!(
                        "{} must be {MAX_LOCAL_CHARS} characters or fewer",
                        key.label()
                    ),
                ));
            } else if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                problems.push((
                    slug.to_owned(),
                    format!("{} contains a character that cannot be shown", key.label()),
                ));
            } else {
                changes.insert(key, text.replace("\r\n", "\n"));
            }
        }
        // In the order the form shows the details, whatever order they came in.
        problems.sort_by_key(|(slug, _)| {
            LocalKey::ALL
                .iter()
                .position(|k| k.slug() == slug)
                .unwrap_or(usize::MAX)
        });
        if problems.is_empty() {
            Ok(Self(changes))
        } else {
            Err(problems)
        }
    }
}

/// Who changes the details, for the audit log.
#[derive(Debug, Clone)]
pub struct ChangedBy {
    pub user_id: PersonId,
    pub client_address: Option<String>,
}

/// Saves the changed texts and records which changed; the keys that changed, in order.
pub async fn save(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
    changes: DetailChanges,
    by: ChangedBy,
) -> AppResult<Vec<LocalKey>> {
    let organisation_id = organisation_id.get();
    let txn = db.begin().await?;
    let db = &txn;
    let organisation = organisation_row(db, organisation_id).await?;
    let rows = stored(db, organisation_id).await?;
    let now = Utc::now();
    let mut changed = Vec::new();
    for (key, text) in changes.0 {
        let existing = rows.iter().find(|r| r.detail == key.slug());
        match (existing, text.is_empty()) {
            (Some(old), _) if old.body == text => continue,
            (None, true) => continue,
            (Some(old), true) => {
                row::Entity::delete_by_id((organisation_id, old.detail.clone()))
                    .exec(db)
                    .await?;
            }
            (Some(old), false) => {
                let mut active: row::ActiveModel = old.clone().into();
                active.body = Set(text);
                active.updated_at = Set(now);
                active.updated_by_user_id = Set(Some(by.user_id.get()));
                active.update(db).await?;
            }
            (None, false) => {
                row::ActiveModel {
                    organisation_id: Set(organisation_id),
                    detail: Set(key.slug().to_owned()),
                    body: Set(text),
                    updated_at: Set(now),
                    updated_by_user_id: Set(Some(by.user_id.get())),
                }
                .insert(db)
                .await?;
            }
        }
        changed.push(key);
    }
    if !changed.is_empty() {
        let slugs: Vec<&str> = changed.iter().map(|k| k.slug()).collect();
        audit::record(
            db,
            Event::new(action::LOCAL_DETAILS_CHANGED)
                .by(Some(by.user_id))
                .subject(organisation.code)
                .detail(serde_json::json!({
                    "organisation_id": organisation_id,
                    "details": slugs,
                }))
                .from_address(by.client_address),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(changed)
}
