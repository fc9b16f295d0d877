//! The command line, run as the real binary: the first-admin link printed by `serve`,
//! `users import` and `orgs add`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use genomics_training::accounts::OrgScope;
use rocket::http::Status;

use crate::helpers::{TestDatabase, spawn_app_on};
use crate::import::HEADER;

fn binary(database: &TestDatabase) -> Command {
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

fn run(database: &TestDatabase, args: &[&str]) -> Output {
    binary(database)
        .args(args)
        .output()
        .expect("run the binary")
}

#[rocket::async_test]
async fn serve_prints_a_one_time_link_to_create_the_first_admin() {
    let database = TestDatabase::create().await;
    let mut child = binary(&database)
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
    assert!(link.starts_with("http://127.0.0.1:8000/setup/"), "{link}");
    let path = link.trim_start_matches("http://127.0.0.1:8000").to_owned();
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
    app.given_job_role(
        "administrative-and-clerical",
        "Administrative and Clerical",
        "receptionist",
        "Receptionist",
    )
    .await;
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

/// A handle on the test app's database for the binary (same URL and data folder).
fn app_database(app: &crate::helpers::TestApp) -> TestDatabase {
    TestDatabase::borrowed(
        app.config().database_url.expose(),
        app.config().data_dir.clone(),
    )
}
