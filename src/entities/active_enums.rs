//! Text columns with a fixed set of values, as Rust enums (sea-orm active enums stored as their
//! string values, so the columns stay plain text). Comparing with an enum instead of a string
//! literal lets the compiler catch a misspelt phase or status.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Which sitting an attempt is (`attempts.phase`), and what an assessment is for
/// (`assessments.kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// What the learner knows before training; the first submitted one is the one reported.
    #[sea_orm(string_value = "baseline")]
    Baseline,
    /// After training; the most recent submitted one is the one reported.
    #[sea_orm(string_value = "post")]
    Post,
    /// A module's quiz: completes the module when it meets the pass mark.
    #[sea_orm(string_value = "quiz")]
    Quiz,
}

impl Phase {
    /// The stored value ("baseline", "post", "quiz").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Post => "post",
            Self::Quiz => "quiz",
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an attempt is (`attempts.status`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Answers may still be saved.
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    /// Submitted once; its answers no longer change.
    #[sea_orm(string_value = "submitted")]
    Submitted,
}

impl AttemptStatus {
    /// The stored value ("in_progress", "submitted").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Submitted => "submitted",
        }
    }
}
