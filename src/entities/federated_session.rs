//! Persistence shape of the `federated_sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "federated_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_hash: String,
    pub provider: String,
    pub id_token: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
