//! For the xAPI tests: a learning record store on 127.0.0.1 that does what a test tells it
//! (answer 503, take the statements and then not answer in time, refuse a statement once) and
//! otherwise behaves as xAPI 1.0.3 lets a strict store behave: it keeps statements by id and
//! answers 409, storing nothing, to a batch holding an id it already has. It records every
//! post, so a test can count what arrived twice and in which order. Also: the xAPI settings
//! pointing at it, and `xapi-validation` (tests/xapi) run by node.

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genomics_training::config::{self, AppConfig, XapiConfig};
use rocket::figment::Figment;
use rocket::tokio::io::{AsyncReadExt, AsyncWriteExt};
use rocket::tokio::net::{TcpListener, TcpStream};
use rocket::tokio::{self, time::sleep};
use serde_json::{Value, json};

/// What the store does with the next post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// 503 Service Unavailable, storing nothing.
    Unavailable,
    /// Stores the statements, then answers only after the client has given up.
    StoreThenHang,
}

#[derive(Debug, Default)]
pub struct Seen {
    plan: VecDeque<Next>,
    /// Statement ids refused (400), in any batch, until refused on their own.
    refuse_once: HashSet<String>,
    /// Statements kept, in the order they were stored, each once.
    pub stored: Vec<Value>,
    /// Every post's statement ids, in order.
    pub posts: Vec<Vec<String>>,
    /// Every post's Authorization and X-Experience-API-Version headers.
    pub headers: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct Store {
    pub url: String,
    seen: Arc<Mutex<Seen>>,
}

impl Store {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/xapi/", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, shared.clone()));
            }
        });
        Self { url, seen }
    }

    pub fn then(&self, next: Next) {
        self.seen.lock().expect("lock").plan.push_back(next);
    }

    pub fn refuse_once(&self, id: &str) {
        self.seen
            .lock()
            .expect("lock")
            .refuse_once
            .insert(id.to_owned());
    }

    pub fn seen<T>(&self, read: impl FnOnce(&Seen) -> T) -> T {
        read(&self.seen.lock().expect("lock"))
    }

    /// The ids stored, in the order they were stored.
    pub fn stored_ids(&self) -> Vec<String> {
        self.seen(|s| s.stored.iter().map(id_of).collect())
    }

    /// The xAPI settings that send to this store (1 s timeout, so a hang is quick to see).
    pub fn config(&self) -> XapiConfig {
        let figment = with_store(config::figment(), &self.url);
        AppConfig::from_figment(&figment)
            .expect("config")
            .xapi
            .expect("xapi on")
    }
}

/// `figment` with xAPI on, sending to `url`.
pub fn with_store(figment: Figment, url: &str) -> Figment {
    config::with_app_setting(
        figment,
        "xapi",
        json!({ "endpoint": url, "key": "gt", "secret": "lrs-secret", "timeout_seconds": 1 }),
    )
}

pub fn id_of(statement: &Value) -> String {
    statement["id"].as_str().unwrap_or_default().to_owned()
}

async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Some((head, buffer[head_end..head_end + length].to_vec()))
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
        .unwrap_or_default()
}

async fn answer(mut stream: TcpStream, seen: Arc<Mutex<Seen>>) {
    let Some((head, body)) = read_request(&mut stream).await else {
        return;
    };
    let statements: Vec<Value> = serde_json::from_slice(&body).unwrap_or_default();
    let ids: Vec<String> = statements.iter().map(id_of).collect();
    let (status, hang) = {
        let mut seen = seen.lock().expect("lock");
        seen.posts.push(ids.clone());
        seen.headers.push((
            header(&head, "authorization"),
            header(&head, "x-experience-api-version"),
        ));
        let known: HashSet<String> = seen.stored.iter().map(id_of).collect();
        match seen.plan.pop_front() {
            Some(Next::Unavailable) => ("503 Service Unavailable", false),
            Some(Next::StoreThenHang) => {
                seen.stored.extend(statements);
                ("200 OK", true)
            }
            // Refused in any batch; forgotten once refused on its own.
            None if ids.iter().any(|id| seen.refuse_once.contains(id)) => {
                if let [id] = ids.as_slice() {
                    seen.refuse_once.remove(id);
                }
                ("400 Bad Request", false)
            }
            None if ids.iter().any(|id| known.contains(id)) => ("409 Conflict", false),
            None => {
                seen.stored.extend(statements);
                ("200 OK", false)
            }
        }
    };
    if hang {
        sleep(Duration::from_secs(3)).await;
    }
    let reply = if status.starts_with("200") {
        serde_json::to_string(&ids).unwrap_or_default()
    } else {
        json!({ "message": status }).to_string()
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// `tests/xapi` with node and `xapi-validation` installed; otherwise `None` after saying why,
/// or a panic in CI (`CI=true`).
pub fn validator() -> Option<PathBuf> {
    crate::helpers::node_packages(
        "tests/xapi",
        &["xapi-validation"],
        "the xapi-validation check of the statements",
    )
}

/// Runs `xapi-validation` over `statements`: the exit code and what it printed.
pub fn validate(dir: &Path, statements: &[Value]) -> (i32, String) {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), Value::from(statements.to_vec()).to_string()).expect("write");
    let output = Command::new("node")
        .arg(dir.join("validate.mjs"))
        .arg(file.path())
        .output()
        .expect("run node");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr),
    )
}
