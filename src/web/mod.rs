//! The thin web layer: request guards, fairings, catchers and one module of handlers per
//! capability. Handlers extract, call one service, and render.

pub mod accounts;
pub mod author;
pub mod catchers;
pub mod chrome;
pub mod csrf;
pub mod fairings;
pub mod guards;
pub mod health;
pub mod learn;
pub mod manage;
pub mod pages;
pub mod reports;
pub mod request_id;

use rocket::Route;

/// Every route of the web layer, mounted at `/`.
pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(pages::routes());
    routes.extend(health::routes());
    routes.extend(accounts::routes());
    routes.extend(learn::routes());
    routes.extend(manage::routes());
    routes.extend(author::routes());
    routes.extend(reports::routes());
    routes
}
