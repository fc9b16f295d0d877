//! The two legs of a sign-in: [`begin`] sends the browser to the provider; [`finish`] takes it
//! back at the callback, checks everything, links the person and starts a session.

use openidconnect::core::{CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RequestTokenError, Scope, TokenResponse as _,
};
use sea_orm::{DatabaseConnection, EntityTrait, Set};

use super::link::{self, Found, Identity};
use super::login::{self, Pending};
use super::provider::{self, Claims, ExtraClaims, Metadata, OidcClient, ProviderError, Token};
use super::{Context, Failure, SsoError};
use crate::accounts::sessions::{self, NewSession};
use crate::accounts::throttle::{self, Key};
use crate::accounts::token;
use crate::accounts::users::{self, Account};
use crate::audit::{self, Event, action};
use crate::config::OidcProvider;
use crate::entities::federated_session;
use crate::monitoring::{self, Outcome, SignInMethod};

const START_AGAIN: &str = "Go back to the sign-in page and start again.";

/// The redirect URI registered with every provider for `provider`.
pub fn redirect_uri(public_url: &str, provider: &str) -> String {
    format!("{public_url}/login/sso/{provider}/callback")
}

fn provider_failure(error: ProviderError) -> Failure {
    tracing::warn!(error = %error, "single sign-on provider failed");
    if error.unavailable {
        Failure::new(
            503,
            "provider_unavailable",
            "The sign-in service did not answer in time. Try again in a few minutes. If it keeps happening, your IT service desk can tell you whether NHS sign-in is down.",
        )
    } else {
        Failure::new(
            502,
            "provider_error",
            "The sign-in service sent an answer we could not use. Try again in a few minutes; if it keeps happening, tell the person who manages Genomics training at your organisation.",
        )
    }
}

fn build_client(
    sso: &Context<'_>,
    provider: &OidcProvider,
    metadata: Metadata,
) -> Result<OidcClient, Failure> {
    provider::client(
        provider,
        metadata,
        redirect_uri(&sso.config.public_url, &provider.name),
    )
    .map_err(|e| {
        provider_failure(ProviderError {
            unavailable: false,
            detail: e,
        })
    })
}

/// Starts a sign-in at `provider`: stores the pending sign-in and returns the provider's
/// authorization URL and the value for the browser's sign-in cookie.
pub async fn begin(
    sso: &Context<'_>,
    provider: &OidcProvider,
    next: String,
) -> Result<(String, String), SsoError> {
    let metadata = sso
        .providers
        .metadata(provider)
        .await
        .map_err(provider_failure)?;
    let client = build_client(sso, provider, metadata)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in provider.scopes.iter().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let browser = login::store(
        sso.db,
        Pending {
            provider: provider.name.clone(),
            state: csrf.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next,
        },
    )
    .await?;
    Ok((url.to_string(), browser))
}

/// What the provider sent to the callback.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    pub account: Account,
    pub session: NewSession,
    pub next: String,
}

/// Finishes a sign-in at the callback. Every refusal is audited with the provider and the
/// reason, and counted against the client's address like a wrong password.
pub async fn finish(
    sso: &Context<'_>,
    provider: &OidcProvider,
    callback: Callback,
    browser: Option<&str>,
    client_address: Option<String>,
    replaced: Option<&str>,
) -> Result<SignedIn, SsoError> {
    let result = check_callback(sso, provider, callback, browser, client_address, replaced).await;
    let outcome = match &result {
        Ok(_) => Outcome::Success,
        Err(SsoError::Failed(_)) => Outcome::Failure,
        Err(SsoError::App(_)) => Outcome::Error,
    };
    monitoring::sign_in(SignInMethod::SingleSignOn, outcome);
    result
}

