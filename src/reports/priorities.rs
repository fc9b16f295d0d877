//! The top training priorities: visible job-role and staff-group cells ranked by priority
//! (importance / 7 × gap), each with a sentence a manager can act on. A suppressed cell is
//! never a source, so the list cannot reveal anything the grid hides.

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

/// "Phlebotomist" → "Phlebotomists"; "Registered Nurse (Adult)" → "Registered Nurses (Adult)".
fn plural(name: &str) -> String {
    let (head, tail) = match name.find(" (") {
        Some(i) => name.split_at(i),
        None => (name, ""),
    };
    if head.ends_with('s') {
        name.to_owned()
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
        assert_eq!(importance_words(6.4), "very important");
        assert_eq!(importance_words(7.0), "critically important");
    }
}
