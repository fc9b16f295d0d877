//! Who a provider's account is here. A link (`iss` + `sub`) made at the first sign-in decides
//! every later one, so a changed email at the provider neither locks the person out nor makes a
//! second account. The first sign-in finds the person an admin imported by email (stored
//! lower-case, so compared case-insensitively) or by employee number, as `link_by` says; a
//! person not found is refused, unless `create_unknown` makes them a learner.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::super::users::{self, NewUser};
use super::super::{Email, organisations};
use crate::config::{LinkBy, OidcProvider};
use crate::entities::{identity_link, user};
use crate::error::AppResult;

/// What the provider says about the person (from the verified ID token, and userinfo).
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// `false` only when the provider says the email address is not verified.
    pub email_verified: bool,
    pub name: Option<String>,
    pub employee_number: Option<String>,
    pub organisation: Option<String>,
}

/// How the person was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Through an existing link.
    Linked,
    /// First sign-in: linked now to the imported person.
    NewlyLinked,
    /// First sign-in of someone nobody imported: a learner was made (`create_unknown`).
    Created,
}

/// Why nobody may be signed in; `reason` goes into the audit log, `message` to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: &'static str,
    pub message: String,
}

fn refuse(reason: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        reason,
        message: message.into(),
    }
}

const ASK_ADMIN: &str = "Ask the person who manages Genomics training at your organisation (your learning and development team) to add you, then sign in again.";

fn usable(row: &user::Model) -> Result<(), Refusal> {
    if row.disabled_at.is_some() || row.pseudonymised_at.is_some() {
        return Err(refuse(
            "account_disabled",
            "Your Genomics training account is switched off, so you cannot sign in. Ask the person who manages Genomics training at your organisation.",
        ));
    }
    Ok(())
}

/// The person `identity` signs in as, linking or creating them at the first sign-in.
pub async fn resolve(
    db: &impl ConnectionTrait,
    provider: &OidcProvider,
    identity: &Identity,
) -> AppResult<Result<(user::Model, Found), Refusal>> {
    let now = Utc::now();
    if let Some(link) = identity_link::Entity::find()
        .filter(identity_link::Column::Issuer.eq(identity.issuer.as_str()))
        .filter(identity_link::Column::Subject.eq(identity.subject.as_str()))
        .one(db)
        .await?
    {
        let Some(row) = user::Entity::find_by_id(link.user_id).one(db).await? else {
            return Ok(Err(refuse("account_missing", ASK_ADMIN)));
        };
        if let Err(refusal) = usable(&row) {
            return Ok(Err(refusal));
        }
        let mut active = link.into_active_model();
        active.last_sign_in_at = Set(now);
        active.update(db).await?;
        return Ok(Ok((row, Found::Linked)));
    }
    let candidate = match find_imported(db, provider, identity).await? {
        Ok(candidate) => candidate,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let (row, found, organisation_id) = match candidate {
        Some(row) => {
            if let Err(refusal) = usable(&row) {
                return Ok(Err(refusal));
            }
            (row, Found::NewlyLinked, None)
        }
        None if provider.create_unknown => match create(db, provider, identity).await? {
            Ok((row, organisation_id)) => (row, Found::Created, Some(organisation_id)),
            Err(refusal) => return Ok(Err(refusal)),
        },
        None => {
            return Ok(Err(refuse(
                "person_not_found",
                format!(
                    "You signed in, but Genomics training has no account for you yet. {ASK_ADMIN}"
                ),
            )));
        }
    };
    identity_link::Entity::insert(identity_link::ActiveModel {
        issuer: Set(identity.issuer.clone()),
        subject: Set(identity.subject.clone()),
        user_id: Set(row.id),
        provider: Set(provider.name.clone()),
        organisation_id: Set(organisation_id),
        created_at: Set(now),
        last_sign_in_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(Ok((row, found)))
}

/// The imported person the first sign-in belongs to, by `link_by`.
async fn find_imported(
    db: &impl ConnectionTrait,
    provider: &OidcProvider,
    identity: &Identity,
) -> AppResult<Result<Option<user::Model>, Refusal>> {
    match provider.link_by {
        LinkBy::Email => {
            let Some(email) = identity.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
                return Ok(Err(refuse(
                    "no_email_claim",
                    format!(
                        "Your sign-in service did not tell us your email address, so we cannot find your account. {ASK_ADMIN}"
                    ),
                )));
            };
            if !identity.email_verified {
                return Ok(Err(refuse(
                    "email_not_verified",
                    format!(
                        "Your sign-in service says your email address is not verified, so we cannot use it to find your account. {ASK_ADMIN}"
                    ),
                )));
            }
            Ok(Ok(users::find_by_email(db, &email).await?))
        }
        LinkBy::EmployeeNumber => {
            let Some(number) = identity
                .employee_number
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
            else {
                return Ok(Err(refuse(
                    "no_employee_number_claim",
                    format!(
                        "Your sign-in service did not tell us your employee number, so we cannot find your account. {ASK_ADMIN}"
                    ),
                )));
            };
            Ok(Ok(user::Entity::find()
                .filter(user::Column::EmployeeNumber.eq(number))
                .one(db)
                .await?))
        }
    }
}

/// A learner for someone nobody imported, in the organisation the claim maps to.
async fn create(
    db: &impl ConnectionTrait,
    provider: &OidcProvider,
    identity: &Identity,
) -> AppResult<Result<(user::Model, i64), Refusal>> {
    let Some(code) = identity
        .organisation
        .as_deref()
        .and_then(|value| provider.organisation_code(value))
    else {
        return Ok(Err(refuse(
            "organisation_not_mapped",
            format!(
                "Your sign-in service did not say which organisation you work for, or it is not one that uses Genomics training here. {ASK_ADMIN}"
            ),
        )));
    };
    let Some(organisation) = organisations::find_by_code(db, &code).await? else {
        return Ok(Err(refuse(
            "organisation_unknown",
            format!("Your organisation ({code}) is not set up in Genomics training. {ASK_ADMIN}"),
        )));
    };
    let email = match identity.email.as_deref().map(Email::parse) {
        Some(Ok(email)) if identity.email_verified => email,
        _ => {
            return Ok(Err(refuse(
                "no_email_claim",
                format!(
                    "Your sign-in service did not tell us a verified email address, which a new account needs. {ASK_ADMIN}"
                ),
            )));
        }
    };
    if users::find_by_email(db, &email).await?.is_some() {
        // Someone else (or this person under another link) already has the address.
        return Ok(Err(refuse("email_in_use", ASK_ADMIN)));
    }
    let display_name = identity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(email.as_str())
        .chars()
        .take(200)
        .collect();
    // An employee number someone else already has is left out rather than refused.
    let employee_number = match identity.employee_number.as_deref().map(str::trim) {
        Some(number) if !number.is_empty() => user::Entity::find()
            .filter(user::Column::EmployeeNumber.eq(number))
            .one(db)
            .await?
            .is_none()
            .then(|| number.to_owned()),
        _ => None,
    };
    let row = users::create(
        db,
        NewUser {
            email: email.to_string(),
            display_name,
            employee_number,
            password_hash: None,
            active: true,
            trainer: false,
            admin: false,
        },
    )
    .await?;
    Ok(Ok((row, organisation.id)))
}
