//! `spawn_app()`: the real app over a fresh migrated database, and helpers that read as
//! sentences in tests.

use std::path::PathBuf;

use genomics_training::{app, config, state, telemetry};
use rand::Rng;
use rocket::figment::Figment;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// A database made for one test and removed when the test ends.
pub struct TestDatabase {
    pub url: String,
    /// For PostgreSQL: the server URL to drop the database through, and its name.
    postgres: Option<(String, String)>,
    data_dir: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("TEST_DATABASE_URL") {
            Ok(server_url) if !server_url.trim().is_empty() => {
                let name = format!("gt_test_{}", hex::encode(rand::rng().random::<[u8; 8]>()));
                let admin = Database::connect(&server_url).await.unwrap_or_else(|e| {
                    panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}")
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = with_database_name(&server_url, &name);
                Self {
                    url,
                    postgres: Some((server_url, name)),
                    data_dir: None,
                    _dir: dir,
                }
            }
            _ => {
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Self {
                    url,
                    postgres: None,
                    data_dir: None,
                    _dir: dir,
                }
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| self._dir.path().to_path_buf())
    }

    /// Names a database another `TestDatabase` owns (nothing is dropped with this one).
    pub fn borrowed(url: &str, data_dir: PathBuf) -> Self {
        Self {
            url: url.to_owned(),
            postgres: None,
            data_dir: Some(data_dir),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

/// Replaces the database name (the path) of a PostgreSQL URL.
fn with_database_name(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{}", &base[..host_end], name);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; use a small runtime of its own on another thread.
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(&server_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            }
        });
        let _ = handle.join();
    }
}

pub struct TestApp {
    pub client: Client,
    /// Kept so the database lives as long as the app.
    _database: TestDatabase,
}

/// The figment a test app runs with: the shipped `Rocket.toml` pointed at a test database.
pub fn test_figment(database: &TestDatabase) -> Figment {
    let figment = config::figment();
    let figment = config::with_app_setting(figment, "database_url", &database.url);
    let figment = config::with_app_setting(figment, "data_dir", database.data_dir());
    let figment = config::with_app_setting(figment, "max_connections", 4);
    // Option orders are shuffled per attempt; a fixed seed makes every run show the same
    // orders, so that no test passes or fails by luck.
    config::with_app_setting(figment, "shuffle_seed", TEST_SHUFFLE_SEED)
}

/// The seed of the option shuffle in every test app.
pub const TEST_SHUFFLE_SEED: u64 = 17;

pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDatabase::create().await).await
}

/// The app with settings changed from the shipped ones by `tweak`.
pub async fn spawn_app_with(tweak: impl FnOnce(Figment) -> Figment) -> TestApp {
    spawn_app_tweaked(TestDatabase::create().await, tweak).await
}

/// The app with the fixed baseline design (the blueprint's 3 items per topic, as a trust may
/// choose with `adaptive_baseline = false`), for results computed by hand from 24 answers.
pub async fn spawn_fixed_baseline_app() -> TestApp {
    spawn_app_with(|figment| figment.merge(("app.adaptive_baseline", false))).await
}

/// The app over a database made (and perhaps used) earlier in the test.
pub async fn spawn_app_on(database: TestDatabase) -> TestApp {
    spawn_app_tweaked(database, |figment| figment).await
}

async fn spawn_app_tweaked(
    database: TestDatabase,
    tweak: impl FnOnce(Figment) -> Figment,
) -> TestApp {
    telemetry::init_for_tests();
    let rocket = app::build(tweak(test_figment(&database)))
        .await
        .expect("app builds");
    let client = Client::untracked(rocket).await.expect("valid rocket");
    TestApp {
        client,
        _database: database,
    }
}

impl TestApp {
    pub fn db(&self) -> &DatabaseConnection {
        &self
            .client
            .rocket()
            .state::<state::AppState>()
            .expect("state is managed")
            .db
    }

