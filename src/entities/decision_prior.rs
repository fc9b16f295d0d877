//! Persistence shape of the `decision_priors` table: the prior a job role's (or staff group's)
//! learners start from in the test-out decision for one topic, in one calibration run.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_priors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub calibration_run_id: i64,
    /// "job_role" or "staff_group".
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: i64,
    pub alpha: f64,
    pub beta: f64,
    /// First baselines the prior was fitted to.
    pub learners: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
