//! Error responses for requests no handler answered: a styled page, or JSON for API clients.

use rocket::http::{Method, RawStr, Status};
use rocket::request::Request;
use rocket::response::Redirect;
use rocket::response::{self, Responder};
use rocket::{Catcher, catch, catchers};

use super::bodies::RejectionMessage;
use super::chrome::error_page;
use super::error_response::{json_error, wants_json};
use super::fairings::BadAddress;
use super::guards::live_session;

pub fn catchers() -> Vec<Catcher> {
    catchers![default_catcher, sign_in_first]
}

fn message_for(status: Status) -> &'static str {
    match status.code {
        400 => "The request could not be understood. Check what you entered and try again.",
        401 => "Please sign in to continue.",
        403 => "Your account does not have permission to do this.",
        404 => {
            "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."
        }
        405 => "That action is not allowed here.",
        413 => "What you sent is larger than this service accepts.",
        415 => "That type of content is not accepted here.",
        422 => "Some of what you sent was missing or not in the expected form.",
        429 => "Too many attempts. Please wait a few minutes and try again.",
        503 => "The service is temporarily unavailable. Please try again in a minute.",
        code if code >= 500 => "Something went wrong on our side. Please try again later.",
        _ => "Something went wrong.",
    }
}

pub struct ErrorResponse(pub Status);

impl<'r> Responder<'r, 'static> for ErrorResponse {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let status = self.0;
        let message = request
            .local_cache(|| RejectionMessage(None))
            .0
            .as_deref()
            .unwrap_or_else(|| message_for(status));
        if wants_json(request) {
            return Ok(json_error(status, message));
        }
        let page = error_page(request, status, message).respond_to(request)?;
        response::Response::build_from(page).status(status).ok()
    }
}

#[catch(default)]
async fn default_catcher(status: Status, request: &Request<'_>) -> ErrorResponse {
    if request.local_cache(BadAddress::default).0 {
        return ErrorResponse(Status::BadRequest);
    }
    // The page's header shows who is signed in (a 404 ran no guard that looked). Not when the
    // service itself is failing: the database may be why.
    if status.code < 500 && !wants_json(request) {
        let _ = live_session(request).await;
    }
    // A GET whose address did not parse (`/admin/users/abc`, an id past 2^63) names nothing
    // that exists: Rocket forwards it as a 422, but to the person it is a page not found.
    let no_message = request.local_cache(|| RejectionMessage(None)).0.is_none();
    if status == Status::UnprocessableEntity && request.method() == Method::Get && no_message {
        return ErrorResponse(Status::NotFound);
    }
    ErrorResponse(status)
}

/// Pages that need sign-in send the browser to the sign-in page, coming back afterwards.
#[catch(401)]
fn sign_in_first(request: &Request<'_>) -> Result<Redirect, ErrorResponse> {
    if wants_json(request) {
        return Err(ErrorResponse(Status::Unauthorized));
    }
    if request.method() != Method::Get {
        return Ok(Redirect::to("/login"));
    }
    let next = request.uri().to_string();
    Ok(Redirect::to(format!(
        "/login?next={}",
        RawStr::new(&next).percent_encode()
    )))
}
