//! People: creation, look-ups, the list and detail views managers and admins see (always within
//! an organisation scope), role changes and disabling.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Query, UnionType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::teams::{self, TeamGrant};
use super::{Email, OrgScope, sessions};
use crate::audit::{self, Event, action};
use crate::entities::{
    job_assignment, job_role, manager_scope, manager_team_scope, organisation, team, user,
};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::listing::{self, ListQuery, Page, SortBy};

/// What the rest of the app needs to know about a signed-in person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Account {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub email: String,
    pub display_name: String,
    pub is_trainer: bool,
    pub is_admin: bool,
    /// Organisations this person manages (empty for non-managers).
    pub manager_organisation_ids: Vec<i64>,
    /// Teams this person manages; in those teams' organisations, only those teams.
    pub manager_teams: Vec<TeamGrant>,
    #[serde(skip)]
    pub disabled: bool,
}

impl Account {
    pub fn is_manager(&self) -> bool {
        !self.manager_organisation_ids.is_empty() || !self.manager_teams.is_empty()
    }

    /// The organisations (or teams) this person may see as a manager: all of them for admins.
    pub fn manager_scope(&self) -> Option<OrgScope> {
        if self.is_admin {
            Some(OrgScope::All)
        } else {
            self.line_manager_scope()
        }
    }

    /// The organisations (or teams) this person was made manager of, admin or not.
    pub fn line_manager_scope(&self) -> Option<OrgScope> {
        if !self.manager_teams.is_empty() {
            let whole = self
                .manager_organisation_ids
                .iter()
                .copied()
                .filter(|org| !self.manager_teams.iter().any(|t| t.organisation_id == *org))
                .collect();
            Some(OrgScope::Partly {
                whole,
                teams: self.manager_teams.clone(),
            })
        } else if self.is_manager() {
            Some(OrgScope::Only(self.manager_organisation_ids.clone()))
        } else {
            None
        }
    }
}

/// The organisations `user_id` manages whole, and the teams they manage, in one statement: an
/// (organisation, team) row per grant, the team empty for a whole organisation. Every request
/// with a session reads these, so they are one round trip, not three.
async fn grants_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<(Vec<i64>, Vec<TeamGrant>)> {
    let mut query = Query::select();
    query
        .column(manager_scope::Column::OrganisationId)
        .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), Alias::new("team_id"))
        .from(manager_scope::Entity)
        .and_where(Expr::col(manager_scope::Column::UserId).eq(user_id));
    let mut teams = Query::select();
    teams
        .column((team::Entity, team::Column::OrganisationId))
        .column((team::Entity, team::Column::Id))
        .from(manager_team_scope::Entity)
        .inner_join(
            team::Entity,
            Expr::col((team::Entity, team::Column::Id)).equals((
                manager_team_scope::Entity,
                manager_team_scope::Column::TeamId,
            )),
        )
        .and_where(
            Expr::col((
                manager_team_scope::Entity,
                manager_team_scope::Column::UserId,
            ))
            .eq(user_id),
        );
    query.union(UnionType::All, teams);
    let mut organisations = Vec::new();
    let mut grants = Vec::new();
    for row in db.query_all(&query).await? {
        let organisation_id: i64 = row.try_get("", "organisation_id")?;
        match row.try_get::<Option<i64>>("", "team_id")? {
            None => organisations.push(organisation_id),
            Some(team_id) => grants.push(TeamGrant {
                team_id,
                organisation_id,
            }),
        }
    }
    organisations.sort_unstable();
    grants.sort_by_key(|grant| grant.team_id);
    Ok((organisations, grants))
}

fn to_account(
    row: user::Model,
    manager_organisation_ids: Vec<i64>,
    manager_teams: Vec<TeamGrant>,
) -> Account {
    Account {
        id: row.id.into(),
        email: row.email,
        display_name: row.display_name,
        is_trainer: row.is_trainer,
        is_admin: row.is_admin,
        manager_organisation_ids,
        manager_teams,
        disabled: row.disabled_at.is_some(),
    }
}

/// The account with `id`, if it exists.
pub async fn account(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<Account>> {
    let Some(row) = user::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(account_of(db, row).await?))
}

/// The account of the person `row`, with what they manage.
pub async fn account_of(db: &impl ConnectionTrait, row: user::Model) -> AppResult<Account> {
    let (organisations, teams) = grants_of(db, row.id).await?;
    Ok(to_account(row, organisations, teams))
}

/// The account of the person `row`, known to manage no organisation or team
/// ([`manages_anything`] was 0).
pub fn account_managing_nothing(row: user::Model) -> Account {
    to_account(row, Vec::new(), Vec::new())
}

