//! Persistence shape of the `item_calibrations` table: one item version in one calibration run.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_calibrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub calibration_run_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_version_id: i64,
    pub topic_id: i64,
    /// [`crate::measures::rasch::ItemStatus::as_str`].
    pub status: String,
    pub n: i64,
    pub n_right: i64,
    /// Logits, mean 0 over the topic's estimated items.
    pub difficulty: Option<f64>,
    pub standard_error: Option<f64>,
    pub infit: Option<f64>,
    pub outfit: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
