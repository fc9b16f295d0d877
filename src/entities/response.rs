//! Persistence shape of the `responses` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub attempt_id: i64,
    pub item_version_id: i64,
    pub answer: Option<String>,
    pub fraction: Option<f64>,
    pub certainty: Option<i16>,
    pub dont_know: bool,
    pub time_on_item_ms: Option<i32>,
    pub answered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
