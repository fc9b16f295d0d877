//! The baseline and post-assessment pages: one page per topic (confidence first, then its
//! items), saved as the learner goes; a review page; a single submit.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post, uri};
use serde::Serialize;

use super::views::{ItemView, item_view};
use crate::assessment::Phase;
use crate::assessment::answer::{AnswerInput, Sureness};
use crate::assessment::attempts::SaveItem;
use crate::assessment::progress::{self, Progress, Submitted, TopicSaved};
use crate::assessment::results::RATING_LABELS;
use crate::error::{AppError, AppResult};
use crate::ids::AttemptId;
use crate::learning::sitting::{self, Assessment};
use crate::measures::decision::FollowUp;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, TokenOnly};
use crate::web::guards::CurrentUser;

#[derive(Debug, FromForm)]
pub struct ItemForm {
    pub position: i32,
    pub choice: Option<usize>,
    pub choices: Vec<usize>,
    pub text: Option<String>,
    pub matches: std::collections::HashMap<usize, String>,
    pub sureness: Option<String>,
}

#[derive(Debug, FromForm)]
pub struct TopicForm {
    #[field(default = String::new())]
    pub csrf_token: String,
    pub rating: Option<i16>,
    pub items: Vec<ItemForm>,
}

impl CsrfField for TopicForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct RatingOption {
    value: i16,
    label: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct ErrorItem {
    field: String,
    message: String,
}

#[derive(Serialize)]
struct TopicPageView {
    attempt_id: i64,
    heading: String,
    topic_number: usize,
    topic_count: usize,
    topic_name: String,
    rating_options: Vec<RatingOption>,
    rating_error: Option<String>,
    items: Vec<ItemView>,
    errors: Vec<ErrorItem>,
    is_last: bool,
    /// The answers shown were kept when the session ended, and are not saved yet.
    restored: bool,
    /// When the adaptive baseline added items to this topic: how many.
    follow_ups: usize,
    /// The most items a baseline topic can have.
    follow_up_cap: usize,
}

fn phase_heading(phase: Phase) -> &'static str {
    if phase == Phase::Post {
        "Post-assessment"
    } else {
        "Baseline: what you know now"
    }
}

/// Starts (or resumes) the baseline or the post-assessment.
#[post("/learn/assessments/<slug>/start", data = "<form>")]
pub async fn start_attempt(
    user: CurrentUser,
    state: &State<AppState>,
    slug: &str,
    form: CsrfForm<TokenOnly>,
) -> AppResult<Redirect> {
    let _ = form;
    let assessment = match slug {
        "baseline" => Assessment::Baseline,
        "post" => Assessment::Post,
        _ => return Err(AppError::NotFound("There is no such assessment.".into())),
    };
    let attempt = sitting::start(
        &state.db,
        user.account.id,
        assessment,
        state.config.shuffle_seed,
        state.config.adaptive_baseline,
    )
    .await?;
    Ok(Redirect::to(uri!(resume_attempt(attempt))))
}

/// Sends the learner to the first topic still to do, the review page, or the result.
#[get("/learn/attempts/<id>")]
pub async fn resume_attempt(
    user: CurrentUser,
    state: &State<AppState>,
    id: AttemptId,
) -> AppResult<Redirect> {
    let progress = progress::progress(&state.db, user.account.id, id).await?;
    if progress.is_submitted() {
        return Ok(Redirect::to(uri!(show_result(id))));
    }
    Ok(match progress.first_unfinished_page() {
        Some(n) => Redirect::to(uri!(show_topic(id, n, None::<usize>))),
        None => Redirect::to(uri!(show_review(id))),
    })
}

