//! Activation links for people who have not yet set a password: emailed through the outbox
//! (in bulk after an import, again when a link has run out), or handed to the admin as a CSV
//! for trusts that send their own mail. Each time, a fresh one-time link replaces any unused
//! one; the link is never logged or kept, only its hash (`accounts::one_time`).

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::one_time::{self, Purpose};
use super::outbox;
use crate::audit::{self, Event, action};
use crate::csv_out::CsvOut;
use crate::entities::{identity_link, one_time_token, user};
use crate::error::AppResult;
use crate::ids::PersonId;

/// Whose links to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// These people (those of them still waiting to activate).
    These(Vec<i64>),
    /// Everyone whose activation link ran out unused.
    Expired,
}

/// Who asked, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct SentBy {
    pub actor_user_id: Option<PersonId>,
    pub client_address: Option<String>,
}

/// What was done: how many links went out, and how many of the people named were left out
/// (already active, disabled, erased, signing in through single sign-on, or unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sent {
    pub links: usize,
    pub skipped: usize,
}

/// The people `which` names who are still waiting to activate their account, by id.
async fn waiting(db: &impl ConnectionTrait, which: &Which) -> AppResult<Vec<user::Model>> {
    let mut query = user::Entity::find()
        .filter(user::Column::PasswordHash.is_null())
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::PseudonymisedAt.is_null());
    if let Which::These(ids) = which {
        query = query.filter(user::Column::Id.is_in(ids.clone()));
    }
    let linked: HashSet<i64> = identity_link::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.user_id)
        .collect();
    let mut people: Vec<user::Model> = query
        .all(db)
        .await?
        .into_iter()
        .filter(|p| !linked.contains(&p.id))
        .collect();
    if *which == Which::Expired {
        let tokens = one_time_token::Entity::find()
            .filter(one_time_token::Column::Purpose.eq(Purpose::Activation.as_str()))
            .all(db)
            .await?;
        let now = Utc::now();
        let had: HashSet<i64> = tokens.iter().filter_map(|t| t.user_id).collect();
        let valid: HashSet<i64> = tokens
            .iter()
            .filter(|t| t.used_at.is_none() && t.expires_at > now)
            .filter_map(|t| t.user_id)
            .collect();
        people.retain(|p| had.contains(&p.id) && !valid.contains(&p.id));
    }
    people.sort_by_key(|p| p.id);
    Ok(people)
}

/// How many people's activation links ran out unused.
pub async fn expired_count(db: &impl ConnectionTrait) -> AppResult<usize> {
    Ok(waiting(db, &Which::Expired).await?.len())
}

fn skipped(which: &Which, links: usize) -> usize {
    match which {
        Which::These(ids) => ids
            .iter()
            .collect::<HashSet<_>>()
            .len()
            .saturating_sub(links),
        Which::Expired => 0,
    }
}

/// Emails each person `which` names a fresh activation link, and records it in the audit log
/// (how many, and who; never the links).
pub async fn email_links(
    db: &DatabaseConnection,
    public_url: &str,
    which: Which,
    by: SentBy,
) -> AppResult<Sent> {
    let txn = crate::db::begin_write(db).await?;
    let people = waiting(&txn, &which).await?;
    for person in &people {
        let raw = one_time::issue(&txn, Purpose::Activation, Some(person.id)).await?;
        let letter = crate::notify::templates::letter(
            "activation",
            "Activate your Genomics training account".to_owned(),
            &json!({
                "name": person.display_name,
                "link": format!("{public_url}/activate/{raw}"),
                "days": Purpose::Activation.lifetime().num_days(),
            }),
        )?;
        outbox::enqueue(&txn, &person.email, letter).await?;
    }
    let sent = Sent {
        links: people.len(),
        skipped: skipped(&which, people.len()),
    };
    record(&txn, action::ACTIVATION_EMAILED, &which, &people, by).await?;
    txn.commit().await?;
    Ok(sent)
}

/// A CSV of fresh activation links (email, display_name, employee_number, link, expires_at)
/// for each person `which` names, replacing their earlier links; recorded in the audit log
/// without the links.
pub async fn links_csv(
    db: &DatabaseConnection,
    public_url: &str,
    which: Which,
    by: SentBy,
) -> AppResult<(String, Sent)> {
    let txn = crate::db::begin_write(db).await?;
    let people = waiting(&txn, &which).await?;
    let expires = (Utc::now() + Purpose::Activation.lifetime()).date_naive();
    let mut csv = CsvOut::crlf();
    csv.record([
        "email",
        "display_name",
        "employee_number",
        "link",
        "expires_on",
    ])?;
    for person in &people {
        let raw = one_time::issue(&txn, Purpose::Activation, Some(person.id)).await?;
        csv.record([
            person.email.as_str(),
            person.display_name.as_str(),
            person.employee_number.as_deref().unwrap_or(""),
            &format!("{public_url}/activate/{raw}"),
            &expires.to_string(),
        ])?;
    }
    let sent = Sent {
        links: people.len(),
        skipped: skipped(&which, people.len()),
    };
    record(&txn, action::ACTIVATION_LINKS_EXPORTED, &which, &people, by).await?;
    txn.commit().await?;
    Ok((csv.finish()?, sent))
}

async fn record(
    db: &impl ConnectionTrait,
    name: &'static str,
    which: &Which,
    people: &[user::Model],
    by: SentBy,
) -> AppResult<()> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    audit::record(
        db,
        Event::new(name)
            .by(by.actor_user_id)
            .subject(match which {
                Which::These(_) => "chosen people",
                Which::Expired => "people whose link had expired",
            })
            .detail(json!({ "count": ids.len(), "user_ids": ids }))
            .from_address(by.client_address),
    )
    .await
}
