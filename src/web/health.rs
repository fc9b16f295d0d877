//! Liveness and readiness probes for load balancers.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, State, get, routes};

use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz]
}

/// 200 while the process is up.
#[get("/healthz")]
fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 when the database answers, 503 otherwise.
#[get("/readyz")]
async fn readyz(state: &State<AppState>) -> (Status, Json<Value>) {
    match state.db.ping().await {
        Ok(()) => (
            Status::Ok,
            Json(json!({ "status": "ready", "database": "ok" })),
        ),
        Err(error) => {
            tracing::warn!(%error, "readiness check: database not answering");
            (
                Status::ServiceUnavailable,
                Json(json!({ "status": "unavailable", "database": "not answering" })),
            )
        }
    }
}
