//! What the managers' pages need around the gap grid: the filter choices within the caller's
//! scope, the grid with its top priorities (one audited view), the completion view and the
//! trends for the same query. Every function narrows to the query's scope through
//! [`GapQuery::in_view`], so an organisation or team outside it is "not found" everywhere.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::{Value, json};

use super::completion::{StaffCompletion, completion_view};
use super::dashboard_cache::{DashboardCache, Key, data_version};
use super::export::{ExportRow, export_rows};
use super::gaps::{GapQuery, GapReport, Scope, TopicColumn, gap_report_filtered};
use super::lookups::Lookups;
use super::priorities::{PeoplePriority, Priority, people_priorities, top_priorities};
use super::trends::Trends;
use crate::aggregates::read::{self, CellFilter};
use crate::audit::{self, Event, action};
use crate::entities::team;
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::listing::{ListQuery, Page};

/// How many priorities the dashboard lists.
pub const TOP_PRIORITIES: usize = 10;

/// One choice of a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// The values the filter form offers: only organisations in scope, the teams with figures of
/// their own among them, and only the band groups that occur in the scope's published data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Choices {
    pub organisations: Vec<Choice>,
    /// A team-limited manager's teams; otherwise the teams with figures of their own in the
    /// chosen organisation (or in the caller's only few organisations).
    pub teams: Vec<Choice>,
    pub staff_groups: Vec<Choice>,
    pub bands: Vec<String>,
}

fn organisations_in(scope: &Scope, lookups: &Lookups) -> Vec<Choice> {
    lookups
        .organisations
        .iter()
        .filter(|o| scope.reaches(o.id))
        .map(|o| Choice {
            id: o.id,
            label: format!("{} ({})", o.name, o.code),
        })
        .collect()
}

/// Whole organisations whose teams the team choice lists: the chosen one, or all of a
/// caller's when they have only a few (a national list would run to thousands of teams).
const FEW_ORGANISATIONS: usize = 3;

