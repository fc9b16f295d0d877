//! The weekly summary to line managers: for each assignment in their scope (organisations
//! they manage whole, their teams), how many people it covers and what share have completed
//! the module. Never scores. A line about
//! fewer than `min_cell_size` people shows no figures (DESIGN §4); nor does a job role's line
//! whose organisation-wide line for the same module would, by subtraction, show fewer.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use super::preferences::Preferences;
use super::{sent, templates};
use crate::accounts::outbox;
use crate::accounts::users;
use crate::config::AppConfig;
use crate::entities::{
    job_role, manager_scope, manager_team_scope, module_assignment, organisation, team, user,
};
use crate::error::AppResult;
use crate::learning::assignment_audience::covered;
use crate::learning::assignments;
use crate::learning::modules::published_modules;

pub const KIND: &str = "weekly_summary";

/// Assignments due longer ago than this are left out of the summary.
const DUE_WITHIN_PAST_DAYS: u64 = 28;

/// One line of a summary.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub module: String,
    pub audience: String,
    pub due_on: String,
    pub suppressed: bool,
    pub people: Option<usize>,
    pub completed_percent: Option<i64>,
}

struct Counted {
    assignment: module_assignment::Model,
    people: usize,
    completed: usize,
}

/// The ISO week of `today`, as people read it: `2026-W49`.
pub fn week_of(today: NaiveDate) -> String {
    let week = today.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The line managers due this week's summary, with their organisations: those who want it,
/// have not had it, and have an assignment in `open`.
async fn managers_due(
    db: &impl ConnectionTrait,
    reference: &str,
    open: &[module_assignment::Model],
    choices: &HashMap<i64, Preferences>,
) -> AppResult<BTreeMap<i64, Vec<i64>>> {
    let mut scopes: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for scope in manager_scope::Entity::find().all(db).await? {
        scopes
            .entry(scope.user_id)
            .or_default()
            .push(scope.organisation_id);
    }
    // Managers limited to teams: the organisations of their teams (which assignments they see
    // there is settled per manager by `assignments::in_scope`).
    let team_organisations: HashMap<i64, i64> = team::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.organisation_id))
        .collect();
    for grant in manager_team_scope::Entity::find().all(db).await? {
        if let Some(organisation_id) = team_organisations.get(&grant.team_id) {
            scopes
                .entry(grant.user_id)
                .or_default()
                .push(*organisation_id);
        }
    }
    let already = sent::recorded(db, reference).await?;
    scopes.retain(|manager, orgs| {
        let wants = choices.get(manager).copied().unwrap_or_default();
        wants.weekly_summary
            && !already.contains(&(*manager, KIND.to_owned()))
            && open
                .iter()
                .any(|a| a.organisation_id.is_some_and(|o| orgs.contains(&o)))
    });
    Ok(scopes)
}

