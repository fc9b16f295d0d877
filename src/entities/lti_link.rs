//! Persistence shape of the `lti_links` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lti_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform_id: i64,
    pub user_id: i64,
    pub subject: String,
    pub resource_link_id: String,
    /// `baseline` or `module:<slug>`.
    pub activity: String,
    pub lineitem_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub launched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
