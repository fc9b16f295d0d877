//! Database schema for genomics-training, as sea-orm migrations.
//!
//! Migrations never import the application's entities: each one describes the schema as it was
//! on the day it was written, so later entity changes cannot rewrite history.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait declares `&SchemaManager` with an elided lifetime; impls must match"
)]

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261123_000001_create_organisations_and_roles;
mod m20261123_000002_create_accounts;
mod m20261123_000003_create_content;
mod m20261123_000004_create_assessments;
mod m20261123_000005_create_aggregates;
mod m20261123_000006_create_audit_log;
mod m20261123_120000_create_item_rest_histogram;
mod m20261123_120100_add_blueprint_edited_at;
mod m20261124_000001_create_retention;
mod m20261124_000100_add_content_edited_at;
mod m20261124_120000_create_report_totals;
mod m20261206_005000_add_attempt_option_order;
mod m20261206_010000_create_publication;
mod m20261206_021800_create_mail_outbox;
mod m20261207_030000_normalise_bands;
mod m20261207_040000_create_identity_links;
mod m20261207_050000_create_frameworks;
mod m20261208_000000_create_local_details;
mod m20261212_000001_create_calibrations;
mod m20261212_000002_create_attempt_topic_abilities;
mod m20261215_000000_add_certificate_codes;
mod m20261216_000000_create_mail_work;
mod m20261217_000000_create_teams;
mod m20261218_000000_create_target_versions_and_job_titles;
mod m20261219_000000_create_decision_priors;
mod m20261221_000000_create_xapi_outbox;
mod m20261222_000000_create_lti;
mod m20261223_000000_add_calibrated_gain;
mod m20261224_000000_add_team_to_reports;
mod m20261224_01_create_report_published_national;
mod m20261225_000000_attempt_row_statistics;
mod m20261226_000000_create_report_data_version;

/// The one spelling of a band, shared with the people import.
pub use m20261207_030000_normalise_bands::normalise_band;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_organisations_and_roles::Migration),
            Box::new(m20261123_000002_create_accounts::Migration),
            Box::new(m20261123_000003_create_content::Migration),
            Box::new(m20261123_000004_create_assessments::Migration),
            Box::new(m20261123_000005_create_aggregates::Migration),
            Box::new(m20261123_000006_create_audit_log::Migration),
            Box::new(m20261123_120000_create_item_rest_histogram::Migration),
            Box::new(m20261123_120100_add_blueprint_edited_at::Migration),
            Box::new(m20261124_000001_create_retention::Migration),
            Box::new(m20261124_000100_add_content_edited_at::Migration),
            Box::new(m20261124_120000_create_report_totals::Migration),
            Box::new(m20261206_005000_add_attempt_option_order::Migration),
            Box::new(m20261206_010000_create_publication::Migration),
            Box::new(m20261206_021800_create_mail_outbox::Migration),
            Box::new(m20261207_030000_normalise_bands::Migration),
            Box::new(m20261207_040000_create_identity_links::Migration),
            Box::new(m20261207_050000_create_frameworks::Migration),
            Box::new(m20261208_000000_create_local_details::Migration),
            Box::new(m20261212_000001_create_calibrations::Migration),
            Box::new(m20261212_000002_create_attempt_topic_abilities::Migration),
            Box::new(m20261215_000000_add_certificate_codes::Migration),
            Box::new(m20261216_000000_create_mail_work::Migration),
            Box::new(m20261217_000000_create_teams::Migration),
            Box::new(m20261218_000000_create_target_versions_and_job_titles::Migration),
            Box::new(m20261219_000000_create_decision_priors::Migration),
            Box::new(m20261221_000000_create_xapi_outbox::Migration),
            Box::new(m20261222_000000_create_lti::Migration),
            Box::new(m20261223_000000_add_calibrated_gain::Migration),
            Box::new(m20261224_000000_add_team_to_reports::Migration),
            Box::new(m20261224_01_create_report_published_national::Migration),
            Box::new(m20261225_000000_attempt_row_statistics::Migration),
            Box::new(m20261226_000000_create_report_data_version::Migration),
        ]
    }
}
