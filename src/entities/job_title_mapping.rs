//! Persistence shape of the `job_title_mappings` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_title_mappings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title_key: String,
    pub title: String,
    pub organisation_id: Option<i64>,
    pub job_role_id: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
