//! `/author/import` and `/author/export`: upload a GIFT or Moodle XML file into a topic (or
//! the file's categories), see the preview (questions to import, drafts needing an
//! explanation, skipped questions, replaced ids, or one located error per broken question),
//! then confirm; the confirm form re-posts the file's text, so nothing is kept between requests.
//! Export downloads a topic or the whole bank as GIFT, Moodle XML or a `content/` file.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header, Status};
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;
use rocket::{Either, Responder, State, get, post};
use serde::Serialize;

use super::views::{Choice, choices};
use crate::authoring::{
    self, ExportFormat, ImportPreview, RenamedId, RowStatus, SkippedQuestion, overview,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::Trainer;

/// The upload form, and the confirm form (whose hidden `file` field holds the text).
#[derive(Debug, FromForm)]
pub struct ImportForm<'r> {
    #[field(default = String::new())]
    csrf_token: String,
    file: Option<TempFile<'r>>,
    #[field(default = String::new())]
    file_name: String,
    #[field(default = String::new())]
    topic: String,
    #[field(default = false)]
    publish: bool,
}

impl CsrfField for ImportForm<'_> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// The file's text with line endings made plain (a browser re-posts hidden text with CRLF).
async fn read_text(file: Option<&TempFile<'_>>) -> AppResult<Option<String>> {
    let Some(file) = file.filter(|f| f.len() > 0) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    file.open()
        .await
        .map_err(AppError::internal)?
        .read_to_end(&mut bytes)
        .await
        .map_err(AppError::internal)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        AppError::Unprocessable(
            "The file is not UTF-8 text; save it as UTF-8 and try again.".into(),
        )
    })?;
    Ok(Some(text.replace("\r\n", "\n")))
}

fn upload_name(form: &ImportForm<'_>) -> String {
    let sent = form
        .file
        .as_ref()
        .and_then(|f| f.raw_name())
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_owned())
        .or_else(|| Some(form.file_name.clone()).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| "upload.gift".to_owned());
    // Only the last path segment, printable, short: it is shown and echoed back.
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.is_empty() {
        "upload.gift".to_owned()
    } else {
        clean
    }
}

#[derive(Serialize)]
struct PreviewRowView {
    line: usize,
    name: String,
    qtype: String,
    id: String,
    topic: String,
    status: &'static str,
    needs_explanation: bool,
}

#[derive(Serialize)]
struct ImportView {
    topics: Vec<Choice>,
    errors: FormErrors,
    file_error: Option<String>,
    preview: Option<PreviewView>,
}

#[derive(Serialize)]
struct PreviewView {
    file_name: String,
    topic: String,
    source: String,
    publish: bool,
    rows: Vec<PreviewRowView>,
    skipped: Vec<SkippedQuestion>,
    renamed: Vec<RenamedId>,
    problems: Vec<String>,
    new: usize,
    changed: usize,
    unchanged: usize,
    needs_explanation: usize,
    can_apply: bool,
}

fn status_text(status: RowStatus) -> &'static str {
    match status {
        RowStatus::New => "New",
        RowStatus::Changed => "Changed",
        RowStatus::Unchanged => "Unchanged",
    }
}

fn preview_view(
    preview: &ImportPreview,
    file_name: String,
    topic: String,
    source: String,
    publish: bool,
) -> PreviewView {
    let count = |s: RowStatus| preview.questions.iter().filter(|q| q.status == s).count();
    PreviewView {
        rows: preview
            .questions
            .iter()
            .map(|q| PreviewRowView {
                line: q.line,
                name: q.name.clone(),
                qtype: q.qtype.clone(),
                id: q.id.clone(),
                topic: q.topic.clone(),
                status: status_text(q.status),
                needs_explanation: q.needs_explanation,
            })
            .collect(),
        skipped: preview.skipped.clone(),
        renamed: preview.renamed.clone(),
        problems: preview.errors.iter().map(ToString::to_string).collect(),
        new: count(RowStatus::New),
        changed: count(RowStatus::Changed),
        unchanged: count(RowStatus::Unchanged),
        needs_explanation: preview
            .questions
            .iter()
            .filter(|q| q.needs_explanation)
            .count(),
        can_apply: preview.errors.is_empty() && !preview.questions.is_empty(),
        file_name,
        topic,
        source,
        publish,
    }
}

async fn page(
    state: &AppState,
    chrome: &Chrome,
    topic: &str,
    errors: FormErrors,
    preview: Option<PreviewView>,
) -> AppResult<Page> {
    let topics = overview::topic_overview(&state.db).await?;
    let title = errors.title("Import questions");
    let view = ImportView {
        topics: choices(
            topics.iter().map(|t| (t.slug.as_str(), t.name.as_str())),
            topic,
        ),
        file_error: errors.on("file"),
        errors,
        preview,
    };
    Ok(chrome.render("author/import", &title, view))
}

