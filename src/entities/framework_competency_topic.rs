//! Persistence shape of the `framework_competency_topics` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "framework_competency_topics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub competency_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
