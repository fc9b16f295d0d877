//! `/author/modules...`: the modules list, a module with its versions, the module form
//! (Markdown pages with a server-side, sanitised preview), publish and retire.

use crate::web::page::Page;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State, get, post};
use serde::Serialize;

use super::module_form::ModuleForm;
use crate::authoring::modules::{self, ModuleDetail, ModuleRow, Problem, SaveOutcome};
use crate::authoring::overview;
use crate::content::local_details::{LocalTexts, render_page};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfForm, TokenOnly};
use crate::web::guards::Trainer;

type PageResult = AppResult<Either<Flash<Redirect>, (Status, Page)>>;

#[get("/author/modules")]
pub async fn list_modules(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let modules = modules::list_modules(&state.db).await?;
    Ok(chrome.render(
        "author/modules",
        "Modules",
        serde_json::json!({ "modules": modules }),
    ))
}

#[derive(Serialize)]
struct PagePreview {
    number: usize,
    title: String,
    html: String,
}

#[derive(Serialize)]
struct ModuleView {
    #[serde(flatten)]
    detail: ModuleDetail,
    is_draft: bool,
    is_retired: bool,
    from_files: bool,
    pages: Vec<PagePreview>,
    topic_names: Vec<String>,
}

fn previews(form: &ModuleForm) -> Vec<PagePreview> {
    form.to_draft()
        .pages
        .into_iter()
        .enumerate()
        .map(|(n, p)| PagePreview {
            number: n + 1,
            html: render_page(&p.body, &LocalTexts::default()),
            title: p.title,
        })
        .collect()
}