#[get("/author/import")]
pub async fn show_import(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    page(state, &chrome, "", FormErrors::default(), None).await
}

fn chosen(topic: &str) -> Option<&str> {
    Some(topic.trim()).filter(|t| !t.is_empty())
}

/// Reads the upload and previews it; errors in the file are shown with a 422.
#[post("/author/import", data = "<form>")]
pub async fn preview_import(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<ImportForm<'_>>,
) -> AppResult<(Status, Page)> {
    let form = form.0;
    let file_name = upload_name(&form);
    let Some(source) = read_text(form.file.as_ref()).await? else {
        let mut errors = FormErrors::default();
        errors.add("file", "Select a GIFT or Moodle XML file to import");
        let page = page(state, &chrome, &form.topic, errors, None).await?;
        return Ok((Status::UnprocessableEntity, page));
    };
    let preview =
        authoring::preview_import(&state.db, &source, &file_name, chosen(&form.topic)).await?;
    let status = if preview.errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    let mut errors = FormErrors::default();
    if !preview.errors.is_empty() {
        errors.add(
            "problems",
            format!(
                "{} question(s) need fixing; nothing can be imported until the file is corrected",
                preview.errors.len()
            ),
        );
    }
    let view = preview_view(
        &preview,
        file_name,
        form.topic.clone(),
        source,
        form.publish,
    );
    Ok((
        status,
        page(state, &chrome, &form.topic, errors, Some(view)).await?,
    ))
}

/// Imports the confirmed file, all or nothing.
#[post("/author/import/apply", data = "<form>")]
pub async fn apply_import(
    trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    form: CsrfForm<ImportForm<'_>>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let file_name = upload_name(&form);
    let Some(source) = read_text(form.file.as_ref()).await? else {
        let mut errors = FormErrors::default();
        errors.add("file", "Select a GIFT or Moodle XML file to import");
        let page = page(state, &chrome, &form.topic, errors, None).await?;
        return Ok(Either::Right((Status::UnprocessableEntity, page)));
    };
    match authoring::apply_import(
        &state.db,
        Some(trainer.0.account.id),
        &source,
        &file_name,
        chosen(&form.topic),
        form.publish,
    )
    .await
    {
        Ok(summary) => Ok(Either::Left(Flash::success(
            Redirect::to("/author"),
            format!(
                "Imported {file_name}: {} new, {} changed, {} unchanged, {} published; {} \
                 draft(s) need an explanation before they can be published, {} question(s) \
                 skipped, {} id(s) replaced.",
                summary.created,
                summary.new_versions,
                summary.unchanged,
                summary.published,
                summary.needs_explanation,
                summary.skipped,
                summary.renamed
            ),
        ))),
        Err(AppError::Unprocessable(_)) => {
            // The bank changed since the preview, or the file was altered: show it again.
            let preview =
                authoring::preview_import(&state.db, &source, &file_name, chosen(&form.topic))
                    .await?;
            let mut errors = FormErrors::default();
            errors.add("problems", "Nothing was imported: the file has problems");
            let view = preview_view(
                &preview,
                file_name,
                form.topic.clone(),
                source,
                form.publish,
            );
            let page = page(state, &chrome, &form.topic, errors, Some(view)).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other),
    }
}

#[derive(Responder)]
pub struct Download {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// A file to save, with its name.
pub fn download(body: String, content_type: ContentType, file_name: &str) -> Download {
    Download {
        body,
        content_type,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ),
    }
}

/// `format` is `gift`, `moodle-xml` or `content` (a topic's `content/questions/` file).
#[get("/author/export?<format>&<topic>")]
pub async fn export_bank(
    _trainer: Trainer,
    state: &State<AppState>,
    format: Option<&str>,
    topic: Option<&str>,
) -> AppResult<Download> {
    let topic = topic.and_then(chosen);
    let stem = topic.unwrap_or("question-bank");
    match format.unwrap_or("gift") {
        "content" => {
            let Some(topic) = topic else {
                return Err(AppError::BadRequest(
                    "Choose a topic to write as a content file.".into(),
                ));
            };
            let body = authoring::topic_content_file(&state.db, topic).await?;
            Ok(download(body, ContentType::Plain, &format!("{topic}.gift")))
        }
        other => {
            let format = ExportFormat::parse(other)?;
            let body = authoring::export_bank(&state.db, format, topic).await?;
            let content_type = match format {
                ExportFormat::Gift => ContentType::Plain,
                ExportFormat::MoodleXml => ContentType::XML,
            };
            let name = format!("{stem}.{}", format.file_extension());
            Ok(download(body, content_type, &name))
        }
    }
}
