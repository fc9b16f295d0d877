//! Organisations (NHS trusts and other bodies, by ODS code).

use std::collections::HashMap;

use chrono::Utc;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::OrgScope;
use crate::audit::{self, Event, action};
use crate::entities::organisation;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::validation::{self, FieldErrors};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<organisation::Model> for Organisation {
    fn from(row: organisation::Model) -> Self {
        Self {
            id: row.id,
            code: row.code,
            name: row.name,
        }
    }
}

/// A new organisation as typed on the page, sent as JSON or given on the command line:
/// unchecked until converted into a [`NewOrganisation`].
#[derive(Debug, Clone, Deserialize, Validate, utoipa::ToSchema)]
#[schema(as = OrganisationJson)]
pub struct OrganisationInput {
    #[validate(
        custom(
            function = "validation::filled",
            message = "Enter the organisation code"
        ),
        custom(
            function = "ods_code",
            message = "Organisation code must be up to 10 letters and numbers, like RJ1"
        )
    )]
    pub code: String,
    #[validate(
        custom(
            function = "validation::filled",
            message = "Enter the organisation name"
        ),
        custom(
            function = "at_most_200_characters",
            message = "Organisation name must be 200 characters or fewer"
        )
    )]
    pub name: String,
}

/// The fields in the order the page shows them.
const FIELDS: &[&str] = &["code", "name"];

/// Rule: up to 10 ASCII letters and digits once trimmed (a blank code is `filled`'s to report).
fn ods_code(code: &str) -> Result<(), ValidationError> {
    let code = code.trim();
    if code.len() <= 10 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(ValidationError::new("ods_code"))
    }
}

/// Rule: at most 200 characters once trimmed (the crate's `length` would count the spaces).
fn at_most_200_characters(name: &str) -> Result<(), ValidationError> {
    if name.trim().chars().count() <= 200 {
        Ok(())
    } else {
        Err(ValidationError::new("length"))
    }
}

/// A new organisation, checked: an ODS-style code (letters and digits, upper-cased) and a name.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub code: String,
    pub name: String,
}

impl TryFrom<&OrganisationInput> for NewOrganisation {
    /// Problems by field (`code`, `name`), in page order.
    type Error = FieldErrors;

    fn try_from(input: &OrganisationInput) -> Result<Self, FieldErrors> {
        validation::check(input, FIELDS)?;
        Ok(Self {
            code: input.code.trim().to_uppercase(),
            name: input.name.trim().to_owned(),
        })
    }
}

/// Every organisation's "Name (CODE)", by id.
pub async fn labels(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, format!("{} ({})", o.name, o.code)))
        .collect())
}

/// Every organisation in `scope`, by code.
pub async fn list(db: &impl ConnectionTrait, scope: &OrgScope) -> AppResult<Vec<Organisation>> {
    let mut select = organisation::Entity::find().order_by_asc(organisation::Column::Code);
    if let OrgScope::Only(ids) = scope {
        select = select.filter(organisation::Column::Id.is_in(ids.clone()));
    }
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .filter(|o| scope.includes(o.id))
        .map(Organisation::from)
        .collect())
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<Organisation>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .map(Organisation::from))
}

/// Who adds an organisation, for the audit log (`None` for the command line).
#[derive(Debug, Clone, Default)]
pub struct AddedBy {
    pub actor_user_id: Option<PersonId>,
    pub client_address: Option<String>,
    pub via: &'static str,
}

/// Adds an organisation and records who did it; a code already in use is a conflict.
pub async fn create(
    db: &impl ConnectionTrait,
    by: AddedBy,
    new: NewOrganisation,
) -> AppResult<Organisation> {
    if find_by_code(db, &new.code).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "An organisation with code {} already exists",
            new.code
        )));
    }
    let row = organisation::ActiveModel {
        code: Set(new.code),
        name: Set(new.name),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Event::new(action::ORGANISATION_CREATED)
            .by(by.actor_user_id)
            .subject(row.code.clone())
            .detail(serde_json::json!({
                "organisation_id": row.id,
                "name": row.name,
                "via": by.via,
            }))
            .from_address(by.client_address),
    )
    .await?;
    Ok(row.into())
}
