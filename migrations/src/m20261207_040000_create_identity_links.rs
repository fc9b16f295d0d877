//! Single sign-on (OpenID Connect): who a provider's account is here, sign-ins under way, and
//! what signing out at the provider needs.
//!
//! - `identity_links`: a provider's `iss` + `sub` (unique together) linked to a person, so a
//!   changed email at the provider neither locks anyone out nor makes a second account;
//! - `oidc_logins`: a sign-in that has left for the provider, keyed by the hash of a random
//!   value in the browser's cookie (so the `state` is bound to that browser), with its `state`,
//!   `nonce` and PKCE verifier, which never leave the server; used once, then deleted;
//! - `federated_sessions`: for a session begun at a provider, the provider and the ID token to
//!   send back as `id_token_hint` at sign-out; removed with its session.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, string, text, timestamp_with_time_zone};

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
                table_with_id("identity_links")
                    .col(string("issuer"))
                    .col(string("subject"))
                    .col(reference("user_id"))
                    .col(string("provider"))
                    .col(big_integer_null("organisation_id"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("last_sign_in_at"))
                    .foreign_key(&mut fk(
                        "identity_links",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "identity_links",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("oidc_logins")
                    .col(string("id_hash").primary_key())
                    .col(string("provider"))
                    .col(string("state"))
                    .col(string("nonce"))
                    .col(string("pkce_verifier"))
                    .col(text("next"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("expires_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("federated_sessions")
                    .col(string("session_hash").primary_key())
                    .col(string("provider"))
                    .col(text("id_token"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_federated_sessions_session_hash")
                            .from("federated_sessions", "session_hash")
                            .to("sessions", "id_hash")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("identity_links", &["issuer", "subject"], true),
                index("identity_links", &["user_id"], false),
                index("oidc_logins", &["expires_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["federated_sessions", "oidc_logins", "identity_links"],
        )
        .await
    }
}
