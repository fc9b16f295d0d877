//! An unguessable code for each certificate (issue 24 point 6), so that anyone given a
//! certificate's reference can check it on the public page without being able to find anyone
//! else's. The old reference (`GT-<user id>-<module>-v<version>-<date>`) was made of things a
//! stranger can guess, so it can never be what a public look-up accepts.
//!
//! `certificate_code` holds 20 upper-case hex digits (80 random bits), set when a module is
//! completed; certificates earned before this migration get theirs here, from the database's
//! own random source (SQLite's `randomblob`, PostgreSQL's `gen_random_uuid`, both seeded from
//! the operating system). The page prints it as `GT-XXXX-XXXX-XXXX-XXXX-XXXX`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_len_null;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_module_progress_certificate_code";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("module_progress")
                    .add_column(string_len_null("certificate_code", 20))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        let random_code = match db.get_database_backend() {
            DbBackend::Postgres => "upper(substr(md5(gen_random_uuid()::text), 1, 20))",
            _ => "upper(hex(randomblob(10)))",
        };
        db.execute_unprepared(&format!(
            "UPDATE module_progress SET certificate_code = {random_code} \
             WHERE completed_at IS NOT NULL AND certificate_code IS NULL"
        ))
        .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("module_progress")
                    .col("certificate_code")
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table("module_progress")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("module_progress")
                    .drop_column("certificate_code")
                    .take(),
            )
            .await
    }
}
