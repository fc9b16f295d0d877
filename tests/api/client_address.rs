//! The client's address is the connection's own unless the connection comes from a trusted
//! proxy (`app.trusted_proxies`): forwarding headers from anyone else are ignored, so they
//! cannot dodge the per-address limit or write another address into the audit log.

use std::net::SocketAddr;

use genomics_training::config;
use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use crate::helpers::{TestApp, World, spawn_app, spawn_app_with};

/// Signs in as the learner from socket `peer` with the forwarding `headers`.
async fn sign_in_from(
    app: &TestApp,
    world: &World,
    peer: &str,
    headers: &[(&'static str, &str)],
) -> Status {
    let mut request = app
        .client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .remote(peer.parse::<SocketAddr>().expect("address"))
        .body(
            json!({ "email": world.learner.email, "password": world.learner.password }).to_string(),
        );
    for (name, value) in headers {
        request = request.header(Header::new(*name, value.to_string()));
    }
    request.dispatch().await.status()
}

async fn last_sign_in_address(app: &TestApp, world: &World) -> serde_json::Value {
    let admin = app.session_for(&world.admin).await;
    let (_, body) = app
        .get_json_as(&admin, "/api/v1/admin/audit?action=sign_in&subject=learner")
        .await;
    body["entries"][0]["client_address"].clone()
}

#[rocket::async_test]
async fn forwarding_headers_from_a_client_are_ignored() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let status = sign_in_from(
        &app,
        &world,
        "203.0.113.7:5000",
        &[("X-Real-IP", "1.2.3.4"), ("X-Forwarded-For", "5.6.7.8")],
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(last_sign_in_address(&app, &world).await, "203.0.113.7");
}

#[rocket::async_test]
async fn a_changing_x_real_ip_does_not_dodge_the_address_limit() {
    let app = spawn_app().await;
    let mut last = Status::Ok;
    for i in 0..21 {
        last = app
            .client
            .post("/api/v1/session")
            .header(ContentType::JSON)
            .header(Header::new("X-Real-IP", format!("198.51.100.{i}")))
            .remote("203.0.113.7:5000".parse::<SocketAddr>().expect("address"))
            .body(
                json!({ "email": format!("guess{i}@a.nhs.uk"), "password": "wrong guess here" })
                    .to_string(),
            )
            .dispatch()
            .await
            .status();
    }
    assert_eq!(
        last,
        Status::TooManyRequests,
        "one socket address, one limit"
    );
}

#[rocket::async_test]
async fn a_trusted_proxy_names_the_client_by_the_rightmost_untrusted_hop() {
    let app = spawn_app_with(|figment| {
        config::with_app_setting(figment, "trusted_proxies", ["10.0.0.0/8"])
    })
    .await;
    let world = app.given_world().await;
    let status = sign_in_from(
        &app,
        &world,
        "10.0.0.5:443",
        &[("X-Forwarded-For", "1.1.1.1, 192.0.2.44, 10.0.0.9")],
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(last_sign_in_address(&app, &world).await, "192.0.2.44");
}
