//! "My learning": where the learner stands and what to do next.

use crate::web::page::Page;
use rocket::{State, get};
use serde::Serialize;

use crate::assessment::AttemptStatus;
use crate::assessment::attempts;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

#[derive(Serialize)]
struct DashboardView {
    baseline_not_started: bool,
    baseline_in_progress: Option<i64>,
    baseline_result: Option<i64>,
}

#[get("/learn")]
pub async fn show_dashboard(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let baseline = attempts::attempts_at(&state.db, user.account.id, "baseline").await?;
    let view = DashboardView {
        baseline_not_started: baseline.is_empty(),
        baseline_in_progress: baseline
            .iter()
            .find(|a| a.status == AttemptStatus::InProgress)
            .map(|a| a.id),
        baseline_result: baseline
            .iter()
            .find(|a| a.status == AttemptStatus::Submitted && a.is_reported)
            .map(|a| a.id),
    };
    Ok(chrome.render("learn/dashboard", "My learning", view))
}
