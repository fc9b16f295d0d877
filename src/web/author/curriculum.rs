//! `/author` (overview: topics with item counts, review due), `/author/blueprint` (items per
//! topic for the baseline and post-assessment) and `/author/quizzes/<module>` (a module
//! quiz's questions).

use std::collections::HashMap;

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State, get, post};
use serde::Serialize;

use crate::authoring::curriculum::MAX_ITEMS_PER_TOPIC;
use crate::authoring::{self, overview};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::Trainer;

#[get("/author")]
pub async fn show_overview(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let topics = overview::topic_overview(&state.db).await?;
    let review_due = authoring::review_due(&state.db, chrono::Utc::now().date_naive()).await?;
    let quizzes = overview::quizzes(&state.db).await?;
    Ok(chrome.render(
        "author/index",
        "Authoring",
        serde_json::json!({ "topics": topics, "review_due": review_due, "quizzes": quizzes }),
    ))
}

#[derive(Debug, FromForm)]
pub struct BlueprintForm {
    #[field(default = String::new())]
    csrf_token: String,
    /// Topic slug → items per attempt.
    #[field(default = HashMap::new())]
    counts: HashMap<String, String>,
}

impl CsrfField for BlueprintForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct BlueprintLine {
    slug: String,
    name: String,
    value: String,
    error: Option<String>,
}

async fn blueprint_page(
    state: &AppState,
    chrome: &Chrome,
    sent: &HashMap<String, String>,
    errors: FormErrors,
) -> AppResult<Page> {
    let rows = authoring::blueprint(&state.db).await?;
    let lines: Vec<BlueprintLine> = rows
        .into_iter()
        .map(|r| BlueprintLine {
            value: sent
                .get(&r.topic_slug)
                .cloned()
                .unwrap_or_else(|| r.item_count.to_string()),
            error: errors
                .0
                .iter()
                .find(|e| e.message.contains(&format!("({})", r.topic_name)))
                .map(|e| e.message.clone()),
            slug: r.topic_slug,
            name: r.topic_name,
        })
        .collect();
    let title = errors.title("Baseline blueprint");
    Ok(chrome.render(
        "author/blueprint",
        &title,
        serde_json::json!({ "lines": lines, "errors": errors, "max": MAX_ITEMS_PER_TOPIC }),
    ))
}

#[get("/author/blueprint")]
pub async fn show_blueprint(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    blueprint_page(state, &chrome, &HashMap::new(), FormErrors::default()).await
}

#[post("/author/blueprint", data = "<form>")]
pub async fn save_blueprint(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<BlueprintForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let rows = authoring::blueprint(&state.db).await?;
    let mut errors = FormErrors::default();
    let mut counts = Vec::new();
    for row in &rows {
        let Some(sent) = form.counts.get(&row.topic_slug) else {
            continue;
        };
        match sent.trim().parse::<i32>() {
            Ok(n) if (0..=MAX_ITEMS_PER_TOPIC).contains(&n) => {
                counts.push((row.topic_slug.clone(), n));
            }
            _ => errors.add(
                "blueprint",
                format!(
                    "Enter a whole number from 0 to {MAX_ITEMS_PER_TOPIC} ({})",
                    row.topic_name
                ),
            ),
        }
    }
    if counts.is_empty() && errors.is_empty() {
        errors.add("blueprint", "Enter how many items each topic contributes");
    }
    if !errors.is_empty() {
        let page = blueprint_page(state, &chrome, &form.counts, errors).await?;
        return Ok(Either::Right((Status::UnprocessableEntity, page)));
    }
    authoring::set_blueprint(&state.db, Some(trainer.0.account.id), &counts).await?;
    Ok(Either::Left(Flash::success(
        Redirect::to("/author/blueprint"),
        "The blueprint was saved for the baseline and the post-assessment.",
    )))
}

#[derive(Debug, FromForm)]
pub struct QuizForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = Vec::new())]
    items: Vec<String>,
}

impl CsrfField for QuizForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct MemberLine {
    uid: String,
    name: String,
    topic: String,
    status: String,
    checked: bool,
}

#[get("/author/quizzes/<module>")]
pub async fn show_quiz(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    module: &str,
) -> AppResult<Page> {
    let quiz = overview::quiz_of(&state.db, module).await?;
    let members = overview::assessment_item_uids(&state.db, &quiz.assessment_slug).await?;
    let lines: Vec<MemberLine> = overview::live_items(&state.db)
        .await?
        .into_iter()
        .map(|i| MemberLine {
            checked: members.contains(&i.uid),
            uid: i.uid,
            name: i.name,
            topic: i.topic_slug,
            status: i.status,
        })
        .collect();
    Ok(chrome.render(
        "author/quiz",
        &format!("Quiz: {}", quiz.title),
        serde_json::json!({ "quiz": quiz, "lines": lines, "count": members.len() }),
    ))
}

#[post("/author/quizzes/<module>", data = "<form>")]
pub async fn save_quiz(
    trainer: Trainer,
    state: &State<AppState>,
    module: &str,
    form: CsrfForm<QuizForm>,
) -> AppResult<Flash<Redirect>> {
    let quiz = overview::quiz_of(&state.db, module).await?;
    if form.0.items.is_empty() {
        return Err(AppError::Unprocessable(
            "Choose at least one question for the quiz.".into(),
        ));
    }
    let count =
        authoring::set_quiz_items(&state.db, Some(trainer.0.account.id), module, &form.0.items)
            .await?;
    Ok(Flash::success(
        Redirect::to(format!("/author/quizzes/{}", quiz.module_slug)),
        format!("The quiz now has {count} question(s)."),
    ))
}
