//! Persistence shape of the `role_target_versions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "role_target_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job_role_id: i64,
    pub topic_id: i64,
    pub old_required_level: Option<i32>,
    pub old_importance: Option<i32>,
    pub new_required_level: i32,
    pub new_importance: i32,
    pub changed_by: Option<i64>,
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
