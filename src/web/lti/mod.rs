//! The LTI 1.3 routes (`crate::lti`): the launch (`/lti/login`, `/lti/launch`), the tool's key
//! set (`/lti/jwks`), the instructor's deep-linking choice (`/lti/deep-link`), and the admin's
//! registrations (`/admin/lti` and its JSON twin under `/api/v1/admin/lti`).
//!
//! Pages under `/lti/` and pages of a session begun by a launch may be framed by the
//! registered platforms, and their forms may post to them (`fairings::SecurityHeaders`).

mod admin;
mod deep_link;
mod launch;

use crate::web::page::Page;
use rocket::Route;
use rocket::http::{Cookie, SameSite, Status};
use serde::Serialize;

pub use admin::ApiDoc;

use crate::lti::Failure;
use crate::web::chrome::Chrome;

pub fn routes() -> Vec<Route> {
    let mut routes = launch::routes();
    routes.extend(deep_link::routes());
    routes.extend(admin::routes());
    routes
}

/// A cookie a launch sets inside the platform's frame: a third-party context, so it must be
/// `SameSite=None`, which browsers accept only with `Secure` (http://localhost counts as
/// secure to them).
pub(super) fn framed_cookie(
    name: &'static str,
    value: String,
    path: &'static str,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::None)
        .secure(true)
        .path(path)
        .build()
}

#[derive(Serialize)]
struct ProblemView<'a> {
    status: u16,
    message: &'a str,
}

/// The page for a refused launch: what happened and what to do, with its 4xx status.
pub(super) fn problem(chrome: &Chrome, failure: &Failure) -> (Status, Page) {
    let status = Status::from_code(failure.status).unwrap_or(Status::BadRequest);
    (
        status,
        chrome.render(
            "lti/problem",
            "Genomics training could not be opened",
            ProblemView {
                status: failure.status,
                message: &failure.message,
            },
        ),
    )
}
