//! `/author/topics/new` and `/author/topics/<slug>/edit`: add a topic, or reword one.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State, get, post};
use serde::Serialize;

use super::modules::form_errors;
use crate::authoring::topics::{self, TopicDraft, topic_problems};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::Trainer;

type PageResult = AppResult<Either<Flash<Redirect>, (Status, Page)>>;

#[derive(Debug, Clone, Default, FromForm, Serialize)]
pub struct TopicForm {
    #[field(default = String::new())]
    #[serde(skip)]
    csrf_token: String,
    #[field(default = String::new())]
    slug: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    description: String,
}

impl CsrfField for TopicForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl TopicForm {
    fn draft(&self) -> TopicDraft {
        TopicDraft {
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}

#[derive(Serialize)]
struct FieldErrors {
    slug: Option<String>,
    name: Option<String>,
    description: Option<String>,
}

fn page(chrome: &Chrome, editing: Option<&str>, form: &TopicForm, errors: FormErrors) -> Page {
    let (heading, action) = match editing {
        None => ("Add a topic".to_owned(), "/author/topics".to_owned()),
        Some(slug) => (
            format!("Edit topic: {}", form.name),
            format!("/author/topics/{slug}"),
        ),
    };
    let view = serde_json::json!({
        "heading": heading,
        "action": action,
        "is_new": editing.is_none(),
        "form": form,
        "error": FieldErrors {
            slug: errors.on("slug"),
            name: errors.on("name"),
            description: errors.on("description"),
        },
        "errors": errors,
    });
    chrome.render("author/topic_form", &errors.title(&heading), view)
}

#[get("/author/topics/new")]
pub async fn new_topic(_trainer: Trainer, chrome: Chrome) -> Page {
    page(
        &chrome,
        None,
        &<TopicForm as Default>::default(),
        FormErrors::default(),
    )
}

#[post("/author/topics", data = "<form>")]
pub async fn create_topic(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<TopicForm>,
) -> PageResult {
    let form = form.0;
    let slug = form.slug.trim();
    let mut errors = form_errors(topic_problems(Some(slug), &form.draft()));
    if errors.is_empty() {
        match topics::create_topic(&state.db, Some(trainer.0.account.id), slug, &form.draft()).await
        {
            Ok(row) => {
                return Ok(Either::Left(Flash::success(
                    Redirect::to(format!("/author/topics/{}", row.slug)),
                    format!(
                        "Topic {} was added. Set how many baseline questions it gives on the blueprint page; an admin sets each job role's target for it.",
                        row.name
                    ),
                )));
            }
            Err(AppError::Conflict(message)) => errors.add("slug", message),
            Err(other) => return Err(other),
        }
    }
    Ok(Either::Right((
        Status::UnprocessableEntity,
        page(&chrome, None, &form, errors),
    )))
}

#[get("/author/topics/<slug>/edit")]
pub async fn edit_topic_form(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Page> {
    let row = topics::topic(&state.db, slug).await?;
    let form = TopicForm {
        slug: row.slug.clone(),
        name: row.name,
        description: row.description,
        ..<TopicForm as Default>::default()
    };
    Ok(page(&chrome, Some(&row.slug), &form, FormErrors::default()))
}

#[post("/author/topics/<slug>", data = "<form>")]
pub async fn edit_topic(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
    form: CsrfForm<TopicForm>,
) -> PageResult {
    let row = topics::topic(&state.db, slug).await?;
    let mut form = form.0;
    form.slug = row.slug.clone();
    let errors = form_errors(topic_problems(None, &form.draft()));
    if !errors.is_empty() {
        return Ok(Either::Right((
            Status::UnprocessableEntity,
            page(&chrome, Some(&row.slug), &form, errors),
        )));
    }
    let row =
        topics::edit_topic(&state.db, Some(trainer.0.account.id), slug, &form.draft()).await?;
    Ok(Either::Left(Flash::success(
        Redirect::to(format!("/author/topics/{}", row.slug)),
        format!("Topic {} was saved.", row.name),
    )))
}
