//! The tool's own RSA keys: the newest unretired one signs the tool's messages (deep-linking
//! answers, client assertions for access tokens); the key set at `/lti/jwks` publishes it and
//! every retired key still kept, so a message signed just before a rotation still verifies at
//! the platform. A retired key is deleted once [`KEPT_AFTER_RETIREMENT`] has passed: longer
//! than any message the tool signs lives (five minutes) and than platforms cache key sets.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

use crate::entities::lti_tool_key::{self, Column, Entity};
use crate::error::{AppError, AppResult};

/// How long a retired key stays published.
pub const KEPT_AFTER_RETIREMENT: Duration = Duration::hours(24);

/// The key that signs, with its key id.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub encoding: jsonwebtoken::EncodingKey,
}

fn internal(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("LTI signing key: {error}").into())
}

fn generate() -> AppResult<(String, String)> {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(internal)?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(internal)?;
    Ok((
        crate::accounts::token::generate()[..16].to_owned(),
        pem.to_string(),
    ))
}

async fn insert(db: &impl ConnectionTrait) -> AppResult<lti_tool_key::Model> {
    let (kid, pem) = generate()?;
    Ok(lti_tool_key::ActiveModel {
        kid: Set(kid),
        private_pem: Set(pem),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn current_row(db: &impl ConnectionTrait) -> AppResult<Option<lti_tool_key::Model>> {
    Ok(Entity::find()
        .filter(Column::RetiredAt.is_null())
        .order_by_desc(Column::Id)
        .one(db)
        .await?)
}

/// The key that signs now, made on first use.
pub async fn signing_key(db: &impl ConnectionTrait) -> AppResult<SigningKey> {
    let row = match current_row(db).await? {
        Some(row) => row,
        None => insert(db).await?,
    };
    Ok(SigningKey {
        encoding: jsonwebtoken::EncodingKey::from_rsa_pem(row.private_pem.as_bytes())
            .map_err(internal)?,
        kid: row.kid,
    })
}

/// Makes a new signing key and retires the current one (kept published for a while); deletes
/// keys retired longer ago than they are kept. Returns the new key id.
pub async fn rotate(db: &impl ConnectionTrait, by: super::platforms::Actor) -> AppResult<String> {
    let now = Utc::now();
    Entity::delete_many()
        .filter(Column::RetiredAt.lt(now - KEPT_AFTER_RETIREMENT))
        .exec(db)
        .await?;
    Entity::update_many()
        .col_expr(
            Column::RetiredAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    let kid = insert(db).await?.kid;
    crate::audit::record(
        db,
        crate::audit::Event::new(crate::audit::action::LTI_KEY_ROTATED)
            .by(by.person)
            .subject(kid.clone())
            .from_address(by.client_address),
    )
    .await?;
    Ok(kid)
}

/// The public key set: the signing key (made if there is none) and the retired keys kept.
pub async fn jwks(db: &impl ConnectionTrait) -> AppResult<Value> {
    signing_key(db).await?;
    let since = Utc::now() - KEPT_AFTER_RETIREMENT;
    let rows = Entity::find().order_by_desc(Column::Id).all(db).await?;
    let mut keys = Vec::new();
    for row in rows
        .into_iter()
        .filter(|row| row.retired_at.is_none_or(|at| at > since))
    {
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(&row.private_pem).map_err(internal)?;
        keys.push(json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": row.kid,
            "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        }));
    }
    Ok(json!({ "keys": keys }))
}

/// Signs `claims` as a JWT (RS256) with the current key.
pub async fn sign(db: &impl ConnectionTrait, claims: &Value) -> AppResult<String> {
    let key = signing_key(db).await?;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(key.kid);
    jsonwebtoken::encode(&header, claims, &key.encoding).map_err(internal)
}
