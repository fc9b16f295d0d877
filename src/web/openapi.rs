//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. It is generated
//! by `utoipa` from the handlers' own `#[utoipa::path]` annotations (method and path read from
//! the Rocket attribute beneath) and the request and response types, so it cannot drift from
//! the code; a test checks that every mounted `/api/v1` route is in it and nothing else is.
//!
//! Public, like the API's existence: it describes shapes, never data, and an integrator needs it
//! before they can sign in.

use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, Response};
use utoipa::{Modify, OpenApi, ToSchema};

use super::guards::session_cookie_name;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![openapi_json]
}

/// Every error the API answers with (4xx and 5xx alike): a sentence for a person and the status.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words to show a person.
    pub error: String,
    /// The HTTP status code, repeated.
    pub status: u16,
}

/// The session cookie scheme's name in the document.
pub const SESSION: &str = "session_cookie";
/// The CSRF header scheme's name in the document.
pub const CSRF: &str = "csrf_header";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Genomics training API",
        description = "The JSON twin of the service's pages for machines. Sign in with \
            `POST /api/v1/session`: the answer sets the session cookie and carries the \
            `csrf_token` that every state-changing request (POST, PUT, DELETE) sends back in \
            the `X-CSRF-Token` header."
    ),
    paths(openapi_json),
    components(schemas(ErrorBody)),
    tags(
        (name = "accounts", description = "Signing in, who you are, people, organisations, audit"),
        (name = "learning", description = "The learner's assessments, plan, modules and record"),
        (name = "authoring", description = "Trainers' questions, topics, modules and analysis"),
        (name = "reports", description = "Managers' training-gap reports"),
        (name = "management", description = "Managers' module assignments"),
        (name = "lti", description = "Learning platforms (LTI 1.3) that launch the tool"),
        (name = "meta", description = "This document"),
    )
)]
struct Root;

/// The whole document: the root and each capability's operations, with the security schemes
/// and the error answers every operation can give.
pub fn document(release: bool) -> Document {
    let mut doc = Root::openapi();
    doc.merge(super::accounts::api::ApiDoc::openapi());
    doc.merge(super::accounts::admin_erase::ApiDoc::openapi());
    doc.merge(super::accounts::admin_local::ApiDoc::openapi());
    doc.merge(super::contact::ApiDoc::openapi());
    doc.merge(super::accounts::mail_api::ApiDoc::openapi());
    doc.merge(super::learn::api::ApiDoc::openapi());
    doc.merge(super::certificates::ApiDoc::openapi());
    doc.merge(super::author::api::ApiDoc::openapi());
    doc.merge(super::author::search::ApiDoc::openapi());
    doc.merge(super::author::diff::ApiDoc::openapi());
    doc.merge(super::author::module_api::ApiDoc::openapi());
    doc.merge(super::author::scorm::ApiDoc::openapi());
    doc.merge(super::completions_file::ApiDoc::openapi());
    doc.merge(super::author::analysis::ApiDoc::openapi());
    doc.merge(super::reports::api::ApiDoc::openapi());
    doc.merge(super::manage::assignments::ApiDoc::openapi());
    doc.merge(super::manage::assignment_changes::ApiDoc::openapi());
    doc.merge(super::accounts::admin_teams::ApiDoc::openapi());
    doc.merge(super::targets::ApiDoc::openapi());
    doc.merge(super::job_titles::ApiDoc::openapi());
    doc.merge(super::lti::ApiDoc::openapi());
    Security { release }.modify(&mut doc);
    ErrorAnswers.modify(&mut doc);
    doc
}

/// The description of `/api/v1` in OpenAPI 3.1.
#[utoipa::path(
    tag = "meta",
    security(()),
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json"))
)]
#[get("/api/v1/openapi.json")]
fn openapi_json(state: &State<AppState>) -> Json<Document> {
    Json(document(state.config.release))
}

fn unsafe_method(method: &HttpMethod) -> bool {
    !matches!(
        method,
        HttpMethod::Get | HttpMethod::Head | HttpMethod::Options | HttpMethod::Trace
    )
}

/// Each operation with its method, in a fixed order.
pub fn operations_mut(doc: &mut Document) -> Vec<(HttpMethod, &mut Operation)> {
    let mut found = Vec::new();
    for item in doc.paths.paths.values_mut() {
        let methods = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Delete, &mut item.delete),
            (HttpMethod::Patch, &mut item.patch),
        ];
        for (method, operation) in methods {
            if let Some(operation) = operation.as_mut() {
                found.push((method, operation));
            }
        }
    }
    found
}

/// The session cookie (named as this instance names it) and, on state-changing requests, the
/// `X-CSRF-Token` header. Operations that say `security(())` are open to anyone.
struct Security {
    release: bool,
}

impl Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                session_cookie_name(self.release),
                "The session cookie that `POST /api/v1/session` (or signing in on the site) sets. \
                 HttpOnly; it ends when you sign out, after a period without use, or when the \
                 account is disabled.",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token` (from `POST /api/v1/session` or `GET /api/v1/me`), \
                 required on every POST, PUT and DELETE; without it the answer is 403.",
            ))),
        );
        for (method, operation) in operations_mut(doc) {
            if operation.security.is_some() {
                continue;
            }
            let none: [&str; 0] = [];
            let mut requirement = SecurityRequirement::new(SESSION, none);
            if unsafe_method(&method) {
                requirement = requirement.add(CSRF, none);
            }
            operation.security = Some(vec![requirement]);
        }
    }
}

/// The error answers (an [`ErrorBody`]) each operation can give, added where the handler's own
/// annotation does not already describe them.
struct ErrorAnswers;

const ANY: &[(u16, &str)] = &[
    (
        400,
        "A path or query value is not what the operation accepts",
    ),
    (404, "No such thing, or not one you may see"),
    (503, "The database is unavailable; try again in a minute"),
];
const SIGNED_IN: &[(u16, &str)] = &[
    (401, "Not signed in"),
    (
        403,
        "Signed in without the role this needs, or a missing or wrong X-CSRF-Token",
    ),
];
const WITH_BODY: &[(u16, &str)] = &[
    (413, "The body is larger than this service accepts here"),
    (415, "The body is not application/json"),
    (
        422,
        "The body is not valid: the message says what to change",
    ),
];
// A path value that does not parse (an id past 2^63) is a 422 on a change, a 404 on a GET.
const CHANGES: &[(u16, &str)] = &[
    (409, "The change conflicts with the current state"),
    (422, "A value is not valid: the message says what to change"),
];

impl Modify for ErrorAnswers {
    fn modify(&self, doc: &mut Document) {
        for (method, operation) in operations_mut(doc) {
            let public = operation
                .security
                .as_ref()
                .is_some_and(|s| s.iter().any(|r| *r == SecurityRequirement::default()));
            let mut answers: Vec<(u16, &str)> = ANY.to_vec();
            if !public {
                answers.extend_from_slice(SIGNED_IN);
            }
            if operation.request_body.is_some() {
                answers.extend_from_slice(WITH_BODY);
            }
            if unsafe_method(&method) {
                answers.extend_from_slice(CHANGES);
            }
            for (status, description) in answers {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_answer(description).into());
            }
        }
    }
}

fn error_answer(description: &str) -> Response {
    let mut response = Response::new(description);
    response.content.insert(
        "application/json".into(),
        Content::new(Some(Ref::from_schema_name("ErrorBody"))).into(),
    );
    response
}
