//! The managers' report pages: the gap dashboard, a topic's every measure, trends and the
//! completion view. Each handler parses the filters, calls one reports service and renders.

use crate::web::page::Page;
use rocket::http::Status;
use rocket::{State, get};
use serde_json::json;

use super::filters::{ReportFilters, scope_of};
use super::{help, view};
use crate::error::{AppError, AppResult};
use crate::listing::SortBy;
use crate::reports::GapQuery;
use crate::reports::charts::{self, Chart};
use crate::reports::completion::COMPLETION_SORTS;
use crate::reports::dashboard::{self, Dashboard, Viewer};
use crate::reports::frameworks;
use crate::reports::trends::Trends;
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::guards::{ClientAddress, Manager};
use crate::web::listing::{ListLinks, ListParams, ListView};

/// The filtered dashboard the manager may see (the view itself is audited by the service).
pub async fn load_dashboard(
    state: &AppState,
    manager: &Manager,
    address: ClientAddress,
    query: &GapQuery,
) -> AppResult<Dashboard> {
    dashboard::dashboard(
        &state.db,
        &state.dashboards,
        query,
        state.config.min_cell_size,
        &viewer(manager, address),
    )
    .await
}

/// The filtered monthly trends the manager may see.
pub async fn load_trends(
    state: &AppState,
    manager: &Manager,
    address: ClientAddress,
    query: &GapQuery,
) -> AppResult<Trends> {
    dashboard::trends(
        &state.db,
        query,
        state.config.min_cell_size,
        &viewer(manager, address),
    )
    .await
}

/// The framework `slug` read through the gap grid the manager may see.
pub async fn load_framework(
    state: &AppState,
    manager: &Manager,
    address: ClientAddress,
    slug: &str,
    query: &GapQuery,
) -> AppResult<frameworks::FrameworkReport> {
    frameworks::framework_report(
        &state.db,
        slug,
        query,
        state.config.min_cell_size,
        &viewer(manager, address),
    )
    .await
}

pub fn viewer(manager: &Manager, address: ClientAddress) -> Viewer {
    Viewer {
        user_id: Some(manager.user.account.id),
        address: address.0,
    }
}

/// A report page whose filters could not be used: its heading and the filter form again, with
/// the values entered and each problem beside its field, so nothing typed is lost (a 400).
async fn refuse(
    state: &AppState,
    manager: &Manager,
    chrome: &Chrome,
    page: (&str, &str),
    filters: &ReportFilters,
    errors: FormErrors,
) -> AppResult<(Status, Page)> {
    let (action, heading) = page;
    let organisation = filters
        .organisation
        .as_deref()
        .and_then(|o| o.trim().parse().ok());
    let choices = dashboard::choices(&state.db, &scope_of(manager), organisation).await?;
    let page = chrome.render(
        "reports/filter_errors",
        &errors.title(heading),
        json!({
            "heading": heading,
            "min_cell_size": state.config.min_cell_size,
            "form": view::form(action, &choices, filters, &errors),
            "errors": errors,
        }),
    );
    Ok((Status::BadRequest, page))
}

/// The checked query, or the page that re-shows the filters (returned from the handler).
macro_rules! checked {
    ($filters:expr, $state:expr, $manager:expr, $chrome:expr, $page:expr) => {
        match $filters.check(&$manager) {
            Ok(query) => query,
            Err(errors) => {
                return refuse($state, &$manager, &$chrome, $page, &$filters, errors).await;
            }
        }
    };
}

const GAPS: (&str, &str) = ("/reports", "Training gaps");
const TRENDS: (&str, &str) = ("/reports/trends", "Training gaps by month");
const COMPLETION: (&str, &str) = ("/reports/completion", "Completion by person");