#[get("/author/modules/<slug>")]
pub async fn show_module(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Page> {
    let detail = modules::module_detail(&state.db, slug).await?;
    let topics = overview::topic_overview(&state.db).await?;
    let topic_names = detail
        .draft
        .topics
        .iter()
        .map(|s| {
            topics
                .iter()
                .find(|t| &t.slug == s)
                .map_or_else(|| s.clone(), |t| t.name.clone())
        })
        .collect();
    let title = format!("Module: {}", detail.row.title);
    let view = ModuleView {
        is_draft: detail.row.status == modules::DRAFT,
        is_retired: detail.row.status == crate::content::RETIRED,
        from_files: detail.versions.iter().any(|v| !v.by_trainer),
        pages: previews(&ModuleForm::from_draft(&detail.draft)),
        topic_names,
        detail,
    };
    Ok(chrome.render("author/module", &title, view))
}

#[derive(Serialize)]
struct TopicChoice {
    slug: String,
    name: String,
    checked: bool,
}

#[derive(Serialize)]
struct PageFields {
    index: usize,
    number: usize,
    title: String,
    body: String,
    title_error: Option<String>,
    body_error: Option<String>,
}

#[derive(Serialize)]
struct SourceFields {
    index: usize,
    number: usize,
    title: String,
    publisher: String,
    url: String,
    title_error: Option<String>,
    publisher_error: Option<String>,
    url_error: Option<String>,
}

/// Each single field's message (every field present, as strict templates need).
#[derive(Serialize)]
struct FieldErrors {
    slug: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    minutes: Option<String>,
    topics: Option<String>,
    outcomes: Option<String>,
    review_by: Option<String>,
    pass_mark: Option<String>,
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    action: String,
    is_new: bool,
    module: Option<ModuleRow>,
    form: ModuleForm,
    topics: Vec<TopicChoice>,
    pages: Vec<PageFields>,
    sources: Vec<SourceFields>,
    errors: FormErrors,
    error: FieldErrors,
    preview: Option<Vec<PagePreview>>,
}

/// The module being edited, or none for a new one.
type Target = Option<ModuleRow>;

async fn form_page(
    state: &AppState,
    chrome: &Chrome,
    target: Target,
    form: &ModuleForm,
    errors: FormErrors,
    preview: Option<Vec<PagePreview>>,
) -> AppResult<Page> {
    let topics = overview::topic_overview(&state.db).await?;
    let (heading, action) = match &target {
        None => ("Create a module".to_owned(), "/author/modules".to_owned()),
        Some(m) => (
            format!("Edit module: {}", m.title),
            format!("/author/modules/{}", m.slug),
        ),
    };
    let shown = form.padded();
    let pages = shown
        .pages
        .iter()
        .enumerate()
        .map(|(index, p)| PageFields {
            index,
            number: index + 1,
            title: p.title.clone(),
            body: p.body.clone(),
            title_error: errors.on(&format!("pages-{index}-title")),
            body_error: errors.on(&format!("pages-{index}-body")),
        })
        .collect();
    let sources = shown
        .sources
        .iter()
        .enumerate()
        .map(|(index, s)| SourceFields {
            index,
            number: index + 1,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            url: s.url.clone(),
            title_error: errors.on(&format!("sources-{index}-title")),
            publisher_error: errors.on(&format!("sources-{index}-publisher")),
            url_error: errors.on(&format!("sources-{index}-url")),
        })
        .collect();
    let view = FormView {
        topics: topics
            .into_iter()
            .map(|t| TopicChoice {
                checked: form.topics.contains(&t.slug),
                slug: t.slug,
                name: t.name,
            })
            .collect(),
        error: FieldErrors {
            slug: errors.on("slug"),
            title: errors.on("title"),
            summary: errors.on("summary"),
            minutes: errors.on("minutes"),
            topics: errors.on("topics"),
            outcomes: errors.on("outcomes"),
            review_by: errors.on("review_by"),
            pass_mark: errors.on("pass_mark"),
        },
        is_new: target.is_none(),
        module: target,
        heading,
        action,
        form: shown,
        pages,
        sources,
        errors,
        preview,
    };
    let title = view.errors.title(&view.heading);
    Ok(chrome.render("author/module_form", &title, view))
}

pub(super) fn form_errors(problems: Vec<Problem>) -> FormErrors {
    let mut errors = FormErrors::default();
    for problem in problems {
        errors.add(problem.field, problem.message);
    }
    errors
}

/// The form's problems, checked here so each is shown beside its field (the service checks
/// again before saving).
async fn problems_of(state: &AppState, form: &ModuleForm, is_new: bool) -> AppResult<FormErrors> {
    let mut problems = Vec::new();
    if is_new && !crate::content::is_slug(form.slug.trim()) {
        problems.push(Problem {
            field: "slug".into(),
            message: "Enter a short name for the web address: lower-case letters, digits and hyphens (for example sickle-cell-basics)".into(),
        });
    }
    problems.extend(modules::problems_now(&state.db, &form.to_draft()).await?);
    Ok(form_errors(problems))
}

/// Shows the preview, or the form again with its problems (422); `None` when it may be saved.
async fn preview_or_problems(
    state: &AppState,
    chrome: &Chrome,
    target: &Target,
    form: &ModuleForm,
) -> AppResult<Option<(Status, Page)>> {
    let errors = problems_of(state, form, target.is_none()).await?;
    if form.is_preview() {
        // A preview shows what there is, problems and all, so the trainer sees both.
        let preview = Some(previews(form));
        let page = form_page(state, chrome, target.clone(), form, errors, preview).await?;
        return Ok(Some((Status::Ok, page)));
    }
    if errors.is_empty() {
        return Ok(None);
    }
    let page = form_page(state, chrome, target.clone(), form, errors, None).await?;
    Ok(Some((Status::UnprocessableEntity, page)))
}

/// A service's refusal shown on the form (anything else is a real error).
fn refusal(error: AppError) -> AppResult<FormErrors> {
    let mut errors = FormErrors::default();
    match error {
        AppError::Conflict(message) => errors.add("slug", message),
        AppError::Unprocessable(message) => errors.add("title", message),
        other => return Err(other),
    }
    Ok(errors)
}

#[get("/author/modules/new")]
pub async fn new_module(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let form = ModuleForm {
        minutes: "8".into(),
        pass_mark: "70".into(),
        ..<ModuleForm as Default>::default()
    };
    form_page(state, &chrome, None, &form, FormErrors::default(), None).await
}

#[post("/author/modules", data = "<form>")]
pub async fn create_module(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<ModuleForm>,
) -> PageResult {
    let form = form.0;
    if let Some(page) = preview_or_problems(state, &chrome, &None, &form).await? {
        return Ok(Either::Right(page));
    }
    let slug = form.slug.trim();
    match modules::create_module(
        &state.db,
        Some(trainer.0.account.id),
        slug,
        &form.to_draft(),
    )
    .await
    {
        Ok(row) => Ok(Either::Left(Flash::success(
            Redirect::to(format!("/author/modules/{}", row.slug)),
            "The module was saved as a draft. Add questions to its quiz, then publish it.",
        ))),
        Err(error) => {
            let errors = refusal(error)?;
            let page = form_page(state, &chrome, None, &form, errors, None).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
    }
}

#[get("/author/modules/<slug>/edit")]
pub async fn edit_module_form(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Page> {
    let detail = modules::module_detail(&state.db, slug).await?;
    let form = ModuleForm::from_draft(&detail.draft);
    form_page(
        state,
        &chrome,
        Some(detail.row),
        &form,
        FormErrors::default(),
        None,
    )
    .await
}

#[post("/author/modules/<slug>", data = "<form>")]
pub async fn edit_module(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
    form: CsrfForm<ModuleForm>,
) -> PageResult {
    let target = Some(modules::module_row(&state.db, slug).await?);
    let form = form.0;
    if let Some(page) = preview_or_problems(state, &chrome, &target, &form).await? {
        return Ok(Either::Right(page));
    }
    match modules::edit_module(
        &state.db,
        Some(trainer.0.account.id),
        slug,
        &form.to_draft(),
    )
    .await
    {
        Ok(outcome) => {
            let message = match outcome {
                SaveOutcome::Unchanged => "Nothing changed.".to_owned(),
                SaveOutcome::NewVersion { version } => format!(
                    "Version {version} was saved and is now current; learners part-way through keep their progress."
                ),
            };
            Ok(Either::Left(Flash::success(
                Redirect::to(format!("/author/modules/{slug}")),
                message,
            )))
        }
        Err(error) => {
            let errors = refusal(error)?;
            let page = form_page(state, &chrome, target, &form, errors, None).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
    }
}

#[post("/author/modules/<slug>/publish", data = "<_form>")]
pub async fn publish_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/author/modules/{slug}"));
    match modules::publish_module(&state.db, Some(trainer.0.account.id), slug).await {
        Ok(row) => Ok(Flash::success(
            back,
            format!("{} is published: learners can now read it.", row.title),
        )),
        Err(AppError::Unprocessable(message) | AppError::Conflict(message)) => {
            Ok(Flash::error(back, message))
        }
        Err(other) => Err(other),
    }
}

#[post("/author/modules/<slug>/retire", data = "<_form>")]
pub async fn retire_module(
    trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let row = modules::retire_module(&state.db, Some(trainer.0.account.id), slug).await?;
    Ok(Flash::success(
        Redirect::to(format!("/author/modules/{slug}")),
        format!(
            "{} is retired: learners no longer see it; their progress and certificates stay.",
            row.title
        ),
    ))
}
