//! Persistence shape of the `attempt_topic_scores` table: an attempt's per-topic response sums,
//! kept when retention removes its responses.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_topic_scores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: i64,
    pub n_responses: i64,
    pub n_answered: i64,
    pub n_dont_know: i64,
    pub n_confidently_wrong: i64,
    pub sum_fraction_answered: f64,
    pub sum_stated_probability: f64,
    pub sum_brier: f64,
    pub sum_cbm_mark: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
