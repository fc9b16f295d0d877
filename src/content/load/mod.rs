//! Loading a checked content tree into the database in one transaction, idempotently:
//! unchanged content creates nothing, a changed question or module gets one new version, and a
//! question removed from the files is retired (never deleted) so answers keep their version.

use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::tree::*;

mod assessments;
mod frameworks;
mod items;
mod modules;
mod taxonomy;

use crate::questions::Question;
use assessments::load_assessments;
pub use items::add_item_version;
use items::load_items;
use modules::load_modules;
pub use modules::{ModuleContent, add_module_version};
use taxonomy::{load_roles, load_targets, load_topics};

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
    /// Frameworks written again because `frameworks.toml` changed (the mapping is replaced whole).
    pub frameworks_changed: usize,
    /// File definitions that differ from something a trainer changed in the app, which wins.
    pub app_edits_kept: usize,
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

pub(super) fn hash_json(value: &impl Serialize) -> String {
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

/// Loads a checked tree in one transaction and reports what changed.
pub async fn load_tree(db: &DatabaseConnection, tree: &ContentTree) -> Result<LoadSummary, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut summary = LoadSummary::default();
    let topics = load_topics(&txn, tree, &mut summary).await?;
    let roles = load_roles(&txn, tree, &mut summary).await?;
    load_targets(&txn, tree, &topics, &roles, &mut summary).await?;
    let modules = load_modules(&txn, tree, &topics, &mut summary).await?;
    let items = load_items(&txn, tree, &topics, &mut summary).await?;
    load_assessments(&txn, tree, &topics, &modules, &items, &mut summary).await?;
    frameworks::load_frameworks(&txn, tree, &topics, &modules, &mut summary).await?;
    txn.commit().await?;
    Ok(summary)
}
