//! LTI 1.3 (issue 26): the tool's registrations with learning platforms (Moodle, Totara), its
//! own signing keys, launches under way, what a launch was for, and the scores waiting to go
//! back.
//!
//! - `lti_platforms`: a platform by `issuer` + `client_id` (unique together), with the
//!   addresses of its login (authorisation) endpoint, access-token endpoint and key set;
//! - `lti_deployments`: the deployment ids a platform may launch with;
//! - `lti_tool_keys`: the tool's RSA keys; the newest unretired one signs, retired ones stay
//!   published in the tool's key set until they are deleted;
//! - `lti_logins`: a launch that has left for the platform's login endpoint, keyed by the hash
//!   of its `state`, holding the `nonce` it must come back with; used once, then deleted;
//! - `lti_deep_links`: an instructor's choice under way (where to post the answer);
//! - `lti_links`: a person's launch of a resource link (which activity, which line item), so a
//!   score can be sent back to it;
//! - `lti_score_outbox`: scores waiting to be sent to a line item, retried like the mail outbox;
//! - `sessions.lti_view`: `learner` or `trainer` for a session begun by a launch (never admin).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    double, integer, string, string_null, text, text_null, timestamp_with_time_zone,
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
                table_with_id("lti_platforms")
                    .col(string("name"))
                    .col(string("issuer"))
                    .col(string("client_id"))
                    .col(text("login_url"))
                    .col(text("token_url"))
                    .col(text("jwks_url"))
                    .col(created_at())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("lti_deployments")
                    .col(reference("platform_id"))
                    .col(string("deployment_id"))
                    .foreign_key(&mut fk(
                        "lti_deployments",
                        "platform_id",
                        "lti_platforms",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("lti_tool_keys")
                    .col(string("kid"))
                    .col(text("private_pem"))
                    .col(created_at())
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lti_logins")
                    .col(string("state_hash").primary_key())
                    .col(reference("platform_id"))
                    .col(string("nonce"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk(
                        "lti_logins",
                        "platform_id",
                        "lti_platforms",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lti_deep_links")
                    .col(string("id_hash").primary_key())
                    .col(reference("platform_id"))
                    .col(reference("user_id"))
                    .col(string("deployment_id"))
                    .col(text("return_url"))
                    .col(text_null("data"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk(
                        "lti_deep_links",
                        "platform_id",
                        "lti_platforms",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "lti_deep_links",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("lti_links")
                    .col(reference("platform_id"))
                    .col(reference("user_id"))
                    .col(string("subject"))
                    .col(string("resource_link_id"))
                    .col(string("activity"))
                    .col(text_null("lineitem_url"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("launched_at"))
                    .foreign_key(&mut fk(
                        "lti_links",
                        "platform_id",
                        "lti_platforms",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "lti_links",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table_with_id("lti_score_outbox")
                    .col(reference("link_id"))
                    .col(double("score_given"))
                    .col(double("score_maximum"))
                    .col(string("activity_progress"))
                    .col(string("grading_progress"))
                    .col(timestamp_with_time_zone("scored_at"))
                    .col(created_at())
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .foreign_key(&mut fk(
                        "lti_score_outbox",
                        "link_id",
                        "lti_links",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(string_null("lti_view"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("lti_platforms", &["issuer", "client_id"], true),
                index("lti_deployments", &["platform_id", "deployment_id"], true),
                index("lti_tool_keys", &["kid"], true),
                index("lti_logins", &["expires_at"], false),
                index("lti_deep_links", &["expires_at"], false),
                index(
                    "lti_links",
                    &["platform_id", "resource_link_id", "user_id"],
                    true,
                ),
                index("lti_links", &["user_id"], false),
                index("lti_score_outbox", &["sent_at", "next_attempt_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("lti_view")
                    .take(),
            )
            .await?;
        drop_tables(
            manager,
            &[
                "lti_score_outbox",
                "lti_links",
                "lti_deep_links",
                "lti_logins",
                "lti_tool_keys",
                "lti_deployments",
                "lti_platforms",
            ],
        )
        .await
    }
}
