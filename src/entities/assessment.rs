//! Persistence shape of the `assessments` table.

use sea_orm::entity::prelude::*;

use super::active_enums::Phase;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub kind: Phase,
    pub title: String,
    pub module_id: Option<i64>,
    pub pass_mark: Option<i32>,
    pub created_at: DateTimeUtc,
    /// Set when a trainer changed it in the app; the content loader then leaves it be.
    pub edited_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
