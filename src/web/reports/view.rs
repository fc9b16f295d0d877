//! Template contexts for the report pages, built from the service's values rounded exactly as
//! the exports round them, so a page never shows a number the CSV and JSON do not.

use serde::Serialize;

use super::filters::ReportFilters;
use crate::measures::CellMeasures;
use crate::reports::dashboard::Choices;
use crate::reports::export::rounded;
use crate::reports::gaps::TopicColumn;
use crate::reports::{Cell, GapReport, Level, ReportRow};
use crate::web::accounts::FormErrors;

/// Shown for a measure with nothing to average.
const NONE: &str = "–";

fn fixed(value: Option<f64>, places: usize) -> String {
    rounded(value).map_or_else(|| NONE.to_owned(), |x| format!("{x:.places$}"))
}

/// The colour band of a cell: from its priority (importance / 7 × gap), so the darkest cells
/// are where training matters most. Ordered by lightness (see static/app.css).
fn heat(priority: Option<f64>) -> &'static str {
    match rounded(priority) {
        None => "app-heat-0",
        Some(p) if p <= 0.0 => "app-heat-0",
        Some(p) if p < 5.0 => "app-heat-1",
        Some(p) if p < 10.0 => "app-heat-2",
        Some(p) if p < 20.0 => "app-heat-3",
        Some(_) => "app-heat-4",
    }
}

/// The colour key, in words, in the order of [`heat`].
pub const KEY: [(&str, &str); 5] = [
    (
        "app-heat-0",
        "No gap: at or above target, or no one in the cell",
    ),
    ("app-heat-1", "Priority under 5"),
    ("app-heat-2", "Priority 5 to under 10"),
    ("app-heat-3", "Priority 10 to under 20"),
    ("app-heat-4", "Priority 20 or more: the most urgent"),
];

#[derive(Debug, Serialize)]
pub struct KeyView {
    class: &'static str,
    text: &'static str,
}

pub fn key() -> Vec<KeyView> {
    KEY.iter()
        .map(|&(class, text)| KeyView { class, text })
        .collect()
}

/// One cell with every measure as text.
#[derive(Debug, Serialize)]
pub struct CellView {
    suppressed: bool,
    /// Shown, but no one in it (n = 0): its measures are all blank.
    empty: bool,
    /// The visually hidden explanation of a `*`.
    hidden_text: String,
    heat: &'static str,
    n: String,
    knowledge: String,
    knowledge_low: String,
    knowledge_high: String,
    target: String,
    importance: String,
    gap: String,
    priority: String,
    n_rated: String,
    self_confidence: String,
    pct_rating_4_5: String,
    unrecognised_need: String,
    pct_at_target: String,
    calibration_bias: String,
    confidently_wrong_rate: String,
    completion: String,
    n_paired: String,
    hake_gain: String,
    mean_individual_gain: String,
    calibrated_gain: String,
}

fn shown(m: &CellMeasures) -> CellView {
    let interval = m.knowledge_interval;
    CellView {
        suppressed: false,
        empty: m.n == 0,
        hidden_text: String::new(),
        heat: heat(m.priority),
        n: m.n.to_string(),
        knowledge: fixed(m.knowledge, 0),
        knowledge_low: fixed(interval.map(|i| i.low), 0),
        knowledge_high: fixed(interval.map(|i| i.high), 0),
        target: fixed(m.target, 0),
        importance: fixed(m.importance, 1),
        gap: fixed(m.gap, 0),
        priority: fixed(m.priority, 1),
        n_rated: m.n_rated.to_string(),
        self_confidence: fixed(m.self_confidence, 1),
        pct_rating_4_5: fixed(m.pct_confident, 0),
        unrecognised_need: fixed(m.unrecognised_need, 0),
        pct_at_target: fixed(m.pct_at_target, 0),
        calibration_bias: fixed(m.calibration_bias, 2),
        confidently_wrong_rate: fixed(m.confidently_wrong_rate, 2),
        completion: fixed(m.completion, 0),
        n_paired: m.n_paired.to_string(),
        hake_gain: fixed(m.hake_gain, 2),
        mean_individual_gain: fixed(m.mean_individual_gain, 2),
        calibrated_gain: fixed(m.calibrated_gain, 0),
    }
}

/// The visually hidden explanation of a `*`.
fn hidden_text(min_cell_size: u32) -> String {
    format!(
        "suppressed: fewer than {min_cell_size} people, or hidden so a small group cannot be worked out"
    )
}

