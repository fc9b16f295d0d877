//! The content tree as read from disk, before it touches the database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::questions::Question;

/// Where a definition was written, for problems found later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct TopicDef {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct JobRoleDef {
    pub slug: String,
    pub name: String,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct StaffGroupDef {
    pub slug: String,
    pub name: String,
    pub job_roles: Vec<JobRoleDef>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct TargetDef {
    pub job_role: String,
    pub topic: String,
    pub required: i64,
    pub importance: i64,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Source {
    pub title: String,
    pub publisher: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PageDef {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct ModuleDef {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub minutes: i64,
    pub topics: Vec<String>,
    pub outcomes: Vec<String>,
    pub sources: Vec<Source>,
    pub review_by: NaiveDate,
    pub pass_mark: i64,
    pub pages: Vec<PageDef>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ItemDef {
    pub question: Question,
    pub origin: Origin,
}

impl ItemDef {
    pub fn uid(&self) -> Option<&str> {
        self.question.id.as_deref()
    }

    pub fn topic(&self) -> Option<&str> {
        self.question.category.as_deref()
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.question.tags.iter().any(|t| t == tag)
    }
}

/// The tag that puts an item in the baseline (and post-assessment) bank.
pub const BASELINE_TAG: &str = "baseline";

/// The tag that puts an item in a module's end-of-module quiz.
pub fn quiz_tag(module_slug: &str) -> String {
    format!("quiz-{module_slug}")
}

#[derive(Debug, Clone)]
pub struct BlueprintDef {
    pub items_per_topic: i64,
    pub origin: Origin,
}

/// A published competency framework (`frameworks.toml`) and which topics and modules address
/// each of its competencies.
#[derive(Debug, Clone)]
pub struct FrameworkDef {
    pub slug: String,
    pub name: String,
    pub publisher: String,
    pub year: i64,
    pub url: String,
    pub competencies: Vec<CompetencyDef>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct CompetencyDef {
    /// The framework's own numbering, as published ("1", "2.3").
    pub number: String,
    pub name: String,
    pub topics: Vec<String>,
    pub modules: Vec<String>,
    /// Why no topic or module addresses it; the only way to list an unmapped competency.
    pub not_covered: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ContentTree {
    pub topics: Vec<TopicDef>,
    pub staff_groups: Vec<StaffGroupDef>,
    pub targets: Vec<TargetDef>,
    pub modules: Vec<ModuleDef>,
    pub items: Vec<ItemDef>,
    pub blueprint: BlueprintDef,
    pub frameworks: Vec<FrameworkDef>,
}

impl ContentTree {
    pub fn job_roles(&self) -> impl Iterator<Item = &JobRoleDef> {
        self.staff_groups.iter().flat_map(|g| g.job_roles.iter())
    }
}
