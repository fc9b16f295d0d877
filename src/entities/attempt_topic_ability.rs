//! Persistence shape of the `attempt_topic_abilities` table: a submitted attempt's ability on
//! the calibrated scale per topic, under the calibration run it names.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_topic_abilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: i64,
    pub calibration_run_id: i64,
    /// The attempt's answered items in this topic that the run estimated.
    pub n_items: i64,
    /// Warm's weighted likelihood estimate, logits; `None` when `n_items` is 0.
    pub theta: Option<f64>,
    pub standard_error: Option<f64>,
    /// 0–100: the expected share right on every item version of the topic the run estimated.
    pub expected_percent: Option<f64>,
    /// A post-assessment's: the learner's reported baseline scored under the same run, so the
    /// two can be subtracted (calibrated gain); `None` on a baseline, where the baseline has no
    /// estimated item of the topic, or for rows written before it was kept.
    pub pre_expected_percent: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