async fn check_callback(
    sso: &Context<'_>,
    provider: &OidcProvider,
    callback: Callback,
    browser: Option<&str>,
    client_address: Option<String>,
    replaced: Option<&str>,
) -> Result<SignedIn, SsoError> {
    let db = sso.db;
    let throttle_key = client_address.clone().map(Key::Address);
    if let Some(key) = &throttle_key
        && let Some(until) = throttle::locked_until(db, std::slice::from_ref(key)).await?
    {
        return Err(Failure::new(
            429,
            "locked",
            format!(
                "There have been too many failed sign-ins from your network. {}, then try again.",
                throttle::wait_phrase(until)
            ),
        )
        .into());
    }
    let failure = match verify(sso, provider, callback, browser).await {
        Ok((identity, token, next)) => {
            match complete(
                db,
                sso,
                provider,
                &identity,
                &token,
                client_address.clone(),
                replaced,
            )
            .await?
            {
                Ok((account, session, found)) => {
                    // Someone just made here chooses their job role first.
                    let next = if found == Found::Created {
                        "/account/job".to_owned()
                    } else {
                        next
                    };
                    return Ok(SignedIn {
                        account,
                        session,
                        next,
                    });
                }
                Err(refusal) => Failure::new(403, refusal.reason, refusal.message),
            }
        }
        Err(SsoError::Failed(failure)) => failure,
        Err(other) => return Err(other),
    };
    refused(
        db,
        provider,
        &failure,
        throttle_key.as_ref(),
        client_address,
    )
    .await?;
    Err(failure.into())
}

/// Audits a refusal and, unless the person only cancelled or the provider was down, counts it.
async fn refused(
    db: &DatabaseConnection,
    provider: &OidcProvider,
    failure: &Failure,
    key: Option<&Key>,
    client_address: Option<String>,
) -> Result<(), SsoError> {
    audit::record(
        db,
        Event::new(action::SIGN_IN_FAILED)
            .subject(format!("sso:{}", provider.name))
            .detail(serde_json::json!({"provider": provider.name, "reason": failure.reason}))
            .from_address(client_address),
    )
    .await?;
    let counts = failure.status < 500 && failure.reason != "access_denied";
    if counts && let Some(key) = key {
        throttle::record_failure(db, key).await?;
    }
    Ok(())
}

/// Checks the callback against the pending sign-in, redeems the code and checks the ID token:
/// the person's identity, the raw ID token (for sign-out) and where to go next.
async fn verify(
    sso: &Context<'_>,
    provider: &OidcProvider,
    callback: Callback,
    browser: Option<&str>,
) -> Result<(Identity, String, String), SsoError> {
    let pending = match browser {
        Some(browser) => login::take(sso.db, browser).await?,
        None => None,
    };
    if let Some(error) = callback.error.as_deref() {
        let reason = if error == "access_denied" {
            "access_denied".to_owned()
        } else {
            format!(
                "provider_error:{}",
                error
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(40)
                    .collect::<String>()
            )
        };
        let message = if error == "access_denied" {
            "You cancelled signing in, or the sign-in service did not let you in. You have not been signed in."
        } else {
            "The sign-in service could not sign you in. You have not been signed in. Try again, or ask your IT service desk."
        };
        return Err(Failure::new(400, reason, format!("{message} {START_AGAIN}")).into());
    }
    let Some(sent_state) = callback.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(Failure::new(
            400,
            "state_missing",
            format!("The answer from the sign-in service was incomplete. {START_AGAIN}"),
        )
        .into());
    };
    let Some(pending) = pending else {
        return Err(Failure::new(
            400,
            "login_not_found",
            format!(
                "This sign-in has expired, was already used, or was started in another browser. {START_AGAIN}"
            ),
        )
        .into());
    };
    if pending.provider != provider.name || !token::same(&pending.state, sent_state) {
        return Err(Failure::new(
            400,
            "state_mismatch",
            format!("This sign-in does not match the one started in this browser. {START_AGAIN}"),
        )
        .into());
    }
    let Some(code) = callback.code.filter(|c| !c.is_empty()) else {
        return Err(Failure::new(
            400,
            "code_missing",
            format!("The answer from the sign-in service was incomplete. {START_AGAIN}"),
        )
        .into());
    };
    let metadata = sso
        .providers
        .metadata(provider)
        .await
        .map_err(provider_failure)?;
    let client = build_client(sso, provider, metadata)?;
    let response = exchange(sso, provider, &client, code, pending.pkce_verifier).await?;
    let token = response.id_token().cloned().ok_or_else(|| {
        Failure::new(
            502,
            "no_id_token",
            "The sign-in service did not say who you are. Try again in a few minutes.",
        )
    })?;
    let nonce = Nonce::new(pending.nonce);
    let (client, claims) = match check_token(&client, &token, &nonce, response.access_token()) {
        Err(error) if provider::is_unknown_key(&error) => {
            // The provider may have rotated its keys: fetch them again (at most once a minute).
            match sso
                .providers
                .refresh_keys(provider)
                .await
                .map_err(provider_failure)?
            {
                Some(metadata) => {
                    let client = build_client(sso, provider, metadata)?;
                    let claims = check_token(&client, &token, &nonce, response.access_token())
                        .map_err(token_failure)?;
                    (client, claims)
                }
                None => return Err(token_failure(error).into()),
            }
        }
        Err(error) => return Err(token_failure(error).into()),
        Ok(claims) => (client, claims),
    };
    let mut identity = identity_of(provider, &claims);
    if needs_userinfo(provider, &identity) {
        fill_from_userinfo(sso, provider, &client, &response, &mut identity).await;
    }
    Ok((identity, token.to_string(), pending.next))
}

