//! Persistence shape of the `assessment_stats` aggregate table (attempt-total moments per
//! assessment, phase and staff group).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assessment_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub phase: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_group_id: i64,
    pub n: i64,
    pub sum_items: i64,
    pub sum_total: f64,
    pub sum_total_sq: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
