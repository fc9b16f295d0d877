//! Published module versions in memory. A version never changes once made (an edit makes a new
//! one and moves the module's `current_version_id`), so its summary and its pages, rendered and
//! sanitised, are read and rendered once per process instead of on every page view.
//!
//! Nothing about a reader is kept here: the learner's progress, name and CSRF token are read per
//! request, and pages that show an organisation's local details keep those places open
//! ([`PreparedPage`]). The caller names the version it read from the module's row on this
//! request, so a draft, retired or replaced version is never served from here; one entry per
//! module (its current version) keeps the memory bounded by the number of modules.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::modules::{ModuleSummary, summary_of};
use crate::content::local_details::PreparedPage;
use crate::entities::{module, module_page, module_topic, module_version};
use crate::error::{AppError, AppResult};

/// One page of a version, rendered.
#[derive(Debug)]
pub struct VersionPage {
    pub position: i32,
    pub title: String,
    pub body: PreparedPage,
}

/// A module version as every reader sees it.
#[derive(Debug)]
pub struct Version {
    pub summary: ModuleSummary,
    pub pages: Vec<VersionPage>,
}

impl Version {
    pub fn page_count(&self) -> i32 {
        i32::try_from(self.pages.len()).unwrap_or(i32::MAX)
    }

    /// Page `number` (from 1), or the 404 that names the pages there are.
    pub fn page(&self, number: i32) -> AppResult<&VersionPage> {
        self.pages
            .iter()
            .find(|page| page.position == number)
            .ok_or_else(|| {
                AppError::NotFound(format!("This module has pages 1 to {}.", self.page_count()))
            })
    }
}

/// The current version of each module read so far, by module id.
#[derive(Debug, Default)]
pub struct ModuleVersions {
    by_module: RwLock<HashMap<i64, Arc<Version>>>,
}

impl ModuleVersions {
    /// The version `row` names as current, from memory when it was read before. `row` must be
    /// the module as read on this request, so a newer version is never missed.
    pub async fn current(
        &self,
        db: &impl ConnectionTrait,
        row: &module::Model,
    ) -> AppResult<Arc<Version>> {
        let Some(version_id) = row.current_version_id else {
            return Err(AppError::NotFound("That module was not found.".into()));
        };
        if let Some(version) = self.cached(row, version_id) {
            return Ok(version);
        }
        // Two first readers may both load it; they load the same rows, and either is kept.
        let version = Arc::new(load(db, row, version_id).await?);
        if let Ok(mut map) = self.by_module.write() {
            map.insert(row.id, Arc::clone(&version));
        }
        Ok(version)
    }

    fn cached(&self, row: &module::Model, version_id: i64) -> Option<Arc<Version>> {
        let map = self.by_module.read().ok()?;
        map.get(&row.id)
            .filter(|v| v.summary.version_id == version_id && v.summary.slug == row.slug)
            .cloned()
    }
}

async fn load(
    db: &impl ConnectionTrait,
    row: &module::Model,
    version_id: i64,
) -> AppResult<Version> {
    let version = module_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That module was not found.".into()))?;
    let topic_ids = module_topic::Entity::find()
        .filter(module_topic::Column::ModuleVersionId.eq(version_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.topic_id)
        .collect();
    let pages = module_page::Entity::find()
        .filter(module_page::Column::ModuleVersionId.eq(version_id))
        .order_by_asc(module_page::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|page| VersionPage {
            position: page.position,
            body: PreparedPage::new(&page.body),
            title: page.title,
        })
        .collect();
    Ok(Version {
        summary: summary_of(row, version, topic_ids),
        pages,
    })
}
