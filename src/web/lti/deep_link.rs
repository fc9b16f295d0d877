//! `/lti/deep-link`: the instructor's choice of activity, answered with a page whose form
//! posts the signed `LtiDeepLinkingResponse` to the platform (a button, so no script needed).

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::{Route, State, post, routes};
use serde::Serialize;

use super::problem;
use crate::error::AppResult;
use crate::lti::{LtiError, deep_linking};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<Route> {
    routes![send_choice]
}

#[derive(Debug, FromForm)]
struct ChoiceForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    context: String,
    #[field(default = String::new())]
    activity: String,
}

impl CsrfField for ChoiceForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct ReturnView {
    #[serde(flatten)]
    answer: deep_linking::Answer,
}

#[post("/lti/deep-link", data = "<form>")]
async fn send_choice(
    state: &State<AppState>,
    user: CurrentUser,
    chrome: Chrome,
    form: CsrfForm<ChoiceForm>,
) -> AppResult<(rocket::http::Status, Page)> {
    let form = form.0;
    match deep_linking::answer(
        &state.db,
        &state.config.public_url,
        user.account.id,
        &form.context,
        &form.activity,
    )
    .await
    {
        Ok(answer) => Ok((
            rocket::http::Status::Ok,
            chrome.render("lti/return", "Return to your course", ReturnView { answer }),
        )),
        Err(LtiError::Failed(failure)) => Ok(problem(&chrome, &failure)),
        Err(LtiError::App(error)) => Err(error),
    }
}
