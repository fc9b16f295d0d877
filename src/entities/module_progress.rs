//! Persistence shape of the `module_progress` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "module_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub module_id: i64,
    pub module_version_id: i64,
    pub last_page: i32,
    pub started_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub completing_attempt_id: Option<i64>,
    /// 20 upper-case hex digits, set when the module is completed: the certificate's reference
    /// without its `GT-` and hyphens (`learning::certificates`).
    pub certificate_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
