//! Signing out of a session that began at a provider: where the provider publishes an
//! `end_session_endpoint`, the browser goes on there with `id_token_hint` and
//! `post_logout_redirect_uri` (the home page), so the person is signed out there too.

use std::str::FromStr;

use openidconnect::{ClientId, LogoutRequest, PostLogoutRedirectUrl};
use sea_orm::EntityTrait;

use super::Context;
use super::provider::Token;
use crate::entities::federated_session;
use crate::error::AppResult;

/// Where the browser should go after our session with `session_hash` ends, if the session
/// began at a provider that publishes an end-session endpoint. Read before the session ends
/// (the row goes with it). A provider that cannot be reached now only means no redirect.
pub async fn end_session_url(sso: &Context<'_>, session_hash: &str) -> AppResult<Option<String>> {
    let Some(row) = federated_session::Entity::find_by_id(session_hash.to_owned())
        .one(sso.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(provider) = sso.config.oidc_provider(&row.provider) else {
        return Ok(None);
    };
    let metadata = match sso.providers.metadata(provider).await {
        Ok(metadata) => metadata,
        Err(error) => {
            tracing::warn!(%error, provider = %provider.name, "no provider sign-out: discovery failed");
            return Ok(None);
        }
    };
    let Some(endpoint) = metadata.additional_metadata().end_session_endpoint.clone() else {
        return Ok(None);
    };
    let mut request =
        LogoutRequest::from(endpoint).set_client_id(ClientId::new(provider.client_id.clone()));
    if let Ok(token) = Token::from_str(&row.id_token) {
        request = request.set_id_token_hint(&token);
    }
    if let Ok(home) = PostLogoutRedirectUrl::new(format!("{}/", sso.config.public_url)) {
        request = request.set_post_logout_redirect_uri(home);
    }
    Ok(Some(request.http_get_url().to_string()))
}
