//! `/author/topics/<slug>` and `/author/items/...`: a topic's items, the item form (every
//! type, or GIFT) with a sanitised preview, an item with its version history, publish and
//! retire.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State, get, post};
use rocket_dyn_templates::Template;
use serde::Serialize;

use super::item_form::{FORMATS, ItemForm, TYPES};
use super::views::{Choice, QuestionPreview, choices, type_label};
use crate::app::AppState;
use crate::authoring::overview::{self, VersionEntry};
use crate::authoring::{self, EditOutcome, ItemSummary};
use crate::error::{AppError, AppResult};
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfForm, TokenOnly};
use crate::web::guards::Trainer;

type PageResult = AppResult<Either<Flash<Redirect>, (Status, Template)>>;

#[derive(Serialize)]
struct ItemRow {
    #[serde(flatten)]
    summary: ItemSummary,
    type_label: &'static str,
}

#[get("/author/topics/<slug>")]
pub async fn list_topic_items(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Template> {
    let name = overview::topic_name(&state.db, slug).await?;
    let items: Vec<ItemRow> = authoring::list_items(&state.db, slug)
        .await?
        .into_iter()
        .map(|summary| ItemRow {
            type_label: type_label(&summary.qtype),
            summary,
        })
        .collect();
    Ok(chrome.render(
        "author/topic",
        &format!("Items: {name}"),
        serde_json::json!({ "slug": slug, "name": name, "items": items }),
    ))
}

/// Which form: a new item (in a topic) or an edit of an existing one.
enum Target {
    New,
    Edit(ItemSummary),
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    action: String,
    is_edit: bool,
    item: Option<ItemSummary>,
    topics: Vec<Choice>,
    types: Vec<Choice>,
    formats: Vec<Choice>,
    form: ItemForm,
    tf_true: bool,
    tf_false: bool,
    errors: FormErrors,
    error: FieldErrors,
    preview: Option<QuestionPreview>,
}

/// Each field's message (every field present, as strict mode needs).
#[derive(Serialize, Default)]
struct FieldErrors {
    topic: Option<String>,
    uid: Option<String>,
    qtype: Option<String>,
    name: Option<String>,
    stem: Option<String>,
    explanation: Option<String>,
    options: Option<String>,
    tf_correct: Option<String>,
    num_value: Option<String>,
    num_tolerance: Option<String>,
    pairs: Option<String>,
    gift: Option<String>,
    item_form: Option<String>,
}

impl FieldErrors {
    fn of(errors: &FormErrors) -> Self {
        let starting = |prefix: &str| {
            errors
                .0
                .iter()
                .find(|e| e.field.starts_with(prefix))
                .map(|e| e.message.clone())
        };
        let gift: Vec<String> = errors
            .0
            .iter()
            .filter(|e| e.field == "gift")
            .map(|e| e.message.clone())
            .collect();
        Self {
            topic: errors.on("topic"),
            uid: errors.on("uid"),
            qtype: errors.on("qtype"),
            name: errors.on("name"),
            stem: errors.on("stem"),
            explanation: errors.on("explanation"),
            options: starting("options-"),
            tf_correct: errors.on("tf_correct"),
            num_value: errors.on("num_value"),
            num_tolerance: errors.on("num_tolerance"),
            pairs: starting("pairs-"),
            gift: (!gift.is_empty()).then(|| gift.join("; ")),
            item_form: errors.on("item-form"),
        }
    }
}

async fn form_page(
    state: &AppState,
    chrome: &Chrome,
    target: &Target,
    form: ItemForm,
    errors: FormErrors,
    preview: Option<QuestionPreview>,
) -> AppResult<Template> {
    let topics = overview::topic_overview(&state.db).await?;
    let (heading, action, item) = match target {
        Target::New => (
            "Create an item".to_owned(),
            "/author/items".to_owned(),
            None,
        ),
        Target::Edit(item) => (
            format!("Edit item {}", item.uid),
            format!("/author/items/{}", item.item_id),
            Some(item.clone()),
        ),
    };
    let form = form.padded();
    let view = FormView {
        topics: choices(
            topics.iter().map(|t| (t.slug.as_str(), t.name.as_str())),
            &form.topic,
        ),
        types: choices(TYPES, &form.qtype),
        formats: choices(
            FORMATS,
            if form.format.is_empty() {
                "markdown"
            } else {
                &form.format
            },
        ),
        tf_true: form.tf_correct == "true",
        tf_false: form.tf_correct == "false",
        is_edit: item.is_some(),
        item,
        error: FieldErrors::of(&errors),
        heading: heading.clone(),
        action,
        form,
        errors: errors.clone(),
        preview,
    };
    Ok(chrome.render("author/item_form", &errors.title(&heading), view))
}

#[get("/author/items/new?<topic>")]
pub async fn new_item(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    topic: Option<&str>,
) -> AppResult<Template> {
    let form = ItemForm {
        topic: topic.unwrap_or_default().to_owned(),
        qtype: "single".to_owned(),
        format: "markdown".to_owned(),
        ..Default::default()
    };
    form_page(
        state,
        &chrome,
        &Target::New,
        form,
        FormErrors::default(),
        None,
    )
    .await
}

/// A service's refusal (a rule the question breaks, an id in use) shown on the form.
fn refusal(error: AppError) -> AppResult<FormErrors> {
    let mut errors = FormErrors::default();
    match error {
        AppError::Unprocessable(message) => errors.add("item-form", message),
        AppError::Conflict(message) => errors.add("uid", message),
        AppError::NotFound(message) => errors.add("topic", message),
        other => return Err(other),
    }
    Ok(errors)
}

/// Previews, or re-shows the form with its errors (422); `Ok(question)` when it may be saved.
async fn check_form(
    state: &AppState,
    chrome: &Chrome,
    target: &Target,
    form: &ItemForm,
) -> AppResult<Result<crate::questions::Question, (Status, Template)>> {
    match form.to_question() {
        Ok(question) if form.is_preview() => {
            let preview = Some(QuestionPreview::of(&question));
            let page = form_page(
                state,
                chrome,
                target,
                form.clone(),
                FormErrors::default(),
                preview,
            );
            Ok(Err((Status::Ok, page.await?)))
        }
        Ok(question) => Ok(Ok(question)),
        Err(errors) => {
            let page = form_page(state, chrome, target, form.clone(), errors, None).await?;
            Ok(Err((Status::UnprocessableEntity, page)))
        }
    }
}

#[post("/author/items", data = "<form>")]
pub async fn create_item(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<ItemForm>,
) -> PageResult {
    let form = form.0;
    let target = Target::New;
    let question = match check_form(state, &chrome, &target, &form).await? {
        Ok(question) => question,
        Err(page) => return Ok(Either::Right(page)),
    };
    let mut errors = FormErrors::default();
    if form.topic.trim().is_empty() {
        errors.add("topic", "Choose the topic the item tests");
    }
    if errors.is_empty() {
        let uid = Some(form.uid.trim()).filter(|u| !u.is_empty());
        match authoring::create_item(
            &state.db,
            Some(trainer.0.account.id),
            form.topic.trim(),
            uid,
            &question,
        )
        .await
        {
            Ok(item) => {
                return Ok(Either::Left(Flash::success(
                    Redirect::to(format!("/author/items/{}", item.item_id)),
                    format!("Item {} was created as a draft.", item.uid),
                )));
            }
            Err(error) => errors = refusal(error)?,
        }
    }
    let page = form_page(state, &chrome, &target, form, errors, None).await?;
    Ok(Either::Right((Status::UnprocessableEntity, page)))
}

#[derive(Serialize)]
struct ItemView {
    item: ItemSummary,
    type_label: &'static str,
    is_draft: bool,
    is_retired: bool,
    preview: QuestionPreview,
    versions: Vec<VersionEntry>,
}

#[get("/author/items/<id>")]
pub async fn show_item(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Template> {
    let item = overview::item_summary(&state.db, id).await?;
    let question = authoring::current_question(&state.db, id).await?;
    let view = ItemView {
        type_label: type_label(&item.qtype),
        is_draft: item.status == authoring::items::DRAFT,
        is_retired: item.status == crate::content::RETIRED,
        preview: QuestionPreview::of(&question),
        versions: overview::item_versions(&state.db, id).await?,
        item,
    };
    Ok(chrome.render("author/item", &format!("Item {}", view.item.uid), view))
}

#[get("/author/items/<id>/edit")]
pub async fn edit_item_form(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Template> {
    let item = overview::item_summary(&state.db, id).await?;
    let question = authoring::current_question(&state.db, id).await?;
    let mut form = ItemForm::from_question(&question);
    form.topic.clone_from(&item.topic_slug);
    form_page(
        state,
        &chrome,
        &Target::Edit(item),
        form,
        FormErrors::default(),
        None,
    )
    .await
}

#[post("/author/items/<id>", data = "<form>")]
pub async fn edit_item(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
    form: CsrfForm<ItemForm>,
) -> PageResult {
    let item = overview::item_summary(&state.db, id).await?;
    let mut form = form.0;
    form.topic.clone_from(&item.topic_slug);
    let target = Target::Edit(item);
    let question = match check_form(state, &chrome, &target, &form).await? {
        Ok(question) => question,
        Err(page) => return Ok(Either::Right(page)),
    };
    match authoring::edit_item(&state.db, Some(trainer.0.account.id), id, &question).await {
        Ok(outcome) => {
            let message = match outcome {
                EditOutcome::Unchanged => "Nothing changed.".to_owned(),
                EditOutcome::Replaced { version } => {
                    format!("The draft was corrected (still version {version}).")
                }
                EditOutcome::NewVersion { version } => format!(
                    "Version {version} was made and is now current; earlier versions are kept."
                ),
            };
            Ok(Either::Left(Flash::success(
                Redirect::to(format!("/author/items/{id}")),
                message,
            )))
        }
        Err(error) => {
            let errors = refusal(error)?;
            let page = form_page(state, &chrome, &target, form, errors, None).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
    }
}

#[post("/author/items/<id>/publish", data = "<_form>")]
pub async fn publish_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let item = authoring::publish_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Flash::success(
        Redirect::to(format!("/author/items/{id}")),
        format!("Item {} is published.", item.uid),
    ))
}

#[post("/author/items/<id>/retire", data = "<_form>")]
pub async fn retire_item(
    trainer: Trainer,
    state: &State<AppState>,
    id: i64,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let item = authoring::retire_item(&state.db, Some(trainer.0.account.id), id).await?;
    Ok(Flash::success(
        Redirect::to(format!("/author/items/{id}")),
        format!("Item {} is retired: it will not be drawn again.", item.uid),
    ))
}
