//! The messages about a person's own assignments: a notice when a module is assigned to them
//! (or when they join an audience with an assignment still open), a reminder a week before the
//! due date, and one the day after it, for those who have not completed the module. Each goes
//! once per person, assignment and kind (`notify::sent`), and only to people who want it.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use super::preferences::Preferences;
use super::{sent, templates};
use crate::accounts::outbox;
use crate::entities::module_assignment;
use crate::error::AppResult;
use crate::learning::assignment_audience::{Covered, covered};
use crate::learning::modules::{ModuleSummary, published_modules};

/// Days before the due date from which the first reminder goes.
pub const REMIND_BEFORE_DAYS: u64 = 7;
/// Days after the due date from which the overdue reminder goes.
pub const OVERDUE_AFTER_DAYS: u64 = 1;
/// Days after the due date after which no overdue reminder starts (so that old assignments
/// do not all remind at once when the service first runs).
pub const OVERDUE_UNTIL_DAYS: u64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Notice,
    Before,
    Overdue,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notice => "assignment_notice",
            Self::Before => "reminder_before",
            Self::Overdue => "reminder_overdue",
        }
    }

    fn wanted(self, choices: Preferences) -> bool {
        match self {
            Self::Notice => choices.assignment_notices,
            Self::Before | Self::Overdue => choices.reminders,
        }
    }

    fn subject(self, module: &str) -> String {
        match self {
            Self::Notice => format!("You have been asked to complete {module}"),
            Self::Before => format!("Reminder: {module} is due soon"),
            Self::Overdue => format!("{module} is overdue"),
        }
    }
}

/// The kinds due on `today` for an assignment due on `due_on`.
pub fn kinds_due(today: NaiveDate, due_on: NaiveDate) -> Vec<Kind> {
    let mut kinds = Vec::new();
    if today <= due_on {
        kinds.push(Kind::Notice);
    }
    let before_from = due_on.checked_sub_days(Days::new(REMIND_BEFORE_DAYS));
    if before_from.is_some_and(|from| today >= from) && today < due_on {
        kinds.push(Kind::Before);
    }
    let overdue_from = due_on.checked_add_days(Days::new(OVERDUE_AFTER_DAYS));
    let overdue_until = due_on.checked_add_days(Days::new(OVERDUE_UNTIL_DAYS));
    if overdue_from.is_some_and(|from| today >= from) && overdue_until.is_some_and(|u| today <= u) {
        kinds.push(Kind::Overdue);
    }
    kinds
}

/// Messages queued by one pass, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Queued {
    pub notices: usize,
    pub before: usize,
    pub overdue: usize,
}

/// Queues the assignment messages due on `today` (inside the caller's transaction).
pub async fn enqueue_due(
    db: &impl ConnectionTrait,
    public_url: &str,
    today: NaiveDate,
    choices: &HashMap<i64, Preferences>,
) -> AppResult<Queued> {
    let modules: HashMap<i64, ModuleSummary> = published_modules(db)
        .await?
        .into_iter()
        .map(|m| (m.module_id.get(), m))
        .collect();
    let mut queued = Queued::default();
    for assignment in module_assignment::Entity::find().all(db).await? {
        let Some(module) = modules.get(&assignment.module_id) else {
            continue;
        };
        let kinds = kinds_due(today, assignment.due_on);
        if kinds.is_empty() {
            continue;
        }
        let reference = format!("assignment:{}", assignment.id);
        let already = sent::recorded(db, &reference).await?;
        for person in covered(db, &assignment)
            .await?
            .iter()
            .filter(|p| !p.completed)
        {
            let wants = choices.get(&person.user_id).copied().unwrap_or_default();
            let mut noticed = false;
            for &kind in &kinds {
                if !kind.wanted(wants)
                    || already.contains(&(person.user_id, kind.as_str().to_owned()))
                    || !sent::first_time(db, person.user_id, kind.as_str(), &reference).await?
                {
                    continue;
                }
                // The notice already gives the due date: no "due soon" reminder straight after.
                if kind == Kind::Before && noticed {
                    continue;
                }
                let letter = letter(public_url, kind, module, &assignment, person, today)?;
                outbox::enqueue(db, &person.email, letter).await?;
                match kind {
                    Kind::Notice => {
                        noticed = true;
                        queued.notices += 1;
                    }
                    Kind::Before => queued.before += 1,
                    Kind::Overdue => queued.overdue += 1,
                }
            }
        }
    }
    Ok(queued)
}

fn letter(
    public_url: &str,
    kind: Kind,
    module: &ModuleSummary,
    assignment: &module_assignment::Model,
    person: &Covered,
    today: NaiveDate,
) -> AppResult<crate::accounts::mail::Letter> {
    templates::letter(
        kind.as_str(),
        kind.subject(&module.title),
        &json!({
            "name": person.display_name,
            "module": module.title,
            "due_on": assignment.due_on.format("%-d %B %Y").to_string(),
            "days_left": (assignment.due_on - today).num_days(),
            "link": format!("{public_url}/learn/modules/{}", module.slug),
            "preferences_link": format!("{public_url}/account#mail"),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap_or_default()
    }

    #[test]
    fn each_kind_has_its_window_around_the_due_date() {
        let due = day(20);
        assert_eq!(kinds_due(day(1), due), [Kind::Notice]);
        assert_eq!(kinds_due(day(13), due), [Kind::Notice, Kind::Before]);
        assert_eq!(kinds_due(day(19), due), [Kind::Notice, Kind::Before]);
        assert_eq!(
            kinds_due(day(20), due),
            [Kind::Notice],
            "due today: not yet overdue"
        );
        assert_eq!(kinds_due(day(21), due), [Kind::Overdue]);
        assert_eq!(kinds_due(day(31), due), [Kind::Overdue]);
        assert!(
            kinds_due(day(31) + Days::new(4), due).is_empty(),
            "14 days on, no more"
        );
    }
}
