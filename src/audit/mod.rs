//! The audit log: who did what, when, and from which address. Every capability records its
//! security-relevant events here (sign-in and failed sign-in, locks, role changes, imports,
//! exports, report views) through [`record`], with an action from [`action`]: one list, which
//! the audit page's filter offers whole (`sentence::ACTIONS`). Admins read and filter it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::entities::audit_log;
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::listing::{self, Page, PageRequest};

pub mod sentence;

/// Action names, so that filters and tests name the same strings.
pub mod action {
    pub const SIGN_IN: &str = "sign_in";
    pub const SIGN_IN_FAILED: &str = "sign_in_failed";
    pub const SIGN_IN_LOCKED: &str = "sign_in_locked";
    pub const SIGN_OUT: &str = "sign_out";
    /// A provider's account (`iss` + `sub`) linked to an imported person at the first sign-in.
    pub const IDENTITY_LINKED: &str = "identity_linked";
    /// A learner made at the first single sign-on of someone nobody imported.
    pub const ACCOUNT_CREATED_BY_SSO: &str = "account_created_by_sso";
    pub const ACTIVATED: &str = "account_activated";
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const PASSWORD_RESET_REQUESTED: &str = "password_reset_requested";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const ROLES_CHANGED: &str = "roles_changed";
    pub const ACCOUNT_DISABLED: &str = "account_disabled";
    pub const ACCOUNT_ENABLED: &str = "account_enabled";
    pub const ACCOUNT_ERASED: &str = "account_erased";
    pub const RESPONSES_REMOVED: &str = "responses_removed";
    pub const USERS_IMPORTED: &str = "users_imported";
    pub const ORGANISATION_CREATED: &str = "organisation_created";
    /// An admin changed what an organisation's learners see in place of a module's general advice.
    pub const LOCAL_DETAILS_CHANGED: &str = "local_details_changed";
    pub const FIRST_ADMIN_CREATED: &str = "first_admin_created";
    pub const MODULE_ASSIGNED: &str = "module_assigned";
    pub const MODULE_ASSIGNMENT_CHANGED: &str = "module_assignment_changed";
    pub const MODULE_ASSIGNMENT_REMOVED: &str = "module_assignment_removed";
    pub const MANAGER_TEAMS_CHANGED: &str = "manager_teams_changed";
    /// An admin had fresh activation links emailed (how many and to whom; never the links).
    pub const ACTIVATION_EMAILED: &str = "activation_emailed";
    /// An admin downloaded a CSV of fresh activation links (how many and whose).
    pub const ACTIVATION_LINKS_EXPORTED: &str = "activation_links_exported";
    pub const ITEM_CREATED: &str = "item_created";
    pub const ITEM_EDITED: &str = "item_edited";
    pub const ITEM_PUBLISHED: &str = "item_published";
    pub const ITEM_RETIRED: &str = "item_retired";
    pub const QUESTIONS_IMPORTED: &str = "questions_imported";
    pub const BLUEPRINT_CHANGED: &str = "blueprint_changed";
    pub const ASSESSMENT_ITEMS_CHANGED: &str = "assessment_items_changed";
    pub const MODULE_CREATED: &str = "module_created";
    pub const MODULE_EDITED: &str = "module_edited";
    pub const MODULE_PUBLISHED: &str = "module_published";
    pub const MODULE_RETIRED: &str = "module_retired";
    pub const TOPIC_CREATED: &str = "topic_created";
    pub const TOPIC_EDITED: &str = "topic_edited";
    /// Someone (signed in or not) checked a certificate's reference on the public page or its
    /// JSON twin, and it matched: whose certificate and which module.
    pub const CERTIFICATE_CHECKED: &str = "certificate_checked";
    /// A trainer or admin changed a job role's targets (the report figures were rebuilt).
    pub const TARGETS_CHANGED: &str = "targets_changed";
    /// An admin mapped a trust's own job title to a job role of the taxonomy.
    pub const JOB_TITLE_MAPPED: &str = "job_title_mapped";
    /// An admin removed such a mapping.
    pub const JOB_TITLE_UNMAPPED: &str = "job_title_unmapped";
    /// An admin registered a learning platform (LTI 1.3) with the tool.
    pub const LTI_PLATFORM_REGISTERED: &str = "lti_platform_registered";
    /// An admin removed a platform's registration.
    pub const LTI_PLATFORM_REMOVED: &str = "lti_platform_removed";
    /// An admin rotated the tool's LTI signing key.
    pub const LTI_KEY_ROTATED: &str = "lti_key_rotated";
    /// A manager opened a report page or its JSON twin.
    pub const REPORT_VIEW: &str = "report.view";
    /// A report downloaded (CSV or JSON), from a page or the command line.
    pub const REPORT_EXPORT: &str = "report.export";
    /// An admin downloaded the ESR completion file (how many rows and in which format), from
    /// a page, its JSON twin or the command line.
    pub const COMPLETIONS_EXPORTED: &str = "completions_exported";
}

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub client_address: Option<String>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str) -> Self {
        Self {
            action,
            ..Self::default()
        }
    }

    pub fn by(mut self, actor: Option<PersonId>) -> Self {
        self.actor_user_id = actor.map(PersonId::get);
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The event's particulars, stored as JSON with named fields (the audit page turns them
    /// into a sentence and shows them as they are one click away).
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail.to_string());
        self
    }

    pub fn from_address(mut self, address: Option<String>) -> Self {
        self.client_address = address;
        self
    }
}

