//! The line manager's completion view (issue 7 item 4): for each person currently working in
//! the manager's organisations, whether and when they did the baseline and each module
//! assigned to them. Dates only, to the day: this view never carries a score or an answer, nor
//! a time of day that could be matched against a report's change (issue 16). A leaver whose
//! details were erased still shows, under their placeholder name, so the view's counts agree
//! with the reports' completion figures.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, ExprTrait, QueryFilter};
use serde::Serialize;

use crate::entities::{attempt, module, module_progress, module_version};
use crate::error::AppResult;
use crate::learning::assignment_list::role_names;
use crate::learning::assignments::{Member, covers, reaching};
use crate::listing::{self, ListQuery, Page, SortBy};

/// One assigned module and when it was completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssignedModule {
    pub module_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    /// The day it was completed.
    pub completed_at: Option<NaiveDate>,
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffCompletion {
    pub user_id: i64,
    pub name: String,
    /// Tells apart people with the same name (none once a leaver's details are erased).
    pub employee_number: Option<String>,
    pub organisation_id: i64,
    pub job_role: String,
    /// The day their (first) baseline was submitted.
    pub baseline_done: Option<NaiveDate>,
    pub modules: Vec<AssignedModule>,
}

/// What the completion view's list can be sorted by (the first is the default).
pub const COMPLETION_SORTS: [SortBy; 4] = [
    SortBy::Name,
    SortBy::EmployeeNumber,
    SortBy::JobRole,
    SortBy::Baseline,
];

struct Person {
    user_id: i64,
    name: String,
    employee_number: Option<String>,
    organisation_id: i64,
    team_id: Option<i64>,
    job_role_id: i64,
}

/// The day of a person's first baseline, as SQL on this database: only the day is used, so a
/// list sorted by it shows no more than the dates it prints (never the order within a day).
fn baseline_day(backend: DbBackend) -> Expr {
    let day = match backend {
        DbBackend::Postgres => "CAST(MIN(a.submitted_at) AT TIME ZONE 'UTC' AS DATE)",
        // sqlx writes UTC timestamps as text that starts with the day.
        _ => "SUBSTR(MIN(a.submitted_at), 1, 10)",
    };
    Expr::cust(format!(
        "(SELECT {day} FROM attempts a WHERE a.user_id = job_assignments.user_id \
         AND a.phase = 'baseline' AND a.submitted_at IS NOT NULL)"
    ))
}

