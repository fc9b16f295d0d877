//! The report charts (issue 24, point 4): server-rendered SVG, each drawn from the very cells a
//! table publishes ([`Cell`]: measures already rounded for publication, or `*`), so a cell the
//! table hides is absent from the chart too and no chart can show a number the table does not.
//!
//! Each chart is a self-contained `<svg role="img">` named by its `<title>` and `<desc>` (the
//! description repeats every plotted figure in words), in NHS.UK colours that meet 3:1 against
//! white, and never relies on colour alone: targets are black lines, totals are squares, falls
//! are hatched, and every value is written beside its mark.
//!
//! [`download`] is the one service function of the SVG downloads; the pages draw the same
//! charts with [`topic_charts`] and [`trend_charts`] from the report they already loaded.

mod draw;
pub mod svg;
#[cfg(test)]
mod tests;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::json;

use super::dashboard::Viewer;
use super::gaps::{Cell, GapQuery, GapReport, Level, Phase, ReportRow, gap_report};
use super::trends::{self, Trends};
use crate::audit::{self, Event, action};
use crate::error::{AppError, AppResult};

/// The charts a topic has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    /// Knowledge against target by staff group and job role (the topic page).
    Knowledge,
    /// Hake gain from baseline to post by staff group and job role (the topic page, post view).
    Gain,
    /// % rating 4–5 against knowledge by staff group (the topic page).
    Calibration,
    /// Knowledge and target month by month for all staff in scope (the trends page).
    Trend,
    /// Completion month by month for all staff in scope (the trends page, baseline view).
    Completion,
}

impl Chart {
    pub const ALL: [Chart; 5] = [
        Self::Knowledge,
        Self::Gain,
        Self::Calibration,
        Self::Trend,
        Self::Completion,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Knowledge => "knowledge",
            Self::Gain => "gain",
            Self::Calibration => "calibration",
            Self::Trend => "trend",
            Self::Completion => "completion",
        }
    }

    /// The chart a download's file name asks for (`knowledge.svg`, ...).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let slug = name.strip_suffix(".svg")?;
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// Drawn from the monthly trends rather than the grid.
    fn is_monthly(self) -> bool {
        matches!(self, Self::Trend | Self::Completion)
    }
}

/// The element id of `chart` for the topic `slug` (unique on a page, the same in the download).
pub fn chart_id(chart: Chart, slug: &str) -> String {
    format!("chart-{}-{slug}", chart.slug())
}

/// A topic page's charts, as SVG text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicCharts {
    pub knowledge: String,
    pub gain: String,
    pub calibration: String,
}

/// A trends page topic's charts, as SVG text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendCharts {
    pub trend: String,
    pub completion: String,
}

/// One row of a chart: the grid row's label and level with the topic's cell.
struct Bar<'a> {
    label: &'a str,
    level: Level,
    cell: &'a Cell,
}

fn bars(rows: &[ReportRow], column: usize) -> Vec<Bar<'_>> {
    rows.iter()
        .filter_map(|row| {
            row.cells.get(column).map(|cell| Bar {
                label: &row.label,
                level: row.level,
                cell,
            })
        })
        .collect()
}

/// The charts of the report's topic in `column`.
pub fn topic_charts(report: &GapReport, column: usize) -> Option<TopicCharts> {
    let topic = report.topics.get(column)?;
    let rows = bars(&report.rows, column);
    let phase = report.query.phase;
    Some(TopicCharts {
        knowledge: draw::knowledge(
            &chart_id(Chart::Knowledge, &topic.slug),
            &topic.name,
            phase,
            &rows,
        ),
        gain: draw::gain(
            &chart_id(Chart::Gain, &topic.slug),
            &topic.name,
            phase,
            &rows,
        ),
        calibration: draw::calibration(
            &chart_id(Chart::Calibration, &topic.slug),
            &topic.name,
            &rows,
        ),
    })
}

/// One month's cell of the total row ("All staff in scope") for a topic.
pub struct MonthCell<'a> {
    pub period: &'a str,
    pub cell: Option<&'a Cell>,
}

fn month_cells(trends: &Trends, column: usize) -> Vec<MonthCell<'_>> {
    trends
        .months
        .iter()
        .map(|month| MonthCell {
            period: &month.period,
            cell: month
                .rows
                .iter()
                .find(|r| r.level == Level::Total)
                .and_then(|r| r.cells.get(column)),
        })
        .collect()
}

/// The monthly charts of the trends' topic in `column`.
pub fn trend_charts(trends: &Trends, column: usize) -> Option<TrendCharts> {
    let topic = trends.topics.get(column)?;
    let months = month_cells(trends, column);
    Some(TrendCharts {
        trend: draw::trend(&chart_id(Chart::Trend, &topic.slug), &topic.name, &months),
        completion: draw::completion(
            &chart_id(Chart::Completion, &topic.slug),
            &topic.name,
            trends.query.phase,
            &months,
        ),
    })
}

/// A chart download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// `training-gaps-<topic>-<chart>-<as of>.svg`.
    pub file_name: String,
    pub svg: String,
}

/// The chart `chart` of the topic `slug` for `query`, from the same cells as the pages and the
/// CSV, recorded in the audit log as a download (like the CSV). An unknown topic, or an
/// organisation outside the query's scope, is "not found".
#[tracing::instrument(skip(db))]
pub async fn download(
    db: &impl ConnectionTrait,
    query: &GapQuery,
    slug: &str,
    chart: Chart,
    min_cell_size: u32,
    viewer: &Viewer,
) -> AppResult<ChartFile> {
    let not_found = || AppError::NotFound("There is no such topic.".into());
    let (svg, as_of, subject) = if chart.is_monthly() {
        let trends = trends::trends(db, query, min_cell_size).await?;
        let column = trends
            .topics
            .iter()
            .position(|t| t.slug == slug)
            .ok_or_else(not_found)?;
        let charts = trend_charts(&trends, column).ok_or_else(not_found)?;
        let svg = match chart {
            Chart::Trend => charts.trend,
            _ => charts.completion,
        };
        (svg, trends.as_of, "trends")
    } else {
        let report = gap_report(db, query, min_cell_size).await?;
        let column = report
            .topics
            .iter()
            .position(|t| t.slug == slug)
            .ok_or_else(not_found)?;
        let charts = topic_charts(&report, column).ok_or_else(not_found)?;
        let svg = match chart {
            Chart::Knowledge => charts.knowledge,
            Chart::Gain => charts.gain,
            _ => charts.calibration,
        };
        (svg, report.as_of, "gaps")
    };
    let event = Event::new(action::REPORT_EXPORT)
        .by(viewer.user_id)
        .subject(subject)
        .detail(json!({ "format": "svg", "chart": chart, "topic": slug, "query": query }))
        .from_address(viewer.address.clone());
    audit::record(db, event).await?;
    Ok(ChartFile {
        file_name: format!(
            "training-gaps-{slug}-{}-{}.svg",
            chart.slug(),
            as_of.format("%Y%m%dT%H%M%SZ")
        ),
        svg,
    })
}

/// "baseline" or "post-assessment", for chart descriptions.
fn phase_words(phase: Phase) -> &'static str {
    match phase {
        Phase::Baseline => "baseline",
        Phase::Post => "post-assessment",
    }
}
