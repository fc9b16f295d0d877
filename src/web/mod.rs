//! The thin web layer: request guards, fairings, catchers and one module of handlers per
//! capability. Handlers extract, call one service, and render.

pub mod accounts;
pub mod author;
pub mod bodies;
pub mod calibration_schedule;
pub mod catchers;
pub mod certificates;
pub mod chrome;
pub mod client_address;
pub mod completions_file;
pub mod contact;
pub mod csrf;
pub mod dates;
pub mod error_response;
pub mod fairings;
pub mod glossary;
pub mod guards;
pub mod health;
pub mod ids;
pub mod job_titles;
pub mod learn;
pub mod listing;
pub mod lti;
pub mod mail_schedule;
pub mod mail_sender;
pub mod manage;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod pages;
pub mod periodic;
pub mod reports;
pub mod request_id;
pub mod request_span;
pub mod targets;
pub mod xapi_sender;

use rocket::Route;

use crate::error::{AppError, AppResult};

/// Every route of the web layer, mounted at `/`.
pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(pages::routes());
    routes.extend(contact::routes());
    routes.extend(certificates::routes());
    routes.extend(health::routes());
    routes.extend(openapi::routes());
    routes.extend(accounts::routes());
    routes.extend(learn::routes());
    routes.extend(manage::routes());
    routes.extend(author::routes());
    routes.extend(reports::routes());
    routes.extend(targets::routes());
    routes.extend(job_titles::routes());
    routes.extend(lti::routes());
    routes.extend(completions_file::routes());
    routes
}

/// An optional id from a query string: absent or empty means none; anything else must be an
/// id number, or the request is a 400 that names the field (Rocket's own `Option<i64>` would
/// quietly ignore `?organisation=abc` and show everything).
pub fn query_id(value: Option<&str>, name: &str) -> AppResult<Option<i64>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            AppError::BadRequest(format!(
                "{name} must be chosen from the list (an id number)"
            ))
        }),
    }
}
