//! Targets edited in the app (issue 24 point 3): every change to a role × topic target is kept
//! as a version (who, when, old → new), and a trust's own ESR job-role titles map to the
//! taxonomy's job roles (for all organisations, or for one).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, integer, integer_null, string};

use crate::helpers::{
    create_indexes, created_at, drop_tables, fk, index, reference, table_with_id,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_id("role_target_versions")
                    .col(reference("job_role_id"))
                    .col(reference("topic_id"))
                    // Null before: the pair had no target (the file had none for it).
                    .col(integer_null("old_required_level"))
                    .col(integer_null("old_importance"))
                    .col(integer("new_required_level"))
                    .col(integer("new_importance"))
                    .col(big_integer_null("changed_by"))
                    .col(string("source"))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "role_target_versions",
                        "job_role_id",
                        "job_roles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "role_target_versions",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "role_target_versions",
                        "changed_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("job_title_mappings")
                    // Lower case, inner whitespace collapsed: what an import line is matched on.
                    .col(string("title_key"))
                    .col(string("title"))
                    .col(big_integer_null("organisation_id"))
                    .col(reference("job_role_id"))
                    .col(big_integer_null("created_by"))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "job_title_mappings",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "job_title_mappings",
                        "job_role_id",
                        "job_roles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "job_title_mappings",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "role_target_versions",
                    &["job_role_id", "created_at"],
                    false,
                ),
                index("job_title_mappings", &["title_key"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["job_title_mappings", "role_target_versions"]).await
    }
}
