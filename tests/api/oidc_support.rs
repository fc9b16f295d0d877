//! OpenID Providers for the single sign-on tests: the real `oidc-provider` (npm, OpenID
//! Certified) and a stand-in that misbehaves on purpose (`tests/oidc/*.mjs`), each run by node
//! on 127.0.0.1 for one test, and a browser for the provider's side of the flow (its login and
//! consent pages, driven with plain HTTP form posts).
//!
//! `cargo test` on a machine with Rust alone skips these tests with a message; with `CI=true`
//! a missing node or `npm ci` fails them loudly instead (as a missing PostgreSQL does).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use genomics_training::config;
use rocket::figment::Figment;
use serde_json::{Value, json};

/// Where the app under test says it lives (`public_url` from the default address and port):
/// the providers send the browser back to here.
pub const APP_URL: &str = "http://127.0.0.1:8000";

/// `tests/oidc`, when node and its installed packages are there; otherwise `None` after
/// saying why (or a panic, in CI).
pub fn node_tools() -> Option<PathBuf> {
    crate::helpers::node_packages(
        "tests/oidc",
        &["oidc-provider", "jose"],
        "the OpenID Connect tests",
    )
}

/// A node process, killed when dropped.
pub struct NodeProcess {
    child: Child,
    pub issuer: String,
}

impl NodeProcess {
    pub fn spawn(dir: &Path, script: &str, args: &[&str]) -> Self {
        let mut child = Command::new("node")
            .arg(dir.join(script))
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        // The first line is the issuer; the rest (the provider's notices) is read and
        // dropped, so that node never writes into a closed pipe.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{script} did not start within 30 s"));
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("{script} printed {line:?} instead of its issuer"));
        Self {
            child,
            issuer: ready["issuer"].as_str().expect("issuer").to_owned(),
        }
    }

    pub fn port(&self) -> u16 {
        self.issuer
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real provider, with two registered clients: `gt` (a client secret; our provider `op`)
/// and `gtpk` (`private_key_jwt`, as NHS CIS2 Authentication uses; our provider `cis2`).
pub struct RealProvider {
    dir: PathBuf,
    work: tempfile::TempDir,
    pub process: NodeProcess,
}

pub const CLIENT_SECRET: &str = "a-client-secret-for-the-tests-only";

impl RealProvider {
    /// Starts the provider with `accounts` (`{"<sub>": {"email": ..., ...}}`) and a new
    /// signing key `kid`.
    pub fn start(dir: &Path, accounts: Value, kid: &str) -> Self {
        let work = tempfile::tempdir().expect("temp dir");
        let process = Self::spawn(dir, work.path(), &accounts, kid, 0);
        Self {
            dir: dir.to_owned(),
            work,
            process,
        }
    }

    fn spawn(dir: &Path, work: &Path, accounts: &Value, kid: &str, port: u16) -> NodeProcess {
        let accounts_file = work.join("accounts.json");
        if !accounts_file.exists() {
            std::fs::write(&accounts_file, accounts.to_string()).expect("accounts");
        }
        let config = json!({
            "port": port,
            "signingKid": kid,
            "accountsFile": accounts_file,
            "clients": [
                {
                    "client_id": "gt",
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [format!("{APP_URL}/login/sso/op/callback")],
                    "post_logout_redirect_uris": [format!("{APP_URL}/")],
                },
                {
                    "client_id": "gtpk",
                    "token_endpoint_auth_method": "private_key_jwt",
                    "clientKeyPemOut": work.join("client.pem"),
                    "redirect_uris": [format!("{APP_URL}/login/sso/cis2/callback")],
                    "post_logout_redirect_uris": [format!("{APP_URL}/")],
                },
            ],
        });
        let config_file = work.join("provider.json");
        std::fs::write(&config_file, config.to_string()).expect("config");
        NodeProcess::spawn(
            dir,
            "provider.mjs",
            &[config_file.to_str().expect("utf-8 path")],
        )
    }

    /// Changes what the provider says about its accounts (read at each sign-in).
    pub fn set_accounts(&self, accounts: Value) {
        std::fs::write(self.work.path().join("accounts.json"), accounts.to_string())
            .expect("accounts");
    }

    /// Restarts the provider on the same address with a new signing key (key rotation).
    pub fn rotate_key(&mut self, kid: &str) {
        let port = self.process.port();
        let placeholder = NodeProcess {
            child: Command::new("true").spawn().expect("spawn true"),
            issuer: String::new(),
        };
        drop(std::mem::replace(&mut self.process, placeholder));
        self.process = Self::spawn(&self.dir, self.work.path(), &Value::Null, kid, port);
    }

    pub fn issuer(&self) -> &str {
        &self.process.issuer
    }

    /// The app's settings for this provider as `op` (client secret) and `cis2`
    /// (`private_key_jwt`, linking by employee number).
    pub fn configure(&self, figment: Figment) -> Figment {
        let figment = config::with_app_setting(
            figment,
            "oidc.op",
            json!({
                "issuer": self.issuer(),
                "client_id": "gt",
                "client_secret": CLIENT_SECRET,
                "label": "Sign in with the test provider",
                "scopes": "openid email profile nhs",
            }),
        );
        config::with_app_setting(
            figment,
            "oidc.cis2",
            json!({
                "issuer": self.issuer(),
                "client_id": "gtpk",
                "private_key_file": self.work.path().join("client.pem"),
                "private_key_id": "gtpk-key",
                "label": "Sign in with NHS Care Identity",
                "scopes": "openid email profile nhs",
                "link_by": "employee_number",
                "employee_number_claim": "employee_number",
            }),
        )
    }
}

/// The stand-in provider in `mode` (see tests/oidc/standin.mjs), for client `gt`, whose token
/// names `sub` and `email`.
pub fn standin(dir: &Path, mode: &str, sub: &str, email: &str) -> NodeProcess {
    NodeProcess::spawn(dir, "standin.mjs", &[mode, "gt", sub, email])
}

/// The app's settings for a provider `op` at `issuer` with client `gt`.
pub fn configure_op(figment: Figment, issuer: &str) -> Figment {
    config::with_app_setting(
        figment,
        "oidc.op",
        json!({
            "issuer": issuer,
            "client_id": "gt",
            "client_secret": CLIENT_SECRET,
            "label": "Sign in with the test provider",
        }),
    )
}

/// The person's browser on the provider's side: keeps the provider's cookies, follows its
/// redirects and fills in its development login and consent pages.
pub struct ProviderBrowser {
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

/// What the person does at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtProvider<'a> {
    SignInAs(&'a str),
    Cancel,
}

impl Default for ProviderBrowser {
    fn default() -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            cookies: Vec::new(),
        }
    }
}

