//! `/contact` and its JSON twin: whom to ask about the training. Each organisation's admin
//! fills in its text ("Help with this training", a local detail); anyone else, and anyone
//! whose organisation has not, reads the general advice.

use crate::web::page::Page;
use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde_json::json;
use utoipa::OpenApi;

use super::chrome::Chrome;
use super::guards::CurrentUser;
use crate::accounts::local_details::{self, Contact};
use crate::error::AppResult;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![show_contact_page, show_contact_json]
}

#[derive(OpenApi)]
#[openapi(paths(show_contact_json))]
pub struct ApiDoc;

#[get("/contact")]
async fn show_contact_page(
    state: &State<AppState>,
    chrome: Chrome,
    user: Option<CurrentUser>,
) -> AppResult<Page> {
    let contact = local_details::contact(&state.db, user.map(|u| u.account.id)).await?;
    Ok(chrome.render(
        "pages/contact",
        "Contact us",
        json!({
            "contact_html": contact.html,
            "signed_in": chrome.user.is_some(),
        }),
    ))
}

/// Whom to contact about the training: the organisation of the caller's current job's own
/// text, or the general advice. Open to anyone; signed in, the caller's organisation's text.
#[utoipa::path(tag = "accounts", security(()), responses((status = 200, body = Contact)))]
#[get("/api/v1/contact")]
async fn show_contact_json(
    state: &State<AppState>,
    user: Option<CurrentUser>,
) -> AppResult<Json<Contact>> {
    Ok(Json(
        local_details::contact(&state.db, user.map(|u| u.account.id)).await?,
    ))
}
