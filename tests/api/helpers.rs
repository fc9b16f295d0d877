//! `spawn_app()`: the real app over a fresh migrated database, and helpers that read as
//! sentences in tests.

use std::path::PathBuf;

use genomics_training::{app, config, telemetry};
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
                    _dir: dir,
                }
            }
            _ => {
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Self {
                    url,
                    postgres: None,
                    _dir: dir,
                }
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self._dir.path().to_path_buf()
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
    config::with_app_setting(figment, "max_connections", 4)
}

pub async fn spawn_app() -> TestApp {
    telemetry::init_for_tests();
    let database = TestDatabase::create().await;
    let rocket = app::build(test_figment(&database))
        .await
        .expect("app builds");
    let client = Client::tracked(rocket).await.expect("valid rocket");
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
            .state::<app::AppState>()
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
