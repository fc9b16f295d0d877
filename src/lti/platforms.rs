//! Platform registrations: who may launch the tool. A platform is named by its `issuer` and
//! the `client_id` it gave the tool; launches from any deployment not listed are refused.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Event, action};
use crate::entities::{lti_deployment, lti_platform};
use crate::ids::PersonId;

/// Who made a change (none from the command line), for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub person: Option<PersonId>,
    pub client_address: Option<String>,
}
use crate::error::{AppError, AppResult};

/// A registration as an admin sends it (page form, JSON or command line).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PlatformInput {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    /// The platform's OIDC authorisation (login) endpoint.
    pub login_url: String,
    pub token_url: String,
    pub jwks_url: String,
    /// One or more deployment ids.
    pub deployment_ids: Vec<String>,
}

/// A registration as stored and shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Platform {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub login_url: String,
    pub token_url: String,
    pub jwks_url: String,
    pub deployment_ids: Vec<String>,
}

/// A registration checked: every field present and short enough, every address a URL.
#[derive(Debug, Clone)]
pub struct NewPlatform(PlatformInput);

fn url(field: &str, value: &str) -> Result<String, String> {
    let value = value.trim();
    match url::Url::parse(value) {
        Ok(parsed) if matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some() => {
            Ok(value.to_owned())
        }
        _ => Err(format!(
            "Enter the {field} as a full web address starting with https://."
        )),
    }
}

fn text(field: &str, value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("Enter the {field}."))
    } else if value.chars().count() > 255 {
        Err(format!("The {field} must be 255 characters or fewer."))
    } else {
        Ok(value.to_owned())
    }
}

impl TryFrom<PlatformInput> for NewPlatform {
    type Error = Vec<(&'static str, String)>;

    fn try_from(input: PlatformInput) -> Result<Self, Self::Error> {
        let mut problems = Vec::new();
        let mut check = |field: &'static str, result: Result<String, String>| match result {
            Ok(value) => Some(value),
            Err(message) => {
                problems.push((field, message));
                None
            }
        };
        let name = check("name", text("name", &input.name));
        let issuer = check(
            "issuer",
            text("issuer", &input.issuer).and_then(|i| url("issuer", &i)),
        );
        let client_id = check("client_id", text("client id", &input.client_id));
        let login_url = check("login_url", url("OIDC login address", &input.login_url));
        let token_url = check("token_url", url("access token address", &input.token_url));
        let jwks_url = check("jwks_url", url("key set address", &input.jwks_url));
        let mut deployment_ids: Vec<String> = Vec::new();
        for id in &input.deployment_ids {
            let id = id.trim();
            if id.is_empty() {
                continue;
            }
            match text("deployment id", id) {
                Ok(id) if !deployment_ids.contains(&id) => deployment_ids.push(id),
                Ok(_) => {}
                Err(message) => problems.push(("deployment_ids", message)),
            }
        }
        if deployment_ids.is_empty() {
            problems.push((
                "deployment_ids",
                "Enter at least one deployment id.".to_owned(),
            ));
        }
        match (name, issuer, client_id, login_url, token_url, jwks_url) {
            (
                Some(name),
                Some(issuer),
                Some(client_id),
                Some(login_url),
                Some(token_url),
                Some(jwks_url),
            ) if problems.is_empty() => Ok(Self(PlatformInput {
                name,
                issuer,
                client_id,
                login_url,
                token_url,
                jwks_url,
                deployment_ids,
            })),
            _ => Err(problems),
        }
    }
}

async fn deployments(db: &impl ConnectionTrait, platform_id: i64) -> AppResult<Vec<String>> {
    Ok(lti_deployment::Entity::find()
        .filter(lti_deployment::Column::PlatformId.eq(platform_id))
        .order_by_asc(lti_deployment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.deployment_id)
        .collect())
}

async fn shown(db: &impl ConnectionTrait, row: lti_platform::Model) -> AppResult<Platform> {
    Ok(Platform {
        deployment_ids: deployments(db, row.id).await?,
        id: row.id,
        name: row.name,
        issuer: row.issuer,
        client_id: row.client_id,
        login_url: row.login_url,
        token_url: row.token_url,
        jwks_url: row.jwks_url,
    })
}

/// Every registration, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<Platform>> {
    let rows = lti_platform::Entity::find()
        .order_by_asc(lti_platform::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(shown(db, row).await?);
    }
    Ok(out)
}

