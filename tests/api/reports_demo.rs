//! `serve --demo`, run as the real binary with a tiny population: it prints the demo sign-ins,
//! answers /readyz, and a second start adds nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::TestDatabase;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok();
    reply.starts_with("HTTP/1.1 200")
}

/// Starts `serve --demo --demo-staff 3`, collects what it prints until the sign-ins are out and
/// /readyz answers, then stops it.
fn serve_demo(database: &TestDatabase) -> String {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_genomics-training"))
        .args(["serve", "--demo", "--demo-staff", "3"])
        .env("DATABASE_URL", &database.url)
        .env("ROCKET_PORT", port.to_string())
        .env(
            "ROCKET_APP",
            format!("{{data_dir=\"{}\"}}", database.data_dir().display()),
        )
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve --demo");
    let stdout = child.stdout.take().expect("stdout");
    let started = Instant::now();
    let mut printed = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap_or_default();
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("admin@demo.nhs.uk") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{printed}");
    }
    let mut is_ready = false;
    while started.elapsed() < Duration::from_secs(120) {
        if ready(port) {
            is_ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().ok();
    child.wait().ok();
    assert!(is_ready, "/readyz never answered; printed:\n{printed}");
    printed
}

#[rocket::async_test]
async fn serve_demo_prints_the_sign_ins_is_ready_and_loads_only_once() {
    let database = TestDatabase::create().await;
    let first = serve_demo(&database);
    assert!(first.contains("Demo loaded: 3 staff"), "{first}");
    for email in [
        "learner@demo.nhs.uk",
        "trainer@demo.nhs.uk",
        "manager@demo.nhs.uk",
        "admin@demo.nhs.uk",
    ] {
        assert!(first.contains(email), "{email} in {first}");
    }
    assert!(
        first.contains("password: demo genomics training"),
        "{first}"
    );
    assert!(!first.contains("Create the first admin account"), "{first}");
    let second = serve_demo(&database);
    assert!(second.contains("Demo already loaded: 6 people"), "{second}");
}