impl ProviderBrowser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let Some(pair) = value.to_str().ok().and_then(|v| v.split(';').next()) else {
                continue;
            };
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(k, _)| k != name.trim());
                self.cookies
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("provider answers");
        self.keep_cookies(&response);
        response
    }

    /// From the provider's authorization URL to the moment it sends the browser back to the
    /// app: returns that callback's path and query.
    pub async fn visit(&mut self, authorization_url: &str, action: AtProvider<'_>) -> String {
        let mut url = url::Url::parse(authorization_url).expect("authorization URL");
        for _ in 0..20 {
            let response = self.send(self.http.get(url.clone())).await;
            let next = if response.status().is_redirection() {
                location(&url, &response)
            } else {
                let status = response.status();
                let page = response.text().await.unwrap_or_default();
                assert!(status.is_success(), "provider page {url}: {status}\n{page}");
                self.answer_page(&url, &page, action).await
            };
            if next.as_str().starts_with(APP_URL) {
                return next[url::Position::BeforePath..].to_owned();
            }
            url = next;
        }
        panic!("the provider never sent the browser back to the app");
    }

    /// Fills in the login page (or cancels there) or accepts the consent page; returns where
    /// the provider sends the browser next.
    async fn answer_page(
        &mut self,
        url: &url::Url,
        page: &str,
        action: AtProvider<'_>,
    ) -> url::Url {
        let action_url = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|a| url.join(a).expect("form action"))
            .unwrap_or_else(|| panic!("no form on the provider's page {url}:\n{page}"));
        let prompt = if page.contains("value=\"login\"") {
            "login"
        } else {
            "consent"
        };
        let response = match (prompt, action) {
            (_, AtProvider::Cancel) => {
                let abort = format!("{}/abort", url.as_str().trim_end_matches('/'));
                self.send(self.http.get(abort)).await
            }
            ("login", AtProvider::SignInAs(login)) => {
                let form = [("prompt", "login"), ("login", login), ("password", "any")];
                self.send(form_post(&self.http, &action_url, &form)).await
            }
            _ => {
                self.send(form_post(&self.http, &action_url, &[("prompt", "consent")]))
                    .await
            }
        };
        assert!(
            response.status().is_redirection(),
            "provider answered {} to the {prompt} form",
            response.status()
        );
        location(url, &response)
    }
}

fn form_post(
    http: &reqwest::Client,
    url: &url::Url,
    fields: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    http.post(url.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
}

fn location(base: &url::Url, response: &reqwest::Response) -> url::Url {
    let value = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect has a location");
    base.join(value).expect("location is a URL")
}
