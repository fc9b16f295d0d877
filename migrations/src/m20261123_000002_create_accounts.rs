//! People, their job assignments over time, sessions, one-time links and sign-in throttling.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, boolean, integer, string, string_null, string_uniq, text,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
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
                table_with_id("users")
                    .col(string_uniq("email"))
                    .col(string("display_name"))
                    .col(string_null("employee_number"))
                    .col(string_null("password_hash"))
                    .col(boolean("is_active"))
                    .col(boolean("is_trainer"))
                    .col(boolean("is_admin"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .col(timestamp_with_time_zone_null("pseudonymised_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("manager_scopes")
                    .col(reference("user_id"))
                    .col(reference("organisation_id"))
                    .col(created_at())
                    .primary_key(Index::create().col("user_id").col("organisation_id"))
                    .foreign_key(&mut fk(
                        "manager_scopes",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "manager_scopes",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("job_assignments")
                    .col(reference("user_id"))
                    .col(reference("organisation_id"))
                    .col(reference("job_role_id"))
                    .col(string_null("band"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk(
                        "job_assignments",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "job_assignments",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "job_assignments",
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
                    .table("sessions")
                    .col(string("id_hash").primary_key())
                    .col(reference("user_id"))
                    .col(string("csrf_token"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(string_null("client_address"))
                    .foreign_key(&mut fk(
                        "sessions",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("one_time_tokens")
                    .col(string("token_hash").primary_key())
                    .col(big_integer_null("user_id"))
                    .col(string("purpose"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut fk(
                        "one_time_tokens",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sign_in_throttles")
                    .col(string("key").primary_key())
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone("last_failure_at"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .col(string("key").primary_key())
                    .col(text("value"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("users", &["employee_number"], true),
                index("job_assignments", &["user_id", "ended_at"], false),
                index(
                    "job_assignments",
                    &["organisation_id", "job_role_id"],
                    false,
                ),
                index("sessions", &["user_id"], false),
                index("sessions", &["expires_at"], false),
                index("one_time_tokens", &["user_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "settings",
                "sign_in_throttles",
                "one_time_tokens",
                "sessions",
                "job_assignments",
                "manager_scopes",
                "users",
            ],
        )
        .await
    }
}
