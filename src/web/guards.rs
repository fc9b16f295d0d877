//! Request guards that prove who is asking. Having the guard in a handler's signature *is* the
//! access check: `CurrentUser` (signed in), `Trainer`, `Manager` (with the organisations in
//! scope) and `Admin` build on each other, and admins pass every role check.
//!
//! Without a live session `CurrentUser` forwards with 401: the 401 catcher sends pages to
//! `/login?next=...` and answers the API with JSON. A signed-in person without the role gets 403.

use rocket::http::{Cookie, SameSite, Status};
use rocket::outcome::try_outcome;
use rocket::request::{FromRequest, Outcome, Request};

use super::client_address::client_address;
use crate::accounts::sessions::{self, Live};
use crate::accounts::{Account, OrgScope};
use crate::state::AppState;

/// The session cookie's name: `__Host-` prefixed (so Secure, no Domain, Path=/) in release.
pub fn session_cookie_name(release: bool) -> &'static str {
    if release {
        "__Host-gt_session"
    } else {
        "gt_session"
    }
}

/// The pre-session CSRF cookie (double submit) for anonymous forms.
pub fn csrf_cookie_name(release: bool) -> &'static str {
    if release { "__Host-gt_csrf" } else { "gt_csrf" }
}

/// A cookie with the flags every cookie of ours has.
pub fn secure_cookie(name: &'static str, value: String, release: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(release)
        .build()
}

fn release(request: &Request<'_>) -> bool {
    request
        .rocket()
        .state::<AppState>()
        .is_some_and(|state| state.config.release)
}

/// The live session for this request, loaded from the database at most once per request.
/// `Err(())` when the database could not be asked.
pub async fn live_session<'r>(request: &'r Request<'_>) -> &'r Result<Option<Live>, ()> {
    request
        .local_cache_async(async {
            let Some(state) = request.rocket().state::<AppState>() else {
                return Err(());
            };
            let name = session_cookie_name(state.config.release);
            let Some(id) = request.cookies().get(name).map(|c| c.value().to_owned()) else {
                return Ok(None);
            };
            match sessions::find(&state.db, &state.config, &id).await {
                Ok(Some(live)) => Ok(Some(live)),
                Ok(None) => {
                    request.cookies().remove(Cookie::build(name).path("/"));
                    Ok(None)
                }
                Err(error) => {
                    tracing::error!(%error, "could not load the session");
                    Err(())
                }
            }
        })
        .await
}

/// The client's address as the audit log and throttling see it (see [`client_address`]).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let trusted = request
            .rocket()
            .state::<AppState>()
            .map_or(&[][..], |state| &state.config.trusted_proxies[..]);
        let headers = request.headers();
        let address = client_address(
            request.remote().map(|peer| peer.ip()),
            headers.get_one("X-Forwarded-For"),
            headers.get_one("X-Real-IP"),
            trusted,
        );
        Outcome::Success(ClientAddress(address.map(|ip| ip.to_string())))
    }
}

/// Whether the session cookie should carry `Secure` and the `__Host-` prefix.
#[derive(Debug, Clone, Copy)]
pub struct Release(pub bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Release {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Release(release(request)))
    }
}

/// A signed-in person with a live session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: Account,
    /// The SHA-256 of this session's id (to end it, or keep it when ending the others).
    pub session_hash: String,
    pub csrf_token: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match live_session(request).await {
            Ok(Some(live)) => Outcome::Success(CurrentUser {
                account: live.account.clone(),
                session_hash: live.id_hash.clone(),
                csrf_token: live.csrf_token.clone(),
            }),
            Ok(None) => Outcome::Forward(Status::Unauthorized),
            Err(()) => Outcome::Error((Status::ServiceUnavailable, ())),
        }
    }
}

/// A trainer (or admin).
#[derive(Debug, Clone)]
pub struct Trainer(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Trainer {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user = try_outcome!(request.guard::<CurrentUser>().await);
        if user.account.is_trainer || user.account.is_admin {
            Outcome::Success(Trainer(user))
        } else {
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

/// A manager of at least one organisation (or an admin, who manages them all).
#[derive(Debug, Clone)]
pub struct Manager {
    pub user: CurrentUser,
    pub scope: OrgScope,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Manager {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user = try_outcome!(request.guard::<CurrentUser>().await);
        match user.account.manager_scope() {
            Some(scope) => Outcome::Success(Manager { user, scope }),
            None => Outcome::Error((Status::Forbidden, ())),
        }
    }
}

/// An admin.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Admin {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user = try_outcome!(request.guard::<CurrentUser>().await);
        if user.account.is_admin {
            Outcome::Success(Admin(user))
        } else {
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_cookies_are_host_prefixed_and_secure() {
        assert_eq!(session_cookie_name(true), "__Host-gt_session");
        assert_eq!(session_cookie_name(false), "gt_session");
        let cookie = secure_cookie(session_cookie_name(true), "x".into(), true);
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(cookie.path(), Some("/"));
        assert_eq!(cookie.domain(), None);
    }
}
