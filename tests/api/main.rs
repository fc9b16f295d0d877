//! Black-box tests through the real application builder, each over a fresh migrated database:
//! SQLite always, PostgreSQL as well when `TEST_DATABASE_URL` is set.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a broken test set-up should fail the test loudly"
)]

mod helpers;

mod assessment_flow;
mod authoring_analysis;
mod authoring_import;
mod authoring_items;
mod authoring_support;
mod cli;
mod content_check;
mod content_load;
mod foundation;
mod learning_journey;
mod migrations;
