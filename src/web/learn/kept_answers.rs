//! Answers sent from a baseline or post-assessment topic page after the session ended (idle
//! too long) are not lost: they are kept in a cookie the service signs (no server state, and
//! nothing saved without a live session), sign-in comes back to the page, and the page puts
//! them back, not yet saved, with a message saying what happened.

use chrono::Utc;
use rocket::data::{Data, ToByteUnit};
use rocket::http::CookieJar;
use rocket::response::{Flash, Redirect};
use rocket::{State, post};

use crate::ids::AttemptId;
use crate::state::AppState;
use crate::web::guards::secure_cookie;

const PURPOSE: &str = "kept-answers";
/// How long kept answers wait for the person to sign in again.
const KEEP_SECONDS: i64 = 2 * 60 * 60;
/// A topic page's answers are a few hundred bytes; a cookie holds about 4 KB.
const MAX_BODY: usize = 1_500;

fn cookie_name(release: bool) -> &'static str {
    if release { "__Host-gt_kept" } else { "gt_kept" }
}

/// What sign-in shows when answers were kept (or could not be).
pub const KEPT_MESSAGE: &str = "Your session ended because you were inactive, so the answers on that page were not saved. Sign in and they will be put back for you to check and save.";
const LOST_MESSAGE: &str = "Your session ended because you were inactive, so the answers on that page were not saved. Sign in to carry on.";

/// Is this POST from a page of this site? (Browsers send `Origin` with a form post.)
fn same_origin(request_origin: Option<&str>, host: Option<&str>) -> bool {
    match (request_origin, host) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

pub struct Origin<'r> {
    origin: Option<&'r str>,
    host: Option<&'r str>,
}

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for Origin<'r> {
    type Error = std::convert::Infallible;

    async fn from_request(
        request: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        rocket::request::Outcome::Success(Origin {
            origin: request.headers().get_one("Origin"),
            host: request.headers().get_one("Host"),
        })
    }
}

/// A topic page posted without a live session (the signed-in route forwarded): keep what was
/// sent, then sign in and come back to the page.
#[post("/learn/attempts/<id>/topics/<n>", data = "<body>", rank = 2)]
pub async fn keep_answers(
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
    origin: Origin<'_>,
    id: AttemptId,
    n: usize,
    body: Data<'_>,
) -> Flash<Redirect> {
    let next = format!("/learn/attempts/{id}/topics/{n}");
    let to_sign_in = Redirect::to(format!(
        "/login?next={}",
        rocket::http::RawStr::new(&next).percent_encode()
    ));
    let body = body.open(MAX_BODY.bytes()).into_string().await;
    let kept = match body {
        Ok(body) if body.is_complete() && same_origin(origin.origin, origin.host) => {
            let message = format!(
                "{id}.{n}.{}.{}",
                Utc::now().timestamp(),
                hex::encode(&*body)
            );
            let value = state.form_key.sign(PURPOSE, &message);
            let release = state.config.release;
            cookies.add(secure_cookie(cookie_name(release), value, release));
            true
        }
        _ => false,
    };
    Flash::new(
        to_sign_in,
        "info",
        if kept { KEPT_MESSAGE } else { LOST_MESSAGE },
    )
}

/// The answers kept for topic `n` of attempt `id`, as the form body that was sent, if any
/// (and still fresh). The cookie is removed whatever it held: it is shown once.
pub fn take(state: &AppState, cookies: &CookieJar<'_>, id: AttemptId, n: usize) -> Option<String> {
    let name = cookie_name(state.config.release);
    let value = cookies.get(name)?.value().to_owned();
    cookies.remove(rocket::http::Cookie::build(name).path("/"));
    let message = state.form_key.verified(PURPOSE, &value)?;
    let mut parts = message.splitn(4, '.');
    let (Some(kept_id), Some(kept_n), Some(at), Some(body)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let fresh = at
        .parse::<i64>()
        .is_ok_and(|at| Utc::now().timestamp() - at <= KEEP_SECONDS);
    if kept_id != id.to_string() || kept_n != n.to_string() || !fresh {
        return None;
    }
    String::from_utf8(hex::decode(body).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn only_this_sites_pages_may_leave_answers() {
        assert!(same_origin(None, Some("127.0.0.1:8000")));
        assert!(same_origin(
            Some("http://127.0.0.1:8000"),
            Some("127.0.0.1:8000")
        ));
        assert!(!same_origin(
            Some("https://evil.example"),
            Some("127.0.0.1:8000")
        ));
        assert!(!same_origin(Some("null"), Some("127.0.0.1:8000")));
        assert!(!same_origin(Some("http://x"), None));
    }
}
