//! Persistence shape of the `removed_response_sums` table: what removed responses added to the
//! item-level aggregates, keyed as `verify` keys those tables.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "removed_response_sums")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub aggregate: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub row_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub column_name: String,
    pub value: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