async fn people(
    db: &impl ConnectionTrait,
    organisations: &[i64],
    teams: &[i64],
    list: &ListQuery,
) -> AppResult<Page<Person>> {
    let (ja, u, jr) = (
        Alias::new("job_assignments"),
        Alias::new("users"),
        Alias::new("job_roles"),
    );
    let col = |table: &Alias, name: &str| (table.clone(), Alias::new(name));
    let mut query = Query::select();
    query
        .column(col(&ja, "user_id"))
        .column(col(&ja, "organisation_id"))
        .column(col(&ja, "job_role_id"))
        .column(col(&ja, "team_id"))
        .column(col(&u, "display_name"))
        .column(col(&u, "employee_number"))
        .from(ja.clone())
        .join(
            JoinType::InnerJoin,
            u.clone(),
            Expr::col(col(&u, "id")).equals(col(&ja, "user_id")),
        )
        .join(
            JoinType::LeftJoin,
            jr.clone(),
            Expr::col(col(&jr, "id")).equals(col(&ja, "job_role_id")),
        )
        .cond_where(
            Condition::any()
                .add(Expr::col(col(&ja, "organisation_id")).is_in(organisations.iter().copied()))
                .add(Expr::col(col(&ja, "team_id")).is_in(teams.iter().copied())),
        )
        .and_where(Expr::col(col(&ja, "ended_at")).is_null());
    if let Some(text) = &list.search {
        query.cond_where(listing::person_matches("users", text));
    }
    let order = list.sort.order();
    match list.sort.by {
        SortBy::EmployeeNumber => {
            listing::order_nulls_last(&mut query, col(&u, "employee_number"), order.clone());
        }
        SortBy::JobRole => listing::order_nulls_last(&mut query, col(&jr, "name"), order.clone()),
        SortBy::Baseline => {
            let day = baseline_day(db.get_database_backend());
            query
                .order_by_expr(
                    Expr::case(day.clone().is_null(), 0).finally(1).into(),
                    order.clone(),
                )
                .order_by_expr(day, order.clone());
        }
        SortBy::Name => {}
    }
    listing::then_by_name(
        &mut query,
        list.sort,
        col(&u, "display_name"),
        col(&ja, "user_id"),
    );
    let page = listing::fetch_page(db, query, list.page).await?;
    let rows = page
        .rows
        .iter()
        .map(|row| {
            Ok(Person {
                user_id: row.try_get("", "user_id")?,
                name: row.try_get("", "display_name")?,
                employee_number: row.try_get("", "employee_number")?,
                organisation_id: row.try_get("", "organisation_id")?,
                team_id: row.try_get("", "team_id")?,
                job_role_id: row.try_get("", "job_role_id")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        rows,
        total: page.total,
        request: page.request,
    })
}

/// The completion view for the given organisations (the manager's scope, from the guard): the
/// people `list` finds, in its order, one page of them unless it asks for all.
#[tracing::instrument(skip(db))]
pub async fn completion_view(
    db: &impl ConnectionTrait,
    organisations: &[i64],
    teams: &[i64],
    list: &ListQuery,
) -> AppResult<Page<StaffCompletion>> {
    let Page {
        rows: people,
        total,
        request,
    } = people(db, organisations, teams, list).await?;
    let user_ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    let mut baseline: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for a in attempt::Entity::find()
        .filter(attempt::Column::UserId.is_in(user_ids.clone()))
        .filter(attempt::Column::Phase.eq(crate::entities::Phase::Baseline))
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?
    {
        if let Some(at) = a.submitted_at {
            baseline
                .entry(a.user_id)
                .and_modify(|d| *d = Ord::min(*d, at))
                .or_insert(at);
        }
    }
    let done: HashMap<(i64, i64), DateTime<Utc>> = module_progress::Entity::find()
        .filter(module_progress::Column::UserId.is_in(user_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.completed_at.map(|at| ((p.user_id, p.module_id), at)))
        .collect();
    let people_organisations: Vec<i64> = people.iter().map(|p| p.organisation_id).collect();
    let assignments = reaching(db, &people_organisations, &user_ids).await?;
    let titles = module_titles(db).await?;
    let roles = role_names(db).await?;
    let rows = people
        .into_iter()
        .map(|p| {
            // Earliest due date per module, as the learner's own list shows it.
            let mut due: BTreeMap<i64, NaiveDate> = BTreeMap::new();
            let member = Member {
                user_id: p.user_id,
                organisation_id: p.organisation_id,
                team_id: p.team_id,
                job_role_id: p.job_role_id,
            };
            for a in assignments.iter().filter(|a| covers(a, &member)) {
                due.entry(a.module_id)
                    .and_modify(|d| *d = Ord::min(*d, a.due_on))
                    .or_insert(a.due_on);
            }
            let mut modules: Vec<AssignedModule> = due
                .into_iter()
                .map(|(module_id, due_on)| AssignedModule {
                    module_id,
                    title: titles.get(&module_id).cloned().unwrap_or_default(),
                    due_on,
                    completed_at: done.get(&(p.user_id, module_id)).map(DateTime::date_naive),
                })
                .collect();
            modules.sort_by_key(|m| (m.due_on, m.module_id));
            StaffCompletion {
                user_id: p.user_id,
                name: p.name,
                employee_number: p.employee_number,
                organisation_id: p.organisation_id,
                job_role: roles.get(&p.job_role_id).cloned().unwrap_or_default(),
                baseline_done: baseline.get(&p.user_id).map(DateTime::date_naive),
                modules,
            }
        })
        .collect();
    Ok(Page {
        rows,
        total,
        request,
    })
}

async fn module_titles(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    let versions: HashMap<i64, String> = module_version::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.title))
        .collect();
    Ok(module::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let title = m
                .current_version_id
                .and_then(|v| versions.get(&v).cloned())
                .unwrap_or(m.slug);
            (m.id, title)
        })
        .collect())
}