#[get("/reports?<filters..>")]
pub async fn show_gaps(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<(Status, Page)> {
    let query = checked!(filters, state, manager, chrome, GAPS);
    let (board, frameworks) = tokio::try_join!(
        load_dashboard(state, &manager, address, &query),
        frameworks::frameworks(&state.db),
    )?;
    let report = &board.report;
    let priorities: Vec<_> = board.priorities.iter().map(|p| &p.sentence).collect();
    let by_people: Vec<_> = board
        .people_priorities
        .iter()
        .map(|p| json!({ "sentence": p.sentence, "people_affected": format!("{:.1}", p.people_affected) }))
        .collect();
    let page = chrome.render_json(
        "reports/gaps",
        GAPS.1,
        json!({
            "as_of": report.as_of.format("%-d %B %Y %H:%M UTC").to_string(),
            "min_cell_size": report.min_cell_size,
            "post": query.phase == crate::reports::Phase::Post,
            "topics": view::topics(&report.topics, &filters),
            "rows": view::rows(report, &filters),
            "priorities": priorities,
            "by_people": by_people,
            "showing": view::filters_in_words(&board.choices, &filters),
            "key": view::key(),
            "form": view::form(GAPS.0, &board.choices, &filters, &FormErrors::default()),
            "links": view::links(&filters),
            "drilled": query.staff_group.is_some(),
            "all_groups": view::links(&filters.with_staff_group(None)).gaps,
            "help": help::help(),
            "frameworks": view::framework_links(&frameworks, &filters),
        }),
    );
    Ok((Status::Ok, page))
}

#[get("/reports/topics/<slug>?<filters..>")]
pub async fn show_topic(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    slug: &str,
    filters: ReportFilters,
) -> AppResult<(Status, Page)> {
    let action = format!("/reports/topics/{slug}");
    let page = (action.as_str(), "Training gaps for a topic");
    let query = checked!(filters, state, manager, chrome, page);
    let board = load_dashboard(state, &manager, address, &query).await?;
    let report = &board.report;
    let column = report
        .topics
        .iter()
        .position(|t| t.slug == slug)
        .ok_or_else(|| AppError::NotFound("There is no such topic.".into()))?;
    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|row| {
            json!({
                "label": row.label,
                "anchor": view::anchor(row),
                "is_total": row.level == crate::reports::Level::Total,
                "is_group": row.level == crate::reports::Level::StaffGroup,
                "cell": row.cells.get(column).map(|c| view::cell(c, report.min_cell_size)),
            })
        })
        .collect();
    let name = report.topics[column].name.clone();
    let charts = charts::topic_charts(report, column).map(|c| {
        json!({
            "knowledge": view::chart(c.knowledge, slug, Chart::Knowledge, &filters, "table-knowledge"),
            "calibration": view::chart(c.calibration, slug, Chart::Calibration, &filters, "table-confidence"),
            "gain": view::chart(c.gain, slug, Chart::Gain, &filters, "table-progress"),
        })
    });
    let page = chrome.render(
        "reports/topic",
        &format!("Training gaps: {name}"),
        json!({
            "topic": name,
            "as_of": report.as_of.format("%-d %B %Y %H:%M UTC").to_string(),
            "min_cell_size": report.min_cell_size,
            "post": query.phase == crate::reports::Phase::Post,
            "showing": view::filters_in_words(&board.choices, &filters),
            "rows": rows,
            "charts": charts,
            "links": view::links(&filters),
            "help": help::help(),
        }),
    );
    Ok((Status::Ok, page))
}

#[get("/reports/trends?<filters..>")]
pub async fn show_trends(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    filters: ReportFilters,
) -> AppResult<(Status, Page)> {
    let query = checked!(filters, state, manager, chrome, TRENDS);
    let trends = load_trends(state, &manager, address, &query).await?;
    let topics: Vec<_> =
        trends
            .topics
            .iter()
            .enumerate()
            .map(|(column, topic)| {
                let rows: Vec<_> = trends
                .months
                .iter()
                .flat_map(|month| {
                    month.rows.iter().map(move |row| (month.period.clone(), row))
                })
                .map(|(period, row)| {
                    json!({
                        "period": period,
                        "label": row.label,
                        "is_total": row.level == crate::reports::Level::Total,
                        "cell": row.cells.get(column).map(|c| view::cell(c, trends.min_cell_size)),
                    })
                })
                .collect();
                let charts = charts::trend_charts(&trends, column).map(|c| {
                    json!({
                        "trend": view::chart(c.trend, &topic.slug, Chart::Trend, &filters, &format!("table-{}", topic.slug)),
                        "completion": view::chart(c.completion, &topic.slug, Chart::Completion, &filters, &format!("table-{}", topic.slug)),
                    })
                });
                json!({ "name": topic.name, "slug": topic.slug, "rows": rows, "charts": charts })
            })
            .collect();
    let page = chrome.render(
        "reports/trends",
        TRENDS.1,
        json!({
            "as_of": trends.as_of.format("%-d %B %Y %H:%M UTC").to_string(),
            "min_cell_size": trends.min_cell_size,
            "has_months": !trends.months.is_empty(),
            "topics": topics,
            "links": view::links(&filters),
            "help": help::help(),
        }),
    );
    Ok((Status::Ok, page))
}

