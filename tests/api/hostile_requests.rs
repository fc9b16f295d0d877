//! Hostile requests: malformed ids, bodies, tokens, encodings, numbers, enums and dates sent to
//! the real routes. Every one must get a 4xx (never a 5xx) with a message a person can act on;
//! markup sent as data must come back escaped. Runs on SQLite and on PostgreSQL.

use rocket::http::{ContentType, Header, Method, Status};
use serde_json::json;

use crate::helpers::{Session, TestApp, World, body_of, spawn_app};

#[derive(Debug, Clone, Copy)]
enum Persona {
    Anonymous,
    Learner,
    Trainer,
    ManagerA,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Csrf {
    Valid,
    Missing,
    Wrong,
}

#[derive(Debug, Clone)]
enum Body {
    None,
    /// Url-encoded; `{csrf}` becomes the session's token.
    Form(String),
    /// JSON sent with the session's token in `X-CSRF-Token` (unless the row says otherwise).
    Json(Vec<u8>),
    /// Multipart with the token, a `file` part, and extra text parts.
    Upload {
        file_name: &'static str,
        file: Vec<u8>,
        fields: Vec<(&'static str, &'static str)>,
    },
    /// Exactly these bytes with this content type, or with none.
    Raw(Option<ContentType>, Vec<u8>),
}

/// One malformed request and what must come back.
#[derive(Debug, Clone)]
struct Row {
    method: Method,
    path: String,
    persona: Persona,
    body: Body,
    csrf: Csrf,
    status: u16,
    message: &'static str,
}

fn row(method: Method, path: impl Into<String>, persona: Persona) -> Row {
    Row {
        method,
        path: path.into(),
        persona,
        body: Body::None,
        csrf: Csrf::Valid,
        status: 0,
        message: "",
    }
}

impl Row {
    fn form(mut self, body: &str) -> Self {
        self.body = Body::Form(body.to_owned());
        self
    }

    fn json(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Json(body.into());
        self
    }

    fn upload(mut self, file_name: &'static str, file: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Upload {
            file_name,
            file: file.into(),
            fields: Vec::new(),
        };
        self
    }

    fn raw(mut self, content_type: ContentType, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Raw(Some(content_type), body.into());
        self
    }

    fn untyped(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Raw(None, body.into());
        self
    }

    fn csrf(mut self, csrf: Csrf) -> Self {
        self.csrf = csrf;
        self
    }

    fn expect(mut self, status: u16, message: &'static str) -> Self {
        self.status = status;
        self.message = message;
        self
    }
}

const BOUNDARY: &str = "hostile-boundary-7f3a";

