//! Persistence shape of the `module_assignments` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "module_assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub module_id: i64,
    pub organisation_id: Option<i64>,
    pub job_role_id: Option<i64>,
    /// A team of the organisation: only its members.
    pub team_id: Option<i64>,
    /// One person (the organisation is theirs when it was made).
    pub user_id: Option<i64>,
    pub due_on: Date,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