/// 1 when the person `user_id` (a column or value) manages an organisation or a team, else 0:
/// an integer on both databases, to add to a query that reads the person anyway.
pub fn manages_anything(user_id: Expr) -> Expr {
    let organisation = Query::select()
        .expr(Expr::val(1))
        .from(manager_scope::Entity)
        .and_where(
            Expr::col((manager_scope::Entity, manager_scope::Column::UserId)).eq(user_id.clone()),
        )
        .take();
    let team = Query::select()
        .expr(Expr::val(1))
        .from(manager_team_scope::Entity)
        .and_where(
            Expr::col((
                manager_team_scope::Entity,
                manager_team_scope::Column::UserId,
            ))
            .eq(user_id),
        )
        .take();
    Expr::case(
        Expr::exists(organisation).or(Expr::exists(team)),
        Expr::val(1),
    )
    .finally(Expr::val(0))
    .into()
}

/// The user row for `email`, if any (for sign-in and reset, which must not reveal the answer).
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?)
}

/// Whether any active admin exists.
pub async fn admin_exists(db: &impl ConnectionTrait) -> AppResult<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .filter(user::Column::DisabledAt.is_null())
        .count(db)
        .await?
        > 0)
}

/// A person to add. Everyone is a learner; `trainer` and `admin` grant more.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub employee_number: Option<String>,
    /// `None` until the person chooses a password (through an activation link).
    pub password_hash: Option<String>,
    pub active: bool,
    pub trainer: bool,
    pub admin: bool,
}

