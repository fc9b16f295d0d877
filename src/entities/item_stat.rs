//! Persistence shape of the `item_stats` aggregate table (running sums per item version,
//! phase and staff group; 0 = everyone).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_version_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub phase: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_group_id: i64,
    pub n: i64,
    pub n_dont_know: i64,
    pub n_certainty_1: i64,
    pub n_certainty_2: i64,
    pub n_certainty_3: i64,
    pub n_confidently_wrong: i64,
    pub sum_fraction: f64,
    pub sum_fraction_sq: f64,
    pub sum_rest: f64,
    pub sum_rest_sq: f64,
    pub sum_fraction_rest: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