async fn exchange(
    sso: &Context<'_>,
    provider: &OidcProvider,
    client: &OidcClient,
    code: String,
    verifier: String,
) -> Result<provider::TokenResponse, Failure> {
    let assertion = match &provider.client_auth {
        crate::config::ClientAuth::PrivateKey { .. } => {
            let audience = client
                .token_uri()
                .map(|u| u.to_string())
                .unwrap_or_default();
            Some(
                provider::client_assertion(provider, &audience).map_err(|e| {
                    provider_failure(ProviderError {
                        unavailable: false,
                        detail: format!("cannot sign the client assertion: {e}"),
                    })
                })?,
            )
        }
        crate::config::ClientAuth::Secret(_) => None,
    };
    let mut request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| {
            provider_failure(ProviderError {
                unavailable: false,
                detail: e.to_string(),
            })
        })?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier));
    if let Some(assertion) = assertion {
        request = request
            .add_extra_param(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .add_extra_param("client_assertion", assertion);
    }
    request
        .request_async(&sso.providers.http)
        .await
        .map_err(|error| match error {
            RequestTokenError::ServerResponse(response) => {
                let reason = match response.error() {
                    CoreErrorResponseType::InvalidGrant => "code_rejected".to_owned(),
                    other => format!("token_error:{}", other.as_ref()),
                };
                Failure::new(
                    400,
                    reason,
                    format!(
                        "The sign-in service would not confirm this sign-in (it may have been used already, or taken too long). {START_AGAIN}"
                    ),
                )
            }
            RequestTokenError::Request(http) => provider_failure(ProviderError {
                unavailable: http.is_unavailable(),
                detail: http.to_string(),
            }),
            other => provider_failure(ProviderError {
                unavailable: false,
                detail: format!("token endpoint: {other}"),
            }),
        })
}

/// The crate's full check of the ID token, then `azp` (which it leaves to the client) and the
/// access token hash when the token carries one.
fn check_token(
    client: &OidcClient,
    token: &Token,
    nonce: &Nonce,
    access_token: &openidconnect::AccessToken,
) -> Result<Claims, openidconnect::ClaimsVerificationError> {
    use openidconnect::ClaimsVerificationError as E;
    let verifier = provider::verifier(client);
    let claims = token.claims(&verifier, nonce)?.clone();
    let azp = claims.authorized_party().map(|azp| azp.as_str());
    if (claims.audiences().len() > 1 || azp.is_some()) && azp != Some(client.client_id().as_str()) {
        return Err(E::InvalidAudience(
            "several audiences, and the authorized party is not this service".into(),
        ));
    }
    if let Some(expected) = claims.access_token_hash() {
        let alg = token.signing_alg().map_err(E::SignatureVerification)?;
        let key = token
            .signing_key(&verifier)
            .map_err(E::SignatureVerification)?;
        let actual = AccessTokenHash::from_token(access_token, alg, key)
            .map_err(|e| E::Other(e.to_string()))?;
        if actual != *expected {
            return Err(E::Other("the access token hash does not match".into()));
        }
    }
    Ok(claims)
}

fn token_failure(error: openidconnect::ClaimsVerificationError) -> Failure {
    let mut detail = error.to_string();
    if let Some(source) = std::error::Error::source(&error) {
        detail.push_str(": ");
        detail.push_str(&source.to_string());
    }
    let detail: String = detail
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    Failure::new(
        401,
        format!("id_token_invalid: {detail}"),
        format!(
            "We could not confirm who you are from the sign-in service's answer, so you have not been signed in. {START_AGAIN}"
        ),
    )
}

