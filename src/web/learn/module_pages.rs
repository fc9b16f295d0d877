//! Reading modules and taking their quizzes: immediate feedback with explanations and CBM
//! marks; the module is complete when the quiz meets its pass mark.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{State, get, post, uri};
use serde::Serialize;

use super::attempt_pages::{ItemForm, to_input};
use super::views::{ItemView, item_view};
use crate::assessment::Phase;
use crate::assessment::answer::Sureness;
use crate::assessment::attempts::SaveItem;
use crate::assessment::progress::{self, Progress, QuizAnswered};
use crate::content::markdown::render_formatted;
use crate::error::{AppError, AppResult};
use crate::ids::AttemptId;
use crate::learning::modules;
use crate::learning::sitting::{self, Assessment};
use crate::questions::QuestionKind;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, TokenOnly};
use crate::web::guards::CurrentUser;

#[get("/learn/modules")]
pub async fn list_modules(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let modules = modules::module_cards(&state.db, user.account.id).await?;
    Ok(chrome.render(
        "learn/modules",
        "Genomics modules",
        serde_json::json!({ "modules": modules }),
    ))
}

#[get("/learn/modules/<slug>")]
pub async fn open_module(_user: CurrentUser, slug: &str) -> Redirect {
    Redirect::to(uri!(show_module_page(slug, 1)))
}

#[get("/learn/modules/<slug>/pages/<number>")]
pub async fn show_module_page(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
    number: i32,
) -> AppResult<Page> {
    let modules::Reading { page, supports } = modules::reading(
        &state.db,
        &state.module_versions,
        user.account.id,
        slug,
        number,
    )
    .await?;
    let title = format!("{} – {}", page.page_title, page.module.title);
    let view = serde_json::json!({
        "page": page,
        "supports": supports,
        "has_previous": number > 1,
        "previous": number - 1,
        "has_next": number < page.page_count,
        "next": number + 1,
        "is_last": number == page.page_count,
    });
    Ok(chrome.render_json("learn/module_page", &title, view))
}

#[post("/learn/modules/<slug>/quiz", data = "<form>")]
pub async fn start_quiz(
    user: CurrentUser,
    state: &State<AppState>,
    slug: &str,
    form: CsrfForm<TokenOnly>,
) -> AppResult<Redirect> {
    let _ = form;
    let attempt = sitting::start(
        &state.db,
        user.account.id,
        Assessment::Quiz(slug),
        state.config.shuffle_seed,
        false,
    )
    .await?;
    Ok(Redirect::to(uri!(show_quiz(attempt))))
}

#[derive(Debug, FromForm)]
pub struct QuizForm {
    #[field(default = String::new())]
    pub csrf_token: String,
    pub items: Vec<ItemForm>,
}

impl CsrfField for QuizForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct QuizView {
    attempt_id: i64,
    items: Vec<ItemView>,
    errors: Vec<serde_json::Value>,
}

fn quiz_view(
    progress: &Progress,
    entered: Option<(&QuizForm, &[(i32, String)])>,
) -> AppResult<QuizView> {
    if progress.attempt.phase != Phase::Quiz {
        return Err(AppError::NotFound("That quiz was not found.".into()));
    }
    let saved = &progress.responses;
    let mut errors = Vec::new();
    let items = progress
        .slots
        .iter()
        .enumerate()
        .map(|(index, slot)| {
            let form_item = entered.and_then(|(form, _)| form.items.iter().find(|i| i.position == slot.position));
            let input = form_item.map(to_input);
            let error = entered.and_then(|(_, problems)| problems.iter().find(|(p, _)| *p == slot.position).map(|(_, m)| m.clone()));
            if let Some(message) = &error {
                errors.push(serde_json::json!({ "field": format!("item-{}-sureness-0", slot.position), "message": format!("Question {}: {message}", slot.position) }));
            }
            let pair = input.as_ref().map(|i| (i, form_item.and_then(|f| f.sureness.as_deref())));
            item_view(index, slot, saved.get(&slot.item_version_id), pair, error)
        })
        .collect();
    Ok(QuizView {
        attempt_id: progress.attempt.id,
        items,
        errors,
    })
}

#[get("/learn/quiz/<id>")]
pub async fn show_quiz(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
) -> AppResult<Result<Page, Redirect>> {
    let progress = progress::progress(&state.db, user.account.id, id).await?;
    if progress.is_submitted() {
        return Ok(Err(Redirect::to(uri!(show_quiz_feedback(id)))));
    }
    Ok(Ok(chrome.render(
        "learn/quiz",
        "Module quiz",
        quiz_view(&progress, None)?,
    )))
}

