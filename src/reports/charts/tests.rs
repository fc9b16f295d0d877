//! The charts against a hand-made report: figures where the table has them, nothing where it
//! has `*`, every text escaped, and positions from the scales.

use super::*;
use crate::reports::gaps::Star;
use crate::reports::tests_support::{report, row, shown};
use crate::reports::trends::TrendMonth;

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The bars of a row chart: rectangles starting at the plot's left edge (0 %).
fn bars_in(svg: &str) -> usize {
    count(svg, "<rect x=\"250\"")
}

#[test]
fn chart_files_are_named_by_their_slug() {
    assert_eq!(
        Chart::from_file_name("knowledge.svg"),
        Some(Chart::Knowledge)
    );
    assert_eq!(
        Chart::from_file_name("completion.svg"),
        Some(Chart::Completion)
    );
    assert_eq!(Chart::from_file_name("knowledge.png"), None);
    assert_eq!(Chart::from_file_name("knowledge"), None);
    assert_eq!(Chart::from_file_name("pie.svg"), None);
    assert_eq!(chart_id(Chart::Gain, "consent"), "chart-gain-consent");
}

#[test]
fn knowledge_chart_draws_shown_cells_at_scale_and_nothing_for_stars() {
    let charts = topic_charts(&report(Phase::Baseline), 0).unwrap();
    let svg = &charts.knowledge;
    // Four shown rows (all staff, the group, two roles), two stars: four bars.
    assert_eq!(bars_in(svg), 4);
    // Nurses: knowledge 60 on 0–100 over x 250–570 is 192 wide; target 60 at x 442.
    assert!(
        svg.contains("<rect x=\"250\" y=\"119\" width=\"192\" height=\"14\" fill=\"#005eb8\"/>"),
        "{svg}"
    );
    assert!(svg.contains("<line x1=\"442\" y1=\"115\" x2=\"442\" y2=\"137\" stroke=\"#212b32\" stroke-width=\"3\"/>"), "{svg}");
    assert!(svg.contains(">60% (target 60%)</text>"));
    assert!(svg.contains(">45% (target 90%)</text>"));
    // A starred row keeps its label and the star's words, and no figure at all.
    assert_eq!(count(svg, "* hidden to protect a small group"), 2);
    assert!(svg.contains("Midwife: hidden (*)"));
    assert!(svg.contains("Health Visitor: hidden (*)"));
    assert!(!svg.contains("Midwife: knowledge"));
    assert_eq!(count(svg, "(target "), 4);
    // Accessible name and description.
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(
        "aria-labelledby=\"chart-knowledge-consent-title chart-knowledge-consent-desc\""
    ));
    assert!(svg.contains("Registered Nurse (Adult): knowledge 60%, target 60%"));
}

#[test]
fn every_text_in_a_chart_is_escaped() {
    let charts = topic_charts(&report(Phase::Post), 0).unwrap();
    for svg in [&charts.knowledge, &charts.gain, &charts.calibration] {
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(!svg.contains("<samples>"), "{svg}");
        assert!(!svg.contains("& "), "{svg}");
        assert!(svg.contains("Consent &amp; &lt;samples&gt;"), "{svg}");
    }
    assert!(
        charts
            .knowledge
            .contains("Healthcare &lt;b&gt;Assistant&lt;/b&gt;")
    );
}

#[test]
fn gain_chart_waits_for_the_post_view_and_hatches_a_fall() {
    let baseline = topic_charts(&report(Phase::Baseline), 0).unwrap();
    assert!(
        baseline
            .gain
            .contains("Gain is measured in the post-assessment view")
    );
    assert_eq!(bars_in(&baseline.gain), 0);

    let post = topic_charts(&report(Phase::Post), 0).unwrap();
    let svg = &post.gain;
    // Gains 0.4, 0.4, 0.5 and -0.25: the axis runs from -0.25 to 1 over x 250–570, so 0 is at
    // x 314 and each 0.25 is 64 wide.
    assert!(svg.contains(">-0.25</text>"));
    assert!(
        svg.contains("<line x1=\"314\" y1=\"52\" x2=\"314\""),
        "{svg}"
    );
    assert!(
        svg.contains("<rect x=\"314\" y=\"119\" width=\"128\" height=\"14\" fill=\"#005eb8\"/>"),
        "{svg}"
    );
    // The fall is hatched, from -0.25 to 0, and says so in words.
    assert!(svg.contains("<rect x=\"250\" y=\"147\" width=\"64\" height=\"14\" fill=\"url(#chart-gain-consent-hatch)\""), "{svg}");
    assert!(svg.contains("-0.25 (fell)"));
    assert_eq!(count(svg, "* hidden to protect a small group"), 2);
    assert!(svg.contains("Midwife: hidden (*)"));
}