fn topic_page(
    progress: &Progress,
    n: usize,
    entered: Option<(&TopicForm, &[(i32, String)])>,
) -> AppResult<TopicPageView> {
    if progress.is_submitted() {
        return Err(AppError::Conflict(
            "This attempt has been submitted. See your results instead.".into(),
        ));
    }
    let order = progress.topic_order();
    let topic_id = *n
        .checked_sub(1)
        .and_then(|i| order.get(i))
        .ok_or_else(|| AppError::NotFound("There is no such topic in this attempt.".into()))?;
    let saved = &progress.responses;
    let saved_rating = progress.ratings.get(&topic_id).copied();
    let rating = entered.and_then(|(form, _)| form.rating).or(saved_rating);
    let mut errors = Vec::new();
    let rating_error = entered
        .filter(|(form, _)| form.rating.is_none())
        .map(|_| "Say how confident you feel about this topic.".to_owned());
    if let Some(message) = &rating_error {
        errors.push(ErrorItem {
            field: "rating-1".into(),
            message: message.clone(),
        });
    }
    let topic_slots: Vec<_> = progress
        .slots
        .iter()
        .filter(|s| s.topic_id == topic_id)
        .collect();
    let mut items = Vec::new();
    for (index, slot) in topic_slots.iter().enumerate() {
        let form_item =
            entered.and_then(|(form, _)| form.items.iter().find(|i| i.position == slot.position));
        let input = form_item.map(to_input);
        let error = entered.and_then(|(_, problems)| {
            problems
                .iter()
                .find(|(p, _)| *p == slot.position)
                .map(|(_, m)| m.clone())
        });
        let entered_pair = input
            .as_ref()
            .map(|i| (i, form_item.and_then(|f| f.sureness.as_deref())));
        let view = item_view(
            index,
            slot,
            saved.get(&slot.item_version_id),
            entered_pair,
            error,
        );
        if let Some(message) = &view.error {
            errors.push(ErrorItem {
                field: first_input_id(&view),
                message: format!("Question {}: {message}", slot.position),
            });
        }
        items.push(view);
    }
    Ok(TopicPageView {
        attempt_id: progress.attempt.id,
        heading: phase_heading(progress.attempt.phase).to_owned(),
        topic_number: n,
        topic_count: order.len(),
        topic_name: topic_slots
            .first()
            .map(|s| s.topic_name.clone())
            .unwrap_or_default(),
        rating_options: (1..=5)
            .map(|value| RatingOption {
                value,
                label: RATING_LABELS[usize::try_from(value - 1).unwrap_or(0)],
                checked: rating == Some(value),
            })
            .collect(),
        rating_error,
        items,
        errors,
        is_last: n == order.len(),
        restored: false,
        follow_ups: 0,
        follow_up_cap: FollowUp::BASELINE.cap,
    })
}

/// The id of an item's first field, where the error summary's link for it goes.
fn first_input_id(item: &ItemView) -> String {
    let position = item.position;
    if item.is_choice || item.is_multi {
        format!("item-{position}-option-0")
    } else if item.is_text {
        format!("item-{position}-text")
    } else if item.is_matching {
        format!("item-{position}-match-0")
    } else {
        format!("item-{position}-sureness-0")
    }
}

pub fn to_input(item: &ItemForm) -> AnswerInput {
    AnswerInput {
        choice: item.choice,
        choices: item.choices.clone(),
        text: item.text.clone(),
        // An unchosen row sends "": leave it out, so it reads as unanswered.
        matches: item
            .matches
            .iter()
            .filter_map(|(row, value)| value.trim().parse().ok().map(|v| (*row, v)))
            .collect(),
    }
}

/// Topic page `n`; `more` says the adaptive baseline has just added that many questions to it.
#[get("/learn/attempts/<id>/topics/<n>?<more>")]
pub async fn show_topic(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
    id: AttemptId,
    n: usize,
    more: Option<usize>,
) -> AppResult<Page> {
    // Answers sent after the session ended come back, unsaved, for this attempt's owner
    // (`topic_page` refuses anyone else's attempt).
    let kept = super::kept_answers::take(state, cookies, id, n);
    let restored = kept
        .as_deref()
        .and_then(|body| rocket::form::Form::<TopicForm>::parse(body).ok());
    let progress = progress::progress(&state.db, user.account.id, id).await?;
    let view = match &restored {
        Some(form) => TopicPageView {
            restored: true,
            ..topic_page(&progress, n, Some((form, &[])))?
        },
        None => topic_page(&progress, n, None)?,
    };
    let view = TopicPageView {
        follow_ups: more.unwrap_or(0).min(FollowUp::BASELINE.cap),
        ..view
    };
    let title = format!(
        "{} – topic {} of {}",
        view.topic_name, view.topic_number, view.topic_count
    );
    Ok(chrome.render("learn/topic", &title, view))
}

