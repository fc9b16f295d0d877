//! CSV (RFC 4180) and JSON exports of the gap grid: one row per cell (row × topic) with every
//! measure, `*` for every measure of a suppressed cell, stamped with `as_of`. Both formats are
//! written from the same [`export_rows`], so their numbers are identical by construction.

use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::gaps::{GapReport, Level};
use crate::audit::{self, Event, action};
use crate::csv_out::CsvOut;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::measures::CellMeasures;

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// The columns of every export row, in order.
pub const COLUMNS: &[&str] = &[
    "as_of",
    "phase",
    "level",
    "staff_group",
    "job_role",
    "topic",
    "n",
    "knowledge",
    "knowledge_low",
    "knowledge_high",
    "target",
    "importance",
    "gap",
    "priority",
    "n_rated",
    "self_confidence",
    "pct_rating_4_5",
    "unrecognised_need",
    "pct_at_target",
    "calibration_bias",
    "confidently_wrong_rate",
    "completion",
    "n_paired",
    "hake_gain",
    "mean_individual_gain",
    "calibrated_gain",
];

/// One row of the JSON export and the report APIs: [`COLUMNS`] in order (the trends add
/// `period`). A suppressed cell's measures are `"*"`; a measure with no denominator is null.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ExportRow(pub Map<String, Value>);

impl ExportRow {
    /// The row's values under [`COLUMNS`].
    pub fn new(values: Vec<ExportValue>) -> Self {
        ExportRow(
            COLUMNS
                .iter()
                .zip(values)
                .map(|(c, v)| ((*c).to_owned(), v.to_json()))
                .collect(),
        )
    }
}

impl utoipa::PartialSchema for ExportRow {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let value = || {
            ObjectBuilder::new().schema_type(SchemaType::from_iter([
                Type::String,
                Type::Number,
                Type::Null,
            ]))
        };
        COLUMNS
            .iter()
            .fold(
                ObjectBuilder::new().description(Some(
                    "One cell (row × topic) with every measure: text, a number, \"*\" where the \
                     cell is suppressed, or null where a measure has no denominator.",
                )),
                |object, column| object.property(*column, value()).required(*column),
            )
            .into()
    }
}

impl utoipa::ToSchema for ExportRow {}

/// One exported value.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportValue {
    Text(String),
    Count(u64),
    Number(f64),
    /// A suppressed cell's measure: `*`.
    Suppressed,
    /// No denominator (e.g. no ratings): empty in CSV, null in JSON.
    Missing,
}

impl ExportValue {
    /// The value as the CSV export writes it.
    pub fn to_csv(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Count(n) => n.to_string(),
            Self::Number(x) => x.to_string(),
            Self::Suppressed => "*".into(),
            Self::Missing => String::new(),
        }
    }

    /// The value as the JSON export writes it.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Text(t) => Value::String(t.clone()),
            Self::Count(n) => json!(n),
            Self::Number(x) => json!(x),
            Self::Suppressed => Value::String("*".into()),
            Self::Missing => Value::Null,
        }
    }
}

/// Exports show 4 decimal places: enough for every measure (rates are 0–1), and one rounding
/// shared by both formats.
fn number(value: Option<f64>) -> ExportValue {
    match rounded(value) {
        Some(x) => ExportValue::Number(x),
        None => ExportValue::Missing,
    }
}

/// A measure rounded as every export rounds it; pages format this value, so they show the
/// exports' numbers.
pub fn rounded(value: Option<f64>) -> Option<f64> {
    value
        .filter(|x| x.is_finite())
        .map(|x| (x * 1e4).round() / 1e4)
}

fn measures(m: &CellMeasures) -> Vec<ExportValue> {
    vec![
        ExportValue::Count(m.n),
        number(m.knowledge),
        number(m.knowledge_interval.map(|i| i.low)),
        number(m.knowledge_interval.map(|i| i.high)),
        number(m.target),
        number(m.importance),
        number(m.gap),
        number(m.priority),
        ExportValue::Count(m.n_rated),
        number(m.self_confidence),
        number(m.pct_confident),
        number(m.unrecognised_need),
        number(m.pct_at_target),
        number(m.calibration_bias),
        number(m.confidently_wrong_rate),
        number(m.completion),
        ExportValue::Count(m.n_paired),
        number(m.hake_gain),
        number(m.mean_individual_gain),
        number(m.calibrated_gain),
    ]
}

/// Every cell of the report as a row of [`COLUMNS`].
pub fn export_rows(report: &GapReport) -> Vec<Vec<ExportValue>> {
    let as_of = report.as_of.to_rfc3339();
    let n_measures = COLUMNS.len() - 6;
    let mut group_label = String::new();
    let mut out = Vec::new();
    for row in &report.rows {
        let (level, group, role) = match row.level {
            Level::Total => ("total", String::new(), String::new()),
            Level::StaffGroup => {
                group_label.clone_from(&row.label);
                ("staff_group", row.label.clone(), String::new())
            }
            Level::JobRole => ("job_role", group_label.clone(), row.label.clone()),
        };
        for (topic, cell) in report.topics.iter().zip(&row.cells) {
            let mut values = vec![
                ExportValue::Text(as_of.clone()),
                ExportValue::Text(report.query.phase.as_str().into()),
                ExportValue::Text(level.into()),
                ExportValue::Text(group.clone()),
                ExportValue::Text(role.clone()),
                ExportValue::Text(topic.slug.clone()),
            ];
            match cell.measures() {
                Some(m) => values.extend(measures(m)),
                None => values.extend(std::iter::repeat_n(ExportValue::Suppressed, n_measures)),
            }
            out.push(values);
        }
    }
    out
}

/// RFC 4180 CSV: a header line, CRLF line ends, quoting where needed.
pub fn to_csv(report: &GapReport) -> AppResult<String> {
    let mut writer = CsvOut::crlf();
    writer.record(COLUMNS)?;
    for row in export_rows(report) {
        writer.record(row.iter().map(ExportValue::to_csv))?;
    }
    writer.finish()
}

/// JSON: the stamp, the threshold and the filters, and the same rows as the CSV as objects.
pub fn to_json(report: &GapReport) -> Value {
    let rows: Vec<Value> = export_rows(report)
        .into_iter()
        .map(|row| {
            let object: Map<String, Value> = COLUMNS
                .iter()
                .zip(row)
                .map(|(column, value)| ((*column).to_owned(), value.to_json()))
                .collect();
            Value::Object(object)
        })
        .collect();
    json!({
        "as_of": report.as_of.to_rfc3339(),
        "min_cell_size": report.min_cell_size,
        "query": report.query,
        "rows": rows,
    })
}

/// The export in `format`.
pub fn render(report: &GapReport, format: Format) -> AppResult<String> {
    match format {
        Format::Csv => to_csv(report),
        Format::Json => serde_json::to_string_pretty(&to_json(report)).map_err(AppError::internal),
    }
}

/// Renders the export and records it in the audit log: the one function an export handler
/// (or the CLI, with no actor) calls.
pub async fn export(
    db: &impl ConnectionTrait,
    report: &GapReport,
    format: Format,
    actor_user_id: Option<PersonId>,
    client_address: Option<String>,
) -> AppResult<String> {
    let body = render(report, format)?;
    let event = Event::new(action::REPORT_EXPORT)
        .by(actor_user_id)
        .subject("gaps")
        .detail(json!({"format": format, "query": report.query}))
        .from_address(client_address);
    audit::record(db, event).await?;
    Ok(body)
}
