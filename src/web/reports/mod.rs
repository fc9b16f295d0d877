//! Managers' reports (issue 7): the training-gap dashboard with filters, each topic's every
//! measure, trends, the completion view, CSV/JSON exports and the JSON twins. Every route takes
//! the `Manager` guard; the organisations a manager may see come from the guard, never from
//! the query string.

pub(crate) mod api;
pub mod filters;
mod help;
mod pages;
mod view;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        pages::show_gaps,
        pages::show_topic,
        pages::show_trends,
        pages::show_completion,
        pages::show_framework,
        api::export_csv,
        api::export_json,
        api::chart_svg,
        api::api_gaps,
        api::api_trends,
        api::api_completion,
        api::api_framework,
    ]
}
