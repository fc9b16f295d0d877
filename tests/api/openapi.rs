//! The OpenAPI document at `/api/v1/openapi.json`: it describes exactly the mounted `/api/v1`
//! routes, is OpenAPI 3.1 whose every `$ref` resolves, says how each operation authenticates,
//! and the errors it describes are the errors the API sends.

use std::collections::BTreeSet;

use rocket::http::{Method, Status};
use serde_json::Value;

use crate::helpers::{Grant, TestApp, spawn_app};

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.content_type().map(|c| c.to_string()),
        Some("application/json".to_owned())
    );
    let body = response.into_string().await.expect("a body");
    serde_json::from_str(&body).expect("the document is JSON")
}

/// Rocket's `/a/<id>/b/<rest..>` as OpenAPI writes it: `/a/{id}/b/{rest}`.
fn templated(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix('<') {
            Some(name) => format!("{{{}}}", name.trim_end_matches('>').trim_end_matches("..")),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

#[rocket::async_test]
async fn the_document_describes_every_api_route_and_nothing_else() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mounted: BTreeSet<(String, String)> = app
        .client
        .rocket()
        .routes()
        .filter(|route| route.uri.path().starts_with("/api/v1/"))
        .map(|route| {
            (
                route.method.as_str().to_owned(),
                templated(route.uri.path()),
            )
        })
        .collect();
    let described = described(&doc);
    let undescribed: Vec<_> = mounted.difference(&described).collect();
    let unmounted: Vec<_> = described.difference(&mounted).collect();
    assert!(
        undescribed.is_empty(),
        "mounted but not in the document: {undescribed:#?}"
    );
    assert!(
        unmounted.is_empty(),
        "in the document but not mounted: {unmounted:#?}"
    );
    // Every path parameter in a template is declared, and only those.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let in_template: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let declared: BTreeSet<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(declared, in_template, "{method} {path}: path parameters");
        }
    }
}

/// Every `{"$ref": ...}` in `value`.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[rocket::async_test]
async fn the_document_is_openapi_3_1_and_every_reference_resolves() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1."), "version {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "only {} references", found.len());
    let unresolved: BTreeSet<&String> = found
        .iter()
        .filter(|target| {
            target
                .strip_prefix('#')
                .is_none_or(|pointer| doc.pointer(pointer).is_none())
        })
        .collect();
    assert!(
        unresolved.is_empty(),
        "references that do not resolve: {unresolved:#?}"
    );
    // Each operation has a unique id and a 2xx answer with a body.
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            let answers = operation["responses"].as_object().expect("responses");
            assert!(
                answers
                    .iter()
                    .any(|(code, r)| code.starts_with('2') && r["content"].is_object()),
                "{method} {path}: no 2xx answer with a body"
            );
        }
    }
}

#[rocket::async_test]
async fn each_operation_says_how_it_authenticates() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session_cookie"]["type"], "apiKey");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    // The name this instance gives its cookie (tests run as a development build).
    assert_eq!(schemes["session_cookie"]["name"], "gt_session");
    assert_eq!(schemes["csrf_header"]["in"], "header");
    assert_eq!(schemes["csrf_header"]["name"], "X-CSRF-Token");
    let public = [
        ("post", "/api/v1/session"),
        ("get", "/api/v1/openapi.json"),
        ("get", "/api/v1/certificates/{reference}"),
        ("get", "/api/v1/contact"),
    ];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let security = &operation["security"];
            let expected = if public.contains(&(method, path.as_str())) {
                serde_json::json!([{}])
            } else if method == "get" {
                serde_json::json!([{ "session_cookie": [] }])
            } else {
                serde_json::json!([{ "session_cookie": [], "csrf_header": [] }])
            };
            assert_eq!(security, &expected, "{method} {path}");
            let answers = &operation["responses"];
            if !public.contains(&(method, path.as_str())) {
                for code in ["401", "403"] {
                    assert_eq!(
                        answers[code]["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path}: {code}"
                    );
                }
            }
        }
    }
}

#[rocket::async_test]
async fn errors_have_the_shape_the_document_gives_them() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let error_body = &doc["components"]["schemas"]["ErrorBody"];
    let mut required: Vec<&str> = error_body["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["error", "status"]);

    let learner = app
        .given_user("learner@example.nhs.uk", Grant::default())
        .await;
    let session = app.sign_in_as(&learner).await;
    let (status, body) = app.get_json_as(&session, "/api/v1/attempts/987654").await;
    assert_eq!(status, Status::NotFound);
    let (status_anonymous, anonymous) = app.get_json("/api/v1/me").await;
    assert_eq!(status_anonymous, Status::Unauthorized);
    let (status_csrf, no_token) = {
        let response = app
            .client
            .req(Method::Delete, "/api/v1/session")
            .cookies(session.cookies.clone())
            .dispatch()
            .await;
        let status = response.status();
        let body = response.into_string().await.unwrap_or_default();
        (status, serde_json::from_str::<Value>(&body).expect("JSON"))
    };
    assert_eq!(status_csrf, Status::Forbidden);
    for (status, body) in [
        (status, body),
        (status_anonymous, anonymous),
        (status_csrf, no_token),
    ] {
        let fields: BTreeSet<&str> = body
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, BTreeSet::from(["error", "status"]), "{body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert_eq!(body["status"], status.code);
    }
}

/// Found by the contract run: `staff_group` that is not a number, or any query field sent twice
/// under /api/, was read as absent (so the analysis covered everyone and the people list every
/// organisation); now both are refused.
#[rocket::async_test]
async fn unreadable_or_repeated_query_values_are_refused() {
    let app = spawn_app().await;
    let grant = |trainer, admin| Grant {
        trainer,
        admin,
        ..Grant::default()
    };
    let trainer = app
        .given_user("trainer@example.nhs.uk", grant(true, false))
        .await;
    let admin = app
        .given_user("admin@example.nhs.uk", grant(false, true))
        .await;
    let trainer = app.sign_in_as(&trainer).await;
    let admin = app.sign_in_as(&admin).await;
    let refused = [
        (
            &trainer,
            "/api/v1/author/analysis?staff_group=abc",
            "Staff group",
        ),
        (
            &trainer,
            "/api/v1/author/analysis?staff_group=1&staff_group=2",
            "more than once",
        ),
        (
            &admin,
            "/api/v1/admin/users?organisation=1&organisation=2",
            "more than once",
        ),
    ];
    for (session, path, message) in refused {
        let (status, body) = app.get_json_as(session, path).await;
        assert_eq!(status, Status::BadRequest, "{path}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{path}: {error}");
    }
    for query in ["", "?staff_group=", "?assessment=baseline"] {
        let (status, body) = app
            .get_json_as(&trainer, &format!("/api/v1/author/analysis{query}"))
            .await;
        assert_eq!(status, Status::Ok, "{query}: {body}");
    }
}