async fn teams_in(
    db: &impl ConnectionTrait,
    scope: &Scope,
    organisation: Option<i64>,
    lookups: &Lookups,
) -> AppResult<Vec<Choice>> {
    let whole: Vec<i64> = match (organisation, scope.organisations()) {
        (Some(id), ids) if ids.is_none_or(|ids| ids.contains(&id)) => vec![id],
        (None, Some(ids)) if ids.len() <= FEW_ORGANISATIONS => ids.to_vec(),
        _ => Vec::new(),
    };
    let mut ids: BTreeSet<i64> = read::published_teams(db, &whole)
        .await?
        .into_iter()
        .collect();
    ids.extend(
        scope
            .teams()
            .iter()
            .filter(|t| organisation.is_none_or(|o| o == t.organisation_id))
            .map(|t| t.id),
    );
    let code = |org: i64| {
        lookups
            .organisations
            .iter()
            .find(|o| o.id == org)
            .map(|o| o.code.clone())
            .unwrap_or_default()
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Choice> = team::Entity::find()
        .filter(team::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| Choice {
            id: t.id,
            label: format!("{} ({})", t.name, code(t.organisation_id)),
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

/// The filter choices for `scope`, with `organisation` the one chosen.
pub async fn choices(
    db: &impl ConnectionTrait,
    scope: &Scope,
    organisation: Option<i64>,
) -> AppResult<Choices> {
    choices_with(db, scope, organisation, &Lookups::load(db).await?).await
}

/// [`choices`] with the lookup tables already loaded.
pub(super) async fn choices_with(
    db: &impl ConnectionTrait,
    scope: &Scope,
    organisation: Option<i64>,
    lookups: &Lookups,
) -> AppResult<Choices> {
    let organisations = lookups.narrowing(scope.organisations().map(<[i64]>::to_vec));
    let (bands, teams) = tokio::try_join!(
        read::published_bands(db, organisations.as_deref()),
        teams_in(db, scope, organisation, lookups),
    )?;
    let bands: BTreeSet<String> = bands
        .into_iter()
        .filter(|band| !band.trim().is_empty())
        .collect();
    Ok(Choices {
        organisations: organisations_in(scope, lookups),
        teams,
        staff_groups: lookups
            .staff_groups
            .iter()
            .map(|g| Choice {
                id: g.id,
                label: g.name.clone(),
            })
            .collect(),
        bands: bands.into_iter().collect(),
    })
}

/// The dashboard: the grid, its top priorities both ways and the filter choices.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub report: GapReport,
    /// By gap (importance / 7 × gap).
    pub priorities: Vec<Priority>,
    /// By people affected (people below target × importance / 7).
    pub people_priorities: Vec<PeoplePriority>,
    pub choices: Choices,
}

/// Who looked, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<PersonId>,
    pub address: Option<String>,
}

/// Records one report view (docs/design.md §7: "audit log for … report views").
pub async fn record_view(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    subject: &str,
    query: &GapQuery,
) -> AppResult<()> {
    let event = Event::new(action::REPORT_VIEW)
        .by(viewer.user_id)
        .subject(subject)
        .detail(json!({ "query": query }))
        .from_address(viewer.address.clone());
    audit::record(db, event).await
}

/// The gap dashboard for `query`, recorded as a view. Reused from `cache` while the data it
/// was built from is unchanged ([`super::dashboard_cache`]).
#[tracing::instrument(skip(db, cache))]
pub async fn dashboard(
    db: &impl ConnectionTrait,
    cache: &DashboardCache,
    query: &GapQuery,
    min_cell_size: u32,
    viewer: &Viewer,
) -> AppResult<Dashboard> {
    // The version is read before the figures, so figures kept under it are never older than
    // it. The scope is checked before anything is served or the view recorded.
    let as_of = Utc::now();
    let (filter, version) = tokio::try_join!(query.cell_filter(db), data_version(db))?;
    let key = Key::of(query, min_cell_size);
    if let Some(kept) = version.and_then(|version| cache.get(&key, version)) {
        record_view(db, viewer, "gaps", query).await?;
        let mut board = Dashboard::clone(&kept);
        board.report.as_of = as_of;
        return Ok(board);
    }
    let (board, ()) = tokio::try_join!(
        build(db, query, filter, min_cell_size),
        record_view(db, viewer, "gaps", query),
    )?;
    if let Some(version) = version {
        cache.put(key, version, Arc::new(board.clone()));
    }
    Ok(board)
}

/// The dashboard read from the database, for a query whose scope is checked (`filter`).
async fn build(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    filter: CellFilter,
    min_cell_size: u32,
) -> AppResult<Dashboard> {
    let lookups = Lookups::load(db).await?;
    let (report, choices) = tokio::try_join!(
        gap_report_filtered(db, query, filter, min_cell_size, &lookups),
        choices_with(db, &query.scope, query.organisation, &lookups),
    )?;
    let priorities = top_priorities(&report, TOP_PRIORITIES);
    let people_priorities = people_priorities(&report, TOP_PRIORITIES);
    Ok(Dashboard {
        report,
        priorities,
        people_priorities,
        choices,
    })
}

/// The completion view for the query's organisations (all in scope unless one is chosen;
/// one outside the scope is "not found").
#[tracing::instrument(skip(db))]
pub async fn completion(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    list: &ListQuery,
    viewer: &Viewer,
) -> AppResult<Page<StaffCompletion>> {
    let view = query.in_view(db).await?;
    let organisations = match view.organisations {
        Some(ids) => ids,
        None => Lookups::load(db)
            .await?
            .organisations
            .iter()
            .map(|o| o.id)
            .collect(),
    };
    let staff = completion_view(db, &organisations, &view.teams, list).await?;
    record_view(db, viewer, "completion", query).await?;
    Ok(staff)
}

/// The trends for `query`, recorded as a view.
#[tracing::instrument(skip(db))]
pub async fn trends(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    min_cell_size: u32,
    viewer: &Viewer,
) -> AppResult<Trends> {
    let trends = super::trends::trends(db, query, min_cell_size).await?;
    record_view(db, viewer, "trends", query).await?;
    Ok(trends)
}

/// One month of the trends as a [`GapReport`], so it is exported with the same columns and
/// the same rounding as the grid.
pub fn month_report(trends: &Trends, month: usize) -> Option<GapReport> {
    trends.months.get(month).map(|m| GapReport {
        as_of: trends.as_of,
        min_cell_size: trends.min_cell_size,
        query: trends.query.clone(),
        topics: trends.topics.clone(),
        rows: m.rows.clone(),
    })
}

/// The gap grid's JSON twin: the export's JSON (same rows, same numbers) plus the topics and
/// the ranked priorities.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GapsJson {
    /// RFC 3339: the moment the numbers are true for.
    pub as_of: String,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub topics: Vec<TopicColumn>,
    pub rows: Vec<ExportRow>,
    /// The top priorities by gap (importance / 7 × gap).
    pub priorities: Vec<Priority>,
    /// The top priorities by people affected (job roles only; people below target ×
    /// importance / 7; no count under `min_cell_size`).
    pub priorities_by_people: Vec<PeoplePriority>,
}

pub fn gaps_json(dashboard: &Dashboard) -> GapsJson {
    GapsJson {
        as_of: dashboard.report.as_of.to_rfc3339(),
        min_cell_size: dashboard.report.min_cell_size,
        query: dashboard.report.query.clone(),
        topics: dashboard.report.topics.clone(),
        rows: export_rows(&dashboard.report)
            .into_iter()
            .map(ExportRow::new)
            .collect(),
        priorities: dashboard.priorities.clone(),
        priorities_by_people: dashboard.people_priorities.clone(),
    }
}

/// The trends' JSON twin.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendsJson {
    /// RFC 3339: the moment the numbers are true for.
    pub as_of: String,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub topics: Vec<TopicColumn>,
    /// Months with data (`YYYY-MM`), oldest first.
    pub months: Vec<String>,
    /// The export's rows, each with its month as `period`.
    pub rows: Vec<ExportRow>,
}

/// The trends' JSON twin: one object per month × row × topic with the export's columns plus
/// `period`.
pub fn trends_json(trends: &Trends) -> TrendsJson {
    let mut rows = Vec::new();
    for (index, month) in trends.months.iter().enumerate() {
        let Some(report) = month_report(trends, index) else {
            continue;
        };
        for values in export_rows(&report) {
            let mut row = ExportRow::new(values);
            row.0
                .insert("period".into(), Value::String(month.period.clone()));
            rows.push(row);
        }
    }
    TrendsJson {
        as_of: trends.as_of.to_rfc3339(),
        min_cell_size: trends.min_cell_size,
        query: trends.query.clone(),
        topics: trends.topics.clone(),
        months: trends.months.iter().map(|m| m.period.clone()).collect(),
        rows,
    }
}
