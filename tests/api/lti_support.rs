//! An LTI 1.3 platform for the LTI tests: `tests/lti/platform.mjs`, on the `jose` package
//! (never the service's code), run by node on 127.0.0.1 for one test, and the browser's part
//! of a launch (the login initiation, the platform's auto-posting form, the post to the tool)
//! driven with plain HTTP.
//!
//! As for the OpenID Connect tests, `cargo test` without node skips these tests with a
//! message; with `CI=true` a missing node or `npm ci` fails them.

use genomics_training::accounts::sessions;
use rocket::http::{ContentType, Cookie, Header, Method, Status};
use serde_json::{Value, json};

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app, urlencode};
use crate::oidc_support::{APP_URL, NodeProcess};

pub const CLIENT_ID: &str = "gt-tool-client";
pub const DEPLOYMENT: &str = "deployment-1";
pub const LEARNER_ROLE: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
pub const INSTRUCTOR_ROLE: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";

/// The platform process and an HTTP client for its control endpoints.
pub struct Platform {
    pub process: NodeProcess,
    http: reqwest::Client,
    _work: tempfile::TempDir,
}

impl Platform {
    /// Starts a platform, or `None` (after saying why) when node or its packages are missing.
    pub fn start() -> Option<Self> {
        let dir = crate::helpers::node_packages("tests/lti", &["jose"], "the LTI tests")?;
        let work = tempfile::tempdir().expect("temp dir");
        let config = work.path().join("platform.json");
        std::fs::write(
            &config,
            json!({ "clientId": CLIENT_ID, "deploymentId": DEPLOYMENT, "toolUrl": APP_URL })
                .to_string(),
        )
        .expect("config");
        let process = NodeProcess::spawn(
            &dir,
            "platform.mjs",
            &[config.to_str().expect("utf-8 path")],
        );
        Some(Self {
            process,
            http: reqwest::Client::new(),
            _work: work,
        })
    }

    pub fn issuer(&self) -> &str {
        &self.process.issuer
    }

    /// The registration an admin makes for this platform.
    pub fn registration(&self) -> Value {
        let issuer = self.issuer();
        json!({
            "name": "Test Moodle",
            "issuer": issuer,
            "client_id": CLIENT_ID,
            "login_url": format!("{issuer}/auth"),
            "token_url": format!("{issuer}/token"),
            "jwks_url": format!("{issuer}/jwks"),
            "deployment_ids": [DEPLOYMENT],
        })
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/control/{path}", self.issuer()))
            .json(&body)
            .send()
            .await
            .expect("platform control");
        assert!(response.status().is_success(), "control/{path}");
        response.json().await.expect("control answer")
    }

    /// Shapes the next launch (see platform.mjs: email, roles, custom, claims, kid, ...).
    pub async fn next_launch(&self, overrides: Value) {
        self.control("launch", overrides).await;
    }

    /// A new platform signing key (the old one published too, if `keep_old`); its kid.
    pub async fn rotate_key(&self, keep_old: bool) -> String {
        self.control("rotate", json!({ "keepOld": keep_old })).await["kid"]
            .as_str()
            .expect("kid")
            .to_owned()
    }

    /// Gives the platform the tool's key set as `/lti/jwks` publishes it now (the platform
    /// cannot reach the test app over HTTP; an admin may paste keys the same way).
    pub async fn take_tool_keys(&self, app: &TestApp) {
        let (status, keys) = app.get_json("/lti/jwks").await;
        assert_eq!(status, Status::Ok);
        self.control("tool-keys", keys).await;
    }

    pub async fn set_down(&self, down: bool) {
        self.control("down", json!({ "down": down })).await;
    }

    /// The scores received, by line item.
    pub async fn scores(&self) -> Value {
        self.control("scores", json!({})).await
    }

    /// The deep-linking answers received and accepted.
    pub async fn deep_links(&self) -> Value {
        self.control("deep-links", json!({})).await
    }