fn star(min_cell_size: u32) -> CellView {
    let s = || "*".to_owned();
    CellView {
        suppressed: true,
        empty: false,
        hidden_text: hidden_text(min_cell_size),
        heat: "app-suppressed",
        n: s(),
        knowledge: s(),
        knowledge_low: s(),
        knowledge_high: s(),
        target: s(),
        importance: s(),
        gap: s(),
        priority: s(),
        n_rated: s(),
        self_confidence: s(),
        pct_rating_4_5: s(),
        unrecognised_need: s(),
        pct_at_target: s(),
        calibration_bias: s(),
        confidently_wrong_rate: s(),
        completion: s(),
        n_paired: s(),
        hake_gain: s(),
        mean_individual_gain: s(),
        calibrated_gain: s(),
    }
}

pub fn cell(cell: &Cell, min_cell_size: u32) -> CellView {
    match cell.measures() {
        Some(m) => shown(m),
        None => star(min_cell_size),
    }
}

#[derive(Debug, Serialize)]
pub struct TopicView {
    slug: String,
    name: String,
    href: String,
}

/// One cell of the dashboard grid. The page shows its two figures (knowledge and gap) twice,
/// in the wide table and in the narrow-screen list, so they are written out as HTML once here
/// rather than by a partial per cell and layout: a national grid has hundreds of cells, and
/// those partials were half the page's rendering (docs/benchmarks.md). The knowledge links to
/// the topic page at the cell's row for every other measure.
#[derive(Debug, Serialize)]
pub struct GridCellView {
    topic: String,
    heat: &'static str,
    /// Escaped HTML: `*` with its reason for screen readers when suppressed, `–` when no one
    /// is in it, else the knowledge (linked) and the gap.
    figures: String,
    /// The gap as shown, when the cell is shown and someone is in it (for the row's summary).
    #[serde(skip)]
    shown_gap: Option<String>,
}

impl GridCellView {
    fn new(cell: &Cell, topic: &str, href: &str, min_cell_size: u32) -> Self {
        use rocket_dyn_templates::handlebars::html_escape as escape;
        let (heat, figures, shown_gap) = match cell.measures() {
            Some(m) if m.n == 0 => (
                heat(m.priority),
                format!(
                    "{NONE}<span class=\"nhsuk-u-visually-hidden\"> no answers published</span>"
                ),
                None,
            ),
            Some(m) => {
                let gap = fixed(m.gap, 0);
                let figures = format!(
                    "<a href=\"{}\">{}%<span class=\"nhsuk-u-visually-hidden\"> knowledge of {}: every measure</span></a> <span class=\"app-gap-grid__gap\">gap {}</span>",
                    escape(href),
                    escape(&fixed(m.knowledge, 0)),
                    escape(topic),
                    escape(&gap),
                );
                (heat(m.priority), figures, Some(gap))
            }
            None => (
                "app-suppressed",
                format!(
                    "*<span class=\"nhsuk-u-visually-hidden\"> {}</span>",
                    escape(&hidden_text(min_cell_size))
                ),
                None,
            ),
        };
        Self {
            topic: topic.to_owned(),
            heat,
            figures,
            shown_gap,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RowView {
    label: String,
    is_total: bool,
    is_group: bool,
    /// For a staff group: the same view narrowed to it (its job roles).
    drill_href: Option<String>,
    /// In words, for the row's summary on narrow screens: how many of its topics show a gap.
    gaps_in_words: String,
    cells: Vec<GridCellView>,
}

/// The row's anchor on the topic page, the same for every filter that shows the row.
pub fn anchor(row: &ReportRow) -> String {
    match (row.level, row.staff_group_id, row.job_role_id) {
        (Level::StaffGroup, Some(group), _) => format!("group-{group}"),
        (Level::JobRole, _, Some(role)) => format!("role-{role}"),
        _ => "all-staff".to_owned(),
    }
}

fn with_query(path: &str, filters: &ReportFilters) -> String {
    let query = filters.query_string();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// `?query` of the current filters, or nothing.
pub fn query_suffix(filters: &ReportFilters) -> String {
    with_query("", filters)
}

/// Each framework's "by framework" view, keeping the current filters.
pub fn framework_links(
    frameworks: &[crate::reports::frameworks::FrameworkInfo],
    filters: &ReportFilters,
) -> Vec<serde_json::Value> {
    frameworks
        .iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name,
                "href": with_query(&format!("/reports/frameworks/{}", f.slug), filters),
            })
        })
        .collect()
}

fn topic_href(slug: &str, filters: &ReportFilters) -> String {
    with_query(&format!("/reports/topics/{slug}"), filters)
}

pub fn topics(topics: &[TopicColumn], filters: &ReportFilters) -> Vec<TopicView> {
    topics
        .iter()
        .map(|t| TopicView {
            slug: t.slug.clone(),
            name: t.name.clone(),
            href: topic_href(&t.slug, filters),
        })
        .collect()
}

