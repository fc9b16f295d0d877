//! Topics, role targets, modules with versions and pages, and items with immutable versions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, date, integer, string, string_uniq, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

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
                table_with_id("topics")
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(text("description"))
                    .col(integer("position"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("role_targets")
                    .col(reference("job_role_id"))
                    .col(reference("topic_id"))
                    .col(integer("required_level"))
                    .col(integer("importance"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(big_integer_null("updated_by"))
                    .primary_key(Index::create().col("job_role_id").col("topic_id"))
                    .foreign_key(&mut fk(
                        "role_targets",
                        "job_role_id",
                        "job_roles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "role_targets",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "role_targets",
                        "updated_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("modules")
                    .col(string_uniq("slug"))
                    .col(string("status"))
                    // No foreign key: a module and its versions point at each other.
                    .col(big_integer_null("current_version_id"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("module_versions")
                    .col(reference("module_id"))
                    .col(integer("version"))
                    .col(string("title"))
                    .col(text("summary"))
                    .col(integer("minutes"))
                    .col(text("outcomes"))
                    .col(text("sources"))
                    .col(date("review_by"))
                    .col(integer("pass_mark"))
                    .col(string("content_hash"))
                    .col(created_at())
                    .col(big_integer_null("created_by"))
                    .foreign_key(&mut fk(
                        "module_versions",
                        "module_id",
                        "modules",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_versions",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("module_pages")
                    .col(reference("module_version_id"))
                    .col(integer("position"))
                    .col(string("title"))
                    .col(text("body"))
                    .foreign_key(&mut fk(
                        "module_pages",
                        "module_version_id",
                        "module_versions",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("module_topics")
                    .col(reference("module_version_id"))
                    .col(reference("topic_id"))
                    .primary_key(Index::create().col("module_version_id").col("topic_id"))
                    .foreign_key(&mut fk(
                        "module_topics",
                        "module_version_id",
                        "module_versions",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_topics",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("items")
                    .col(string_uniq("uid"))
                    .col(reference("topic_id"))
                    .col(string("status"))
                    .col(string("origin"))
                    .col(big_integer_null("current_version_id"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "items",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("item_versions")
                    .col(reference("item_id"))
                    .col(integer("version"))
                    .col(string("qtype"))
                    .col(string("name"))
                    .col(text("body"))
                    .col(text("explanation"))
                    .col(string("content_hash"))
                    .col(created_at())
                    .col(big_integer_null("created_by"))
                    .foreign_key(&mut fk(
                        "item_versions",
                        "item_id",
                        "items",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "item_versions",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("item_tags")
                    .col(reference("item_id"))
                    .col(string("tag"))
                    .primary_key(Index::create().col("item_id").col("tag"))
                    .foreign_key(&mut fk(
                        "item_tags",
                        "item_id",
                        "items",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("role_targets", &["topic_id"], false),
                index("module_versions", &["module_id", "version"], true),
                index("module_pages", &["module_version_id", "position"], true),
                index("module_topics", &["topic_id"], false),
                index("items", &["topic_id", "status"], false),
                index("item_versions", &["item_id", "version"], true),
                index("item_tags", &["tag"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "item_tags",
                "item_versions",
                "items",
                "module_topics",
                "module_pages",
                "module_versions",
                "modules",
                "role_targets",
                "topics",
            ],
        )
        .await
    }
}
