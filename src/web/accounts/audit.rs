//! `/admin/audit`: read and filter the audit log.

use rocket::{Route, State, get, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::app::AppState;
use crate::audit::{self, Filter};
use crate::error::AppResult;
use crate::web::chrome::Chrome;
use crate::web::guards::Admin;
use crate::web::query_id;

pub fn routes() -> Vec<Route> {
    routes![show_audit]
}

/// The filter from the query string.
pub fn filter(action: Option<&str>, subject: Option<&str>, actor: Option<i64>) -> Filter {
    Filter {
        action: action
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        subject_contains: subject
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        actor_user_id: actor,
        since: None,
        limit: 200,
    }
}

#[get("/admin/audit?<action>&<subject>&<actor>")]
async fn show_audit(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
    action: Option<&str>,
    subject: Option<&str>,
    actor: Option<&str>,
) -> AppResult<Template> {
    let actor = query_id(actor, "Actor")?;
    let entries = audit::query(&state.db, &filter(action, subject, actor)).await?;
    Ok(chrome.render(
        "admin/audit",
        "Audit log",
        json!({
            "entries": entries,
            "action": action.unwrap_or_default(),
            "subject": subject.unwrap_or_default(),
        }),
    ))
}
