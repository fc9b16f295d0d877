//! Persistence shape of the `attempts` table.

use sea_orm::entity::prelude::*;

use super::active_enums::{AttemptStatus, Phase};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub assessment_id: i64,
    pub phase: Phase,
    pub status: AttemptStatus,
    pub started_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub organisation_id: Option<i64>,
    pub job_role_id: Option<i64>,
    pub staff_group_id: Option<i64>,
    pub band: Option<String>,
    /// The learner's team when they submitted, if they had one.
    pub team_id: Option<i64>,
    pub is_reported: bool,
    pub accuracy: Option<f64>,
    pub cbm_mean: Option<f64>,
    /// When retention removed its responses (its topic sums are in `attempt_topic_scores`).
    pub responses_removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
