//! The top training priorities, two ways, each with a sentence a manager can act on:
//!
//! - by gap ([`top_priorities`]): visible job-role and staff-group cells ranked by priority
//!   (importance / 7 × gap), so a small specialist role far below a high target comes first;
//! - by people affected ([`people_priorities`], issue 24 point 5): visible job-role cells
//!   ranked by the people below their target weighted by importance (people × importance / 7),
//!   so a large non-specialist role a little below target comes first.
//!
//! A suppressed cell is never a source, so neither list can reveal anything the grid hides;
//! the people count is worked out from the published n and % at target (nothing finer), and
//! one under `min_cell_size` is never shown.

use serde::Serialize;

use super::gaps::{GapReport, Level};
use crate::content::in_sentence;

/// One ranked priority.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Priority {
    pub level: Level,
    pub staff_group_id: Option<i64>,
    pub job_role_id: Option<i64>,
    pub topic_id: i64,
    pub priority: f64,
    /// E.g. "Phlebotomists: knowledge of samples is 52% against a target of 80% (gap 28
    /// points, very important for the role)".
    pub sentence: String,
}

/// The `limit` highest priorities of the report's visible job-role and staff-group cells; cells
/// with no gap are left out. Ties keep the grid's order (job roles before the staff group
/// that repeats them would be arbitrary, so the grid order is the stable choice).
pub fn top_priorities(report: &GapReport, limit: usize) -> Vec<Priority> {
    let mut out = Vec::new();
    for row in &report.rows {
        if row.level == Level::Total {
            continue;
        }
        for (topic, cell) in report.topics.iter().zip(&row.cells) {
            let Some(m) = cell.measures() else { continue };
            let (Some(priority), Some(knowledge), Some(target), Some(gap), Some(importance)) =
                (m.priority, m.knowledge, m.target, m.gap, m.importance)
            else {
                continue;
            };
            if priority <= 0.0 {
                continue;
            }
            let who = match row.level {
                Level::JobRole => plural(&row.label),
                _ => format!("{} staff", row.label),
            };
            let sentence = format!(
                "{who}: knowledge of {} is {knowledge:.0}% against a target of {target:.0}% \
                 (gap {gap:.0} points, {} for the role)",
                in_sentence(&topic.name),
                importance_words(importance),
            );
            out.push(Priority {
                level: row.level,
                staff_group_id: row.staff_group_id,
                job_role_id: row.job_role_id,
                topic_id: topic.id,
                priority,
                sentence,
            });
        }
    }
    // Stable sort: equal priorities keep the grid's order.
    out.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    out.truncate(limit);
    out
}

/// One job role × topic ranked by the people it affects.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeoplePriority {
    pub staff_group_id: Option<i64>,
    pub job_role_id: Option<i64>,
    pub topic_id: i64,
    /// People in the cell below their role's target: n × (100 − % at target) / 100, from the
    /// published figures; never under the report's `min_cell_size`.
    pub below_target: u64,
    /// People in the cell (n).
    pub n: u64,
    /// below_target × importance / 7, to one decimal place: "people affected".
    pub people_affected: f64,
    /// E.g. "Registered Nurses (Adult): 96 of 120 people are below the target of 60% for
    /// consent (knowledge 41%, important for the role)".
    pub sentence: String,
}

/// People below target from a cell's published n and % at target (whole percentages), so the
/// figure says nothing the topic page does not already.
pub fn below_target(n: u64, pct_at_target: f64) -> u64 {
    let below = n as f64 * (100.0 - pct_at_target.clamp(0.0, 100.0)) / 100.0;
    (below.round() as u64).min(n)
}

