//! The audit hook for reports: one `audit_log` row per export (docs/design.md §7 "Audit log for …
//! exports, report views"). The web layer calls [`record`] with the signed-in user and the
//! client address; the CLI calls it with no actor.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Query};

use crate::error::{AppError, AppResult};

/// The action recorded for every report export.
pub const REPORT_EXPORT: &str = "report.export";

/// The action recorded when a manager opens a report page or its JSON twin.
pub const REPORT_VIEW: &str = "report.view";

/// One audit entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEntry {
    /// The signed-in user; `None` for the command line.
    pub actor_user_id: Option<i64>,
    /// E.g. [`REPORT_EXPORT`].
    pub action: String,
    /// What was acted on, e.g. "gaps".
    pub subject: Option<String>,
    /// Free text, e.g. the format and filters.
    pub detail: Option<String>,
    /// The client's address, from the request.
    pub client_address: Option<String>,
}

/// Inserts the entry. Call it in the same transaction as the action where there is one.
pub async fn record(db: &impl ConnectionTrait, entry: &AuditEntry) -> AppResult<()> {
    let statement = Query::insert()
        .into_table(Alias::new("audit_log"))
        .columns(
            [
                "created_at",
                "actor_user_id",
                "action",
                "subject",
                "detail",
                "client_address",
            ]
            .map(Alias::new),
        )
        .values([
            Utc::now().into(),
            entry.actor_user_id.into(),
            entry.action.clone().into(),
            entry.subject.clone().into(),
            entry.detail.clone().into(),
            entry.client_address.clone().into(),
        ])
        .map_err(AppError::internal)?
        .take();
    db.execute(&statement).await?;
    Ok(())
}