#[post("/learn/quiz/<id>", data = "<form>")]
pub async fn answer_quiz(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
    form: CsrfForm<QuizForm>,
) -> AppResult<Result<Redirect, (Status, Page)>> {
    let form = form.0;
    let mut problems: Vec<(i32, String)> = Vec::new();
    let mut items = Vec::new();
    for item in &form.items {
        let sureness = item
            .sureness
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Sureness::parse);
        match sureness {
            Some(None) => problems.push((
                item.position,
                "Choose how sure you are from the list.".into(),
            )),
            Some(Some(sure)) => items.push(SaveItem {
                position: item.position,
                answer: to_input(item),
                sureness: Some(sure),
                time_on_item_ms: None,
            }),
            None if to_input(item).is_empty() => problems.push((
                item.position,
                "Choose an answer and how sure you are, or choose \"I don't know\".".into(),
            )),
            None => items.push(SaveItem {
                position: item.position,
                answer: to_input(item),
                sureness: None,
                time_on_item_ms: None,
            }),
        }
    }
    let (progress, problems) = match progress::answer_quiz(
        &state.db,
        state.xapi(),
        user.account.id,
        id,
        &items,
        problems,
    )
    .await?
    {
        QuizAnswered::Submitted => return Ok(Ok(Redirect::to(uri!(show_quiz_feedback(id))))),
        QuizAnswered::Again { progress, problems } => (progress, problems),
    };
    let view = quiz_view(&progress, Some((&form, &problems)))?;
    Ok(Err((
        Status::UnprocessableEntity,
        chrome.render("learn/quiz", "Error: module quiz", view),
    )))
}

#[derive(Serialize)]
struct FeedbackItem {
    position: i32,
    text_html: String,
    outcome: &'static str,
    right: bool,
    option_feedback_html: String,
    explanation_html: String,
    cbm_mark: String,
}

fn option_feedback(kind: &QuestionKind, answer_json: Option<&str>, right: bool) -> String {
    let input: crate::assessment::answer::AnswerInput = answer_json
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    match kind {
        QuestionKind::MultiChoice { answers, .. } => input
            .choice
            .into_iter()
            .chain(input.choices.iter().copied())
            .filter_map(|i| answers.get(i))
            .filter(|a| !a.feedback.is_empty())
            .map(|a| render_formatted(&a.feedback, a.feedback_format))
            .collect::<Vec<_>>()
            .join(" "),
        QuestionKind::TrueFalse {
            feedback_true,
            feedback_false,
            ..
        } => {
            // Moodle shows the feedback of the choice made.
            let chose_true = input.choice == Some(0);
            let text = if chose_true {
                feedback_true
            } else {
                feedback_false
            };
            let _ = right;
            render_formatted(&text.text, text.format)
        }
        _ => String::new(),
    }
}

#[get("/learn/quiz/<id>/feedback")]
pub async fn show_quiz_feedback(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    id: AttemptId,
) -> AppResult<Page> {
    let sitting::QuizFeedback {
        result,
        module,
        next,
    } = sitting::quiz_feedback(&state.db, user.account.id, id).await?;
    let responses = &result.responses;
    let items: Vec<FeedbackItem> = result
        .items
        .iter()
        .filter_map(|item| {
            let slot = result.slots.iter().find(|s| s.position == item.position)?;
            let row = responses.get(&slot.item_version_id);
            let right = item.fraction >= 1.0;
            Some(FeedbackItem {
                position: item.position,
                text_html: render_formatted(&slot.question.text, slot.question.text_format),
                outcome: if item.dont_know {
                    "You said you did not know"
                } else if right {
                    "Right"
                } else if item.fraction > 0.0 {
                    "Partly right"
                } else {
                    "Wrong"
                },
                right,
                option_feedback_html: if item.dont_know {
                    String::new()
                } else {
                    option_feedback(
                        &slot.question.kind,
                        row.and_then(|r| r.answer.as_deref()),
                        right,
                    )
                },
                explanation_html: render_formatted(
                    &slot.question.general_feedback,
                    slot.question.general_feedback_format,
                ),
                cbm_mark: format!("{:+.1}", item.cbm_mark),
            })
        })
        .collect();
    let score = 100.0 * result.summary.accuracy.unwrap_or(0.0);
    let passed = score + 1e-9 >= f64::from(module.pass_mark);
    let view = serde_json::json!({
        "module": module,
        "score": format!("{score:.0}%"),
        "pass_mark": module.pass_mark,
        "passed": passed,
        "mean_cbm": result.summary.mean_cbm_mark.map(|v| format!("{v:+.2}")),
        "items": items,
        "next": super::next_step::NextStepView::from(next),
        "help": crate::web::glossary::pick(&["certainty_based_mark"]),
    });
    Ok(chrome.render("learn/quiz_feedback", "Quiz results", view))
}
