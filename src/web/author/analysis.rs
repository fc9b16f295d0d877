//! `/author/analysis`: item analysis of the baseline (first attempts), optionally for one
//! staff group, as a page, CSV and JSON. Only aggregates are read: nobody's answers.

use crate::web::page::Page;
use rocket::http::ContentType;
use rocket::serde::json::Json;
use rocket::{State, get};
use serde::Serialize;

use super::bank::{Download, download};
use super::views::{Choice, type_label};
use crate::assessment::calibration::ItemDifficulty;
use crate::authoring::analysis::staff_groups;
use crate::authoring::{self, AnalysisOptions, AssessmentAnalysis, ItemAnalysis};
use crate::error::AppResult;
use crate::measures::ItemFlag;
use crate::measures::rasch::{ItemStatus, MISFIT_HIGH, MISFIT_LOW};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::guards::Trainer;

#[derive(utoipa::OpenApi)]
#[openapi(paths(api_analysis))]
pub struct ApiDoc;

/// The assessment analysed when none is named.
const DEFAULT_ASSESSMENT: &str = "baseline";

fn options(state: &AppState, staff_group: Option<i64>) -> AnalysisOptions {
    AnalysisOptions {
        staff_group_id: staff_group.filter(|g| *g > 0),
        min_cell_size: u64::from(state.config.min_cell_size),
        ..AnalysisOptions::default()
    }
}

async fn analyse(
    state: &AppState,
    assessment: Option<&str>,
    staff_group: Option<i64>,
) -> AppResult<AssessmentAnalysis> {
    authoring::analyse_assessment(
        &state.db,
        assessment.unwrap_or(DEFAULT_ASSESSMENT),
        options(state, staff_group),
    )
    .await
}

fn flag_text(flag: ItemFlag) -> &'static str {
    match flag {
        ItemFlag::TooEasy => "Too easy",
        ItemFlag::TooHard => "Too hard",
        ItemFlag::NegativeDiscrimination => "Negative discrimination",
        ItemFlag::TooFewResponses => "Too few responses",
    }
}

/// "−0.55 ± 0.18", or why there is no difficulty.
fn difficulty_text(calibration: Option<&ItemDifficulty>) -> String {
    let Some(c) = calibration else {
        return "Not calibrated yet".to_owned();
    };
    match (c.status, c.difficulty, c.standard_error) {
        (ItemStatus::Estimated, Some(b), Some(se)) => format!("{b:.2} ± {se:.2}"),
        (ItemStatus::AllRight, ..) => "Not estimated: everyone got it right".to_owned(),
        (ItemStatus::AllWrong, ..) => "Not estimated: everyone got it wrong".to_owned(),
        _ => "Not estimated: too little data".to_owned(),
    }
}

fn fixed(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.places$}"))
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.0} %"))
}

#[derive(Serialize)]
struct OptionLine {
    text: String,
    credit: String,
    n: u64,
    percent: String,
}

#[derive(Serialize)]
struct ItemLine {
    item_id: i64,
    uid: String,
    version: i32,
    name: String,
    type_label: &'static str,
    topic: String,
    n: u64,
    facility: String,
    sd: String,
    discrimination: String,
    efficiency: String,
    certainty: String,
    confidently_wrong: String,
    difficulty: String,
    infit: String,
    outfit: String,
    flags: Vec<&'static str>,
    options: Vec<OptionLine>,
}

