//! Assessments and blueprints, learners' attempts, responses, topic self-ratings, module
//! progress and module assignments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, boolean, date, double_null, integer, integer_null, small_integer,
    small_integer_null, string, string_null, string_uniq, text_null, timestamp_with_time_zone,
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
                table_with_id("assessments")
                    .col(string_uniq("slug"))
                    .col(string("kind"))
                    .col(string("title"))
                    .col(big_integer_null("module_id"))
                    .col(integer_null("pass_mark"))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "assessments",
                        "module_id",
                        "modules",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("blueprint_topics")
                    .col(reference("assessment_id"))
                    .col(reference("topic_id"))
                    .col(integer("item_count"))
                    .col(integer("position"))
                    .primary_key(Index::create().col("assessment_id").col("topic_id"))
                    .foreign_key(&mut fk(
                        "blueprint_topics",
                        "assessment_id",
                        "assessments",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "blueprint_topics",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assessment_items")
                    .col(reference("assessment_id"))
                    .col(reference("item_id"))
                    .col(integer("position"))
                    .primary_key(Index::create().col("assessment_id").col("item_id"))
                    .foreign_key(&mut fk(
                        "assessment_items",
                        "assessment_id",
                        "assessments",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "assessment_items",
                        "item_id",
                        "items",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("attempts")
                    .col(reference("user_id"))
                    .col(reference("assessment_id"))
                    .col(string("phase"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    // The job held when submitted, so movers' answers stay with their old role.
                    .col(big_integer_null("organisation_id"))
                    .col(big_integer_null("job_role_id"))
                    .col(big_integer_null("staff_group_id"))
                    .col(string_null("band"))
                    .col(boolean("is_reported"))
                    .col(double_null("accuracy"))
                    .col(double_null("cbm_mean"))
                    .foreign_key(&mut fk(
                        "attempts",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "attempts",
                        "assessment_id",
                        "assessments",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "attempts",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "attempts",
                        "job_role_id",
                        "job_roles",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("attempt_items")
                    .col(reference("attempt_id"))
                    .col(integer("position"))
                    .col(reference("item_version_id"))
                    .col(reference("topic_id"))
                    .primary_key(Index::create().col("attempt_id").col("position"))
                    .foreign_key(&mut fk(
                        "attempt_items",
                        "attempt_id",
                        "attempts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "attempt_items",
                        "item_version_id",
                        "item_versions",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("responses")
                    .col(reference("attempt_id"))
                    .col(reference("item_version_id"))
                    .col(text_null("answer"))
                    .col(double_null("fraction"))
                    .col(small_integer_null("certainty"))
                    .col(boolean("dont_know"))
                    .col(integer_null("time_on_item_ms"))
                    .col(timestamp_with_time_zone("answered_at"))
                    .foreign_key(&mut fk(
                        "responses",
                        "attempt_id",
                        "attempts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "responses",
                        "item_version_id",
                        "item_versions",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("topic_ratings")
                    .col(reference("attempt_id"))
                    .col(reference("topic_id"))
                    .col(small_integer("rating"))
                    .primary_key(Index::create().col("attempt_id").col("topic_id"))
                    .foreign_key(&mut fk(
                        "topic_ratings",
                        "attempt_id",
                        "attempts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "topic_ratings",
                        "topic_id",
                        "topics",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("module_progress")
                    .col(reference("user_id"))
                    .col(reference("module_id"))
                    .col(reference("module_version_id"))
                    .col(integer("last_page"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(big_integer_null("completing_attempt_id"))
                    .primary_key(Index::create().col("user_id").col("module_id"))
                    .foreign_key(&mut fk(
                        "module_progress",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_progress",
                        "module_id",
                        "modules",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_progress",
                        "module_version_id",
                        "module_versions",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("module_assignments")
                    .col(reference("module_id"))
                    .col(big_integer_null("organisation_id"))
                    .col(big_integer_null("job_role_id"))
                    .col(date("due_on"))
                    .col(big_integer_null("created_by"))
                    .col(created_at())
                    .foreign_key(&mut fk(
                        "module_assignments",
                        "module_id",
                        "modules",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_assignments",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_assignments",
                        "job_role_id",
                        "job_roles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "module_assignments",
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
                index("assessments", &["module_id"], false),
                index("assessment_items", &["item_id"], false),
                index("attempts", &["user_id", "assessment_id", "status"], false),
                index("attempts", &["status", "submitted_at"], false),
                index("attempt_items", &["attempt_id", "item_version_id"], true),
                index("responses", &["attempt_id", "item_version_id"], true),
                index("responses", &["item_version_id"], false),
                index("module_assignments", &["organisation_id"], false),
                index("module_assignments", &["job_role_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "module_assignments",
                "module_progress",
                "topic_ratings",
                "responses",
                "attempt_items",
                "attempts",
                "assessment_items",
                "blueprint_topics",
                "assessments",
            ],
        )
        .await
    }
}
