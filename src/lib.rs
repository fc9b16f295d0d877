//! genomics-training: finds out what NHS staff who are not genomics specialists know and how
//! confident they are, teaches the gaps, and shows managers the training gaps by job role.
//!
//! Capability modules hold domain types and services; `web` is a thin layer of handlers on top.
//! Errors: services and handlers return [`error::AppError`]; start-up returns
//! [`app::StartupError`]; command-line subcommands print one line and exit non-zero.

pub mod accounts;
pub mod aggregates;
pub mod app;
pub mod assessment;
pub mod audit;
pub mod authoring;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod config;
pub mod content;
pub mod csv_out;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod entities;
pub mod error;
pub mod ids;
pub mod learning;
pub mod listing;
pub mod lti;
pub mod measures;
pub mod monitoring;
pub mod notify;
pub mod questions;
pub mod reports;
pub mod retention;
pub mod state;
pub mod targets;
pub mod telemetry;
pub mod validation;
pub mod web;
pub mod xapi;