/// A claim's text: a string, a number, or the first string of a list.
fn claim_text(claims: &ExtraClaims, name: Option<&str>) -> Option<String> {
    let value = claims.claims.get(name?)?;
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Array(items) => items.iter().find_map(|v| v.as_str())?.to_owned(),
        _ => return None,
    };
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn identity_of(provider: &OidcProvider, claims: &Claims) -> Identity {
    let extra = claims.additional_claims();
    Identity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified() != Some(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
        employee_number: claim_text(extra, provider.employee_number_claim.as_deref()),
        organisation: claim_text(extra, provider.organisation_claim.as_deref()),
    }
}

/// Whether a claim the linking needs is missing from the ID token (NHS CIS2 puts most claims
/// in userinfo).
fn needs_userinfo(provider: &OidcProvider, identity: &Identity) -> bool {
    identity.email.is_none()
        || (provider.employee_number_claim.is_some() && identity.employee_number.is_none())
        || (provider.organisation_claim.is_some() && identity.organisation.is_none())
}

/// Fills missing claims from the userinfo endpoint, when the provider has one. The crate
/// checks that userinfo speaks of the same subject. A failure here only leaves the claims
/// missing: linking then says clearly what it lacked.
async fn fill_from_userinfo(
    sso: &Context<'_>,
    provider: &OidcProvider,
    client: &OidcClient,
    response: &provider::TokenResponse,
    identity: &mut Identity,
) {
    let subject = openidconnect::SubjectIdentifier::new(identity.subject.clone());
    let Ok(request) = client.user_info(response.access_token().clone(), Some(subject)) else {
        return;
    };
    let info = match request
        .request_async::<ExtraClaims, _, CoreGenderClaim>(&sso.providers.http)
        .await
    {
        Ok(info) => info,
        Err(error) => {
            tracing::warn!(%error, "userinfo request failed");
            return;
        }
    };
    if identity.email.is_none() {
        identity.email = info.email().map(|e| e.as_str().to_owned());
        identity.email_verified = info.email_verified() != Some(false);
    }
    if identity.name.is_none() {
        identity.name = info
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned());
    }
    let extra = info.additional_claims();
    if identity.employee_number.is_none() {
        identity.employee_number = claim_text(extra, provider.employee_number_claim.as_deref());
    }
    if identity.organisation.is_none() {
        identity.organisation = claim_text(extra, provider.organisation_claim.as_deref());
    }
}

/// Links the person and starts their session, in one transaction.
async fn complete(
    db: &DatabaseConnection,
    sso: &Context<'_>,
    provider: &OidcProvider,
    identity: &Identity,
    id_token: &str,
    client_address: Option<String>,
    replaced: Option<&str>,
) -> Result<Result<(Account, NewSession, Found), link::Refusal>, SsoError> {
    let txn = crate::db::begin_write(db).await?;
    let (row, found) = match link::resolve(&txn, provider, identity).await? {
        Ok(resolved) => resolved,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(old) = replaced {
        sessions::end(&txn, &token::digest(old)).await?;
    }
    let session = sessions::start(&txn, sso.config, row.id, client_address.clone()).await?;
    federated_session::Entity::insert(federated_session::ActiveModel {
        session_hash: Set(token::digest(&session.id)),
        provider: Set(provider.name.clone()),
        id_token: Set(id_token.to_owned()),
    })
    .exec(&txn)
    .await?;
    let followed = match found {
        Found::Linked => None,
        Found::NewlyLinked => Some(action::IDENTITY_LINKED),
        Found::Created => Some(action::ACCOUNT_CREATED_BY_SSO),
    };
    if let Some(what) = followed {
        audit::record(
            &txn,
            Event::new(what)
                .by(Some(row.id.into()))
                .subject(row.email.clone())
                .detail(serde_json::json!({"provider": provider.name}))
                .from_address(client_address.clone()),
        )
        .await?;
    }
    audit::record(
        &txn,
        Event::new(action::SIGN_IN)
            .by(Some(row.id.into()))
            .subject(row.email.clone())
            .detail(serde_json::json!({"provider": provider.name}))
            .from_address(client_address),
    )
    .await?;
    let account = users::account(&txn, row.id)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("account vanished during sign-in"))?;
    txn.commit().await?;
    Ok(Ok((account, session, found)))
}
