//! Every command that writes data to standard output writes only that data, whatever is
//! logged: the commands run as the real binary with the default log filter (logs on), and what
//! they print is read back by the service's own readers, `csv` and `serde_json`. Logs go to
//! standard error, as text or, with `GT_LOG_FORMAT=json`, one JSON object per line.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use genomics_training::assessment::answer::Sureness;
use genomics_training::questions::{parse_gift, parse_moodle_xml};

use crate::helpers::{TestApp, TestDatabase, spawn_app};
use crate::reports_support::{sit, sitting};

/// Runs the binary with the shipped default log filter (no `RUST_LOG`).
fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genomics-training"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .env_remove("GT_LOG_FORMAT")
        .env_remove("ROCKET_APP");
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().expect("run the binary");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(name).display())
}

/// A database with the sample bank imported and published, and the start of its logs.
fn bank_database(dir: &Path, name: &str) -> String {
    let url = sqlite_url(dir, name);
    run(
        &[
            "questions",
            "import",
            "tests/fixtures/questions/authoring/all_types.gift",
            "--topic",
            "samples",
            "--publish",
        ],
        &[("DATABASE_URL", &url)],
    );
    url
}

/// The GIFT export of one topic, the command most of these tests redirect.
const GIFT_EXPORT: &[&str] = &[
    "questions",
    "export",
    "--format",
    "gift",
    "--topic",
    "samples",
];

fn assert_no_escape_codes(output: &Output) {
    assert!(!output.stdout.contains(&0x1b), "no colour on stdout");
    assert!(
        !output.stderr.contains(&0x1b),
        "no colour when stderr is not a terminal"
    );
}

#[test]
fn gift_export_holds_only_gift_and_imports_back_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = bank_database(dir.path(), "bank.db");
    let output = run(GIFT_EXPORT, &[("DATABASE_URL", &url)]);
    assert_no_escape_codes(&output);
    assert!(
        text(&output.stderr).contains("content loaded"),
        "the start-up log is written, to stderr: {}",
        text(&output.stderr)
    );
    let gift = text(&output.stdout);
    let questions = parse_gift(&gift, "bank.gift").expect("stdout is a GIFT file");
    // The six imported and the shipped content's questions in the same topic.
    assert!(questions.len() >= 6, "{gift}");

    // `> bank.gift`, then the import of bank.gift into another database.
    let file = dir.path().join("bank.gift");
    std::fs::write(&file, &output.stdout).unwrap();
    let second = sqlite_url(dir.path(), "second.db");
    let imported = run(
        &["questions", "import", file.to_str().unwrap()],
        &[("DATABASE_URL", &second)],
    );
    assert!(
        text(&imported.stdout).contains("imported: 6 new"),
        "{}",
        text(&imported.stdout)
    );
    let again = run(GIFT_EXPORT, &[("DATABASE_URL", &second)]);
    assert_eq!(text(&again.stdout), gift);
}

#[test]
fn moodle_xml_export_and_parse_print_only_what_their_readers_read() {
    let dir = tempfile::tempdir().unwrap();
    let url = bank_database(dir.path(), "bank.db");
    let xml = run(
        &[
            "questions",
            "export",
            "--format",
            "moodle-xml",
            "--topic",
            "samples",
        ],
        &[("DATABASE_URL", &url)],
    );
    assert_no_escape_codes(&xml);
    let parsed = parse_moodle_xml(&text(&xml.stdout), "bank.xml").expect("stdout is Moodle XML");
    assert!(parsed.len() >= 6);

    let json = run(
        &[
            "questions",
            "parse",
            "tests/fixtures/questions/authoring/all_types.gift",
        ],
        &[],
    );
    let value: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("stdout is one JSON document");
    assert_eq!(value.as_array().map(Vec::len), Some(6));
}

async fn app_with_answers() -> TestApp {
    let app = spawn_app().await;
    let world = app.given_world().await;
    sit(
        app.db(),
        world.learner.id,
        "baseline",
        sitting(1, Sureness::High, 3),
    )
    .await;
    app
}

#[rocket::async_test]
async fn gap_report_exports_hold_only_csv_and_json() {
    let app = app_with_answers().await;
    let url = app.database_url().to_owned();
    let csv_output = run(
        &["report", "gaps", "--format", "csv"],
        &[("DATABASE_URL", &url)],
    );
    assert_no_escape_codes(&csv_output);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv_output.stdout.as_slice())
        .records()
        .collect::<Result<_, _>>()
        .expect("stdout is CSV");
    assert!(!rows.is_empty(), "{}", text(&csv_output.stdout));

    let json_output = run(
        &["report", "gaps", "--format", "json"],
        &[("DATABASE_URL", &url)],
    );
    let value: serde_json::Value =
        serde_json::from_slice(&json_output.stdout).expect("stdout is one JSON document");
    assert_eq!(value["rows"].as_array().map(Vec::len), Some(rows.len()));
}

#[test]
fn json_logs_are_one_object_per_line_on_stderr_and_leave_stdout_alone() {
    let dir = tempfile::tempdir().unwrap();
    let url = bank_database(dir.path(), "bank.db");
    let plain = run(GIFT_EXPORT, &[("DATABASE_URL", &url)]);
    let json = run(
        GIFT_EXPORT,
        &[("DATABASE_URL", &url), ("GT_LOG_FORMAT", "json")],
    );
    assert_eq!(json.stdout, plain.stdout);
    assert_no_escape_codes(&json);
    let lines: Vec<serde_json::Value> = text(&json.stderr)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let loaded = lines
        .iter()
        .find(|line| line["message"] == "content loaded")
        .expect("the start-up line");
    assert_eq!(loaded["level"], "INFO");
    assert_eq!(loaded["target"], "genomics_training::app");
}

/// `serve` prints only the first-admin link on stdout; Rocket's own launch messages are log
/// lines on stderr, JSON objects like the rest.
#[rocket::async_test]
async fn serve_keeps_rocket_launch_messages_off_stdout() {
    let database = TestDatabase::create().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port().to_string())
        .expect("a free port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_genomics-training"))
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .env("GT_LOG_FORMAT", "json")
        .env("DATABASE_URL", &database.url)
        .env("ROCKET_PORT", &port)
        .env(
            "ROCKET_APP",
            format!("{{data_dir=\"{}\"}}", database.data_dir().display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut launched = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap_or_default();
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        if value["message"]
            .as_str()
            .is_some_and(|m| m.contains("Rocket has launched"))
        {
            launched = Some(value);
            break;
        }
    }
    child.kill().ok();
    let output = child.wait_with_output().expect("serve's stdout");
    let launched = launched.expect("Rocket's launch line on stderr");
    assert!(
        launched["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!(":{port}")) && !m.contains('\u{1b}')),
        "{launched}"
    );
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with("Create the first admin account: http://"),
        "{stdout}"
    );
}
