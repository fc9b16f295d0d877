//! Server-side sessions. The browser holds a random 256-bit id; the database holds only its
//! SHA-256, with the session's CSRF token and its idle and absolute expiry.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    JoinType, QueryFilter, QuerySelect, QueryTrait, RelationDef, Set,
};

use super::token;
use super::users::{self, Account};
use crate::config::AppConfig;
use crate::entities::{session, user};
use crate::error::AppResult;

/// A session just created: the id goes into the cookie, once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub csrf_token: String,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct Live {
    pub id_hash: String,
    pub csrf_token: String,
    pub account: Account,
    /// Begun by an LTI launch: its pages may be shown in the platform's frame.
    pub launched: bool,
}

/// Starts a session for `user_id` with a new id (never reusing one the browser sent).
pub async fn start(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    user_id: i64,
    client_address: Option<String>,
) -> AppResult<NewSession> {
    start_with_view(db, config, user_id, client_address, None).await
}

/// What a session begun by an LTI launch may do: the launch's role decides, within the
/// person's own rights, and it is never more than a trainer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchView {
    Learner,
    Trainer,
}

impl LaunchView {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Learner => "learner",
            Self::Trainer => "trainer",
        }
    }

    /// Narrows `account` to this view: no admin, no manager, trainer only if both say so.
    fn narrow(self, account: &mut Account) {
        account.is_admin = false;
        account.manager_organisation_ids.clear();
        account.manager_teams.clear();
        account.is_trainer = account.is_trainer && self == Self::Trainer;
    }
}

/// [`start`], for a session begun by an LTI launch when `view` is given.
pub async fn start_with_view(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    user_id: i64,
    client_address: Option<String>,
    view: Option<LaunchView>,
) -> AppResult<NewSession> {
    let id = token::generate();
    let csrf_token = token::generate();
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(token::digest(&id)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(i64::from(config.session_absolute_hours))),
        client_address: Set(client_address),
        lti_view: Set(view.map(|v| v.as_str().to_owned())),
    }
    .insert(db)
    .await?;
    Ok(NewSession { id, csrf_token })
}

/// The live session for the cookie value `id`, if any: not past its absolute expiry, used
/// within the idle limit, and its account not disabled. Expired sessions are deleted.
pub async fn find(
    db: &impl ConnectionTrait,
    config: &AppConfig,
    id: &str,
) -> AppResult<Option<Live>> {
    if !token::well_formed(id) {
        return Ok(None);
    }
    let id_hash = token::digest(id);
    // The session, its person and whether they manage anything in one statement: every
    // signed-in request starts here, and most people manage nothing, so for them this is the
    // only read.
    let mut select = session::Entity::find_by_id(id_hash.clone())
        .select_also(user::Entity)
        .join(JoinType::LeftJoin, person_of_session());
    QuerySelect::query(&mut select).expr_as(
        users::manages_anything(Expr::col((session::Entity, session::Column::UserId))),
        Alias::new("manages"),
    );
    let Some(found) = db.query_one(QueryTrait::as_query(&select)).await? else {
        return Ok(None);
    };
    let row = session::Model::from_query_result(&found, "A_")?;
    let person = user::Model::from_query_result_optional(&found, "B_")?;
    let manages = found.try_get::<i32>("", "manages")? != 0;
    let now = Utc::now();
    let idle_limit = Duration::minutes(i64::from(config.session_idle_minutes));
    if row.expires_at <= now || row.last_seen_at + idle_limit <= now {
        session::Entity::delete_by_id(id_hash).exec(db).await?;
        return Ok(None);
    }
    let Some(person) = person else {
        return Ok(None);
    };
    let mut account = if manages {
        users::account_of(db, person).await?
    } else {
        users::account_managing_nothing(person)
    };
    let launched = row.lti_view.is_some();
    match row.lti_view.as_deref() {
        None => {}
        Some("trainer") => LaunchView::Trainer.narrow(&mut account),
        Some(_) => LaunchView::Learner.narrow(&mut account),
    }
    if account.disabled {
        session::Entity::delete_by_id(id_hash).exec(db).await?;
        return Ok(None);
    }
    // Touch at most once a minute (or half the idle limit), so a busy page does not write on
    // every request.
    if now - row.last_seen_at > std::cmp::min(Duration::seconds(60), idle_limit / 2) {
        let csrf_token = row.csrf_token.clone();
        let mut active = row.into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?;
        return Ok(Some(Live {
            id_hash,
            csrf_token,
            account,
            launched,
        }));
    }
    Ok(Some(Live {
        id_hash,
        csrf_token: row.csrf_token,
        account,
        launched,
    }))
}

fn person_of_session() -> RelationDef {
    session::Entity::belongs_to(user::Entity)
        .from(session::Column::UserId)
        .to(user::Column::Id)
        .into()
}

/// Ends one session.
pub async fn end(db: &impl ConnectionTrait, id_hash: &str) -> AppResult<()> {
    session::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of `user_id` except `keep` (the id hash of the session to keep).
pub async fn end_all_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: Option<&str>,
) -> AppResult<u64> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::IdHash.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}
