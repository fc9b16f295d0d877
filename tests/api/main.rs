//! Black-box tests through the real application builder, each over a fresh migrated database:
//! SQLite always, PostgreSQL as well when `TEST_DATABASE_URL` is set.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a broken test set-up should fail the test loudly"
)]

mod helpers;

mod access_matrix;
mod accounts_flow;
mod adaptive_baseline;
mod assessment_flow;
mod assignments;
mod audit_log;
mod author_item_steps;
mod author_modules;
mod author_search;
mod author_web;
mod authoring_analysis;
mod authoring_import;
mod authoring_items;
mod authoring_support;
mod backup_restore;
mod bench_seed;
mod body_messages;
mod calibration;
mod certificates;
mod cli;
mod cli_output;
mod cli_people;
mod cli_targets;
mod client_address;
mod content_check;
mod content_load;
mod csrf;
mod data_export;
mod data_support;
mod decision_priors;
mod demo_year;
mod disclosure;
mod disclosure_batches;
mod disclosure_model;
mod disclosure_naive;
mod disclosure_people;
mod disclosure_requests;
mod disclosure_resit;
mod disclosure_solve;
mod disclosure_views;
mod erasure;
mod esr_completions;
mod foundation;
mod frameworks;
mod hostile_requests;
mod import;
mod job_titles;
mod layering;
mod layering_source;
mod learner_api;
mod learner_next_step;
mod learner_pages;
mod learning_journey;
mod local_details;
mod long_lists;
mod mail_activation;
mod mail_cli;
mod mail_crash;
mod mail_work;
mod measures_help;
mod metrics;
mod migrations;
mod minor_pages;
mod moodle_banks;
mod moodle_banks_web;
mod oidc_refusals;
mod oidc_sign_in;
mod oidc_support;
mod openapi;
mod option_shuffle;
mod progress_race;
mod reports_charts;
mod reports_cli;
mod reports_demo;
mod reports_filter_form;
mod reports_filters;
mod reports_gaps;
mod reports_grid;
mod reports_support;
mod reports_verify;
mod reports_web;
mod retention;
mod scorm_export;
mod sessions;
mod statement_timeout;
mod submit_plan;
mod targets_edit;
mod teams_assignments;
mod teams_import;
mod teams_scope;
mod teams_support;
mod throttling;
