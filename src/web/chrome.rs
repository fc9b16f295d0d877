//! What every page shares around its content ("chrome"): title, signed-in user, CSRF token,
//! flash message and the static-asset version. Handlers take `Chrome` as a guard and call
//! `render`, so no page can forget a field the layout needs (templates run in strict mode).

use rocket::http::Status;
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;
use serde_json::{Map, Value};

use super::bodies::RejectionMessage;
use super::guards::{csrf_cookie_name, live_session, secure_cookie};
use super::page::{Page, Renderer};
use crate::accounts::Account;
use crate::accounts::sessions::Live;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub display_name: String,
    pub is_trainer: bool,
    pub is_manager: bool,
    pub is_admin: bool,
}

impl UserView {
    fn of(account: &Account) -> Self {
        Self {
            display_name: account.display_name.clone(),
            is_trainer: account.is_trainer || account.is_admin,
            is_manager: account.is_manager() || account.is_admin,
            is_admin: account.is_admin,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FlashView {
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    pub user: Option<UserView>,
    pub csrf_token: Option<String>,
    pub flash: Option<FlashView>,
    pub asset_version: String,
    #[serde(skip)]
    renderer: Renderer,
}

impl Chrome {
    /// Renders `template` with the chrome fields plus every field of `body`.
    pub fn render(&self, template: &'static str, title: &str, body: impl Serialize) -> Page {
        self.render_json(
            template,
            title,
            serde_json::to_value(body).unwrap_or(Value::Null),
        )
    }

    /// [`Chrome::render`] for a body that is already JSON (a `json!` literal), which is used as
    /// it is rather than copied.
    pub fn render_json(&self, template: &'static str, title: &str, body: Value) -> Page {
        self.renderer.render(template, self.context(title, body))
    }

    fn context(&self, title: &str, body: Value) -> Value {
        let mut context = match body {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        context.insert("title".into(), Value::String(title.to_owned()));
        context.insert(
            "user".into(),
            serde_json::to_value(&self.user).unwrap_or(Value::Null),
        );
        context.insert(
            "csrf_token".into(),
            self.csrf_token.clone().map_or(Value::Null, Value::String),
        );
        context.insert(
            "flash".into(),
            serde_json::to_value(&self.flash).unwrap_or(Value::Null),
        );
        context.insert(
            "asset_version".into(),
            Value::String(self.asset_version.clone()),
        );
        Value::Object(context)
    }

    /// Chrome for a request without touching the database (used by error pages).
    pub fn minimal(request: &Request<'_>) -> Self {
        let state = request.rocket().state::<AppState>();
        Self {
            user: None,
            csrf_token: None,
            flash: None,
            asset_version: state.map(|s| s.asset_version.clone()).unwrap_or_default(),
            renderer: request
                .rocket()
                .state::<Renderer>()
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// [`Chrome::minimal`] plus the signed-in person when this request's session has already
    /// been looked up (by a guard, or by the catcher), so an error page shows the account and
    /// "Sign out" rather than "Sign in" to someone signed in. Never touches the database.
    pub fn known(request: &Request<'_>) -> Self {
        let mut chrome = Self::minimal(request);
        let looked_up: &Result<Option<Live>, ()> = request.local_cache(|| Ok(None));
        if let Ok(Some(live)) = looked_up {
            chrome.user = Some(UserView::of(&live.account));
            chrome.csrf_token = Some(live.csrf_token.clone());
        }
        chrome
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Chrome {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let mut chrome = Chrome::minimal(request);
        match live_session(request).await {
            Ok(Some(live)) => {
                chrome.user = Some(UserView::of(&live.account));
                chrome.csrf_token = Some(live.csrf_token.clone());
            }
            _ => chrome.csrf_token = Some(pre_session_token(request)),
        }
        if let Outcome::Success(flash) = request.guard::<FlashMessage<'_>>().await {
            chrome.flash = Some(FlashView {
                kind: flash.kind().to_owned(),
                message: flash.message().to_owned(),
            });
        }
        Outcome::Success(chrome)
    }
}

/// The anonymous CSRF token (double submit): the cookie's value when the service signed it,
/// otherwise a new signed token set as the cookie.
fn pre_session_token(request: &Request<'_>) -> String {
    let Some(state) = request.rocket().state::<AppState>() else {
        return String::new();
    };
    let release = state.config.release;
    let name = csrf_cookie_name(release);
    if let Some(cookie) = request.cookies().get(name) {
        let value = cookie.value();
        if state.form_key.issued(value) {
            return value.to_owned();
        }
    }
    let value = state.form_key.issue();
    request
        .cookies()
        .add(secure_cookie(name, value.clone(), release));
    value
}

/// Headings and explanations for error pages, by status.
fn heading_for(status: Status) -> &'static str {
    match status.code {
        400 => "Sorry, there is a problem with your request",
        401 => "Please sign in",
        403 => "You do not have access to this page",
        404 => "Page not found",
        413 => "What you sent is too large",
        422 => "Sorry, we could not accept what you sent",
        429 => "Too many attempts",
        503 => "Sorry, the service is unavailable",
        code if code >= 500 => "Sorry, there is a problem with the service",
        _ => "Sorry, something went wrong",
    }
}

/// The styled error page for `status` with a message for the user.
pub fn error_page(request: &Request<'_>, status: Status, message: &str) -> Page {
    #[derive(Serialize)]
    struct ErrorView<'a> {
        status: u16,
        heading: &'a str,
        message: &'a str,
    }
    let heading = heading_for(status);
    let message = request
        .local_cache(|| RejectionMessage(None))
        .0
        .as_deref()
        .unwrap_or(message);
    Chrome::known(request).render(
        "errors/error",
        heading,
        ErrorView {
            status: status.code,
            heading,
            message,
        },
    )
}
