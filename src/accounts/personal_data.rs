//! What the service holds about a person's account, for their own download: account fields and
//! roles, job history, sessions, one-time links (never their secrets) and the audit entries they
//! made or that name them.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::users::{self, JobView};
use crate::accounts::OrgScope;
use crate::entities::{audit_log, mail_sent, one_time_token, organisation, session};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::notify::preferences::Preferences;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Roles {
    pub trainer: bool,
    pub admin: bool,
    /// ODS codes of the organisations they manage.
    pub manager_of: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionData {
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkData {
    pub purpose: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditData {
    pub at: DateTime<Utc>,
    pub action: String,
    /// True when they did it; otherwise the entry names them (e.g. an admin changed their roles).
    pub by_them: bool,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub client_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountData {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub employee_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub activated: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub roles: Roles,
    /// Newest first.
    pub jobs: Vec<JobView>,
    pub sessions: Vec<SessionData>,
    pub one_time_links: Vec<LinkData>,
    /// The optional emails this person has chosen to get.
    pub mail_preferences: Preferences,
    /// The notices, reminders and summaries queued for them, oldest first (what and when; the
    /// messages themselves are not kept once sent).
    pub emails_sent: Vec<EmailSentData>,
    /// Oldest first.
    pub audit: Vec<AuditData>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailSentData {
    /// `assignment_notice`, `reminder_before`, `reminder_overdue` or `weekly_summary`.
    pub kind: String,
    /// The assignment or week it was about.
    pub reference: String,
    pub queued_at: DateTime<Utc>,
}

pub async fn account_data(db: &impl ConnectionTrait, user_id: PersonId) -> AppResult<AccountData> {
    let user_id = user_id.get();
    let row = crate::entities::user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such account.".into()))?;
    let detail = users::detail(db, &OrgScope::All, user_id.into()).await?;
    let manager_of = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(detail.manager_organisation_ids.clone()))
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect();
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_asc(session::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SessionData {
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            client_address: s.client_address,
        })
        .collect();
    let emails_sent = mail_sent::Entity::find()
        .filter(mail_sent::Column::UserId.eq(user_id))
        .order_by_asc(mail_sent::Column::CreatedAt)
        .order_by_asc(mail_sent::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| EmailSentData {
            kind: m.kind,
            reference: m.reference,
            queued_at: m.created_at,
        })
        .collect();
    let one_time_links = one_time_token::Entity::find()
        .filter(one_time_token::Column::UserId.eq(user_id))
        .order_by_asc(one_time_token::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|t| LinkData {
            purpose: t.purpose,
            created_at: t.created_at,
            expires_at: t.expires_at,
            used_at: t.used_at,
        })
        .collect();
    // Account events name the person by email address as their subject.
    let audit = audit_log::Entity::find()
        .filter(
            Condition::any()
                .add(audit_log::Column::ActorUserId.eq(user_id))
                .add(audit_log::Column::Subject.eq(row.email.clone())),
        )
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AuditData {
            at: a.created_at,
            action: a.action,
            by_them: a.actor_user_id == Some(user_id),
            subject: a.subject,
            detail: a.detail,
            client_address: a.client_address,
        })
        .collect();
    Ok(AccountData {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        employee_number: row.employee_number,
        created_at: row.created_at,
        activated: row.password_hash.is_some(),
        disabled_at: row.disabled_at,
        roles: Roles {
            trainer: row.is_trainer,
            admin: row.is_admin,
            manager_of,
        },
        jobs: detail.job_history,
        sessions,
        one_time_links,
        mail_preferences: crate::notify::preferences::of(db, user_id.into()).await?,
        emails_sent,
        audit,
    })
}
