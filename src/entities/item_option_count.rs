//! Persistence shape of the `item_option_counts` aggregate table (`option_<i>` or
//! `dont_know` per item version, phase and staff group).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_option_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_version_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub phase: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_group_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_key: String,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