    /// Posts the tool's deep-linking answer (the browser's form post); the status and body.
    pub async fn post_deep_link(&self, return_url: &str, jwt: &str) -> (u16, String) {
        let response = self
            .http
            .post(return_url)
            .form(&[("JWT", jwt)])
            .send()
            .await
            .expect("post deep link");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// The platform's login page answer for `location`: the id_token and state of its form.
    pub async fn authorize(&self, location: &str) -> (String, String) {
        let response = self.http.get(location).send().await.expect("platform auth");
        assert_eq!(
            response.status().as_u16(),
            200,
            "platform accepted the request"
        );
        let page = response.text().await.expect("page");
        (
            hidden_field(&page, "id_token").expect("id_token field"),
            hidden_field(&page, "state").expect("state field"),
        )
    }
}

/// The value of the hidden field `name` in an HTML page.
pub fn hidden_field(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')?;
    Some(
        page[start..start + end]
            .replace("&amp;", "&")
            .replace("&quot;", "\""),
    )
}

/// The app with an admin who registered `platform` through the JSON twin.
pub async fn registered(app: &TestApp, platform: &Platform) -> Value {
    let admin = app
        .given_user(
            "lti-admin@x.nhs.uk",
            Grant {
                admin: true,
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&admin).await;
    let (status, body) = app
        .send_json_as(
            &session,
            Method::Post,
            "/api/v1/admin/lti/platforms",
            platform.registration(),
        )
        .await;
    assert_eq!(status, Status::Created, "{body}");
    body
}

/// A fresh app with the platform registered and a learner, nurse@trust.nhs.uk, imported; or
/// `None` when the platform cannot run here (see [`Platform::start`]).
pub async fn ready() -> Option<(TestApp, Platform)> {
    let app = spawn_app().await;
    let platform = Platform::start()?;
    registered(&app, &platform).await;
    let org = app.given_organisation("RX1", "Trust X").await;
    let grant = Grant {
        works_in: Some(org),
        ..Default::default()
    };
    app.given_user("nurse@trust.nhs.uk", grant).await;
    Some((app, platform))
}

/// A trainer, teacher@trust.nhs.uk, whom the platform knows as an instructor.
pub async fn given_teacher(app: &TestApp) {
    let grant = Grant {
        trainer: true,
        ..Default::default()
    };
    app.given_user("teacher@trust.nhs.uk", grant).await;
}

/// The response's Content-Security-Policy.
pub fn csp_of(response: &rocket::local::asynchronous::LocalResponse<'_>) -> String {
    response
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default()
        .to_owned()
}

/// The login initiation the platform sends: where the tool redirects, and its state cookie.
pub struct Initiated {
    pub status: Status,
    pub location: Option<String>,
    pub state_cookie: Option<Cookie<'static>>,
    pub body: String,
}

pub async fn initiate(app: &TestApp, platform: &Platform, sub: &str) -> Initiated {
    let query = [
        ("iss", platform.issuer()),
        ("login_hint", sub),
        ("target_link_uri", &format!("{APP_URL}/lti/launch")),
        ("lti_message_hint", "hint-1"),
        ("client_id", CLIENT_ID),
        ("lti_deployment_id", DEPLOYMENT),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", urlencode(v)))
    .collect::<Vec<_>>()
    .join("&");
    let response = app.get(&format!("/lti/login?{query}")).await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    let state_cookie = response
        .cookies()
        .get("gt_lti_state")
        .map(|c| c.clone().into_owned());
    Initiated {
        status,
        location,
        state_cookie,
        body: body_of(response).await,
    }
}

/// What the tool answered to the platform's post.
pub struct Launched {
    pub status: Status,
    pub location: Option<String>,
    pub body: String,
    /// The session the launch began, with its CSRF token, if any.
    pub session: Option<Session>,
    pub session_cookie: Option<Cookie<'static>>,
}

/// Posts `id_token` and `state` to the launch URL with the browser's state cookie.
pub async fn post_launch(
    app: &TestApp,
    state_cookie: Option<Cookie<'static>>,
    id_token: &str,
    state: &str,
) -> Launched {
    let body = format!(
        "id_token={}&state={}",
        urlencode(id_token),
        urlencode(state)
    );
    let mut request = app
        .client
        .post("/lti/launch")
        .header(ContentType::Form)
        .header(Header::new("Origin", "null"))
        .body(body);
    if let Some(cookie) = state_cookie {
        request = request.cookie(cookie);
    }
    let response = request.dispatch().await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    let session_cookie = response
        .cookies()
        .get("gt_session")
        .map(|c| c.clone().into_owned());
    let body = body_of(response).await;
    let session = match &session_cookie {
        Some(cookie) => {
            let live = sessions::find(app.db(), app.config(), cookie.value())
                .await
                .expect("session lookup")
                .expect("a live session");
            Some(Session {
                cookies: vec![Cookie::new("gt_session", cookie.value().to_owned())],
                csrf: live.csrf_token,
            })
        }
        None => None,
    };
    Launched {
        status,
        location,
        body,
        session,
        session_cookie,
    }
}

/// A whole launch of `sub`, shaped by `overrides`.
pub async fn launch(app: &TestApp, platform: &Platform, sub: &str, overrides: Value) -> Launched {
    platform.next_launch(overrides).await;
    let initiated = initiate(app, platform, sub).await;
    assert_eq!(initiated.status, Status::SeeOther, "{}", initiated.body);
    let location = initiated.location.expect("redirect to the platform");
    let (id_token, state) = platform.authorize(&location).await;
    post_launch(app, initiated.state_cookie, &id_token, &state).await
}