/// Queues this week's summary for every line manager who wants it and has not had it
/// (inside the caller's transaction); returns how many were queued.
pub async fn enqueue_due(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    today: NaiveDate,
    choices: &HashMap<i64, Preferences>,
) -> AppResult<usize> {
    let week = week_of(today);
    let reference = format!("week:{week}");
    let open = open_assignments(db, today).await?;
    let scopes = managers_due(db, &reference, &open, choices).await?;
    if scopes.is_empty() {
        return Ok(0);
    }
    let wanted: Vec<module_assignment::Model> = open
        .into_iter()
        .filter(|a| {
            a.organisation_id
                .is_some_and(|o| scopes.values().any(|orgs| orgs.contains(&o)))
        })
        .collect();
    let counted = counted(db, wanted).await?;
    let names = Names::load(db).await?;
    let managers = user::Entity::find()
        .filter(user::Column::Id.is_in(scopes.keys().copied()))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::PseudonymisedAt.is_null())
        .all(db)
        .await?;
    let mut queued = 0;
    for manager in managers {
        let Some(scope) = users::account(db, manager.id)
            .await?
            .and_then(|account| account.line_manager_scope())
        else {
            continue;
        };
        // What they may see on the assignments page: organisations they manage whole and their
        // own teams; never an assignment to one person, a figure about one person.
        let mine: Vec<&Counted> = counted
            .iter()
            .filter(|c| assignments::in_scope(&scope, &c.assignment, None))
            .collect();
        if mine.is_empty() || !sent::first_time(db, manager.id, KIND, &reference).await? {
            continue;
        }
        let lines = lines(&mine, &names, config.min_cell_size);
        let letter = templates::letter(
            KIND,
            format!("Training completion in your organisations, week {week}"),
            &json!({
                "name": manager.display_name,
                "week": week,
                "rows": lines,
                "min_cell_size": config.min_cell_size,
                "link": format!("{}/manage/assignments", config.public_url),
                "preferences_link": format!("{}/account#mail", config.public_url),
            }),
        )?;
        outbox::enqueue(db, &manager.email, letter).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Every assignment due from four weeks ago on.
async fn open_assignments(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> AppResult<Vec<module_assignment::Model>> {
    let from = today
        .checked_sub_days(Days::new(DUE_WITHIN_PAST_DAYS))
        .unwrap_or(today);
    Ok(module_assignment::Entity::find()
        .filter(module_assignment::Column::DueOn.gte(from))
        .all(db)
        .await?)
}

/// `assignments` with their audiences counted, soonest due first.
async fn counted(
    db: &impl ConnectionTrait,
    assignments: Vec<module_assignment::Model>,
) -> AppResult<Vec<Counted>> {
    let mut out = Vec::new();
    for assignment in assignments {
        let people = covered(db, &assignment).await?;
        out.push(Counted {
            people: people.len(),
            completed: people.iter().filter(|p| p.completed).count(),
            assignment,
        });
    }
    out.sort_by_key(|c| (c.assignment.due_on, c.assignment.id));
    Ok(out)
}

struct Names {
    modules: HashMap<i64, String>,
    organisations: HashMap<i64, String>,
    teams: HashMap<i64, String>,
    roles: HashMap<i64, String>,
}

impl Names {
    async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(Self {
            modules: published_modules(db)
                .await?
                .into_iter()
                .map(|m| (m.module_id.get(), m.title))
                .collect(),
            organisations: organisation::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
            roles: job_role::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
            teams: crate::accounts::teams::names(db).await?,
        })
    }
}

/// Whether `other` covers everyone `line` covers and more kinds of people: the same module and
/// organisation, with its team and job role each either unset or the same as `line`'s.
fn broader(other: &module_assignment::Model, line: &module_assignment::Model) -> bool {
    other.user_id.is_none()
        && other.module_id == line.module_id
        && other.organisation_id == line.organisation_id
        && other.team_id.is_none_or(|team| line.team_id == Some(team))
        && other
            .job_role_id
            .is_none_or(|role| line.job_role_id == Some(role))
        && (other.team_id, other.job_role_id) != (line.team_id, line.job_role_id)
}

/// Whether `line`'s figures must be withheld: it covers fewer than `min` people, or a broader
/// line of the same summary (the whole organisation or team for a job role's line, the
/// organisation for a team's) differs from it by fewer than `min` people, so subtracting
/// would show a smaller group.
fn withheld(line: &Counted, all: &[&Counted], min: usize) -> bool {
    if line.people < min {
        return true;
    }
    all.iter().any(|other| {
        broader(&other.assignment, &line.assignment)
            && other.people >= min
            && other.people.abs_diff(line.people) < min
            && other.people != line.people
    })
}

/// The summary's lines, for assignments of published modules.
fn lines(mine: &[&Counted], names: &Names, min_cell_size: u32) -> Vec<Line> {
    let min = usize::try_from(min_cell_size).unwrap_or(usize::MAX);
    mine.iter()
        .filter_map(|c| {
            let module = names.modules.get(&c.assignment.module_id)?.clone();
            let organisation = c
                .assignment
                .organisation_id
                .and_then(|o| names.organisations.get(&o).cloned())
                .unwrap_or_default();
            let place = match c.assignment.team_id.and_then(|t| names.teams.get(&t)) {
                Some(team) => format!("{team}, {organisation}"),
                None => organisation,
            };
            let audience = match c.assignment.job_role_id.and_then(|r| names.roles.get(&r)) {
                Some(role) => format!("every {role} in {place}"),
                None => format!("everyone in {place}"),
            };
            let suppressed = withheld(c, mine, min);
            Some(Line {
                module,
                audience,
                due_on: c.assignment.due_on.format("%-d %B %Y").to_string(),
                suppressed,
                people: (!suppressed).then_some(c.people),
                completed_percent: (!suppressed).then(|| percent(c.completed, c.people)),
            })
        })
        .collect()
}

fn percent(part: usize, whole: usize) -> i64 {
    if whole == 0 {
        return 0;
    }
    // Rounded half up, in whole numbers.
    i64::try_from((200 * part + whole) / (2 * whole)).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(id: i64, role: Option<i64>, people: usize) -> Counted {
        Counted {
            assignment: module_assignment::Model {
                id,
                module_id: 1,
                organisation_id: Some(1),
                job_role_id: role,
                team_id: None,
                user_id: None,
                due_on: NaiveDate::default(),
                created_by: None,
                created_at: chrono::DateTime::default(),
            },
            people,
            completed: 0,
        }
    }

    #[test]
    fn a_small_group_or_one_found_by_subtraction_is_withheld() {
        let everyone = counted(1, None, 20);
        let nurses = counted(2, Some(7), 15);
        let small = counted(3, Some(8), 4);
        let all = [&everyone, &nurses, &small];
        assert!(!withheld(&everyone, &all, 8));
        assert!(withheld(&small, &all, 8), "4 people");
        assert!(
            withheld(&nurses, &all, 8),
            "20 - 15 = 5 people by subtraction"
        );
        let most = counted(4, Some(9), 10);
        assert!(!withheld(&most, &[&everyone, &most], 8), "20 - 10 = 10");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn a_team_is_withheld_when_its_organisation_gives_it_away() {
        let everyone = counted(1, None, 20);
        let mut ward = counted(2, None, 14);
        ward.assignment.team_id = Some(5);
        let mut ward_nurses = counted(3, Some(7), 9);
        ward_nurses.assignment.team_id = Some(5);
        // Nurses in another ward: the ward's line is not broader than theirs.
        let mut other_ward_nurses = counted(4, Some(7), 12);
        other_ward_nurses.assignment.team_id = Some(6);
        let all = [&everyone, &ward, &ward_nurses, &other_ward_nurses];
        assert!(withheld(&ward, &all, 8), "20 - 14 = 6 outside the ward");
        assert!(withheld(&ward_nurses, &all, 8), "14 - 9 = 5 in the ward");
        assert!(!withheld(&other_ward_nurses, &all, 8), "20 - 12 = 8");
        // A person's assignment is never a broader line.
        let mut one = counted(5, None, 21);
        one.assignment.user_id = Some(9);
        assert!(!withheld(&everyone, &[&everyone, &one], 8));
    }
}