/// Writes `event` (inside the caller's transaction when `db` is one).
pub async fn record(db: &impl ConnectionTrait, event: Event<'_>) -> AppResult<()> {
    audit_log::ActiveModel {
        created_at: Set(Utc::now()),
        actor_user_id: Set(event.actor_user_id),
        action: Set(event.action.to_owned()),
        subject: Set(event.subject),
        detail: Set(event.detail),
        client_address: Set(event.client_address),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What to look for in the log; every field optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
    pub subject_contains: Option<String>,
    /// Entries by, or about, people whose name or email address contains this (any case).
    pub person: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub client_address: Option<String>,
}

fn select(filter: &Filter) -> sea_orm::Select<audit_log::Entity> {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let mut select = audit_log::Entity::find();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(actor) = filter.actor_user_id {
        select = select.filter(audit_log::Column::ActorUserId.eq(actor));
    }
    if let Some(text) = filter.subject_contains.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        select = select.filter(Expr::col(audit_log::Column::Subject).like(pattern));
    }
    if let Some(text) = filter.person.as_deref().filter(|t| !t.is_empty()) {
        let people = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("users"))
            .cond_where(
                sea_orm::Condition::any()
                    .add(listing::contains(
                        Expr::col(Alias::new("display_name")),
                        text,
                    ))
                    .add(listing::contains(Expr::col(Alias::new("email")), text)),
            )
            .take();
        select = select.filter(
            sea_orm::Condition::any()
                .add(Expr::col(audit_log::Column::ActorUserId).in_subquery(people))
                .add(listing::contains(
                    Expr::col(audit_log::Column::Subject),
                    text,
                )),
        );
    }
    if let Some(since) = filter.since {
        select = select.filter(audit_log::Column::CreatedAt.gte(since));
    }
    select.order_by_desc(audit_log::Column::Id)
}

fn entry(row: audit_log::Model) -> Entry {
    Entry {
        id: row.id,
        created_at: row.created_at,
        actor_user_id: row.actor_user_id,
        action: row.action,
        subject: row.subject,
        detail: row.detail,
        client_address: row.client_address,
    }
}

/// The newest entries matching `filter`, newest first.
pub async fn query(db: &impl ConnectionTrait, filter: &Filter) -> AppResult<Vec<Entry>> {
    let limit = if filter.limit == 0 {
        200
    } else {
        Ord::min(filter.limit, 1000)
    };
    let rows = select(filter).limit(limit).all(db).await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// One page of the entries matching `filter`, newest first (a page past the end shows the
/// last one).
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    request: PageRequest,
) -> AppResult<Page<Entry>> {
    let total = select(filter).count(db).await?;
    let request = request.clamped(total);
    let rows = select(filter)
        .offset(request.offset())
        .limit(request.size)
        .all(db)
        .await?;
    Ok(Page {
        rows: rows.into_iter().map(entry).collect(),
        total,
        request,
    })
}
