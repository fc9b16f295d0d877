//! `/account`: your details and roles, and which optional emails you want.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::response::{Flash, Redirect};
use rocket::{Route, State, get, post, routes};
use serde_json::json;

use crate::accounts::{OrgScope, organisations, users};
use crate::error::AppResult;
use crate::notify::preferences::{self, Choice};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<Route> {
    routes![show_account, save_mail_choices]
}

#[get("/account")]
async fn show_account(
    state: &State<AppState>,
    user: CurrentUser,
    chrome: Chrome,
) -> AppResult<Page> {
    let detail = users::detail(&state.db, &OrgScope::All, user.account.id).await?;
    let managed = organisations::list(
        &state.db,
        &OrgScope::Only(user.account.manager_organisation_ids.clone()),
    )
    .await?;
    let mail = preferences::of(&state.db, user.account.id).await?;
    Ok(chrome.render(
        "accounts/account",
        "Your account",
        json!({ "person": detail, "managed": managed, "mail": mail }),
    ))
}

/// The email choices; an unticked box is not sent at all, so each defaults to "no".
#[derive(Debug, FromForm)]
pub struct MailForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = false)]
    assignment_notices: bool,
    #[field(default = false)]
    reminders: bool,
    #[field(default = false)]
    weekly_summary: bool,
    /// Set when the page offered the weekly summary (to line managers only).
    #[field(default = false)]
    summary_offered: bool,
}

impl CsrfField for MailForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[post("/account/mail", data = "<form>")]
async fn save_mail_choices(
    state: &State<AppState>,
    user: CurrentUser,
    form: CsrfForm<MailForm>,
) -> AppResult<Flash<Redirect>> {
    let form = form.0;
    let choice = Choice {
        assignment_notices: Some(form.assignment_notices),
        reminders: Some(form.reminders),
        weekly_summary: form.summary_offered.then_some(form.weekly_summary),
    };
    preferences::save(&state.db, user.account.id, choice).await?;
    Ok(Flash::success(
        Redirect::to("/account#mail"),
        "Your email choices are saved.",
    ))
}
