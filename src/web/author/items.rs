//! `/author/topics/<slug>` and `/author/items/...`: a topic's items, the item form (the type
//! asked first, then only its fields, or GIFT) with a sanitised preview, an item with its
//! version history, publish and retire.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State, get, post};
use serde::Serialize;

use super::item_form::{FORMATS, ItemForm, OptionRow, TYPES, form_type, form_type_label};
use super::views::{Choice, QuestionPreview, choices, type_label};
use crate::authoring::overview::{self, VersionEntry};
use crate::authoring::{self, EditOutcome, ItemSummary};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfForm, TokenOnly};
use crate::web::guards::Trainer;

type PageResult = AppResult<Either<Flash<Redirect>, (Status, Page)>>;

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
) -> AppResult<Page> {
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

impl Target {
    /// Where the type question is asked (a GET form, so it works without JavaScript).
    fn type_step(&self) -> String {
        match self {
            Target::New => "/author/items/new".to_owned(),
            Target::Edit(item) => format!("/author/items/{}/edit", item.item_id),
        }
    }
}

/// `?type=...&topic=...` on the form pages.
#[derive(Debug, FromForm)]
pub struct TypeQuery {
    #[field(name = "type")]
    qtype: Option<String>,
    topic: Option<String>,
    /// Sent by the type question's own form: no type then means none was chosen.
    #[field(default = false)]
    asked: bool,
}

/// Which sections of the form the chosen type uses.
#[derive(Serialize, Default)]
struct TypeFields {
    /// Name, text format, stem and explanation (every type but GIFT, which holds them).
    common: bool,
    options: bool,
    options_heading: &'static str,
    options_hint: &'static str,
    row_legend: &'static str,
    row_label: &'static str,
    short_answer: bool,
    true_false: bool,
    numerical: bool,
    matching: bool,
    gift: bool,
}

impl TypeFields {
    fn of(qtype: &str) -> Self {
        let choice = |hint| TypeFields {
            common: true,
            options: true,
            options_heading: "Options",
            options_hint: hint,
            row_legend: "Option",
            row_label: "Text",
            ..Default::default()
        };
        match qtype {
            "single" => choice(
                "Credit is a percentage: 100 for the right option, 0 for a wrong one. Leave unused rows blank.",
            ),
            "multi" => choice(
                "Credit is a percentage: parts such as 50 for each of two right options, 0 or a negative part for a wrong one. Leave unused rows blank.",
            ),
            "shortanswer" => TypeFields {
                options_heading: "Accepted answers",
                options_hint: "Each row is an answer that is accepted; blank credit means 100. Leave unused rows blank.",
                row_legend: "Answer",
                row_label: "Accepted answer",
                short_answer: true,
                ..choice("")
            },
            "truefalse" => TypeFields {
                common: true,
                true_false: true,
                ..Default::default()
            },
            "numerical" => TypeFields {
                common: true,
                numerical: true,
                ..Default::default()
            },
            "matching" => TypeFields {
                common: true,
                matching: true,
                ..Default::default()
            },
            _ => TypeFields {
                gift: true,
                ..Default::default()
            },
        }
    }
}

/// An option or pair row with its number as people count (from 1).
#[derive(Serialize)]
struct Numbered<T> {
    index: usize,
    number: usize,
    #[serde(flatten)]
    row: T,
}

fn numbered<T>(rows: Vec<T>) -> Vec<Numbered<T>> {
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| Numbered {
            index,
            number: index + 1,
            row,
        })
        .collect()
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    action: String,
    is_edit: bool,
    item: Option<ItemSummary>,
    topics: Vec<Choice>,
    type_label: &'static str,
    change_type: String,
    fields: TypeFields,
    formats: Vec<Choice>,
    options: Vec<Numbered<OptionRow>>,
    pairs: Vec<Numbered<super::item_form::PairRow>>,
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

#[derive(Serialize)]
struct TypeView {
    heading: String,
    action: String,
    topic: String,
    is_edit: bool,
    item: Option<ItemSummary>,
    types: Vec<Choice>,
    errors: FormErrors,
    error: Option<String>,
}

/// The first step: which type of question (radios, a GET form). `given` is the unknown type
/// asked for, if any: then the page says so (422).
fn type_page(
    chrome: &Chrome,
    target: &Target,
    topic: &str,
    current: &str,
    given: Option<&str>,
) -> (Status, Page) {
    let mut errors = FormErrors::default();
    if given.is_some() {
        errors.add("type", "Choose the type of question from the list");
    }
    let (heading, item) = match target {
        Target::New => ("Create an item".to_owned(), None),
        Target::Edit(item) => (format!("Edit item {}", item.uid), Some(item.clone())),
    };
    let view = TypeView {
        action: target.type_step(),
        topic: topic.to_owned(),
        is_edit: item.is_some(),
        item,
        types: choices(TYPES, current),
        error: errors.on("type"),
        errors: errors.clone(),
        heading: heading.clone(),
    };
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    (
        status,
        chrome.render("author/item_type", &errors.title(&heading), view),
    )
}

/// The form for one type, or the type question again when the form's type is not one.
async fn form_page(
    state: &AppState,
    chrome: &Chrome,
    target: &Target,
    form: ItemForm,
    errors: FormErrors,
    preview: Option<QuestionPreview>,
) -> AppResult<(Status, Page)> {
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    let Some(qtype) = form_type(&form.qtype) else {
        let given = Some(form.qtype.as_str());
        return Ok(type_page(chrome, target, &form.topic, "", given));
    };
    let topics = overview::topic_overview(&state.db).await?;
    let (heading, action, item, change_type) = match target {
        Target::New => (
            "Create an item".to_owned(),
            "/author/items".to_owned(),
            None,
            format!(
                "/author/items/new?topic={}",
                rocket::http::RawStr::new(&form.topic).percent_encode()
            ),
        ),
        Target::Edit(item) => (
            format!("Edit item {}", item.uid),
            format!("/author/items/{}", item.item_id),
            Some(item.clone()),
            format!("/author/items/{}/edit?type=", item.item_id),
        ),
    };
    let mut form = form.padded();
    form.qtype = qtype.to_owned();
    let view = FormView {
        topics: choices(
            topics.iter().map(|t| (t.slug.as_str(), t.name.as_str())),
            &form.topic,
        ),
        type_label: form_type_label(qtype),
        change_type,
        fields: TypeFields::of(qtype),
        formats: choices(
            FORMATS,
            if form.format.is_empty() {
                "markdown"
            } else {
                &form.format
            },
        ),
        options: numbered(std::mem::take(&mut form.options)),
        pairs: numbered(std::mem::take(&mut form.pairs)),
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
    Ok((
        status,
        chrome.render("author/item_form", &errors.title(&heading), view),
    ))
}

/// The type chosen in `query`: `Ok(Some)` for a known one, `Ok(None)` when none was chosen
/// (blank), `Err(given)` for an unknown one.
fn query_type(query: &TypeQuery) -> Result<Option<&'static str>, &str> {
    match query.qtype.as_deref().map(str::trim) {
        None | Some("") if query.asked => Err(""),
        None | Some("") => Ok(None),
        Some(given) => form_type(given).map(Some).ok_or(given),
    }
}

#[get("/author/items/new?<query..>")]
pub async fn new_item(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    query: TypeQuery,
) -> AppResult<(Status, Page)> {
    let topic = query.topic.clone().unwrap_or_default();
    let qtype = match query_type(&query) {
        Ok(Some(qtype)) => qtype,
        Ok(None) => return Ok(type_page(&chrome, &Target::New, &topic, "", None)),
        Err(given) => return Ok(type_page(&chrome, &Target::New, &topic, "", Some(given))),
    };
    let form = ItemForm {
        topic,
        qtype: qtype.to_owned(),
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
) -> AppResult<Result<crate::questions::Question, (Status, Page)>> {
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
            Ok(Err(page.await?))
        }
        Ok(question) => Ok(Ok(question)),
        Err(errors) => Ok(Err(form_page(
            state,
            chrome,
            target,
            form.clone(),
            errors,
            None,
        )
        .await?)),
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
    Ok(Either::Right(page))
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
) -> AppResult<Page> {
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

/// The item's own type's fields; `?type=` (blank) asks for another type, `?type=gift` edits
/// it as GIFT text.
#[get("/author/items/<id>/edit?<query..>")]
pub async fn edit_item_form(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
    query: TypeQuery,
) -> AppResult<(Status, Page)> {
    let item = overview::item_summary(&state.db, id).await?;
    let question = authoring::current_question(&state.db, id).await?;
    let mut form = ItemForm::from_question(&question);
    form.topic.clone_from(&item.topic_slug);
    let target = Target::Edit(item);
    match (query.qtype.is_some() || query.asked, query_type(&query)) {
        (_, Ok(Some(qtype))) => qtype.clone_into(&mut form.qtype),
        (false, _) => {}
        (true, Ok(None)) => return Ok(type_page(&chrome, &target, "", &form.qtype, None)),
        (true, Err(given)) => {
            return Ok(type_page(&chrome, &target, "", &form.qtype, Some(given)));
        }
    }
    form_page(state, &chrome, &target, form, FormErrors::default(), None).await
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
            Ok(Either::Right(page))
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

#[derive(Serialize)]
struct RetireView {
    item: ItemSummary,
    type_label: &'static str,
}

/// "Are you sure?" before retiring: the item page links here, and only this page's button
/// posts the retirement (no JavaScript needed).
#[get("/author/items/<id>/retire")]
pub async fn confirm_retire_item(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    id: i64,
) -> AppResult<Page> {
    let item = overview::item_summary(&state.db, id).await?;
    if item.status == crate::content::RETIRED {
        return Err(AppError::Conflict(format!(
            "Item {} is already retired.",
            item.uid
        )));
    }
    let view = RetireView {
        type_label: type_label(&item.qtype),
        item,
    };
    let title = format!("Retire item {}?", view.item.uid);
    Ok(chrome.render("author/item_retire", &title, view))
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
