//! Erasing a leaver by pseudonymisation. The person's row stays, under a random pseudonym, so
//! their attempts, responses, ratings and module progress stay attached to it and every report
//! cell, item statistic and `verify` is exactly as before; what identifies them goes: name,
//! email and employee number are replaced, password, sessions, one-time links, roles, sign-in
//! throttles, mail to them (queued or sent) and their xAPI statements not yet sent (with the
//! account name that tied sent ones to them) are removed, and the account is disabled.
//!
//! The audit log keeps its rows (who did what and when stays true), but every mention of the
//! person's email, name or employee number in a subject or detail is replaced by the
//! placeholder, and the client addresses of their own actions, and of anonymous events about
//! them (failed sign-ins, reset requests), are cleared. The erasure itself is recorded with the
//! admin, the time and the pseudonym, never the name.

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

use super::{Email, outbox, throttle};
use crate::audit::{self, Event, action};
use crate::entities::{
    attempt, audit_log, identity_link, manager_scope, manager_team_scope, one_time_token, response,
    session, user,
};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// Who erases, for the audit log (`actor_user_id` is `None` on the command line).
#[derive(Debug, Clone, Default)]
pub struct ErasedBy {
    pub actor_user_id: Option<PersonId>,
    pub client_address: Option<String>,
    pub via: &'static str,
}

/// What an erasure left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub user_id: i64,
    /// `P-` and 12 random hex digits; the placeholder name and email carry it.
    pub pseudonym: String,
    pub attempts_kept: u64,
}

/// The placeholder display name shown wherever the person appeared.
pub fn placeholder_name(pseudonym: &str) -> String {
    format!("Former member of staff {pseudonym}")
}

/// The placeholder email: unique, and in the reserved `.invalid` domain so it can never receive
/// mail or be used to sign in.
pub fn placeholder_email(pseudonym: &str) -> String {
    format!("{}@erased.invalid", pseudonym.to_lowercase())
}

/// The person an admin names on the command line: an email address, or else an employee number.
pub async fn find(db: &impl ConnectionTrait, who: &str) -> AppResult<user::Model> {
    let who = who.trim();
    let query = if who.contains('@') {
        let email = Email::parse(who).map_err(AppError::Unprocessable)?;
        user::Entity::find().filter(user::Column::Email.eq(email.as_str()))
    } else if who.is_empty() {
        return Err(AppError::Unprocessable(
            "Name the person by email address or employee number".into(),
        ));
    } else {
        user::Entity::find().filter(user::Column::EmployeeNumber.eq(who))
    };
    query
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Nobody has the email or employee number {who}")))
}