    /// The test database's URL, for running the binary against it.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    pub async fn get(&self, path: &str) -> LocalResponse<'_> {
        self.client.get(path.to_owned()).dispatch().await
    }

    pub async fn get_json(&self, path: &str) -> (Status, serde_json::Value) {
        let response = self
            .client
            .get(path.to_owned())
            .header(Header::new("Accept", "application/json"))
            .dispatch()
            .await;
        let status = response.status();
        let body = response.into_string().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts: people, sessions and requests made as them.

use chrono::Utc;
use genomics_training::accounts::{self, OrgScope, Password, sessions};
use genomics_training::config::AppConfig;
use genomics_training::entities::{job_assignment, job_role, manager_scope, staff_group, user};
use rocket::http::{ContentType, Cookie};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

pub const PASSWORD: &str = "correct horse battery staple";

/// A person in the test database.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub password: String,
}

/// What a browser or API client holds: the session cookie (if any) and the CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookies: Vec<Cookie<'static>>,
    pub csrf: String,
}

impl Session {
    pub fn session_id(&self) -> Option<String> {
        self.cookies
            .iter()
            .find(|c| c.name() == "gt_session")
            .map(|c| c.value().to_owned())
    }
}

/// What a person is given.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub trainer: bool,
    pub admin: bool,
    pub manager_of: Vec<i64>,
    pub works_in: Option<i64>,
}

/// Organisations A and B, a job role, and one person per persona (and a subject to act on).
pub struct World {
    pub org_a: i64,
    pub org_b: i64,
    pub learner: TestUser,
    pub trainer: TestUser,
    pub manager_a: TestUser,
    pub manager_b: TestUser,
    pub admin: TestUser,
    /// A learner in organisation A that admins act on in tests.
    pub subject: TestUser,
}

impl TestApp {
    pub fn state(&self) -> &state::AppState {
        self.client
            .rocket()
            .state::<state::AppState>()
            .expect("state is managed")
    }

    pub fn config(&self) -> &AppConfig {
        &self.state().config
    }

    pub async fn given_organisation(&self, code: &str, name: &str) -> i64 {
        let new = accounts::organisations::NewOrganisation::try_from(
            &accounts::organisations::OrganisationInput {
                code: code.to_owned(),
                name: name.to_owned(),
            },
        )
        .expect("valid org");
        accounts::organisations::create(self.db(), Default::default(), new)
            .await
            .expect("create organisation")
            .id
    }