/// The `limit` visible job-role cells with the most people affected (people below target ×
/// importance / 7). Only job roles, so nobody is counted twice (a staff group would repeat its
/// roles' people) and no count can be had by subtracting roles from their group; a cell with
/// fewer than the report's `min_cell_size` people below target is left out, so no count under
/// it is shown. Ties keep the grid's order.
pub fn people_priorities(report: &GapReport, limit: usize) -> Vec<PeoplePriority> {
    let min = u64::from(report.min_cell_size);
    let mut out = Vec::new();
    for row in report.rows.iter().filter(|r| r.level == Level::JobRole) {
        for (topic, cell) in report.topics.iter().zip(&row.cells) {
            let Some(m) = cell.measures() else { continue };
            let (Some(at_target), Some(knowledge), Some(target), Some(importance)) =
                (m.pct_at_target, m.knowledge, m.target, m.importance)
            else {
                continue;
            };
            let below = below_target(m.n, at_target);
            if below == 0 || below < min {
                continue;
            }
            let people_affected = (below as f64 * importance / 7.0 * 10.0).round() / 10.0;
            let sentence = format!(
                "{}: {below} of {} people are below the target of {target:.0}% for {} \
                 (knowledge {knowledge:.0}%, {} for the role)",
                plural(&row.label),
                m.n,
                in_sentence(&topic.name),
                importance_words(importance),
            );
            out.push(PeoplePriority {
                staff_group_id: row.staff_group_id,
                job_role_id: row.job_role_id,
                topic_id: topic.id,
                below_target: below,
                n: m.n,
                people_affected,
                sentence,
            });
        }
    }
    out.sort_by(|a, b| b.people_affected.total_cmp(&a.people_affected));
    out.truncate(limit);
    out
}

/// "Phlebotomist" → "Phlebotomists"; "Registered Nurse (Adult)" → "Registered Nurses (Adult)";
/// "Midwife" → "Midwives".
fn plural(name: &str) -> String {
    let (head, tail) = match name.find(" (") {
        Some(i) => name.split_at(i),
        None => (name, ""),
    };
    if head.ends_with('s') {
        name.to_owned()
    } else if let Some(stem) = head.strip_suffix("wife") {
        format!("{stem}wives{tail}")
    } else {
        format!("{head}s{tail}")
    }
}

/// The Hennessy-Hicks 1–7 importance scale in words (targets.toml: 1 not at all important,
/// 4 moderately, 7 critically), for the learner-weighted mean rounded to a scale point.
fn importance_words(importance: f64) -> &'static str {
    match importance.round() as i64 {
        i64::MIN..=1 => "not important",
        2 => "of little importance",
        3 => "somewhat important",
        4 => "moderately important",
        5 => "important",
        6 => "very important",
        _ => "critically important",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_plain_english() {
        assert_eq!(plural("Phlebotomist"), "Phlebotomists");
        assert_eq!(
            plural("Registered Nurse (Adult)"),
            "Registered Nurses (Adult)"
        );
        assert_eq!(plural("GP"), "GPs");
        assert_eq!(plural("Midwife"), "Midwives");
        assert_eq!(importance_words(6.4), "very important");
        assert_eq!(importance_words(7.0), "critically important");
    }

    #[test]
    fn people_ranking_counts_job_roles_below_target_never_fewer_than_the_minimum() {
        use crate::reports::gaps::Phase;
        use crate::reports::tests_support::report;
        let mut board = report(Phase::Baseline);
        let ranked = people_priorities(&board, 10);
        // Nurses: 24, 50% at target -> 12 below x 5 / 7 = 8.6 (no gap: their mean is on
        // target, so the gap ranking leaves them out). Assistants: 8, none at target, x 7 / 7 =
        // 8. The suppressed roles, the group and the total are not ranked.
        let got: Vec<_> = ranked
            .iter()
            .map(|p| (p.job_role_id, p.below_target, p.people_affected))
            .collect();
        assert_eq!(got, vec![(Some(11), 12, 8.6), (Some(12), 8, 8.0)]);
        assert_eq!(
            ranked[0].sentence,
            "Registered Nurses (Adult): 12 of 24 people are below the target of 60% for \
             consent & <samples> (knowledge 60%, important for the role)"
        );
        assert!(
            top_priorities(&board, 10)
                .iter()
                .all(|p| p.job_role_id != Some(11))
        );
        // With a minimum of 9, the assistants' 8 below target is not shown.
        board.min_cell_size = 9;
        let ranked = people_priorities(&board, 10);
        assert_eq!(ranked.len(), 1);
        assert!(ranked.iter().all(|p| p.below_target >= 9));
        assert_eq!(people_priorities(&board, 0).len(), 0);
    }

    #[test]
    fn people_below_target_come_from_the_published_percentage() {
        assert_eq!(below_target(8, 75.0), 2);
        assert_eq!(below_target(120, 20.0), 96);
        assert_eq!(below_target(30, 33.0), 20); // 20.1
        assert_eq!(below_target(10, 0.0), 10);
        assert_eq!(below_target(10, 100.0), 0);
        assert_eq!(below_target(10, 130.0), 0);
    }
}
