//! Modules that managers and admins assign, with a due date: to everyone in an organisation, to
//! one job role or one team in it, or to one person. [`covers`] is the one rule for whom an
//! assignment is for; the learner's plan, the completion view and assignment notices all ask it.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::accounts::OrgScope;
use crate::assessment::job::current_job;
use crate::entities::{job_assignment, module_assignment};
use crate::error::{AppError, AppResult};
use crate::ids::{ModuleId, PersonId};

/// Who an assignment is for: everyone in an organisation, narrowed to a job role and/or a team
/// of it, or one person (whose organisation at the time is kept as `organisation_id`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    pub organisation_id: i64,
    pub job_role_id: Option<i64>,
    pub team_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// A person in their current job, as [`covers`] needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub organisation_id: i64,
    pub team_id: Option<i64>,
    pub job_role_id: i64,
}

impl From<&job_assignment::Model> for Member {
    fn from(job: &job_assignment::Model) -> Self {
        Self {
            user_id: job.user_id,
            organisation_id: job.organisation_id,
            team_id: job.team_id,
            job_role_id: job.job_role_id,
        }
    }
}

/// Whether `assignment` is for `member`: an assignment to a person follows them wherever they
/// work; any other is for those working in its organisation now, in its team and job role
/// when it names them.
pub fn covers(assignment: &module_assignment::Model, member: &Member) -> bool {
    match assignment.user_id {
        Some(user_id) => user_id == member.user_id,
        None => {
            assignment.organisation_id == Some(member.organisation_id)
                && assignment
                    .team_id
                    .is_none_or(|team| member.team_id == Some(team))
                && assignment
                    .job_role_id
                    .is_none_or(|role| role == member.job_role_id)
        }
    }
}

/// Everyone an assignment is for now (people without a current job are in nobody's plan).
pub async fn people_covered(
    db: &impl ConnectionTrait,
    assignment: &module_assignment::Model,
) -> AppResult<Vec<PersonId>> {
    let mut where_ = Condition::any();
    if let Some(user_id) = assignment.user_id {
        where_ = where_.add(job_assignment::Column::UserId.eq(user_id));
    } else if let Some(organisation_id) = assignment.organisation_id {
        where_ = where_.add(job_assignment::Column::OrganisationId.eq(organisation_id));
    }
    let mut people: Vec<i64> = current_jobs(db, where_)
        .await?
        .iter()
        .map(Member::from)
        .filter(|member| covers(assignment, member))
        .map(|member| member.user_id)
        .collect();
    people.sort_unstable();
    people.dedup();
    Ok(people.into_iter().map(PersonId::from).collect())
}

/// The open jobs that match `where_`.
pub async fn current_jobs(
    db: &impl ConnectionTrait,
    where_: Condition,
) -> AppResult<Vec<job_assignment::Model>> {
    Ok(job_assignment::Entity::find()
        .filter(job_assignment::Column::EndedAt.is_null())
        .filter(where_)
        .order_by_asc(job_assignment::Column::Id)
        .all(db)
        .await?)
}

/// The assignments that may cover someone in one of `organisations` or one of `people`.
pub async fn reaching(
    db: &impl ConnectionTrait,
    organisations: &[i64],
    people: &[i64],
) -> AppResult<Vec<module_assignment::Model>> {
    Ok(module_assignment::Entity::find()
        .filter(
            Condition::any()
                .add(module_assignment::Column::OrganisationId.is_in(organisations.iter().copied()))
                .add(module_assignment::Column::UserId.is_in(people.iter().copied())),
        )
        .all(db)
        .await?)
}

/// Assigns a module. The caller has checked that the actor may act for the audience.
pub async fn assign(
    db: &impl ConnectionTrait,
    actor_id: PersonId,
    module_id: ModuleId,
    audience: Audience,
    due_on: NaiveDate,
) -> AppResult<module_assignment::Model> {
    if due_on < Utc::now().date_naive() {
        return Err(AppError::Unprocessable(
            "The due date must be today or later.".into(),
        ));
    }
    Ok(module_assignment::ActiveModel {
        module_id: Set(module_id.get()),
        organisation_id: Set(Some(audience.organisation_id)),
        job_role_id: Set(audience.job_role_id),
        team_id: Set(audience.team_id),
        user_id: Set(audience.user_id),
        due_on: Set(due_on),
        created_by: Set(Some(actor_id.get())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Modules assigned to the learner, with the earliest due date for each.
pub async fn assigned_to(
    db: &impl ConnectionTrait,
    user_id: PersonId,
) -> AppResult<Vec<(i64, NaiveDate)>> {
    let Some(job) = current_job(db, user_id).await? else {
        return Ok(Vec::new());
    };
    let member = Member {
        user_id: user_id.get(),
        organisation_id: job.organisation_id,
        team_id: job.team_id,
        job_role_id: job.job_role_id,
    };
    let rows = reaching(db, &[job.organisation_id], &[user_id.get()]).await?;
    let mut due: HashMap<i64, NaiveDate> = HashMap::new();
    for row in rows.into_iter().filter(|r| covers(r, &member)) {
        due.entry(row.module_id)
            .and_modify(|d| *d = (*d).min(row.due_on))
            .or_insert(row.due_on);
    }
    let mut out: Vec<(i64, NaiveDate)> = due.into_iter().collect();
    out.sort_by_key(|(id, date)| (*date, *id));
    Ok(out)
}

/// Whether a manager with `scope` may see, change and remove `assignment`: one to a person
/// when that person works in their scope now; one to a team when the team is theirs; one to
/// an organisation (or a job role in it) when they see the whole organisation.
pub fn in_scope(
    scope: &OrgScope,
    assignment: &module_assignment::Model,
    person_now: Option<&Member>,
) -> bool {
    match (assignment.user_id, assignment.organisation_id) {
        (Some(_), _) => person_now.is_some_and(|p| scope.covers(p.organisation_id, p.team_id)),
        (None, Some(organisation_id)) => match assignment.team_id {
            Some(team) => scope.covers(organisation_id, Some(team)),
            None => scope.whole(organisation_id),
        },
        (None, None) => matches!(scope, OrgScope::All),
    }
}