    /// A staff group and job role (the content loader's job in production); the loaded one
    /// when content already defines it.
    pub async fn given_job_role(
        &self,
        group_slug: &str,
        group_name: &str,
        slug: &str,
        name: &str,
    ) -> i64 {
        if let Some(existing) = job_role::Entity::find()
            .filter(job_role::Column::Slug.eq(slug))
            .one(self.db())
            .await
            .expect("query")
        {
            return existing.id;
        }
        let group = match staff_group::Entity::find()
            .filter(staff_group::Column::Slug.eq(group_slug))
            .one(self.db())
            .await
            .expect("query")
        {
            Some(group) => group.id,
            None => {
                staff_group::ActiveModel {
                    slug: Set(group_slug.to_owned()),
                    name: Set(group_name.to_owned()),
                    position: Set(1),
                    ..Default::default()
                }
                .insert(self.db())
                .await
                .expect("insert staff group")
                .id
            }
        };
        job_role::ActiveModel {
            slug: Set(slug.to_owned()),
            name: Set(name.to_owned()),
            staff_group_id: Set(group),
            position: Set(1),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .expect("insert job role")
        .id
    }

    /// An activated person with `grant`.
    pub async fn given_user(&self, email: &str, grant: Grant) -> TestUser {
        let hash = accounts::password::hash(Password::parse(PASSWORD).expect("valid"))
            .await
            .expect("hash");
        let now = Utc::now();
        let row = user::ActiveModel {
            email: Set(email.to_owned()),
            display_name: Set(format!("Person {email}")),
            employee_number: Set(None),
            password_hash: Set(Some(hash)),
            is_active: Set(true),
            is_trainer: Set(grant.trainer),
            is_admin: Set(grant.admin),
            created_at: Set(now),
            updated_at: Set(now),
            disabled_at: Set(None),
            pseudonymised_at: Set(None),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .expect("insert user");
        for org in grant.manager_of {
            manager_scope::ActiveModel {
                user_id: Set(row.id),
                organisation_id: Set(org),
                created_at: Set(now),
            }
            .insert(self.db())
            .await
            .expect("insert scope");
        }
        if let Some(org) = grant.works_in {
            let role = match job_role::Entity::find()
                .one(self.db())
                .await
                .expect("query")
            {
                Some(role) => role.id,
                None => {
                    self.given_job_role(
                        "administrative-and-clerical",
                        "Administrative and Clerical",
                        "receptionist",
                        "Receptionist",
                    )
                    .await
                }
            };
            job_assignment::ActiveModel {
                user_id: Set(row.id),
                organisation_id: Set(org),
                job_role_id: Set(role),
                band: Set(Some("3".into())),
                started_at: Set(now),
                ended_at: Set(None),
                ..Default::default()
            }
            .insert(self.db())
            .await
            .expect("insert job");
        }
        TestUser {
            id: row.id,
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
        }
    }

    pub async fn given_world(&self) -> World {
        let org_a = self.given_organisation("RA1", "Trust A").await;
        let org_b = self.given_organisation("RB2", "Trust B").await;
        let works = |org| Grant {
            works_in: Some(org),
            ..Grant::default()
        };
        World {
            org_a,
            org_b,
            learner: self.given_user("learner@a.nhs.uk", works(org_a)).await,
            trainer: self
                .given_user(
                    "trainer@a.nhs.uk",
                    Grant {
                        trainer: true,
                        ..works(org_a)
                    },
                )
                .await,
            manager_a: self
                .given_user(
                    "manager@a.nhs.uk",
                    Grant {
                        manager_of: vec![org_a],
                        ..works(org_a)
                    },
                )
                .await,
            manager_b: self
                .given_user(
                    "manager@b.nhs.uk",
                    Grant {
                        manager_of: vec![org_b],
                        ..works(org_b)
                    },
                )
                .await,
            admin: self
                .given_user(
                    "admin@nhs.uk",
                    Grant {
                        admin: true,
                        ..Grant::default()
                    },
                )
                .await,
            subject: self.given_user("subject@a.nhs.uk", works(org_a)).await,
        }
    }

    /// A session made directly by the service (cheap; for the access matrix).
    pub async fn session_for(&self, user: &TestUser) -> Session {
        let new = sessions::start(self.db(), self.config(), user.id, None)
            .await
            .expect("start session");
        Session {
            cookies: vec![Cookie::new("gt_session", new.id)],
            csrf: new.csrf_token,
        }
    }

    /// Signs in through `POST /api/v1/session`.
    pub async fn sign_in_as(&self, user: &TestUser) -> Session {
        let response = self
            .client
            .post("/api/v1/session")
            .header(ContentType::JSON)
            .body(serde_json::json!({ "email": user.email, "password": user.password }).to_string())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok, "sign in as {}", user.email);
        let cookie = response
            .cookies()
            .get("gt_session")
            .expect("session cookie")
            .clone()
            .into_owned();
        let body: serde_json::Value =
            serde_json::from_str(&response.into_string().await.unwrap_or_default()).expect("json");
        Session {
            cookies: vec![Cookie::new("gt_session", cookie.value().to_owned())],
            csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
        }
    }

    /// A visitor who has opened the sign-in page: the pre-session CSRF cookie and its token.
    pub async fn visitor(&self) -> Session {
        let response = self.get("/login").await;
        let cookie = response
            .cookies()
            .get("gt_csrf")
            .expect("csrf cookie")
            .clone()
            .into_owned();
        Session {
            csrf: cookie.value().to_owned(),
            cookies: vec![cookie],
        }
    }

    pub async fn get_as(&self, session: &Session, path: &str) -> LocalResponse<'_> {
        self.client
            .get(path.to_owned())
            .cookies(session.cookies.clone())
            .dispatch()
            .await
    }

