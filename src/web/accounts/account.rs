//! `/account`: your details and roles.

use rocket::{Route, State, get, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::accounts::{OrgScope, organisations, users};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<Route> {
    routes![show_account]
}

#[get("/account")]
async fn show_account(
    state: &State<AppState>,
    user: CurrentUser,
    chrome: Chrome,
) -> AppResult<Template> {
    let detail = users::detail(&state.db, &OrgScope::All, user.account.id).await?;
    let managed = organisations::list(
        &state.db,
        &OrgScope::Only(user.account.manager_organisation_ids.clone()),
    )
    .await?;
    Ok(chrome.render(
        "accounts/account",
        "Your account",
        json!({ "person": detail, "managed": managed }),
    ))
}
