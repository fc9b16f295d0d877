//! Persistence shape of the `blueprint_topics` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "blueprint_topics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assessment_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: i64,
    pub item_count: i32,
    pub position: i32,
    /// Set when a trainer edited the row in the app; the content loader then leaves it be.
    pub edited_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