fn multipart(csrf: &str, file_name: &str, file: &[u8], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    };
    if !csrf.is_empty() {
        text("csrf_token", csrf);
    }
    for (name, value) in fields {
        text(name, value);
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .into_bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

async fn session_of(app: &TestApp, world: &World, persona: Persona) -> Session {
    match persona {
        Persona::Anonymous => app.visitor().await,
        Persona::Learner => app.session_for(&world.learner).await,
        Persona::Trainer => app.session_for(&world.trainer).await,
        Persona::ManagerA => app.session_for(&world.manager_a).await,
        Persona::Admin => app.session_for(&world.admin).await,
    }
}

/// Sends the row; returns the status and the body as text.
async fn send(app: &TestApp, world: &World, row: &Row) -> (u16, String) {
    let session = session_of(app, world, row.persona).await;
    let token = match row.csrf {
        Csrf::Valid => session.csrf.clone(),
        Csrf::Missing => String::new(),
        Csrf::Wrong => "0".repeat(64),
    };
    let mut request = app
        .client
        .req(row.method, row.path.clone())
        .cookies(session.cookies.clone());
    if row.path.starts_with("/api/") && row.csrf != Csrf::Missing {
        request = request.header(Header::new("X-CSRF-Token", token.clone()));
    }
    request = match &row.body {
        Body::None => request,
        Body::Form(body) => request
            .header(ContentType::Form)
            .body(body.replace("{csrf}", &token)),
        Body::Json(body) => request.header(ContentType::JSON).body(body.clone()),
        Body::Upload {
            file_name,
            file,
            fields,
        } => request
            .header(
                ContentType::parse_flexible(&format!("multipart/form-data; boundary={BOUNDARY}"))
                    .expect("content type"),
            )
            .body(multipart(&token, file_name, file, fields)),
        Body::Raw(Some(content_type), body) => {
            request.header(content_type.clone()).body(body.clone())
        }
        Body::Raw(None, body) => request.body(body.clone()),
    };
    let response = request.dispatch().await;
    let status = response.status().code;
    (status, body_of(response).await)
}

/// Ids of things the rows point at.
struct Things {
    /// The learner's baseline attempt, which nobody else may see.
    attempt: i64,
    /// A person in organisation B, whom manager A may not see.
    person_b: i64,
    subject: i64,
}

async fn given_things(app: &TestApp, world: &World) -> Things {
    let learner = app.session_for(&world.learner).await;
    let (status, attempt) = app
        .send_json_as(
            &learner,
            Method::Post,
            "/api/v1/assessments/baseline/attempts",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{attempt}");
    Things {
        attempt: attempt["id"].as_i64().expect("attempt id"),
        person_b: world.manager_b.id,
        subject: world.subject.id,
    }
}

const MIB: usize = 1024 * 1024;

fn rows(t: &Things) -> Vec<Row> {
    use Method::{Delete, Get, Post, Put};
    use Persona::{Admin, Anonymous, Learner, ManagerA, Trainer};
    let attempt = t.attempt;
    let subject = t.subject;
    let person_b = t.person_b;
    let roles = format!("/api/v1/admin/users/{subject}/roles");
    let answers = format!("/api/v1/attempts/{attempt}/answers");
    let big_form = format!(
        "csrf_token={{csrf}}&code=RY1&name={}",
        "x".repeat(300 * 1024)
    );
    let big_json = format!("{{\"code\":\"RY2\",\"name\":\"{}\"}}", "x".repeat(2 * MIB));
    let big_source = json!({ "source": "x".repeat(9 * MIB) }).to_string();
    let big_csv = json!({ "csv": "x".repeat(9 * MIB) }).to_string();
    let mut invalid_utf8_form = b"csrf_token={csrf}&code=RY3&name=Trust ".to_vec();
    invalid_utf8_form.extend([0xFF, 0xFE]);
    let mut invalid_utf8_json = b"{\"code\":\"RY4\",\"name\":\"Trust ".to_vec();
    invalid_utf8_json.extend([0xFF, 0xFE, b'"', b'}']);
    vec![
        // Bad ids in paths and queries.
        row(Get, "/admin/users/abc", Admin).expect(404, "check it is correct"),
        row(Get, "/admin/users/-1", Admin).expect(404, "No such person"),
        row(Get, "/admin/users/9223372036854775808", Admin).expect(404, "check it is correct"),
        row(Get, "/admin/users/1.5", Admin).expect(404, "check it is correct"),
        row(Get, "/api/v1/admin/users/abc", Admin).expect(404, "check it is correct"),
        row(Get, "/api/v1/admin/users/99999999999999999999", Admin).expect(404, "check it is correct"),
        row(Get, format!("/api/v1/admin/users/{person_b}"), ManagerA).expect(404, "No such person"),
        row(Get, format!("/admin/users/{person_b}"), ManagerA).expect(404, "No such person"),
        row(Get, format!("/learn/attempts/{attempt}"), Trainer).expect(404, "attempt"),
        row(Get, format!("/api/v1/attempts/{attempt}"), ManagerA).expect(404, "attempt"),
        row(Get, format!("/api/v1/attempts/{attempt}/result"), Admin).expect(404, "attempt"),
        row(Put, format!("/api/v1/attempts/{attempt}/answers"), Trainer).json("{}").expect(404, "attempt"),
        row(Post, format!("/learn/attempts/{attempt}/submit"), Trainer).form("csrf_token={csrf}").expect(404, "attempt"),
        row(Get, format!("/learn/attempts/{attempt}/topics/99999999999999999999999"), Learner).expect(404, "check it is correct"),
        row(Get, format!("/learn/attempts/{attempt}/topics/0"), Learner).expect(404, "topic"),
        row(Get, "/learn/quiz/abc", Learner).expect(404, "check it is correct"),
        row(Get, "/author/items/-5", Trainer).expect(404, "item"),
        row(Get, "/api/v1/author/items/0", Trainer).expect(404, "item"),
        row(Get, "/admin/users?organisation=abc", Admin).expect(400, "organisation"),
        row(Get, "/api/v1/admin/audit?actor=-x", Admin).expect(400, "Actor must be chosen from the list"),
        row(Get, "/reports?organisation=99999999999999999999", ManagerA).expect(400, "Organisation must be chosen from the list"),
        row(Get, "/reports/topics/no-such-topic", ManagerA).expect(404, "topic"),
        // Oversized bodies.
        row(Post, "/admin/organisations", Admin).form(&big_form).expect(413, "larger than this service accepts here (256KiB)"),
        row(Post, "/login", Anonymous).form(&big_form).expect(413, "larger than this service accepts here (256KiB)"),
        row(Post, "/api/v1/admin/organisations", Admin).json(big_json.clone()).expect(413, "larger than this service accepts here (1MiB)"),
        row(Put, roles.clone(), Admin).json(big_json).expect(413, "larger than this service accepts"),
        row(Post, "/api/v1/author/import/preview", Trainer).json(big_source).expect(413, "larger than this service accepts"),
        row(Post, "/api/v1/admin/users/import", Admin).json(big_csv).expect(413, "larger than this service accepts"),
        row(Post, "/admin/users/import", Admin).upload("people.csv", vec![b'x'; 9 * MIB]).expect(413, "larger than this service accepts here (8MiB)"),
        row(Post, "/author/import", Trainer).upload("bank.gift", vec![b'x'; 9 * MIB]).expect(413, "larger than this service accepts"),
        // Wrong JSON types and malformed JSON.
        row(Put, roles.clone(), Admin).json(r#"{"admin":"yes"}"#).expect(422, "field admin is not as expected: invalid type"),
        row(Post, "/api/v1/admin/organisations", Admin).json(r#"{"code":5,"name":[]}"#).expect(422, "invalid type"),
        row(Put, answers.clone(), Learner).json(r#"{"answers":"all of them"}"#).expect(422, "invalid type"),
        row(Post, "/api/v1/manage/assignments", ManagerA).json(r#"{"module":"genomics-basics","organisation_id":"one"}"#).expect(422, "invalid type"),
        row(Post, "/api/v1/session", Anonymous).json(r#"{"email":1,"password":true}"#).expect(422, "invalid type"),
        row(Post, "/api/v1/admin/organisations", Admin).json("[1,2").expect(400, "not valid JSON"),
        row(Post, "/api/v1/admin/organisations", Admin).json("").expect(400, "not valid JSON"),
        row(Post, "/api/v1/admin/organisations", Admin).json(r#"{"code":"RY5"}"#).expect(422, "missing field `name`"),
        // Missing or wrong CSRF tokens.
        row(Post, "/admin/organisations", Admin).form("code=RY6&name=Trust").csrf(Csrf::Missing).expect(403, "The form has expired"),
        row(Post, "/admin/organisations", Admin).form("csrf_token={csrf}&code=RY7&name=Trust").csrf(Csrf::Wrong).expect(403, "The form has expired"),
        row(Put, roles.clone(), Admin).json(r#"{"admin":true}"#).csrf(Csrf::Missing).expect(403, "The form has expired"),
        row(Put, roles.clone(), Admin).json(r#"{"admin":true}"#).csrf(Csrf::Wrong).expect(403, "The form has expired"),
        row(Post, format!("/api/v1/attempts/{attempt}/submit"), Learner).csrf(Csrf::Missing).expect(403, "The form has expired"),
        row(Delete, "/api/v1/session", Learner).csrf(Csrf::Wrong).expect(403, "The form has expired"),
        row(Post, "/logout", Learner).form("").csrf(Csrf::Missing).expect(403, "The form has expired"),
        row(Post, "/login", Anonymous).form("csrf_token={csrf}&email=a@nhs.net&password=x").csrf(Csrf::Wrong).expect(403, "The form has expired"),
        row(Post, "/admin/users/import", Admin).upload("people.csv", "employee_number").csrf(Csrf::Missing).expect(403, "The form has expired"),
        // Invalid UTF-8 in bodies, paths and files.
        row(Post, "/admin/organisations", Admin).raw(ContentType::Form, invalid_utf8_form).expect(400, "UTF-8"),
        row(Post, "/admin/organisations", Admin).form("csrf_token={csrf}&code=RY8&name=Trust%FF%FE").expect(400, "UTF-8"),
        row(Post, "/api/v1/admin/organisations", Admin).json(invalid_utf8_json).expect(400, "UTF-8"),
        row(Get, "/reports/topics/%FF%FE", ManagerA).expect(400, "not UTF-8"),
        row(Get, "/admin/audit?subject=%FF%FE", Admin).expect(400, "UTF-8"),
        row(Post, "/author/import", Trainer).upload("bank.gift", vec![b'Q', 0xFF, b'{', b'T', b'}']).expect(422, "not UTF-8"),
        row(Post, "/admin/users/import", Admin).upload("people.csv", vec![0xFF, 0xFE, b',', b'\n']).expect(422, "problem"),
        // Huge and out-of-range numbers.
        row(Post, "/api/v1/manage/assignments", ManagerA).json(r#"{"module":"genomics-basics","organisation_id":1e400}"#).expect(400, "not valid JSON"),
        row(Post, "/manage/assignments", ManagerA).form("csrf_token={csrf}&module=genomics-basics&organisation_id=99999999999999999999999").expect(422, "organisation"),
        row(Put, answers.clone(), Learner).json(r#"{"ratings":{"1":99999}}"#).expect(422, "invalid value"),
        row(Put, answers.clone(), Learner).json(r#"{"answers":[{"position":99999999999}]}"#).expect(422, "invalid value"),
        row(Put, answers.clone(), Learner).json(r#"{"answers":[{"position":1,"time_on_item_ms":-5}]}"#).expect(422, "cannot be negative"),
        row(Put, roles.clone(), Admin).json(r#"{"manager_organisation_ids":[9223372036854775807]}"#).expect(422, "Choose organisations from the list"),
        // Null bytes.
        row(Post, "/admin/organisations", Admin).form("csrf_token={csrf}&code=RY9&name=Trust%00X").expect(400, "null character"),
        row(Post, "/api/v1/admin/organisations", Admin).json(r#"{"code":"RY10","name":"Trust\u0000X"}"#).expect(400, "null character"),
        row(Get, "/admin/audit?subject=%00", Admin).expect(400, "null character"),
        row(Get, "/reports?band=%00", ManagerA).expect(400, "null character"),
        row(Post, "/api/v1/admin/users/import", Admin).json(r#"{"csv":"employee_number,email,display_name,organisation_code,staff_group,job_role,band\n1,a@nhs.net,A\u0000B,RA1,x,y,3"}"#).expect(400, "null character"),
        // Duplicated fields.
        row(Post, "/api/v1/admin/organisations", Admin).json(r#"{"code":"RX8","code":"RY11","name":"Trust"}"#).expect(422, "duplicate field `code`"),
        row(Post, "/admin/organisations", Admin).form("csrf_token={csrf}&code=RX8&code=RY12&name=Trust").expect(422, "code came more than once"),
        // Wrong content types.
        row(Post, "/api/v1/session", Anonymous).raw(ContentType::Plain, r#"{"email":"a@nhs.net","password":"x"}"#).expect(415, "Content-Type: application/json"),
        row(Post, "/admin/organisations", Admin).raw(ContentType::JSON, r#"{"code":"RY13","name":"Trust"}"#).expect(415, "Send the form as application/x-www-form-urlencoded"),
        row(Post, "/api/v1/admin/organisations", Admin).raw(ContentType::Form, "code=RY14&name=Trust").expect(415, "Content-Type: application/json"),
        row(Post, "/api/v1/session", Anonymous).untyped(r#"{"email":"a@nhs.net","password":"x"}"#).expect(415, "Content-Type: application/json"),
        row(Post, "/admin/users/import", Admin).form("csrf_token={csrf}&file=employee_number").expect(422, "lacks column(s)"),
        // Unknown enum values.
        row(Put, answers.clone(), Learner).json(r#"{"answers":[{"position":1,"sureness":"very"}]}"#).expect(422, "sureness must be low, medium, high or dont_know"),
        row(Get, "/reports?phase=middle", ManagerA).expect(400, "Phase must be baseline or post"),
        row(Get, "/author/export?format=docx", Trainer).expect(400, "format"),
        row(Post, "/author/items", Trainer).form("csrf_token={csrf}&qtype=bogus&topic=x").expect(422, "type"),
        row(Post, "/api/v1/assessments/midterm/attempts", Learner).expect(404, "no such assessment"),
        // Dates out of range.
        row(Post, "/manage/assignments", ManagerA).form("csrf_token={csrf}&module=genomics-basics&due_on=2024-02-30").expect(422, "date"),
        row(Post, "/api/v1/manage/assignments", ManagerA).json(r#"{"module":"genomics-basics","due_on":"99999-01-01"}"#).expect(422, "date"),
        row(Get, "/reports?from=0000-13", ManagerA).expect(400, "From"),
        row(Get, "/reports?from=2026-05&to=2025-01", ManagerA).expect(400, "must be the same as or before"),
        // Markup, over-long and wrong-shaped text.
        row(Post, "/admin/organisations", Admin).form("csrf_token={csrf}&code=%3Cb%3E&name=Trust").expect(422, "letters and numbers"),
        row(Post, "/api/v1/admin/organisations", Admin).json(json!({"code": "RY15", "name": "x".repeat(10_000)}).to_string()).expect(422, "200 characters or fewer"),
        row(Post, "/login", Anonymous).form("csrf_token={csrf}&email=%3Cscript%3E&password=x").expect(401, "Enter a correct email address"),
        row(Post, "/password-reset", Anonymous).form("csrf_token={csrf}&email=a%00b@nhs.net").expect(400, "null character"),
    ]
}

/// A page's text as a person reads it (tags dropped, Handlebars' escapes undone), or JSON as
/// sent.
fn visible_text(body: &str) -> String {
    let main = body.split_once("<main").map_or(body, |(_, main)| main);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[rocket::async_test]
async fn malformed_requests_get_a_4xx_with_a_clear_message() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let things = given_things(&app, &world).await;
    let table = rows(&things);
    assert!(table.len() >= 50, "only {} rows", table.len());
    let mut failures = Vec::new();
    for row in &table {
        let (status, body) = send(&app, &world, row).await;
        let body = visible_text(&body);
        let shown: String = body.chars().take(300).collect();
        let label = format!(
            "{} {} as {:?}",
            row.method,
            row.path.chars().take(80).collect::<String>(),
            row.persona
        );
        if !(400..500).contains(&status) {
            failures.push(format!("{label}: {status}, not a 4xx: {shown}"));
        } else if status != row.status {
            failures.push(format!(
                "{label}: expected {}, got {status}: {shown}",
                row.status
            ));
        } else if !body.contains(row.message) {
            failures.push(format!(
                "{label}: {status} without {:?}: {shown}",
                row.message
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

const SCRIPT: &str = "<script>alert(1)</script>";

#[rocket::async_test]
async fn markup_in_names_is_stored_as_sent_and_shown_escaped() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.session_for(&world.admin).await;

    let name = format!("Trust {SCRIPT}");
    let response = app
        .post_form_as(
            &admin,
            "/admin/organisations",
            &[("code", "RZ1"), ("name", &name)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let (_, stored) = app.get_json_as(&admin, "/api/v1/admin/organisations").await;
    assert!(
        stored.to_string().contains(&name),
        "stored as sent: {stored}"
    );
    let page = body_of(app.get_as(&admin, "/admin/organisations").await).await;
    assert!(page.contains("Trust &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains(SCRIPT), "never markup on the page");

    let person = "<img src=x onerror=alert(2)>";
    let csv = format!(
        "employee_number,email,display_name,organisation_code,staff_group,job_role,band\n\
         77,markup@nhs.net,{person},RZ1,Administrative and Clerical,Receptionist,3\n"
    );
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": csv }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let page = body_of(app.get_as(&admin, "/admin/users").await).await;
    assert!(page.contains("&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;"));
    assert!(!page.contains("<img src=x"), "never markup on the page");

    let trainer = app.session_for(&world.trainer).await;
    let item = json!({
        "topic": "samples",
        "qtype": "gift",
        "gift": format!("::Q {SCRIPT}:: [html]<b>DNA</b>{SCRIPT} is a double helix. {{T####It is.}}"),
    });
    let (status, body) = app
        .send_json_as(&trainer, Method::Post, "/api/v1/author/items", item)
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let id = body["item"]["item_id"].as_i64().expect("item id");
    let page = body_of(app.get_as(&trainer, &format!("/author/items/{id}")).await).await;
    assert!(
        page.contains("<b>DNA</b>"),
        "the question's own markup is kept"
    );
    assert!(!page.contains(SCRIPT), "scripts are removed or escaped");
}
