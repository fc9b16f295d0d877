//! The report downloads (CSV, JSON; audited by the export service) and the JSON twins of the
//! pages under `/api/v1/reports`, all with the pages' filters and numbers.

use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;
use rocket::{Responder, State, get};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::filters::ReportFilters;
use super::pages::{load_dashboard, load_framework, load_trends, viewer};
use crate::error::{AppError, AppResult};
use crate::reports::charts::{self, Chart};
use crate::reports::completion::{COMPLETION_SORTS, StaffCompletion};
use crate::reports::dashboard::{self, GapsJson, TrendsJson};
use crate::reports::export::{self, Format};
use crate::reports::frameworks::{self, FrameworkJson};
use crate::reports::gap_report;
use crate::state::AppState;
use crate::web::guards::{ClientAddress, Manager};
use crate::web::listing::ListParams;

#[derive(OpenApi)]
#[openapi(paths(api_gaps, api_trends, api_completion, api_framework))]
pub struct ApiDoc;

#[derive(Responder)]
pub struct Download {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

async fn download(
    manager: Manager,
    address: ClientAddress,
    state: &AppState,
    filters: ReportFilters,
    format: Format,
) -> AppResult<Download> {
    let query = filters.query(&manager)?;
    let report = gap_report(&state.db, &query, state.config.min_cell_size).await?;
    let body = export::export(
        &state.db,
        &report,
        format,
        Some(manager.user.account.id),
        address.0,
    )
    .await?;
    let (content_type, extension) = match format {
        Format::Csv => (ContentType::CSV, "csv"),
        Format::Json => (ContentType::JSON, "json"),
    };
    let stamp = report.as_of.format("%Y%m%dT%H%M%SZ");
    Ok(Download {
        body,
        content_type,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"training-gaps-{stamp}.{extension}\""),
        ),
    })
}

#[get("/reports/export.csv?<filters..>")]
pub async fn export_csv(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<Download> {
    download(manager, address, state, filters, Format::Csv).await
}

#[get("/reports/export.json?<filters..>")]
pub async fn export_json(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<Download> {
    download(manager, address, state, filters, Format::Json).await
}

/// One chart of a topic as SVG (`knowledge.svg`, `gain.svg`, `calibration.svg`, `trend.svg`,
/// `completion.svg`): the CSV's companion, with its filters, access and audit entry.
#[get("/reports/topics/<slug>/charts/<file>?<filters..>")]
pub async fn chart_svg(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    slug: &str,
    file: &str,
    filters: ReportFilters,
) -> AppResult<Download> {
    let chart = Chart::from_file_name(file)
        .ok_or_else(|| AppError::NotFound("There is no such chart.".into()))?;
    let query = filters.query(&manager)?;
    let file = charts::download(
        &state.db,
        &query,
        slug,
        chart,
        state.config.min_cell_size,
        &viewer(&manager, address),
    )
    .await?;
    Ok(Download {
        body: file.svg,
        content_type: ContentType::SVG,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", file.file_name),
        ),
    })
}

/// The gap grid with its top priorities, for the filters (an audited view).
#[utoipa::path(tag = "reports", responses((status = 200, body = GapsJson)))]
#[get("/api/v1/reports/gaps?<filters..>")]
pub async fn api_gaps(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<Json<GapsJson>> {
    let query = filters.query(&manager)?;
    let board = load_dashboard(state, &manager, address, &query).await?;
    Ok(Json(dashboard::gaps_json(&board)))
}

/// The gap grid month by month, for the filters.
#[utoipa::path(tag = "reports", responses((status = 200, body = TrendsJson)))]
#[get("/api/v1/reports/trends?<filters..>")]
pub async fn api_trends(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<Json<TrendsJson>> {
    let query = filters.query(&manager)?;
    let trends = load_trends(state, &manager, address, &query).await?;
    Ok(Json(dashboard::trends_json(&trends)))
}

/// Staff found, in the order asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionList {
    pub staff: Vec<StaffCompletion>,
    /// How many match, on every page.
    pub total: u64,
    /// The page shown, when a page was asked for.
    pub page: Option<u64>,
}

/// The completion view's JSON twin: the same search and sort; everyone found unless a page is
/// asked for.
#[utoipa::path(tag = "reports", responses((status = 200, body = CompletionList)))]
#[get("/api/v1/reports/completion?<q>&<sort>&<order>&<page>&<filters..>")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per query parameter"
)]
pub async fn api_completion(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    q: Option<&str>,
    sort: Option<&str>,
    order: Option<&str>,
    page: Option<&str>,
    filters: ReportFilters,
) -> AppResult<Json<CompletionList>> {
    let query = filters.query(&manager)?;
    let mut list = ListParams {
        q: q.map(str::to_owned),
        sort: sort.map(str::to_owned),
        order: order.map(str::to_owned),
        page: page.map(str::to_owned),
    }
    .check(&COMPLETION_SORTS)?;
    if page.is_none() {
        list.page = None;
    }
    let staff = dashboard::completion(&state.db, &query, &list, &viewer(&manager, address)).await?;
    Ok(Json(CompletionList {
        staff: staff.rows,
        total: staff.total,
        page: list.page.map(|_| staff.request.number),
    }))
}

/// The gap report read by one framework's competencies.
#[utoipa::path(tag = "reports", responses((status = 200, body = FrameworkJson)))]
#[get("/api/v1/reports/frameworks/<slug>?<filters..>")]
pub async fn api_framework(
    manager: Manager,
    address: ClientAddress,
    state: &State<AppState>,
    slug: &str,
    filters: ReportFilters,
) -> AppResult<Json<FrameworkJson>> {
    let query = filters.query(&manager)?;
    let report = load_framework(state, &manager, address, slug, &query).await?;
    Ok(Json(frameworks::framework_json(&report)))
}