#[test]
fn calibration_chart_plots_staff_groups_and_lists_stars_in_its_key() {
    let mut board = report(Phase::Baseline);
    board.rows.push(row(
        Level::StaffGroup,
        Some(2),
        None,
        "Allied Health Professionals",
        vec![Cell::Suppressed(Star)],
    ));
    let svg = topic_charts(&board, 0).unwrap().calibration;
    // All staff (a square) and one group (a circle); job roles are not plotted.
    assert_eq!(count(&svg, "<circle"), 1);
    assert!(!svg.contains("Registered Nurse"));
    // 12 of 40 rate 4–5 (30%), knowledge 55: x = 70 + 0.3 × 330 = 169, y = 370 − 0.55 × 330 = 188.5.
    assert!(
        svg.contains("<circle cx=\"169\" cy=\"188.5\" r=\"6\""),
        "{svg}"
    );
    assert!(
        svg.contains("<rect x=\"163\" y=\"182.5\" width=\"12\" height=\"12\" fill=\"#003087\""),
        "{svg}"
    );
    assert!(svg.contains("30% rate 4–5, knowledge 55%, unrecognised need 30%"));
    assert!(svg.contains("Allied Health Professionals: hidden (*)"));
    assert_eq!(
        count(&svg, "Allied Health Professionals"),
        2,
        "key and description only"
    );
}

fn months(cells: Vec<Cell>) -> Trends {
    let board = report(Phase::Baseline);
    Trends {
        as_of: board.as_of,
        min_cell_size: 8,
        query: board.query.clone(),
        topics: board.topics.clone(),
        months: cells
            .into_iter()
            .enumerate()
            .map(|(i, cell)| TrendMonth {
                period: format!("2026-{:02}", i + 3),
                rows: vec![row(
                    Level::Total,
                    None,
                    None,
                    "All staff in scope",
                    vec![cell],
                )],
            })
            .collect(),
    }
}

#[test]
fn monthly_charts_break_at_a_hidden_month() {
    let trends = months(vec![
        shown(16, 40.0, 70.0, 6.0, 4, 0, None),
        shown(16, 50.0, 70.0, 6.0, 8, 0, None),
        Cell::Suppressed(Star),
        shown(8, 65.0, 70.0, 6.0, 6, 0, None),
    ]);
    let charts = trend_charts(&trends, 0).unwrap();
    let svg = &charts.trend;
    // Four months over x 60–700: bands of 160, centres 140, 300, 460, 620; y 0–100 over 300–60.
    assert!(
        svg.contains("<circle cx=\"140\" cy=\"204\" r=\"5\""),
        "{svg}"
    );
    assert!(
        svg.contains("<circle cx=\"620\" cy=\"144\" r=\"5\""),
        "{svg}"
    );
    // One knowledge segment (March to April); the hidden May breaks the line before June.
    assert_eq!(count(svg, "stroke=\"#005eb8\" stroke-width=\"2.5\""), 1);
    assert_eq!(count(svg, "<circle cx=\"460\""), 0);
    assert!(svg.contains("May 2026: hidden (*)"));
    assert!(svg.contains("Jun 2026: knowledge 65%, target 70%"));
    let bars = &charts.completion;
    // Completion 25, 50, –, 75: bars of 48 centred on each month; none for May.
    assert!(
        bars.contains("<rect x=\"116\" y=\"240\" width=\"48\" height=\"60\""),
        "{bars}"
    );
    assert!(
        bars.contains("<rect x=\"596\" y=\"120\" width=\"48\" height=\"180\""),
        "{bars}"
    );
    assert_eq!(count(bars, "<rect x=\"436\""), 0);
    assert!(bars.contains(">75%</text>"));

    let mut post = trends.clone();
    post.query.phase = Phase::Post;
    assert!(
        trend_charts(&post, 0)
            .unwrap()
            .completion
            .contains("Completion is counted in the baseline view")
    );
    assert!(
        trend_charts(&months(Vec::new()), 0)
            .unwrap()
            .trend
            .contains("No answers in this view")
    );
}
