//! The plan, the learner's record, CPD certificates and the download of their own data.

use crate::web::page::Page;
use rocket::http::{ContentType, Header};
use rocket::{Responder, State, get};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::learning::{certificate_pdf, certificates, export, plan, record};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::CurrentUser;

#[get("/learn/plan")]
pub async fn show_plan(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let plan = plan::plan(&state.db, user.account.id).await?;
    let view = match &plan {
        Some(plan) => json!({
            "has_plan": true,
            "complete": plan.complete,
            "to_do": plan.topics.iter().filter(|t| t.status != "tested_out").map(|t| json!({
                "name": t.name,
                "knowledge": format!("{:.0}%", t.knowledge),
                "target": format!("{:.0}%", t.target),
                "gap": format!("{:.0}", t.gap),
                "priority": format!("{:.1}", t.priority),
                "done": t.status == "completed",
                "modules": t.modules,
                "sureness": t.decision.words(t.target),
                "decision": super::result_view::decision_words(t.decision.skip),
            })).collect::<Vec<_>>(),
            "tested_out": plan.topics.iter().filter(|t| t.status == "tested_out").map(|t| json!({
                "name": t.name, "knowledge": format!("{:.0}%", t.knowledge), "target": format!("{:.0}%", t.target),
                "sureness": t.decision.words(t.target),
                "decision": super::result_view::decision_words(t.decision.skip),
            })).collect::<Vec<_>>(),
            "assigned": plan.assigned,
        }),
        None => {
            json!({ "has_plan": false, "complete": false, "to_do": [], "tested_out": [], "assigned": [] })
        }
    };
    Ok(chrome.render("learn/plan", "Your plan", view))
}

#[get("/learn/record")]
pub async fn show_record(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
) -> AppResult<Page> {
    let record = record::record(&state.db, user.account.id).await?;
    let attempts: Vec<_> = record
        .attempts
        .iter()
        .map(|a| {
            json!({
                "assessment": a.assessment,
                "date": a.submitted_at.map(|d| d.date_naive().to_string()),
                "score": a.accuracy.map(|v| format!("{:.0}%", v * 100.0)),
                "counts_in_reports": a.counts_in_reports,
                "attempt_id": a.attempt_id,
                "is_quiz": a.phase == crate::assessment::Phase::Quiz,
            })
        })
        .collect();
    let completed: Vec<_> = record
        .completed
        .iter()
        .map(|m| json!({ "slug": m.slug, "title": m.title, "minutes": m.minutes, "date": m.completed_at.date_naive().to_string() }))
        .collect();
    Ok(chrome.render(
        "learn/record",
        "Your learning record",
        json!({ "attempts": attempts, "completed": completed }),
    ))
}

#[get("/learn/modules/<slug>/certificate")]
pub async fn show_certificate(
    user: CurrentUser,
    chrome: Chrome,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Page> {
    let certificate = certificates::certificate(&state.db, user.account.id, slug).await?;
    let title = format!("Certificate: {}", certificate.module.title);
    let view = json!({
        "date": certificate.module.completed_at.date_naive().to_string(),
        "check_url": check_url(state),
        "certificate": certificate,
    });
    Ok(chrome.render("learn/certificate", &title, view))
}

/// The public page where a certificate's reference can be checked, as printed on it.
fn check_url(state: &AppState) -> String {
    format!("{}/certificates/check", state.config.public_url)
}

/// The certificate as a one-page A4 PDF, to keep or send.
#[get("/learn/modules/<slug>/certificate.pdf")]
pub async fn download_certificate(
    user: CurrentUser,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<Pdf> {
    let certificate = certificates::certificate(&state.db, user.account.id, slug).await?;
    let url = check_url(state);
    let body = tokio::task::spawn_blocking(move || certificate_pdf::render(&certificate, &url))
        .await
        .map_err(AppError::internal)??;
    Ok(Pdf {
        body,
        content_type: ContentType::PDF,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"certificate-{slug}.pdf\""),
        ),
    })
}

#[derive(Responder)]
pub struct Pdf {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[derive(Responder)]
pub struct Download {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[get("/learn/record/export.json")]
pub async fn export_json(user: CurrentUser, state: &State<AppState>) -> AppResult<Download> {
    let export = export::export(&state.db, user.account.id).await?;
    let body = serde_json::to_string_pretty(&export).map_err(AppError::internal)?;
    Ok(Download {
        body,
        content_type: ContentType::JSON,
        disposition: Header::new(
            "Content-Disposition",
            "attachment; filename=\"my-genomics-training-data.json\"",
        ),
    })
}

#[get("/learn/record/export.csv")]
pub async fn export_csv(user: CurrentUser, state: &State<AppState>) -> AppResult<Download> {
    let export = export::export(&state.db, user.account.id).await?;
    Ok(Download {
        body: export::responses_csv(&export)?,
        content_type: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            "attachment; filename=\"my-genomics-training-answers.csv\"",
        ),
    })
}
