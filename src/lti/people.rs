//! Who a launch is for. A link (`iss` + `sub`, the table single sign-on uses) made at the
//! first launch decides every later one; the first launch finds the person an admin imported
//! by email (compared lower-case) or by employee number. Nobody is created: someone not
//! imported is refused with what to do.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::claims::LaunchClaims;
use super::{LtiError, refuse};
use crate::accounts::{Email, users};
use crate::entities::{identity_link, user};

const NOT_FOUND: &str = "Genomics training has no account for you yet, so you cannot open it from your course. Ask the person who manages Genomics training at your organisation (your learning and development team) to add you, then open the activity again.";

/// The person the launch is for, and whether the link was made now.
pub async fn resolve(
    db: &impl ConnectionTrait,
    claims: &LaunchClaims,
    subject: &str,
) -> Result<(user::Model, bool), LtiError> {
    let now = Utc::now();
    let linked = identity_link::Entity::find()
        .filter(identity_link::Column::Issuer.eq(claims.iss.as_str()))
        .filter(identity_link::Column::Subject.eq(subject))
        .one(db)
        .await?;
    let (row, newly) = match linked {
        Some(link) => {
            identity_link::Entity::update_many()
                .col_expr(
                    identity_link::Column::LastSignInAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(identity_link::Column::Id.eq(link.id))
                .exec(db)
                .await?;
            let row = user::Entity::find_by_id(link.user_id).one(db).await?;
            (row, false)
        }
        None => (imported(db, claims).await?, true),
    };
    let Some(row) = row else {
        return Err(refuse(403, "person_not_found", NOT_FOUND));
    };
    if row.disabled_at.is_some() || row.pseudonymised_at.is_some() {
        return Err(refuse(
            403,
            "account_disabled",
            "Your Genomics training account is switched off, so you cannot open it from your course. Ask the person who manages Genomics training at your organisation.",
        ));
    }
    if newly {
        identity_link::Entity::insert(identity_link::ActiveModel {
            issuer: Set(claims.iss.clone()),
            subject: Set(subject.to_owned()),
            user_id: Set(row.id),
            provider: Set("lti".to_owned()),
            organisation_id: Set(None),
            created_at: Set(now),
            last_sign_in_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok((row, newly))
}

async fn imported(
    db: &impl ConnectionTrait,
    claims: &LaunchClaims,
) -> Result<Option<user::Model>, LtiError> {
    if let Some(email) = claims.email.as_deref().and_then(|e| Email::parse(e).ok())
        && let Some(row) = users::find_by_email(db, &email).await?
    {
        return Ok(Some(row));
    }
    if let Some(number) = claims.employee_number() {
        return Ok(user::Entity::find()
            .filter(user::Column::EmployeeNumber.eq(number))
            .one(db)
            .await?);
    }
    Ok(None)
}
