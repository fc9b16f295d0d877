//! The command line, run as the real binary: the first-admin link printed by `serve`,
//! `users import` and `orgs add`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use genomics_training::accounts::OrgScope;
use rocket::http::Status;

use crate::helpers::{TestDatabase, spawn_app_on};
use crate::import::HEADER;

pub fn binary(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genomics-training"));
    command
        .env("DATABASE_URL", &database.url)
        .env("ROCKET_PORT", "0")
        .env(
            "ROCKET_APP",
            format!("{{data_dir=\"{}\"}}", database.data_dir().display()),
        )
        .env("RUST_LOG", "error");
    command
}

pub fn run(database: &TestDatabase, args: &[&str]) -> Output {
    binary(database)
        .args(args)
        .output()
        .expect("run the binary")
}

/// A port nothing listens on now, so `serve` can bind it and links can be checked against it.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

#[rocket::async_test]
async fn serve_prints_a_one_time_link_to_create_the_first_admin_on_its_own_port() {
    let database = TestDatabase::create().await;
    let port = free_port().to_string();
    let mut child = binary(&database)
        .env("ROCKET_PORT", &port)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let started = Instant::now();
    let mut link = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap_or_default();
        if let Some(rest) = line.strip_prefix("Create the first admin account: ") {
            link = Some(rest.to_owned());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no link printed"
        );
    }
    child.kill().ok();
    child.wait().ok();
    let link = link.expect("serve printed the link");
    let origin = format!("http://127.0.0.1:{port}");
    assert!(link.starts_with(&format!("{origin}/setup/")), "{link}");
    let path = link.trim_start_matches(&origin).to_owned();
    let app = spawn_app_on(database).await;
    assert_eq!(app.get(&path).await.status(), Status::Ok);
}

#[rocket::async_test]
async fn users_import_prints_links_and_reports_every_bad_row_by_file_and_line() {
    let database = TestDatabase::create().await;
    let dir = database.data_dir();
    let added = run(&database, &["orgs", "add", "RX1", "Example Trust"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let app = spawn_app_on(database).await;
    given_receptionist_role(&app).await;
    let database = &app_database(&app);

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n\
             1002,nope,Bob Jones,RX1,administrative-and-clerical,receptionist,3\n\
             1003,cat@example.nhs.uk,,RX9,administrative-and-clerical,receptionist,3\n"
        ),
    )
    .expect("write csv");
    let output = run(database, &["users", "import", bad.to_str().expect("path")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file = bad.display().to_string();
    assert!(stderr.contains(&format!("{file}:3: email")), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:4: display_name is empty")),
        "{stderr}"
    );
    assert!(
        stderr.contains("RX9 is not a known organisation"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"));
    assert!(app.emails_in(&OrgScope::All).await.is_empty());

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,Administrative and Clerical,Receptionist,3\n\
             1002,bob@example.nhs.uk,Bob Jones,RX1,administrative-and-clerical,receptionist,\n"
        ),
    )
    .expect("write csv");
    let output = run(database, &["users", "import", good.to_str().expect("path")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.matches("/activate/").count(), 2, "{stdout}");
    assert!(stdout.contains("2 created"));
    assert_eq!(app.emails_in(&OrgScope::All).await.len(), 2);
}

#[rocket::async_test]
async fn users_import_links_name_the_listening_port_unless_public_url_is_set() {
    let database = TestDatabase::create().await;
    let dir = database.data_dir();
    let added = run(&database, &["orgs", "add", "RX1", "Example Trust"]);
    assert!(added.status.success());
    let app = spawn_app_on(database).await;
    given_receptionist_role(&app).await;
    let database = &app_database(&app);
    let import = |file: &str, row: &str, public_url: Option<&str>| {
        let path = dir.join(file);
        std::fs::write(&path, format!("{HEADER}\n{row}\n")).expect("write csv");
        let mut command = binary(database);
        command.env("ROCKET_PORT", "9123");
        if let Some(url) = public_url {
            let data_dir = database.data_dir().display().to_string();
            command.env(
                "ROCKET_APP",
                format!("{{data_dir=\"{data_dir}\",public_url=\"{url}\"}}"),
            );
        }
        let output = command
            .args(["users", "import", path.to_str().expect("path")])
            .output()
            .expect("run the binary");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let derived = import(
        "a.csv",
        "1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3",
        None,
    );
    assert!(
        derived.contains("http://127.0.0.1:9123/activate/"),
        "{derived}"
    );
    let configured = import(
        "b.csv",
        "1002,bob@example.nhs.uk,Bob Jones,RX1,administrative-and-clerical,receptionist,3",
        Some("https://training.example.nhs.uk/"),
    );
    assert!(
        configured.contains("https://training.example.nhs.uk/activate/"),
        "{configured}"
    );
}

/// The job role every row of these files names.
pub async fn given_receptionist_role(app: &crate::helpers::TestApp) {
    app.given_job_role(
        "administrative-and-clerical",
        "Administrative and Clerical",
        "receptionist",
        "Receptionist",
    )
    .await;
}

/// A handle on the test app's database for the binary (same URL and data folder).
pub fn app_database(app: &crate::helpers::TestApp) -> TestDatabase {
    TestDatabase::borrowed(
        app.config().database_url.expose(),
        app.config().data_dir.clone(),
    )
}