/// The completion view's sortable columns, the default first.
pub const COMPLETION_COLUMNS: [(SortBy, &str); 4] = [
    (SortBy::Name, "Name"),
    (SortBy::EmployeeNumber, "Employee number"),
    (SortBy::JobRole, "Job role"),
    (SortBy::Baseline, "Baseline done"),
];

#[get("/reports/completion?<q>&<sort>&<order>&<page>&<filters..>")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per query parameter"
)]
pub async fn show_completion(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    q: Option<&str>,
    sort: Option<&str>,
    order: Option<&str>,
    page: Option<&str>,
    filters: ReportFilters,
) -> AppResult<(Status, Page)> {
    let query = checked!(filters, state, manager, chrome, COMPLETION);
    let list = ListParams {
        q: q.map(str::to_owned),
        sort: sort.map(str::to_owned),
        order: order.map(str::to_owned),
        page: page.map(str::to_owned),
    }
    .check(&COMPLETION_SORTS)?;
    let staff = dashboard::completion(&state.db, &query, &list, &viewer(&manager, address)).await?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%-d %B %Y").to_string());
    let people: Vec<_> = staff
        .rows
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "employee_number": s.employee_number,
                "job_role": s.job_role,
                "baseline_done": date(s.baseline_done),
                "modules": s.modules.iter().map(|m| json!({
                    "title": m.title,
                    "due_on": m.due_on.format("%-d %B %Y").to_string(),
                    "completed": date(m.completed_at),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let kept = filters.query_string();
    let view = ListView::new(
        &staff,
        &list,
        &ListLinks::new(COMPLETION.0, &kept),
        &COMPLETION_COLUMNS,
        ("person", "people"),
    );
    let title = if view.pages > 1 {
        format!("{} (page {} of {})", COMPLETION.1, view.page, view.pages)
    } else {
        COMPLETION.1.to_owned()
    };
    // The search form sends the report filters again, so a search keeps them.
    let hidden: Vec<_> = filters
        .given()
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    let page = chrome.render(
        "reports/completion",
        &title,
        json!({
            "people": people,
            "list": view,
            "hidden": hidden,
            "links": view::links(&filters),
        }),
    );
    Ok((Status::Ok, page))
}

#[get("/reports/frameworks/<slug>?<filters..>")]
pub async fn show_framework(
    manager: Manager,
    chrome: Chrome,
    address: ClientAddress,
    state: &State<AppState>,
    slug: &str,
    filters: ReportFilters,
) -> AppResult<(Status, Page)> {
    let action = format!("/reports/frameworks/{slug}");
    let page = (action.as_str(), "Training gaps by framework");
    let query = checked!(filters, state, manager, chrome, page);
    let report = load_framework(state, &manager, address, slug, &query).await?;
    let competencies: Vec<_> = report
        .competencies
        .iter()
        .map(|c| {
            let topics: Vec<_> = c
                .topics
                .iter()
                .map(|t| json!({ "name": t.name, "cell": view::cell(&t.cell, report.min_cell_size) }))
                .collect();
            json!({ "number": c.number, "name": c.name, "not_covered": c.not_covered, "topics": topics })
        })
        .collect();
    let page = chrome.render(
        "reports/framework",
        &format!("Training gaps by framework: {}", report.framework.name),
        json!({
            "framework": report.framework,
            "as_of": report.as_of.format("%-d %B %Y %H:%M UTC").to_string(),
            "min_cell_size": report.min_cell_size,
            "competencies": competencies,
            "form": view::form(&action, &report.choices, &filters, &FormErrors::default()),
            "links": view::links(&filters),
            "json": format!("/api/v1/reports/frameworks/{slug}{}", view::query_suffix(&filters)),
        }),
    );
    Ok((Status::Ok, page))
}
