//! A hand-made gap report for the unit tests of the charts and rankings: every figure chosen,
//! one job role suppressed, so a test can say exactly what each output must and must not show.

use chrono::{TimeZone, Utc};

use super::gaps::{Cell, GapQuery, GapReport, Level, Phase, ReportRow, Scope, Star, TopicColumn};
use crate::measures::{CellMeasures, CellSums};

/// A published cell of `n` people, each at `knowledge` against `target` and `importance`;
/// `at_target` of them at target, `confident` rating 4–5 (all below target), gain pairs when
/// `gain` is given (pre 50, post 50 + 50 × gain each).
pub fn shown(
    n: u64,
    knowledge: f64,
    target: f64,
    importance: f64,
    at_target: u64,
    confident: u64,
    gain: Option<f64>,
) -> Cell {
    let n_f = n as f64;
    let mut sums = CellSums {
        n_learners: n,
        sum_knowledge: n_f * knowledge,
        sum_knowledge_sq: n_f * knowledge * knowledge,
        n_rated: n,
        sum_rating: 3 * n,
        n_rating_high: confident,
        n_high_below_target: confident,
        n_at_target: at_target,
        n_completed: at_target,
        sum_target: n_f * target,
        sum_importance: n_f * importance,
        ..CellSums::default()
    };
    if let Some(g) = gain {
        for _ in 0..n {
            sums += CellSums::gain_pair(50.0, 50.0 + 50.0 * g);
        }
    }
    Cell::Shown(Box::new(CellMeasures::from_sums(&sums).published()))
}

pub fn row(
    level: Level,
    group: Option<i64>,
    role: Option<i64>,
    label: &str,
    cells: Vec<Cell>,
) -> ReportRow {
    ReportRow {
        level,
        staff_group_id: group,
        job_role_id: role,
        label: label.to_owned(),
        cells,
    }
}

/// One topic ("Consent & <samples>", to test escaping); all staff 40, a staff group of 40 with
/// four roles: nurses (24, shown), "Healthcare <b>Assistant</b>" (8, shown) and two suppressed
/// (a star and the second star that stops it being worked out from the group).
pub fn report(phase: Phase) -> GapReport {
    let post = phase == Phase::Post;
    GapReport {
        as_of: Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .unwrap_or_default(),
        min_cell_size: 8,
        query: GapQuery {
            phase,
            ..GapQuery::new(Scope::AllOrganisations)
        },
        topics: vec![TopicColumn {
            id: 7,
            slug: "consent".into(),
            name: "Consent & <samples>".into(),
        }],
        rows: vec![
            row(
                Level::Total,
                None,
                None,
                "All staff in scope",
                vec![shown(40, 55.0, 70.0, 6.0, 10, 12, post.then_some(0.4))],
            ),
            row(
                Level::StaffGroup,
                Some(1),
                None,
                "Nursing and Midwifery Registered",
                vec![shown(40, 55.0, 70.0, 6.0, 10, 12, post.then_some(0.4))],
            ),
            row(
                Level::JobRole,
                Some(1),
                Some(11),
                "Registered Nurse (Adult)",
                vec![shown(24, 60.0, 60.0, 5.0, 12, 6, post.then_some(0.5))],
            ),
            row(
                Level::JobRole,
                Some(1),
                Some(12),
                "Healthcare <b>Assistant</b>",
                vec![shown(8, 45.0, 90.0, 7.0, 0, 4, post.then_some(-0.25))],
            ),
            row(
                Level::JobRole,
                Some(1),
                Some(13),
                "Midwife",
                vec![Cell::Suppressed(Star)],
            ),
            row(
                Level::JobRole,
                Some(1),
                Some(14),
                "Health Visitor",
                vec![Cell::Suppressed(Star)],
            ),
        ],
    }
}
