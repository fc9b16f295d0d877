//! Persistence shape of the `calibration_runs` table: one Rasch calibration of the item bank.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calibration_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    /// "cml" (conditional maximum likelihood).
    pub method: String,
    /// "command" or "schedule".
    pub trigger: String,
    /// Learners whose first baseline had responses.
    pub n_persons: i64,
    /// Of which all right or all wrong on a topic's calibrated items, every topic.
    pub n_persons_extreme: i64,
    pub n_responses: i64,
    pub n_items_estimated: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
