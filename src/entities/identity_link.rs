//! Persistence shape of the `identity_links` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub issuer: String,
    pub subject: String,
    pub user_id: i64,
    pub provider: String,
    pub organisation_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