fn item_line(item: &ItemAnalysis) -> ItemLine {
    let stats = &item.statistics;
    ItemLine {
        item_id: item.item_id,
        uid: item.item_uid.clone(),
        version: item.version,
        name: item.name.clone(),
        type_label: type_label(&item.qtype),
        topic: item.topic_slug.clone(),
        n: stats.n,
        facility: fixed(stats.facility, 2),
        sd: fixed(stats.sd, 2),
        discrimination: fixed(stats.discrimination_index, 1),
        efficiency: fixed(item.discriminative_efficiency, 1),
        certainty: stats.certainty_mix.map_or_else(
            || "–".to_owned(),
            |m| {
                format!(
                    "low {:.0} %, medium {:.0} %, high {:.0} %, don't know {:.0} %",
                    m.low, m.medium, m.high, m.dont_know
                )
            },
        ),
        confidently_wrong: percent(stats.confidently_wrong_rate.map(|r| r * 100.0)),
        difficulty: difficulty_text(item.calibration.as_ref()),
        infit: fixed(item.calibration.as_ref().and_then(|c| c.infit), 2),
        outfit: fixed(item.calibration.as_ref().and_then(|c| c.outfit), 2),
        flags: stats
            .flags
            .iter()
            .map(|f| flag_text(*f))
            .chain(
                item.calibration
                    .as_ref()
                    .filter(|c| c.misfit)
                    .map(|_| "Misfit"),
            )
            .collect(),
        options: item
            .options
            .iter()
            .map(|o| OptionLine {
                text: o.text.clone(),
                credit: o
                    .credit
                    .map_or_else(|| "–".to_owned(), |c| format!("{:.0} %", c * 100.0)),
                n: o.n,
                percent: percent(o.percent),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct AnalysisView {
    assessment: String,
    heading: String,
    groups: Vec<Choice>,
    group_name: Option<String>,
    csv_href: String,
    n: u64,
    k: usize,
    alpha: String,
    sd: String,
    standard_error: String,
    min_responses: u64,
    min_cell_size: u32,
    hidden_items: usize,
    /// "Calibration 3, 6 December 2026 at 10:40, 812 learners"; `None`: not calibrated yet.
    calibration: Option<CalibrationLine>,
    misfit_low: f64,
    misfit_high: f64,
    items: Vec<ItemLine>,
}

#[derive(Serialize)]
struct CalibrationLine {
    id: i64,
    created_at: String,
    n_persons: i64,
}

#[get("/author/analysis?<assessment>&<staff_group>")]
pub async fn show_analysis(
    _trainer: Trainer,
    chrome: Chrome,
    state: &State<AppState>,
    assessment: Option<&str>,
    staff_group: Option<i64>,
) -> AppResult<Page> {
    let analysis = analyse(state, assessment, staff_group).await?;
    let groups = staff_groups(&state.db).await?;
    let selected = analysis.staff_group_id;
    let group_name = groups
        .iter()
        .find(|g| g.id == selected)
        .map(|g| g.name.clone());
    let mut group_choices = vec![Choice {
        value: "0".to_owned(),
        label: "Everyone".to_owned(),
        selected: selected == 0,
    }];
    group_choices.extend(groups.into_iter().map(|g| Choice {
        selected: g.id == selected,
        value: g.id.to_string(),
        label: g.name,
    }));
    let view = AnalysisView {
        csv_href: format!(
            "/author/analysis.csv?assessment={}&staff_group={selected}",
            analysis.assessment_slug
        ),
        heading: format!("Item analysis: {}", analysis.title),
        assessment: analysis.assessment_slug.clone(),
        groups: group_choices,
        group_name,
        n: analysis.test.n,
        k: analysis.test.k,
        alpha: fixed(analysis.test.alpha, 2),
        sd: fixed(analysis.test.sd, 2),
        standard_error: fixed(analysis.test.standard_error, 2),
        min_responses: analysis.min_responses,
        min_cell_size: state.config.min_cell_size,
        hidden_items: analysis.hidden_items,
        calibration: analysis.calibration.as_ref().map(|run| CalibrationLine {
            id: run.id,
            created_at: run.created_at.to_rfc3339(),
            n_persons: run.n_persons,
        }),
        misfit_low: MISFIT_LOW,
        misfit_high: MISFIT_HIGH,
        items: analysis.items.iter().map(item_line).collect(),
    };
    Ok(chrome.render("author/analysis", &view.heading.clone(), view))
}

#[get("/author/analysis.csv?<assessment>&<staff_group>")]
pub async fn analysis_csv(
    _trainer: Trainer,
    state: &State<AppState>,
    assessment: Option<&str>,
    staff_group: Option<i64>,
) -> AppResult<Download> {
    let analysis = analyse(state, assessment, staff_group).await?;
    let body = authoring::analysis_csv(&analysis)?;
    let name = format!("item-analysis-{}.csv", analysis.assessment_slug);
    Ok(download(body, ContentType::CSV, &name))
}

/// Item analysis of an assessment's submitted attempts (difficulty, discrimination, alpha),
/// optionally for one staff group.
#[utoipa::path(
    tag = "authoring",
    params(
        ("assessment" = Option<String>, Query, description = "The assessment's slug (the baseline when left out)"),
        ("staff_group" = Option<i64>, Query, description = "Only attempts by this staff group"),
    ),
    responses((status = 200, body = AssessmentAnalysis))
)]
#[get("/api/v1/author/analysis?<assessment>&<staff_group>")]
pub async fn api_analysis(
    _trainer: Trainer,
    state: &State<AppState>,
    assessment: Option<&str>,
    staff_group: Option<&str>,
) -> AppResult<Json<AssessmentAnalysis>> {
    // Not `Option<i64>`: Rocket would read `staff_group=abc` as none and analyse everyone.
    let staff_group = crate::web::query_id(staff_group, "Staff group")?;
    Ok(Json(analyse(state, assessment, staff_group).await?))
}
