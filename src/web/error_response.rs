//! How an [`AppError`] is answered: JSON for API clients, otherwise the styled error page
//! (`chrome::error_page`). A 5xx is logged here with its cause chain and the request id, so
//! what the user sees stays apart from what is logged. Services return `AppError` without
//! knowing about pages; this is the one place that turns it into a response.

use std::io::Cursor;

use crate::web::page::Page;
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};

use super::chrome::error_page;
use super::request_id::RequestId;
use crate::error::AppError;

fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// Whether the client wants JSON rather than a page: API paths and JSON requests.
pub fn wants_json(request: &Request<'_>) -> bool {
    request.uri().path().starts_with("/api/")
        || request.content_type().is_some_and(|ct| ct.is_json())
        || request.accept().is_some_and(|a| a.preferred().is_json())
}

/// A JSON body `{"error": message, "status": code}`.
pub fn json_error<'o>(status: Status, message: &str) -> Response<'o> {
    let body = serde_json::json!({ "error": message, "status": status.code }).to_string();
    Response::build()
        .status(status)
        .header(ContentType::JSON)
        .sized_body(body.len(), Cursor::new(body))
        .finalize()
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status.code >= 500 {
            let request_id = request.local_cache(RequestId::generate);
            tracing::error!(request_id = %request_id, status = status.code, error = %cause_chain(&self), "request failed");
        }
        let message = self.to_string();
        if wants_json(request) {
            return Ok(json_error(status, &message));
        }
        let page: Page = error_page(request, status, &message);
        Response::build_from(page.respond_to(request)?)
            .status(status)
            .ok()
    }
}
