//! Persistence shape of the `module_pages` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "module_pages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub module_version_id: i64,
    pub position: i32,
    pub title: String,
    pub body: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