fn gaps_in_words(cells: &[GridCellView]) -> String {
    let shown: Vec<&str> = cells
        .iter()
        .filter_map(|c| c.shown_gap.as_deref())
        .collect();
    let below = shown
        .iter()
        .filter(|gap| !matches!(**gap, "0" | NONE))
        .count();
    match (shown.len(), below) {
        (0, _) => "no answers published".to_owned(),
        (_, 0) => "no topic below target".to_owned(),
        (_, 1) => "1 topic below target".to_owned(),
        (_, n) => format!("{n} topics below target"),
    }
}

/// One grid row; `topic_links` are the topics' page links ([`topics`]), in column order.
pub fn row(
    row: &ReportRow,
    topic_links: &[TopicView],
    filters: &ReportFilters,
    min_cell_size: u32,
) -> RowView {
    let drill_href = match (row.level, row.staff_group_id) {
        (Level::StaffGroup, Some(group))
            if filters.staff_group.as_deref().map(str::trim)
                != Some(group.to_string().as_str()) =>
        {
            Some(with_query(
                "/reports",
                &filters.with_staff_group(Some(group)),
            ))
        }
        _ => None,
    };
    let at = anchor(row);
    let cells: Vec<_> = row
        .cells
        .iter()
        .zip(topic_links)
        .map(|(c, topic)| {
            let href = format!("{}#{at}", topic.href);
            GridCellView::new(c, &topic.name, &href, min_cell_size)
        })
        .collect();
    RowView {
        label: row.label.clone(),
        is_total: row.level == Level::Total,
        is_group: row.level == Level::StaffGroup,
        drill_href,
        gaps_in_words: gaps_in_words(&cells),
        cells,
    }
}

pub fn rows(report: &GapReport, filters: &ReportFilters) -> Vec<RowView> {
    let links = topics(&report.topics, filters);
    report
        .rows
        .iter()
        .map(|r| row(r, &links, filters, report.min_cell_size))
        .collect()
}

/// One option of a filter `<select>`.
#[derive(Debug, Serialize)]
pub struct OptionView {
    value: String,
    label: String,
    selected: bool,
}

/// Each filter's problem, shown beside its field (`None` when the value is fine).
#[derive(Debug, Default, Serialize)]
pub struct FilterErrorsView {
    organisation: Option<String>,
    team: Option<String>,
    staff_group: Option<String>,
    band: Option<String>,
    from: Option<String>,
    to: Option<String>,
    phase: Option<String>,
}

impl From<&FormErrors> for FilterErrorsView {
    fn from(errors: &FormErrors) -> Self {
        Self {
            organisation: errors.on("organisation"),
            team: errors.on("team"),
            staff_group: errors.on("staff_group"),
            band: errors.on("band"),
            from: errors.on("from"),
            to: errors.on("to"),
            phase: errors.on("phase"),
        }
    }
}

/// The filter form with the values entered, submitting to the page it is on (`action`).
#[derive(Debug, Serialize)]
pub struct FormView {
    action: String,
    organisations: Vec<OptionView>,
    teams: Vec<OptionView>,
    /// The team field is shown when there are teams to offer, or to show its problem beside it.
    show_team: bool,
    staff_groups: Vec<OptionView>,
    bands: Vec<OptionView>,
    from: String,
    to: String,
    post: bool,
    errors: FilterErrorsView,
}

