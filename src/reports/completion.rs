//! The line manager's completion view (issue 7 item 4): for each person currently working in
//! the manager's organisations, whether and when they did the baseline and each module
//! assigned to them. Dates only, to the day: this view never carries a score or an answer, nor
//! a time of day that could be matched against a report's change (issue 16). A leaver whose
//! details were erased still shows, under their placeholder name, so the view's counts agree
//! with the reports' completion figures.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, JoinType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter};
use serde::Serialize;

use crate::entities::{
    attempt, job_role, module, module_assignment, module_progress, module_version,
};
use crate::error::AppResult;

/// One assigned module and when it was completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignedModule {
    pub module_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    /// The day it was completed.
    pub completed_at: Option<NaiveDate>,
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffCompletion {
    pub user_id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub job_role: String,
    /// The day their (first) baseline was submitted.
    pub baseline_done: Option<NaiveDate>,
    pub modules: Vec<AssignedModule>,
}

struct Person {
    user_id: i64,
    name: String,
    organisation_id: i64,
    job_role_id: i64,
}

async fn people(db: &impl ConnectionTrait, organisations: &[i64]) -> AppResult<Vec<Person>> {
    let (ja, u) = (Alias::new("job_assignments"), Alias::new("users"));
    let query = Query::select()
        .column((ja.clone(), Alias::new("user_id")))
        .column((ja.clone(), Alias::new("organisation_id")))
        .column((ja.clone(), Alias::new("job_role_id")))
        .column((u.clone(), Alias::new("display_name")))
        .from(ja.clone())
        .join(
            JoinType::InnerJoin,
            u.clone(),
            Expr::col((u.clone(), Alias::new("id"))).equals((ja.clone(), Alias::new("user_id"))),
        )
        .and_where(
            Expr::col((ja.clone(), Alias::new("organisation_id")))
                .is_in(organisations.iter().copied()),
        )
        .and_where(Expr::col((ja.clone(), Alias::new("ended_at"))).is_null())
        .order_by((u, Alias::new("display_name")), Order::Asc)
        .order_by((ja, Alias::new("user_id")), Order::Asc)
        .take();
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| {
            Ok(Person {
                user_id: row.try_get("", "user_id")?,
                name: row.try_get("", "display_name")?,
                organisation_id: row.try_get("", "organisation_id")?,
                job_role_id: row.try_get("", "job_role_id")?,
            })
        })
        .collect()
}

/// The completion view for the given organisations (the manager's scope, from the guard).
#[tracing::instrument(skip(db))]
pub async fn completion_view(
    db: &impl ConnectionTrait,
    organisations: &[i64],
) -> AppResult<Vec<StaffCompletion>> {
    let people = people(db, organisations).await?;
    let user_ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    let mut baseline: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for a in attempt::Entity::find()
        .filter(attempt::Column::UserId.is_in(user_ids.clone()))
        .filter(attempt::Column::Phase.eq("baseline"))
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
        .filter(module_progress::Column::UserId.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.completed_at.map(|at| ((p.user_id, p.module_id), at)))
        .collect();
    let assignments = module_assignment::Entity::find()
        .filter(module_assignment::Column::OrganisationId.is_in(organisations.iter().copied()))
        .all(db)
        .await?;
    let titles = module_titles(db).await?;
    let roles: HashMap<i64, String> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(people
        .into_iter()
        .map(|p| {
            // Earliest due date per module, as the learner's own list shows it.
            let mut due: BTreeMap<i64, NaiveDate> = BTreeMap::new();
            for a in assignments.iter().filter(|a| {
                a.organisation_id == Some(p.organisation_id)
                    && a.job_role_id.is_none_or(|r| r == p.job_role_id)
            }) {
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
                organisation_id: p.organisation_id,
                job_role: roles.get(&p.job_role_id).cloned().unwrap_or_default(),
                baseline_done: baseline.get(&p.user_id).map(DateTime::date_naive),
                modules,
            }
        })
        .collect())
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