#[post("/learn/attempts/<id>/topics/<n>", data = "<form>")]
pub async fn save_topic(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
    n: usize,
    form: CsrfForm<TopicForm>,
) -> AppResult<Result<Redirect, (Status, Page)>> {
    let form = form.0;
    let mut items = Vec::new();
    let mut problems: Vec<(i32, String)> = Vec::new();
    for item in &form.items {
        let sureness = match item
            .sureness
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(value) => match Sureness::parse(value) {
                Some(sure) => Some(sure),
                None => {
                    problems.push((
                        item.position,
                        "Choose how sure you are from the list.".into(),
                    ));
                    continue;
                }
            },
        };
        items.push(SaveItem {
            position: item.position,
            answer: to_input(item),
            sureness,
            time_on_item_ms: None,
        });
    }
    let saved = progress::save_topic(
        &state.db,
        user.account.id,
        id,
        n,
        progress::TopicAnswers {
            rating: form.rating,
            items: &items,
            refused: problems,
        },
        progress::Adaptive {
            on: state.config.adaptive_baseline,
            shuffle_seed: state.config.shuffle_seed,
        },
    )
    .await?;
    match saved {
        TopicSaved::Saved { is_last: true } => Ok(Ok(Redirect::to(uri!(show_review(id))))),
        TopicSaved::Saved { is_last: false } => {
            Ok(Ok(Redirect::to(uri!(show_topic(id, n + 1, None::<usize>)))))
        }
        // A few more questions on this topic: the same page again, with them at the end.
        TopicSaved::More { items } => Ok(Ok(Redirect::to(uri!(show_topic(id, n, Some(items)))))),
        // Shown again with what is now saved (answers refused or missing).
        TopicSaved::Again { progress, problems } => {
            let view = topic_page(&progress, n, Some((&form, &problems)))?;
            let title = format!("Error: {}", view.topic_name);
            Ok(Err((
                Status::UnprocessableEntity,
                chrome.render("learn/topic", &title, view),
            )))
        }
    }
}

#[derive(Serialize)]
struct ReviewView {
    attempt_id: i64,
    heading: String,
    missing: Vec<String>,
    complete: bool,
    errors: Vec<ErrorItem>,
    topics: Vec<super::review_view::ReviewedTopic>,
}

fn review_view(progress: &Progress, show_errors: bool) -> ReviewView {
    let missing = progress.missing();
    let errors = if show_errors {
        missing
            .iter()
            .map(|m| ErrorItem {
                field: "missing".into(),
                message: m.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    ReviewView {
        attempt_id: progress.attempt.id,
        heading: phase_heading(progress.attempt.phase).to_owned(),
        topics: super::review_view::reviewed_topics(
            &progress.slots,
            &progress.responses,
            &progress.ratings,
        ),
        complete: missing.is_empty(),
        missing,
        errors,
    }
}

#[get("/learn/attempts/<id>/review")]
pub async fn show_review(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
) -> AppResult<Page> {
    let progress = progress::progress(&state.db, user.account.id, id).await?;
    let view = review_view(&progress, false);
    Ok(chrome.render("learn/review", "Check and submit your answers", view))
}

#[post("/learn/attempts/<id>/submit", data = "<form>")]
pub async fn submit_attempt(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
    form: CsrfForm<TokenOnly>,
) -> AppResult<Result<Redirect, (Status, Page)>> {
    let _ = form;
    match progress::submit_from_review(&state.db, state.xapi(), user.account.id, id).await? {
        Submitted::Done => Ok(Ok(Redirect::to(uri!(show_result(id))))),
        Submitted::NotReady(progress) => Ok(Err((
            Status::UnprocessableEntity,
            chrome.render(
                "learn/review",
                "Error: check and submit your answers",
                review_view(&progress, true),
            ),
        ))),
    }
}

#[get("/learn/attempts/<id>/result")]
pub async fn show_result(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
) -> AppResult<Page> {
    let page = sitting::result_page(&state.db, user.account.id, id).await?;
    let view = super::result_view::result_view(&page.result, page.next.into());
    Ok(chrome.render("learn/result", "Your results", view))
}
