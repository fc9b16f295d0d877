//! The gap report read by framework competency (issue 20 point 17): for one published
//! framework, each competency with the topics mapped to it and those topics' cells from the
//! gap grid's "All staff in scope" row, copied whole.
//!
//! Nothing here adds, averages or subtracts figures: a competency shows the same published
//! cells, with the same `*`, as the dashboard does for the same filters, so the publication
//! rules (`publication.rs`, docs/managers.md) hold without a new argument. A combined figure
//! per competency was left out on purpose: topics mapped to a competency overlap from one
//! competency to the next, and a mean over them would be a new number for managers to misread
//! as a measured competency score.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::dashboard::{Choices, Viewer, choices_with, record_view};
use super::export::rounded;
use super::gaps::{Cell, GapQuery, Level, gap_report_with};
use super::lookups::Lookups;
use crate::entities::{framework, framework_competency, framework_competency_topic};
use crate::error::{AppError, AppResult};

/// A framework as its publisher names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FrameworkInfo {
    pub slug: String,
    pub name: String,
    pub publisher: String,
    pub year: i32,
    pub url: String,
}

impl From<framework::Model> for FrameworkInfo {
    fn from(row: framework::Model) -> Self {
        Self {
            slug: row.slug,
            name: row.name,
            publisher: row.publisher,
            year: row.year,
            url: row.url,
        }
    }
}

/// One mapped topic and its published cell (`*` when the dashboard hides it).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MappedTopic {
    pub slug: String,
    pub name: String,
    pub cell: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CompetencyRow {
    pub number: String,
    pub name: String,
    /// Why no topic addresses it, as `frameworks.toml` says.
    pub not_covered: Option<String>,
    pub topics: Vec<MappedTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrameworkReport {
    pub framework: FrameworkInfo,
    pub as_of: chrono::DateTime<chrono::Utc>,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub competencies: Vec<CompetencyRow>,
    #[serde(skip)]
    pub choices: Choices,
}

/// Every loaded framework, in file order, for the dashboard's links.
pub async fn frameworks(db: &impl ConnectionTrait) -> AppResult<Vec<FrameworkInfo>> {
    Ok(framework::Entity::find()
        .order_by_asc(framework::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(FrameworkInfo::from)
        .collect())
}

/// The framework `slug` read through the gap grid for `query`, recorded as a report view.
#[tracing::instrument(skip(db))]
pub async fn framework_report(
    db: &impl ConnectionTrait,
    slug: &str,
    query: &GapQuery,
    min_cell_size: u32,
    viewer: &Viewer,
) -> AppResult<FrameworkReport> {
    let row = framework::Entity::find()
        .filter(framework::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such framework.".into()))?;
    let lookups = Lookups::load(db).await?;
    let report = gap_report_with(db, query, min_cell_size, &lookups).await?;
    let total = report.rows.iter().find(|r| r.level == Level::Total);
    let cell_of = |topic_id: i64| {
        let column = report.topics.iter().position(|t| t.id == topic_id)?;
        total.and_then(|r| r.cells.get(column)).cloned()
    };
    let competencies = framework_competency::Entity::find()
        .filter(framework_competency::Column::FrameworkId.eq(row.id))
        .order_by_asc(framework_competency::Column::Position)
        .all(db)
        .await?;
    let links = framework_competency_topic::Entity::find().all(db).await?;
    let topics = &lookups.topics;
    let rows = competencies
        .into_iter()
        .map(|c| {
            let mapped = topics
                .iter()
                .filter(|t| {
                    links
                        .iter()
                        .any(|l| l.competency_id == c.id && l.topic_id == t.id)
                })
                // A retired topic is no column of the grid, so it has no published cell.
                .filter_map(|t| {
                    Some(MappedTopic {
                        slug: t.slug.clone(),
                        name: t.name.clone(),
                        cell: cell_of(t.id)?,
                    })
                })
                .collect();
            CompetencyRow {
                number: c.number,
                name: c.name,
                not_covered: c.not_covered.clone(),
                topics: mapped,
            }
        })
        .collect();
    let choices = choices_with(db, &query.scope, query.organisation, &lookups).await?;
    record_view(db, viewer, &format!("framework:{slug}"), query).await?;
    Ok(FrameworkReport {
        framework: row.into(),
        as_of: report.as_of,
        min_cell_size,
        query: query.clone(),
        competencies: rows,
        choices,
    })
}

/// A published cell's figures, rounded as the exports round them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CellFigures {
    pub n: u64,
    pub knowledge: Option<f64>,
    pub target: Option<f64>,
    pub gap: Option<f64>,
    pub priority: Option<f64>,
}

/// A cell's figures, or `"*"` where the cell is suppressed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum CellJson {
    Shown(CellFigures),
    /// Always `"*"`.
    Suppressed(String),
}

fn cell_json(cell: &Cell) -> CellJson {
    match cell.measures() {
        None => CellJson::Suppressed("*".to_owned()),
        Some(m) => CellJson::Shown(CellFigures {
            n: m.n,
            knowledge: rounded(m.knowledge),
            target: rounded(m.target),
            gap: rounded(m.gap),
            priority: rounded(m.priority),
        }),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicFiguresJson {
    pub slug: String,
    pub name: String,
    pub figures: CellJson,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompetencyJson {
    pub number: String,
    pub name: String,
    /// Why no topic addresses it, when none does.
    pub not_covered: Option<String>,
    pub topics: Vec<TopicFiguresJson>,
}

/// The framework page's JSON twin: the same cells, rounded as the exports round them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FrameworkJson {
    /// RFC 3339: the moment the numbers are true for.
    pub as_of: String,
    pub min_cell_size: u32,
    pub query: GapQuery,
    pub framework: FrameworkInfo,
    pub competencies: Vec<CompetencyJson>,
}

pub fn framework_json(report: &FrameworkReport) -> FrameworkJson {
    let competencies = report
        .competencies
        .iter()
        .map(|c| CompetencyJson {
            number: c.number.clone(),
            name: c.name.clone(),
            not_covered: c.not_covered.clone(),
            topics: c
                .topics
                .iter()
                .map(|t| TopicFiguresJson {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    figures: cell_json(&t.cell),
                })
                .collect(),
        })
        .collect();
    FrameworkJson {
        as_of: report.as_of.to_rfc3339(),
        min_cell_size: report.min_cell_size,
        query: report.query.clone(),
        framework: report.framework.clone(),
        competencies,
    }
}
