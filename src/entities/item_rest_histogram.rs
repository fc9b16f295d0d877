//! Persistence shape of the `item_rest_histogram` aggregate table (rest-score buckets in
//! hundredths per item version, phase and staff group).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_rest_histogram")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_version_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub phase: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_group_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rest_bucket: i64,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