/// Replaces each whole occurrence of `needle` (not inside a longer word or number, ignoring ASCII
/// case) in `text` with `with`.
pub fn replace_whole(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let lower = text.to_ascii_lowercase();
    let target = needle.to_ascii_lowercase();
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    while let Some(found) = lower[from..].find(&target) {
        let start = from + found;
        let end = start + target.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        out.push_str(&text[from..start]);
        if is_word(before) || is_word(after) {
            out.push_str(&text[start..end]);
        } else {
            out.push_str(with);
        }
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// The person's identifiers, longest first so that a name inside an email goes with the email.
fn identifiers(row: &user::Model) -> Vec<String> {
    let mut found: Vec<String> = [
        Some(row.email.clone()),
        Some(row.display_name.trim().to_owned()),
        row.employee_number.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found.dedup();
    found
}

fn scrub(text: &str, identifiers: &[String], with: &str) -> String {
    identifiers
        .iter()
        .fold(text.to_owned(), |t, id| replace_whole(&t, id, with))
}

/// An audit detail with the identifiers replaced: in a JSON detail only its strings change, so
/// an employee number that equals some count or id leaves the numbers (and the JSON) intact.
fn scrub_detail(detail: &str, identifiers: &[String], with: &str) -> String {
    fn walk(value: &mut serde_json::Value, identifiers: &[String], with: &str) {
        match value {
            serde_json::Value::String(text) => *text = scrub(text, identifiers, with),
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|v| walk(v, identifiers, with));
            }
            serde_json::Value::Object(fields) => {
                fields.values_mut().for_each(|v| walk(v, identifiers, with));
            }
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(mut value) => {
            walk(&mut value, identifiers, with);
            value.to_string()
        }
        Err(_) => scrub(detail, identifiers, with),
    }
}

/// Rows whose `column` holds any of the identifiers, whatever their case.
fn mentions(column: impl ColumnTrait, identifiers: &[String]) -> Condition {
    identifiers.iter().fold(Condition::any(), |c, id| {
        c.add(Expr::expr(Func::lower(Expr::col(column))).like(format!("%{}%", id.to_lowercase())))
    })
}

/// Pseudonymises `user_id` in one transaction; see the module documentation for what changes.
#[tracing::instrument(skip(db, by))]
pub async fn erase(db: &DatabaseConnection, by: ErasedBy, user_id: PersonId) -> AppResult<Erased> {
    let user_id = user_id.get();
    if by.actor_user_id.map(PersonId::get) == Some(user_id) {
        return Err(AppError::Conflict(
            "You cannot erase your own account. Ask another admin to do it.".into(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("No such person.".into()))?;
    if row.pseudonymised_at.is_some() {
        return Err(AppError::Conflict(
            "This person's details have already been erased.".into(),
        ));
    }
    let pseudonym = format!("P-{}", hex::encode(rand::rng().random::<[u8; 6]>()));
    let name = placeholder_name(&pseudonym);
    let identifiers = identifiers(&row);
    let old_email = row.email.clone();

    let now = Utc::now();
    let mut active = row.into_active_model();
    active.email = Set(placeholder_email(&pseudonym));
    active.display_name = Set(name.clone());
    active.employee_number = Set(None);
    active.password_hash = Set(None);
    active.is_active = Set(false);
    active.is_trainer = Set(false);
    active.is_admin = Set(false);
    active.disabled_at = Set(Some(now));
    active.pseudonymised_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    manager_scope::Entity::delete_many()
        .filter(manager_scope::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    manager_team_scope::Entity::delete_many()
        .filter(manager_team_scope::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // The provider's subject identifier names the person too; without the link, a later
    // single sign-on cannot find the erased account either.
    identity_link::Entity::delete_many()
        .filter(identity_link::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    throttle::clear(&txn, &throttle::Key::Account(old_email.clone())).await?;
    outbox::forget_recipient(&txn, &old_email).await?;
    crate::xapi::forget_person(&txn, user_id).await?;
    scrub_audit_log(&txn, user_id, &old_email, &identifiers, &name).await?;
    scrub_answers(&txn, user_id, &identifiers, &name).await?;
    let attempts_kept = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .count(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(action::ACCOUNT_ERASED)
            .by(by.actor_user_id)
            .subject(pseudonym.clone())
            .detail(serde_json::json!({
                "user_id": user_id,
                "via": by.via,
                "attempts_kept": attempts_kept,
            }))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Erased {
        user_id,
        pseudonym,
        attempts_kept,
    })
}

async fn scrub_audit_log(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    identifiers: &[String],
    name: &str,
) -> AppResult<()> {
    let theirs = Condition::any()
        .add(audit_log::Column::ActorUserId.eq(user_id))
        .add(mentions(audit_log::Column::Subject, identifiers))
        .add(mentions(audit_log::Column::Detail, identifiers));
    for entry in audit_log::Entity::find().filter(theirs).all(db).await? {
        // Their own actions, and anonymous ones about them, came from their addresses.
        let their_address = entry.actor_user_id == Some(user_id)
            || (entry.actor_user_id.is_none()
                && entry
                    .subject
                    .as_deref()
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case(email)));
        let subject = entry
            .subject
            .as_deref()
            .map(|s| scrub(s, identifiers, name));
        let detail = entry
            .detail
            .as_deref()
            .map(|d| scrub_detail(d, identifiers, name));
        let mut active = entry.into_active_model();
        active.subject = Set(subject);
        active.detail = Set(detail);
        if their_address {
            active.client_address = Set(None);
        }
        active.update(db).await?;
    }
    Ok(())
}

/// Free-text answers (short answers) could hold the person's own name or email.
async fn scrub_answers(
    db: &impl ConnectionTrait,
    user_id: i64,
    identifiers: &[String],
    name: &str,
) -> AppResult<()> {
    let attempts: Vec<i64> = attempt::Entity::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    for row in response::Entity::find()
        .filter(response::Column::AttemptId.is_in(attempts))
        .filter(mentions(response::Column::Answer, identifiers))
        .all(db)
        .await?
    {
        let answer = row.answer.as_deref().map(|a| scrub(a, identifiers, name));
        let mut active = row.into_active_model();
        active.answer = Set(answer);
        active.update(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_occurrences_are_replaced_whatever_their_case() {
        assert_eq!(
            replace_whole("Ann Smith, ANN SMITH and Ann Smithers", "ann smith", "X"),
            "X, X and Ann Smithers"
        );
        assert_eq!(
            replace_whole("1001 created, 11001 kept, id=1001", "1001", "X"),
            "X created, 11001 kept, id=X"
        );
        assert_eq!(replace_whole("ann@nhs.net;", "ann@nhs.net", "X"), "X;");
        assert_eq!(replace_whole("unchanged", "", "X"), "unchanged");
    }

    #[test]
    fn a_json_detail_stays_json_with_only_its_strings_scrubbed() {
        let ids = ["ann@nhs.net".to_owned(), "1001".to_owned()];
        assert_eq!(
            scrub_detail(r#"{"email":"ann@nhs.net","user_id":1001}"#, &ids, "X"),
            r#"{"email":"X","user_id":1001}"#
        );
        assert_eq!(scrub_detail("user 1001 left", &ids, "X"), "user X left");
    }

    #[test]
    fn placeholders_carry_the_pseudonym_and_cannot_receive_mail() {
        assert_eq!(
            placeholder_name("P-0a1b2c3d4e5f"),
            "Former member of staff P-0a1b2c3d4e5f"
        );
        let email = placeholder_email("P-0a1b2c3d4e5f");
        assert_eq!(email, "p-0a1b2c3d4e5f@erased.invalid");
        assert!(Email::parse(&email).is_ok());
    }
}
