//! What the service knows of each OpenID Provider: its discovery document and signing keys,
//! cached, and fetched again when a token names a key not in the cache (key rotation), at most
//! once a minute per provider so that tokens with made-up key ids cannot make the service hammer
//! the provider. Every check of an ID token is the `openidconnect` crate's.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreRsaPrivateSigningKey, CoreTokenIntrospectionResponse,
    CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, ClientId, ClientSecret, DiscoveryError, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken, IdTokenClaims, IdTokenFields,
    IdTokenVerifier, IssuerUrl, JsonWebKeySet, PrivateSigningKey, ProviderMetadataWithLogout,
    StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};

use super::http::{HttpError, ProviderHttp};
use crate::config::{ClientAuth, OidcProvider};

/// Every claim of a token beyond the standard ones (employee number, organisation, ...).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtraClaims {
    #[serde(flatten)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for ExtraClaims {}

pub type Claims = IdTokenClaims<ExtraClaims, CoreGenderClaim>;
pub type Token = IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Fields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
pub type TokenResponse = StandardTokenResponse<Fields, CoreTokenType>;
pub type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
pub type Metadata = ProviderMetadataWithLogout;

/// How long a discovery document is used before it is fetched again.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The shortest time between two fetches of a provider's keys for unknown key ids.
pub const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// Clock difference allowed between the provider and this service for `exp` and `iat`.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::seconds(60);
/// An ID token issued longer ago than this is refused (it should be minutes old at most).
const MAX_TOKEN_AGE: chrono::Duration = chrono::Duration::minutes(10);

#[derive(Clone)]
struct Cached {
    metadata: Metadata,
    fetched_at: Instant,
    keys_refreshed_at: Option<Instant>,
}

/// Why a provider could not be used; `unavailable` when it is down or slow (503), otherwise it
/// answered something unusable (502).
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct ProviderError {
    pub unavailable: bool,
    pub detail: String,
}

impl ProviderError {
    pub fn from_discovery(error: DiscoveryError<HttpError>) -> Self {
        match error {
            DiscoveryError::Request(http) => Self {
                unavailable: http.is_unavailable(),
                detail: http.to_string(),
            },
            other => Self {
                unavailable: false,
                detail: format!("discovery failed: {other}"),
            },
        }
    }
}

/// The providers' caches and the HTTP client, shared by every request.
pub struct Providers {
    pub http: ProviderHttp,
    cache: Mutex<HashMap<String, Cached>>,
}

impl Providers {
    pub fn new(timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            http: ProviderHttp::new(timeout)?,
            cache: Mutex::new(HashMap::new()),
        })
    }

    fn cached(&self, name: &str) -> Option<Cached> {
        self.cache.lock().ok()?.get(name).cloned()
    }

    fn store(&self, name: &str, cached: Cached) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(name.to_owned(), cached);
        }
    }

    /// The provider's discovery document (with its keys), fetched when not cached or stale.
    pub async fn metadata(&self, provider: &OidcProvider) -> Result<Metadata, ProviderError> {
        if let Some(cached) = self.cached(&provider.name)
            && cached.fetched_at.elapsed() < DISCOVERY_LIFETIME
        {
            return Ok(cached.metadata);
        }
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|e| ProviderError {
            unavailable: false,
            detail: format!("issuer URL: {e}"),
        })?;
        let metadata = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(ProviderError::from_discovery)?;
        self.store(
            &provider.name,
            Cached {
                metadata: metadata.clone(),
                fetched_at: Instant::now(),
                keys_refreshed_at: None,
            },
        );
        Ok(metadata)
    }

    /// Fetches the provider's keys again, unless that was done less than a minute ago; returns
    /// the new metadata when the keys were fetched.
    pub async fn refresh_keys(
        &self,
        provider: &OidcProvider,
    ) -> Result<Option<Metadata>, ProviderError> {
        let Some(mut cached) = self.cached(&provider.name) else {
            return Ok(None);
        };
        if cached
            .keys_refreshed_at
            .is_some_and(|at| at.elapsed() < KEY_REFRESH_INTERVAL)
        {
            return Ok(None);
        }
        // Counted before the fetch, so a failing fetch is not retried at once either.
        cached.keys_refreshed_at = Some(Instant::now());
        self.store(&provider.name, cached.clone());
        let keys = JsonWebKeySet::fetch_async(cached.metadata.jwks_uri(), &self.http)
            .await
            .map_err(ProviderError::from_discovery)?;
        cached.metadata = cached.metadata.set_jwks(keys);
        self.store(&provider.name, cached.clone());
        Ok(Some(cached.metadata))
    }
}

/// The client for `provider` built on `metadata`.
pub fn client(
    provider: &OidcProvider,
    metadata: Metadata,
    redirect: String,
) -> Result<OidcClient, String> {
    let secret = match &provider.client_auth {
        ClientAuth::Secret(secret) => Some(ClientSecret::new(secret.clone())),
        ClientAuth::PrivateKey { .. } => None,
    };
    let mut client = OidcClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        secret,
    )
    .set_redirect_uri(openidconnect::RedirectUrl::new(redirect).map_err(|e| e.to_string())?);
    if matches!(provider.client_auth, ClientAuth::PrivateKey { .. }) {
        client = client.set_auth_type(openidconnect::AuthType::RequestBody);
    }
    Ok(client)
}

/// The verifier of ID tokens: the provider's keys and announced algorithms (the crate refuses
/// `none`, and HMAC unless with our own client secret), `iss`, `aud`, `exp` and `iat` within
/// [`CLOCK_SKEW`].
pub fn verifier(client: &OidcClient) -> IdTokenVerifier<'_, CoreJsonWebKey> {
    client
        .id_token_verifier()
        .set_time_fn(|| Utc::now() - CLOCK_SKEW)
        .set_issue_time_verifier_fn(|iat| {
            let now = Utc::now();
            if iat > now + CLOCK_SKEW {
                Err(format!("issued in the future ({iat})"))
            } else if iat < now - MAX_TOKEN_AGE {
                Err(format!("issued too long ago ({iat})"))
            } else {
                Ok(())
            }
        })
}

/// A `private_key_jwt` client assertion (RFC 7523) for the token endpoint `audience`.
pub fn client_assertion(provider: &OidcProvider, audience: &str) -> Result<String, String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let ClientAuth::PrivateKey { pem, key_id } = &provider.client_auth else {
        return Err("no private key".into());
    };
    let key = CoreRsaPrivateSigningKey::from_pem(pem, None)?;
    let mut header = serde_json::json!({ "alg": "RS512", "typ": "JWT" });
    if let Some(kid) = key_id {
        header["kid"] = serde_json::Value::String(kid.clone());
    }
    let now = Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": provider.client_id,
        "sub": provider.client_id,
        "aud": audience,
        "jti": crate::accounts::token::generate(),
        "iat": now,
        "exp": now + 300,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key
        .sign(
            &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
            signing_input.as_bytes(),
        )
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// Whether verification failed only because no cached key matched the token's key id.
pub fn is_unknown_key(error: &openidconnect::ClaimsVerificationError) -> bool {
    matches!(
        error,
        openidconnect::ClaimsVerificationError::SignatureVerification(
            openidconnect::SignatureVerificationError::NoMatchingKey
        )
    )
}
