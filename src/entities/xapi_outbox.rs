//! Persistence shape of the `xapi_outbox` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The statement's own `id` (a UUID), by which the store recognises a second delivery.
    pub statement_id: String,
    pub user_id: i64,
    pub verb: String,
    /// The statement as JSON, exactly as it is sent.
    pub statement: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
