//! `/admin/audit`: the audit log, newest first, 50 entries to a page, each told as a sentence
//! with names and links and its stored record one click away; filtered by action and person.

use crate::web::page::Page;
use rocket::{Route, State, get, routes};
use serde_json::{Value, json};

use crate::audit::sentence::{self, ACTIONS, Names};
use crate::audit::{self, Entry, Filter};
use crate::error::{AppError, AppResult};
use crate::listing::{ListQuery, MAX_SEARCH_CHARS};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::Admin;
use crate::web::listing::{ListLinks, ListView, page_request};
use crate::web::query_id;
use crate::web::reports::filters::encode;

pub fn routes() -> Vec<Route> {
    routes![show_audit]
}

fn given(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The filter from the query string: an action the log records, a person's name or email
/// address (or part of one), text in the subject, an actor's id.
pub fn filter(
    action: Option<&str>,
    person: Option<&str>,
    subject: Option<&str>,
    actor: Option<&str>,
) -> AppResult<Filter> {
    let action = given(action);
    if let Some(action) = &action
        && !ACTIONS.iter().any(|(name, _)| name == action)
    {
        return Err(AppError::BadRequest(
            "Action must be chosen from the list".into(),
        ));
    }
    let person = given(person);
    if person
        .as_ref()
        .is_some_and(|p| p.chars().count() > MAX_SEARCH_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "Search for a person with at most {MAX_SEARCH_CHARS} characters"
        )));
    }
    Ok(Filter {
        action,
        person,
        subject_contains: given(subject),
        actor_user_id: query_id(actor, "Actor")?,
        since: None,
        limit: 200,
    })
}

/// The stored record, laid out for reading: the detail as JSON when it is JSON.
fn raw(entry: &Entry) -> String {
    let mut record = json!(entry);
    if let Some(detail) = entry
        .detail
        .as_deref()
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
    {
        record["detail"] = detail;
    }
    serde_json::to_string_pretty(&record).unwrap_or_default()
}

/// An entry told as one plain sentence (the API's `summary`).
pub fn summary(entry: &Entry, names: &Names) -> String {
    sentence::plain(&sentence::sentence(entry, names))
}

/// One entry for the page and the JSON twin: its sentence, when, from where, and the record.
pub fn told(entry: &Entry, names: &Names) -> Value {
    let parts = sentence::sentence(entry, names);
    json!({
        "id": entry.id,
        "sentence": parts,
        "summary": sentence::plain(&parts),
        "when": entry.created_at.format("%-d %b %Y %H:%M").to_string(),
        "when_iso": entry.created_at.to_rfc3339(),
        "address": entry.client_address,
        "record": raw(entry),
    })
}

#[get("/admin/audit?<action>&<person>&<subject>&<actor>&<page>")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per query parameter"
)]
async fn show_audit(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
    action: Option<&str>,
    person: Option<&str>,
    subject: Option<&str>,
    actor: Option<&str>,
    page: Option<&str>,
) -> AppResult<Page> {
    let filter = filter(action, person, subject, actor)?;
    let request = page_request(page)?;
    let entries = audit::page(&state.db, &filter, request).await?;
    let names = Names::load(&state.db, &entries.rows).await?;
    let keep: Vec<String> = [
        ("action", &filter.action),
        ("person", &filter.person),
        ("subject", &filter.subject_contains),
        ("actor", &filter.actor_user_id.map(|a| a.to_string())),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={}", encode(v))))
    .collect();
    let query = ListQuery {
        page: Some(entries.request),
        ..ListQuery::default()
    };
    let list = ListView::new(
        &entries,
        &query,
        &ListLinks::new("/admin/audit", &keep.join("&")),
        &[],
        ("entry", "entries"),
    );
    let title = if list.pages > 1 {
        format!("Audit log (page {} of {})", list.page, list.pages)
    } else {
        "Audit log".to_owned()
    };
    let actions: Vec<_> = ACTIONS
        .iter()
        .map(|(name, label)| {
            json!({
                "name": name,
                "label": label,
                "selected": filter.action.as_deref() == Some(*name),
            })
        })
        .collect();
    Ok(chrome.render(
        "admin/audit",
        &title,
        json!({
            "entries": entries.rows.iter().map(|e| told(e, &names)).collect::<Vec<_>>(),
            "actions": actions,
            "person": filter.person.clone().unwrap_or_default(),
            "subject": filter.subject_contains.clone(),
            "list": list,
        }),
    ))
}