fn options(
    values: impl Iterator<Item = (String, String)>,
    current: &Option<String>,
) -> Vec<OptionView> {
    let current = current.as_deref().map(str::trim).unwrap_or_default();
    values
        .map(|(value, label)| OptionView {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

pub fn form(
    action: &str,
    choices: &Choices,
    filters: &ReportFilters,
    errors: &FormErrors,
) -> FormView {
    FormView {
        action: action.to_owned(),
        organisations: options(
            choices
                .organisations
                .iter()
                .map(|c| (c.id.to_string(), c.label.clone())),
            &filters.organisation,
        ),
        teams: options(
            choices
                .teams
                .iter()
                .map(|c| (c.id.to_string(), c.label.clone())),
            &filters.team,
        ),
        show_team: !choices.teams.is_empty() || errors.on("team").is_some(),
        staff_groups: options(
            choices
                .staff_groups
                .iter()
                .map(|c| (c.id.to_string(), c.label.clone())),
            &filters.staff_group,
        ),
        bands: options(
            choices.bands.iter().map(|b| (b.clone(), b.clone())),
            // "Bands 1-4" (a hyphen typed in a link) is the group "Bands 1–4".
            &filters.band.as_deref().map(|b| {
                crate::reports::publication::parse_band_group(b)
                    .map_or_else(|| b.to_owned(), str::to_owned)
            }),
        ),
        from: filters.from.clone().unwrap_or_default(),
        to: filters.to.clone().unwrap_or_default(),
        post: filters.phase.as_deref().map(str::trim) == Some("post"),
        errors: errors.into(),
    }
}

/// Links that keep the current filters.
#[derive(Debug, Serialize)]
pub struct LinksView {
    pub gaps: String,
    trends: String,
    completion: String,
    csv: String,
    json: String,
    trends_json: String,
}

pub fn links(filters: &ReportFilters) -> LinksView {
    LinksView {
        gaps: with_query("/reports", filters),
        trends: with_query("/reports/trends", filters),
        completion: with_query("/reports/completion", filters),
        csv: with_query("/reports/export.csv", filters),
        json: with_query("/reports/export.json", filters),
        trends_json: with_query("/api/v1/reports/trends", filters),
    }
}

/// One chart on a page: the SVG (written by `crate::reports::charts`, which escapes every text
/// and attribute), its download keeping the filters, and the table giving its figures.
#[derive(Debug, Serialize)]
pub struct ChartView {
    svg: String,
    download: String,
    /// The id of the table beside it with the same figures.
    table: String,
}

pub fn chart(
    svg: String,
    slug: &str,
    chart: crate::reports::charts::Chart,
    filters: &ReportFilters,
    table: &str,
) -> ChartView {
    ChartView {
        svg,
        download: with_query(
            &format!("/reports/topics/{slug}/charts/{}.svg", chart.slug()),
            filters,
        ),
        table: table.to_owned(),
    }
}

/// The filters in words, for the page's "Data as of" line (and so for a printed page):
/// "Trust A (RA1); all staff groups; Bands 5–6; 2026-01 to 2026-06".
pub fn filters_in_words(choices: &Choices, filters: &ReportFilters) -> String {
    let chosen = |list: &[crate::reports::dashboard::Choice], value: &Option<String>| {
        let value = value.as_deref().map(str::trim).unwrap_or_default();
        list.iter()
            .find(|c| c.id.to_string() == value)
            .map(|c| c.label.clone())
    };
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let months = match (given(&filters.from), given(&filters.to)) {
        (None, None) => "all months".to_owned(),
        (Some(from), None) => format!("from {from}"),
        (None, Some(to)) => format!("up to {to}"),
        (Some(from), Some(to)) => format!("{from} to {to}"),
    };
    [
        chosen(&choices.teams, &filters.team)
            .map(|team| format!("team {team} (its own figures)"))
            .or_else(|| chosen(&choices.organisations, &filters.organisation))
            .unwrap_or_else(|| "all your organisations".to_owned()),
        chosen(&choices.staff_groups, &filters.staff_group)
            .unwrap_or_else(|| "all staff groups".to_owned()),
        given(&filters.band).unwrap_or_else(|| "all bands".to_owned()),
        months,
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::CellSums;
    use crate::reports::gaps::Star;

    fn shown(n: u64, knowledge: f64, gap: f64) -> Cell {
        let mut m = CellMeasures::from_sums(&CellSums::default());
        m.n = n;
        m.knowledge = Some(knowledge);
        m.gap = Some(gap);
        m.priority = Some(gap * 5.0 / 7.0);
        Cell::Shown(Box::new(m))
    }

    #[test]
    fn a_cells_figures_are_escaped_html_and_its_gap_counts_in_the_rows_summary() {
        let cell = GridCellView::new(
            &shown(12, 41.6, 8.4),
            "<Risk> & \"family\"",
            "/reports/topics/risk?a=1&b=2#role-3",
            8,
        );
        assert_eq!(
            cell.figures,
            "<a href=\"/reports/topics/risk?a&#x3D;1&amp;b&#x3D;2#role-3\">42%<span \
             class=\"nhsuk-u-visually-hidden\"> knowledge of &lt;Risk&gt; &amp; &quot;family&quot;: \
             every measure</span></a> <span class=\"app-gap-grid__gap\">gap 8</span>"
        );
        assert_eq!(cell.heat, "app-heat-2");

        let hidden = GridCellView::new(&Cell::Suppressed(Star), "Risk", "/x", 8);
        assert_eq!(hidden.heat, "app-suppressed");
        assert!(hidden.figures.starts_with(
            "*<span class=\"nhsuk-u-visually-hidden\"> suppressed: fewer than 8 people"
        ));
        let empty = GridCellView::new(&shown(0, 0.0, 0.0), "Risk", "/x", 8);
        assert!(empty.figures.starts_with("–<span"));

        let level = GridCellView::new(&shown(9, 70.0, 0.0), "Risk", "/x", 8);
        assert_eq!(gaps_in_words(&[hidden, empty]), "no answers published");
        assert_eq!(gaps_in_words(&[level]), "no topic below target");
        let below = GridCellView::new(&shown(9, 40.0, 12.0), "Risk", "/x", 8);
        let level = GridCellView::new(&shown(9, 70.0, 0.0), "Risk", "/x", 8);
        assert_eq!(gaps_in_words(&[below, level]), "1 topic below target");
    }
}