/// Registers a platform; a second registration of the same issuer and client id is a 409.
pub async fn register(
    db: &DatabaseConnection,
    platform: NewPlatform,
    by: Actor,
) -> AppResult<Platform> {
    let NewPlatform(input) = platform;
    let txn = crate::db::begin_write(db).await?;
    let existing = lti_platform::Entity::find()
        .filter(lti_platform::Column::Issuer.eq(input.issuer.as_str()))
        .filter(lti_platform::Column::ClientId.eq(input.client_id.as_str()))
        .one(&txn)
        .await?;
    if existing.is_some() {
        return Err(AppError::Conflict(
            "A platform with this issuer and client id is registered already.".into(),
        ));
    }
    let row = lti_platform::ActiveModel {
        name: Set(input.name),
        issuer: Set(input.issuer),
        client_id: Set(input.client_id),
        login_url: Set(input.login_url),
        token_url: Set(input.token_url),
        jwks_url: Set(input.jwks_url),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for deployment_id in input.deployment_ids {
        lti_deployment::ActiveModel {
            platform_id: Set(row.id),
            deployment_id: Set(deployment_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let platform = shown(&txn, row).await?;
    audit::record(
        &txn,
        Event::new(action::LTI_PLATFORM_REGISTERED)
            .by(by.person)
            .subject(platform.name.clone())
            .detail(serde_json::json!({"issuer": platform.issuer, "client_id": platform.client_id}))
            .from_address(by.client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(platform)
}

/// Removes a registration (its links and queued scores go with it).
pub async fn remove(db: &impl ConnectionTrait, id: i64, by: Actor) -> AppResult<Platform> {
    let row = find(db, id).await?;
    lti_platform::Entity::delete_by_id(id).exec(db).await?;
    audit::record(
        db,
        Event::new(action::LTI_PLATFORM_REMOVED)
            .by(by.person)
            .subject(row.name.clone())
            .detail(serde_json::json!({"issuer": row.issuer, "client_id": row.client_id}))
            .from_address(by.client_address),
    )
    .await?;
    Ok(row)
}

/// One registration, or a 404.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Platform> {
    let row = lti_platform::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such platform registration.".into()))?;
    shown(db, row).await
}

/// The registration a login from `issuer` (with `client_id`, when the platform sent one) is
/// for: with no client id, only an issuer registered once is unambiguous.
pub async fn for_login(
    db: &impl ConnectionTrait,
    issuer: &str,
    client_id: Option<&str>,
) -> AppResult<Option<lti_platform::Model>> {
    let mut query = lti_platform::Entity::find().filter(lti_platform::Column::Issuer.eq(issuer));
    if let Some(client_id) = client_id {
        query = query.filter(lti_platform::Column::ClientId.eq(client_id));
    }
    let mut rows = query.all(db).await?;
    Ok(if rows.len() == 1 { rows.pop() } else { None })
}

/// Whether `deployment_id` is registered for the platform.
pub async fn has_deployment(
    db: &impl ConnectionTrait,
    platform_id: i64,
    deployment_id: &str,
) -> AppResult<bool> {
    Ok(lti_deployment::Entity::find()
        .filter(lti_deployment::Column::PlatformId.eq(platform_id))
        .filter(lti_deployment::Column::DeploymentId.eq(deployment_id))
        .one(db)
        .await?
        .is_some())
}

/// The origins (scheme, host, port) of every registered platform's login endpoint: the
/// pages that may frame the LTI routes and receive their forms.
pub async fn origins(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for row in lti_platform::Entity::find().all(db).await? {
        for address in [&row.login_url, &row.issuer] {
            if let Ok(parsed) = url::Url::parse(address) {
                let origin = parsed.origin().ascii_serialization();
                if origin != "null" && !out.contains(&origin) {
                    out.push(origin);
                }
            }
        }
    }
    Ok(out)
}

/// The registered platforms' origins, kept in memory for the response headers (read on
/// every response, so never from the database there); loaded at start, after every change
/// of the registrations, and at each login initiation and launch (so a registration made by
/// the command line or on another instance takes effect from the next launch).
#[derive(Debug, Default)]
pub struct FrameOrigins(std::sync::RwLock<Vec<String>>);

impl FrameOrigins {
    pub async fn reload(&self, db: &impl ConnectionTrait) -> AppResult<()> {
        let loaded = origins(db).await?;
        if let Ok(mut held) = self.0.write() {
            *held = loaded;
        }
        Ok(())
    }

    /// The origins, space-separated for a CSP source list (empty when none).
    pub fn sources(&self) -> String {
        self.0.read().map(|o| o.join(" ")).unwrap_or_default()
    }
}
