//! Persistence shape of the `module_versions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "module_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub module_id: i64,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
    pub outcomes: String,
    pub sources: String,
    pub review_by: Date,
    pub pass_mark: i32,
    pub content_hash: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