    pub async fn get_json_as(&self, session: &Session, path: &str) -> (Status, serde_json::Value) {
        let response = self
            .client
            .get(path.to_owned())
            .cookies(session.cookies.clone())
            .header(Header::new("Accept", "application/json"))
            .dispatch()
            .await;
        json_of(response).await
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post_form_as(
        &self,
        session: &Session,
        path: &str,
        fields: &[(&str, &str)],
    ) -> LocalResponse<'_> {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw_form(session, path, &all).await
    }

    /// Posts exactly `fields` (no token added).
    pub async fn post_raw_form(
        &self,
        session: &Session,
        path: &str,
        fields: &[(&str, &str)],
    ) -> LocalResponse<'_> {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.client
            .post(path.to_owned())
            .cookies(session.cookies.clone())
            .header(ContentType::Form)
            .body(body)
            .dispatch()
            .await
    }

    /// Sends JSON with the session's CSRF token in `X-CSRF-Token`.
    pub async fn send_json_as(
        &self,
        session: &Session,
        method: rocket::http::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (Status, serde_json::Value) {
        let response = self
            .client
            .req(method, path.to_owned())
            .cookies(session.cookies.clone())
            .header(ContentType::JSON)
            .header(Header::new("X-CSRF-Token", session.csrf.clone()))
            .body(body.to_string())
            .dispatch()
            .await;
        json_of(response).await
    }

    /// Whether the session id still signs in.
    pub async fn is_signed_in(&self, session: &Session) -> bool {
        self.get_json_as(session, "/api/v1/me").await.0 == Status::Ok
    }

    /// Audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        let filter = genomics_training::audit::Filter {
            limit: 1000,
            ..Default::default()
        };
        let mut actions: Vec<String> = genomics_training::audit::query(self.db(), &filter)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        actions.reverse();
        actions
    }

    /// Everyone `scope` shows, by email.
    pub async fn emails_in(&self, scope: &OrgScope) -> Vec<String> {
        let everyone = genomics_training::listing::ListQuery::everything();
        accounts::users::list(self.db(), scope, None, &everyone)
            .await
            .expect("list")
            .rows
            .into_iter()
            .map(|u| u.email)
            .collect()
    }
}

pub async fn json_of(response: LocalResponse<'_>) -> (Status, serde_json::Value) {
    let status = response.status();
    let body = response.into_string().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

pub fn urlencode(value: &str) -> String {
    rocket::http::RawStr::new(value)
        .percent_encode()
        .to_string()
}

pub async fn body_of(response: LocalResponse<'_>) -> String {
    response.into_string().await.unwrap_or_default()
}

/// Recomputes every aggregate from the raw data and fails the test on any difference.
pub async fn assert_aggregates_consistent(app: &TestApp) {
    let differences = genomics_training::reports::verify::verify(app.db())
        .await
        .expect("verify runs");
    let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert!(
        lines.is_empty(),
        "aggregates differ from raw data:\n{}",
        lines.join("\n")
    );
}

/// `<dir>` (under the repository) when node and the npm `packages` are installed there;
/// otherwise `None` after saying why `what` is skipped, or a panic in CI (`CI=true`), where a
/// missing component must fail rather than skip.
pub fn node_packages(dir: &str, packages: &[&str], what: &str) -> Option<PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = packages.iter().all(|package| {
        path.join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
    });
    if node && installed {
        return Some(path);
    }
    let why = if node {
        format!("its packages are not installed (run `npm ci` in {dir})")
    } else {
        "node is not installed".to_owned()
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} need node and {dir}'s packages in CI: {why}");
    }
    eprintln!("skipping {what}: {why}");
    None
}