/// Inserts a person; the one place a `users` row is made.
pub async fn create(db: &impl ConnectionTrait, new: NewUser) -> AppResult<user::Model> {
    let now = Utc::now();
    Ok(user::ActiveModel {
        email: Set(new.email),
        display_name: Set(new.display_name),
        employee_number: Set(new.employee_number),
        password_hash: Set(new.password_hash),
        is_active: Set(new.active),
        is_trainer: Set(new.trainer),
        is_admin: Set(new.admin),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        pseudonymised_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Starts a job for a person (the one place a `job_assignments` row is made); ending the
/// previous one is the caller's decision.
pub async fn start_job(
    db: &impl ConnectionTrait,
    user_id: i64,
    organisation_id: i64,
    job_role_id: i64,
    band: Option<&str>,
    started_at: DateTime<Utc>,
) -> AppResult<()> {
    start_job_in_team(
        db,
        user_id,
        (organisation_id, None),
        job_role_id,
        band,
        started_at,
    )
    .await
}

/// [`start_job`] in a team of the organisation (`where_` is the organisation and the team).
pub async fn start_job_in_team(
    db: &impl ConnectionTrait,
    user_id: i64,
    where_: (i64, Option<i64>),
    job_role_id: i64,
    band: Option<&str>,
    started_at: DateTime<Utc>,
) -> AppResult<()> {
    let (organisation_id, team_id) = where_;
    job_assignment::ActiveModel {
        user_id: Set(user_id),
        organisation_id: Set(organisation_id),
        team_id: Set(team_id),
        job_role_id: Set(job_role_id),
        band: Set(band.map(str::to_owned)),
        started_at: Set(started_at),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Sets a new password hash and marks the account active.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    user_id: i64,
    hash: String,
) -> AppResult<()> {
    let row = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such account.".into()))?;
    let mut active = row.into_active_model();
    active.password_hash = Set(Some(hash));
    active.is_active = Set(true);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// One job: where, what, since when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub organisation_id: i64,
    pub organisation_code: String,
    pub organisation_name: String,
    pub job_role_slug: String,
    pub job_role_name: String,
    pub band: Option<String>,
    pub team_id: Option<i64>,
    pub team: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub employee_number: Option<String>,
    pub is_trainer: bool,
    pub is_admin: bool,
    pub is_manager: bool,
    pub activated: bool,
    pub disabled: bool,
    /// Their details were erased (pseudonymised) when they left.
    pub erased: bool,
    pub current_job: Option<JobView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    #[serde(flatten)]
    pub summary: UserSummary,
    pub manager_organisation_ids: Vec<i64>,
    pub job_history: Vec<JobView>,
}

async fn job_views(
    db: &impl ConnectionTrait,
    rows: Vec<job_assignment::Model>,
) -> AppResult<Vec<(job_assignment::Model, JobView)>> {
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let roles: HashMap<i64, job_role::Model> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let team_names = teams::names(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let org = orgs.get(&row.organisation_id)?;
            let role = roles.get(&row.job_role_id)?;
            let view = JobView {
                organisation_id: org.id,
                organisation_code: org.code.clone(),
                organisation_name: org.name.clone(),
                job_role_slug: role.slug.clone(),
                job_role_name: role.name.clone(),
                band: row.band.clone(),
                team_id: row.team_id,
                team: row.team_id.and_then(|t| team_names.get(&t).cloned()),
                started_at: row.started_at,
                ended_at: row.ended_at,
            };
            Some((row, view))
        })
        .collect())
}

fn summary(row: &user::Model, is_manager: bool, current_job: Option<JobView>) -> UserSummary {
    UserSummary {
        id: row.id,
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        employee_number: row.employee_number.clone(),
        is_trainer: row.is_trainer,
        is_admin: row.is_admin,
        is_manager,
        activated: row.password_hash.is_some(),
        disabled: row.disabled_at.is_some(),
        erased: row.pseudonymised_at.is_some(),
        current_job,
    }
}

/// The people in `scope` (by their current job), optionally in one organisation, found by name,
/// email or employee number, sorted and paged in SQL.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    organisation_id: Option<i64>,
    list: &ListQuery,
) -> AppResult<Page<UserSummary>> {
    if let Some(org) = organisation_id
        && !scope.includes(org)
    {
        return Err(AppError::NotFound("No such organisation.".into()));
    }
    let (u, ja, jr) = (
        Alias::new("users"),
        Alias::new("job_assignments"),
        Alias::new("job_roles"),
    );
    let col = |table: &Alias, name: &str| (table.clone(), Alias::new(name));
    // A person's current job is their newest open assignment, so nobody is listed twice.
    let newest_open = Query::select()
        .expr(Expr::col(Alias::new("id")).max())
        .from(ja.clone())
        .and_where(Expr::col(Alias::new("user_id")).equals(col(&u, "id")))
        .and_where(Expr::col(Alias::new("ended_at")).is_null())
        .take();
    let mut query = Query::select();
    query
        .expr_as(Expr::col(col(&u, "id")), Alias::new("user_id"))
        .expr_as(Expr::col(col(&ja, "id")), Alias::new("job_id"))
        .from(u.clone())
        .join(
            JoinType::LeftJoin,
            ja.clone(),
            Condition::all()
                .add(Expr::col(col(&ja, "user_id")).equals(col(&u, "id")))
                .add(Expr::col(col(&ja, "id")).in_subquery(newest_open)),
        )
        .join(
            JoinType::LeftJoin,
            jr.clone(),
            Expr::col(col(&jr, "id")).equals(col(&ja, "job_role_id")),
        );
    if let Some(whole) = scope.whole_organisations() {
        query.cond_where(
            Condition::any()
                .add(Expr::col(col(&ja, "organisation_id")).is_in(whole.iter().copied()))
                .add(Expr::col(col(&ja, "team_id")).is_in(scope.team_ids())),
        );
    }
    if let Some(org) = organisation_id {
        query.and_where(Expr::col(col(&ja, "organisation_id")).eq(org));
    }
    if let Some(text) = &list.search {
        query.cond_where(listing::person_matches("users", text));
    }
    let order = list.sort.order();
    match list.sort.by {
        SortBy::EmployeeNumber => {
            listing::order_nulls_last(&mut query, col(&u, "employee_number"), order.clone())
        }
        SortBy::JobRole => listing::order_nulls_last(&mut query, col(&jr, "name"), order.clone()),
        SortBy::Name | SortBy::Baseline => {}
    }
    listing::then_by_name(
        &mut query,
        list.sort,
        col(&u, "display_name"),
        col(&u, "id"),
    );
    let page = listing::fetch_page(db, query, list.page).await?;
    let mut ids = Vec::with_capacity(page.rows.len());
    let mut job_ids = Vec::new();
    for row in &page.rows {
        ids.push(row.try_get::<i64>("", "user_id")?);
        job_ids.extend(row.try_get::<Option<i64>>("", "job_id")?);
    }
    let jobs = job_assignment::Entity::find()
        .filter(job_assignment::Column::Id.is_in(job_ids))
        .all(db)
        .await?;
    let current: HashMap<i64, JobView> = job_views(db, jobs)
        .await?
        .into_iter()
        .map(|(row, view)| (row.user_id, view))
        .collect();
    let mut people: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let mut managers: Vec<i64> = manager_scope::Entity::find()
        .select_only()
        .column(manager_scope::Column::UserId)
        .filter(manager_scope::Column::UserId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    managers.extend(teams::managers_among(db, &ids).await?);
    let rows = ids
        .iter()
        .filter_map(|id| people.remove(id))
        .map(|row| {
            summary(
                &row,
                managers.contains(&row.id),
                current.get(&row.id).cloned(),
            )
        })
        .collect();
    Ok(Page {
        rows,
        total: page.total,
        request: page.request,
    })
}

/// One person, if they are in `scope` (admins see everyone); otherwise 404, so that a manager
/// cannot even learn that someone exists in another organisation.
pub async fn detail(
    db: &impl ConnectionTrait,
    scope: &OrgScope,
    user_id: PersonId,
) -> AppResult<UserDetail> {
    let user_id = user_id.get();
    let not_found = || AppError::NotFound("No such person in your organisations.".into());
    let row = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let history = job_views(
        db,
        job_assignment::Entity::find()
            .filter(job_assignment::Column::UserId.eq(user_id))
            .order_by_desc(job_assignment::Column::StartedAt)
            .order_by_desc(job_assignment::Column::Id)
            .all(db)
            .await?,
    )
    .await?;
    let current = history
        .iter()
        .find(|(row, _)| row.ended_at.is_none())
        .map(|(_, v)| v.clone());
    let visible = match scope {
        OrgScope::All => true,
        _ => current
            .as_ref()
            .is_some_and(|job| scope.covers(job.organisation_id, job.team_id)),
    };
    if !visible {
        return Err(not_found());
    }
    let (manager_organisation_ids, team_grants) = grants_of(db, user_id).await?;
    let manages_teams = !team_grants.is_empty();
    // A newcomer's jobs elsewhere are their previous employer's business: a manager sees only
    // the jobs held in one of their own organisations.
    let job_history = history
        .into_iter()
        .map(|(_, v)| v)
        .filter(|job| scope.includes(job.organisation_id))
        .collect();
    Ok(UserDetail {
        summary: summary(
            &row,
            manages_teams || !manager_organisation_ids.is_empty(),
            current,
        ),
        manager_organisation_ids,
        job_history,
    })
}

/// The roles an admin grants. Learner is everyone's and not stored.
#[derive(Debug, Clone)]
pub struct Roles {
    pub is_trainer: bool,
    pub is_admin: bool,
    pub manager_organisation_ids: Vec<i64>,
}

/// Sets a person's roles (admins only: `actor` is the admin). Ends the person's sessions so the
/// new roles apply at once, and records the change.
pub async fn set_roles(
    db: &DatabaseConnection,
    actor: &Account,
    client_address: Option<String>,
    user_id: PersonId,
    roles: Roles,
) -> AppResult<()> {
    let user_id = user_id.get();
    if actor.id.get() == user_id && !roles.is_admin {
        return Err(AppError::Conflict(
            "You cannot remove your own admin role. Ask another admin to do it.".into(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
    let mut org_ids = roles.manager_organisation_ids.clone();
    org_ids.sort_unstable();
    org_ids.dedup();
    let known = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids.clone()))
        .count(&txn)
        .await?;
    if known != org_ids.len() as u64 {
        return Err(AppError::Unprocessable(
            "Choose organisations from the list".into(),
        ));
    }
    let email = row.email.clone();
    let mut active = row.into_active_model();
    active.is_trainer = Set(roles.is_trainer);
    active.is_admin = Set(roles.is_admin);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    manager_scope::Entity::delete_many()
        .filter(manager_scope::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for org in &org_ids {
        manager_scope::ActiveModel {
            user_id: Set(user_id),
            organisation_id: Set(*org),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    sessions::end_all_for(&txn, user_id, None).await?;
    let detail = serde_json::json!({
        "user_id": user_id,
        "trainer": roles.is_trainer,
        "admin": roles.is_admin,
        "manager_of": org_ids,
    });
    audit::record(
        &txn,
        Event::new(action::ROLES_CHANGED)
            .by(Some(actor.id))
            .subject(email)
            .detail(detail)
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (or re-enables) an account; disabling ends its sessions at once.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: &Account,
    client_address: Option<String>,
    user_id: PersonId,
    disabled: bool,
) -> AppResult<()> {
    let user_id = user_id.get();
    if actor.id.get() == user_id && disabled {
        return Err(AppError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
    let email = row.email.clone();
    let mut active = row.into_active_model();
    active.disabled_at = Set(disabled.then(Utc::now));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    if disabled {
        sessions::end_all_for(&txn, user_id, None).await?;
    }
    let what = if disabled {
        action::ACCOUNT_DISABLED
    } else {
        action::ACCOUNT_ENABLED
    };
    audit::record(
        &txn,
        Event::new(what)
            .by(Some(actor.id))
            .subject(email)
            .detail(serde_json::json!({ "user_id": user_id }))
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
