//! A launch: the platform's third-party initiated login (`/lti/login`) sends the browser to the
//! platform's authorisation endpoint with a `state` (also set in the browser's cookie) and a
//! `nonce` (kept on the server); the platform posts an `id_token` back to `/lti/launch`, which
//! is checked in full here before anyone is signed in:
//!
//! the `state` equals the browser's cookie and names a login under way (taken, so used once);
//! the token is RS256, signed by a key of the platform of that login (fetched again for an
//! unknown key id); `iss`, `aud` (the client id), `azp`, `exp`, `iat`; the `nonce` is the one
//! sent; the deployment id is registered; the LTI version is 1.3.0 and the message type one the
//! tool handles; `sub` and the claims the message type needs are present.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::claims::{self, LaunchClaims};
use super::{LtiError, PlatformKeys, deep_linking, people, platforms, refuse};
use crate::accounts::sessions::{self, LaunchView, NewSession};
use crate::accounts::token;
use crate::audit::{self, Event, action};
use crate::config::AppConfig;
use crate::entities::{lti_link, lti_login, lti_platform};

/// How long the person has at the platform before the launch must start again.
pub const LIFETIME_MINUTES: i64 = 10;
/// An `id_token` issued longer ago than this is refused.
const MAX_TOKEN_AGE: i64 = 10 * 60;
/// Clock difference allowed between the platform and the tool.
const CLOCK_SKEW: u64 = 60;

/// What a launch needs of the running service.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    pub config: &'a AppConfig,
    pub keys: &'a PlatformKeys,
}

/// The platform's login initiation request (query or form).
#[derive(Debug, Clone, Default)]
pub struct LoginRequest {
    pub iss: Option<String>,
    pub login_hint: Option<String>,
    pub target_link_uri: Option<String>,
    pub lti_message_hint: Option<String>,
    pub client_id: Option<String>,
    pub lti_deployment_id: Option<String>,
}

/// Where to send the browser, and the `state` for its cookie.
pub struct LoginRedirect {
    pub url: String,
    pub state: String,
}

const START_AGAIN: &str = "Go back to your course and open the activity again.";

/// Checks the login initiation and stores the login under way.
pub async fn begin(ctx: Context<'_>, request: LoginRequest) -> Result<LoginRedirect, LtiError> {
    let missing = |what: &str| {
        refuse(
            400,
            "login_incomplete",
            &format!(
                "The launch from your learning platform did not include {what}. {START_AGAIN}"
            ),
        )
    };
    let iss = request
        .iss
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("its issuer (iss)"))?;
    let login_hint = request
        .login_hint
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("a login hint"))?;
    let target = request
        .target_link_uri
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("the target link"))?;
    let public = ctx.config.public_url.trim_end_matches('/');
    if !(target == public || target.starts_with(&format!("{public}/"))) {
        return Err(refuse(
            400,
            "target_elsewhere",
            "The launch asked for a page that is not part of Genomics training. Tell the person who manages your learning platform.",
        ));
    }
    let Some(platform) = platforms::for_login(ctx.db, &iss, request.client_id.as_deref()).await?
    else {
        return Err(refuse(
            403,
            "unknown_issuer",
            "Your learning platform is not registered with Genomics training, so it cannot open it. Tell the person who manages your learning platform.",
        ));
    };
    if let Some(deployment) = request.lti_deployment_id.as_deref()
        && !platforms::has_deployment(ctx.db, platform.id, deployment).await?
    {
        return Err(unknown_deployment());
    }
    let state = token::generate();
    let nonce = token::generate();
    let now = Utc::now();
    lti_login::Entity::delete_many()
        .filter(lti_login::Column::ExpiresAt.lt(now))
        .exec(ctx.db)
        .await?;
    lti_login::Entity::insert(lti_login::ActiveModel {
        state_hash: Set(token::digest(&state)),
        platform_id: Set(platform.id),
        nonce: Set(nonce.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(LIFETIME_MINUTES)),
    })
    .exec(ctx.db)
    .await?;
    let mut url = url::Url::parse(&platform.login_url).map_err(|_| {
        refuse(
            502,
            "bad_login_url",
            "Your learning platform's login address could not be used. Tell the person who manages Genomics training at your organisation.",
        )
    })?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("scope", "openid")
            .append_pair("response_type", "id_token")
            .append_pair("response_mode", "form_post")
            .append_pair("prompt", "none")
            .append_pair("client_id", &platform.client_id)
            .append_pair("redirect_uri", &super::ToolUrls::new(public).redirect_url)
            .append_pair("login_hint", &login_hint)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce);
        if let Some(hint) = request.lti_message_hint.as_deref() {
            query.append_pair("lti_message_hint", hint);
        }
    }
    Ok(LoginRedirect {
        url: url.into(),
        state,
    })
}

fn unknown_deployment() -> LtiError {
    refuse(
        403,
        "unknown_deployment",
        "This course's link to Genomics training (its deployment) is not registered here. Tell the person who manages your learning platform.",
    )
}

/// What the platform posted to the launch URL.
#[derive(Debug, Clone, Default)]
pub struct LaunchPost {
    pub id_token: Option<String>,
    pub state: Option<String>,
}

/// Where a successful launch goes.
#[derive(Debug, Clone)]
pub enum Opened {
    /// A page of the service (the baseline, a module, or a trainer's view of them).
    Page(String),
    /// The instructor's choice of activity for a deep link, under this context token.
    Pick(String),
}

/// A launch that signed someone in.
pub struct Launched {
    pub session: NewSession,
    pub view: LaunchView,
    pub opened: Opened,
}

/// Checks the launch in full and signs the person in. `cookie_state` is the browser's cookie.
pub async fn finish(
    ctx: Context<'_>,
    post: LaunchPost,
    cookie_state: Option<&str>,
    client_address: Option<String>,
) -> Result<Launched, LtiError> {
    let result = match verify(ctx, post, cookie_state).await {
        Ok((platform, claims)) => sign_in(ctx, &platform, &claims, client_address.clone()).await,
        Err(error) => Err(error),
    };
    // Every refusal, of the token or of the person, is a failed sign-in in the audit log.
    if let Err(LtiError::Failed(failure)) = &result {
        audit::record(
            ctx.db,
            Event::new(action::SIGN_IN_FAILED)
                .subject("lti".to_owned())
                .detail(serde_json::json!({"lti": true, "reason": failure.reason}))
                .from_address(client_address),
        )
        .await?;
    }
    result
}

async fn verify(
    ctx: Context<'_>,
    post: LaunchPost,
    cookie_state: Option<&str>,
) -> Result<(lti_platform::Model, LaunchClaims), LtiError> {
    let (Some(id_token), Some(state)) = (post.id_token, post.state) else {
        return Err(refuse(
            400,
            "launch_incomplete",
            &format!("The launch did not include its token or state. {START_AGAIN}"),
        ));
    };
    if !cookie_state.is_some_and(|cookie| token::same(cookie, &state)) {
        return Err(refuse(
            400,
            "state_mismatch",
            &format!(
                "This launch did not start in this browser, or your browser blocked the cookie it needs. {START_AGAIN}"
            ),
        ));
    }
    let login = take_login(ctx.db, &state).await?.ok_or_else(|| {
        refuse(
            400,
            "state_unknown",
            &format!("This launch has been used already or has expired. {START_AGAIN}"),
        )
    })?;
    let platform = lti_platform::Entity::find_by_id(login.platform_id)
        .one(ctx.db)
        .await?
        .ok_or_else(|| {
            refuse(
                403,
                "unknown_issuer",
                "Your learning platform is no longer registered with Genomics training.",
            )
        })?;
    let claims = check_token(ctx.keys, &platform, &id_token).await?;
    if !claims
        .nonce
        .as_deref()
        .is_some_and(|n| token::same(n, &login.nonce))
    {
        return Err(refuse(
            400,
            "nonce_mismatch",
            &format!(
                "This launch's token was not made for this launch (it may have been used before). {START_AGAIN}"
            ),
        ));
    }
    if claims.aud.count() > 1 && claims.azp.is_none() {
        return Err(missing_claim("azp"));
    }
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| azp != platform.client_id)
    {
        return Err(refuse(
            403,
            "wrong_audience",
            "This launch's token was made for another tool.",
        ));
    }
    let now = Utc::now().timestamp();
    match claims.iat {
        None => return Err(missing_claim("iat")),
        Some(iat) if iat > now + CLOCK_SKEW as i64 || iat < now - MAX_TOKEN_AGE => {
            return Err(expired());
        }
        Some(_) => {}
    }
    if claims.sub.as_deref().is_none_or(str::is_empty) {
        return Err(missing_claim("sub"));
    }
    let deployment = claims
        .deployment_id
        .as_deref()
        .ok_or_else(|| missing_claim(claims::DEPLOYMENT_ID))?;
    if !platforms::has_deployment(ctx.db, platform.id, deployment).await? {
        return Err(unknown_deployment());
    }
    match claims.version.as_deref() {
        Some("1.3.0") => {}
        None => return Err(missing_claim(claims::VERSION)),
        Some(_) => {
            return Err(refuse(
                400,
                "wrong_version",
                "Your learning platform launched with an LTI version other than 1.3.0, which Genomics training does not accept.",
            ));
        }
    }
    match claims.message_type.as_deref() {
        Some(claims::RESOURCE_LINK_REQUEST) => {
            if claims
                .resource_link
                .as_ref()
                .is_none_or(|l| l.id.is_empty())
            {
                return Err(missing_claim(claims::RESOURCE_LINK));
            }
        }
        Some(claims::DEEP_LINKING_REQUEST) => {
            if claims.deep_linking.is_none() {
                return Err(missing_claim(claims::DEEP_LINKING_SETTINGS));
            }
        }
        None => return Err(missing_claim(claims::MESSAGE_TYPE)),
        Some(_) => {
            return Err(refuse(
                400,
                "wrong_message_type",
                "Your learning platform sent a kind of launch Genomics training does not handle (only resource links and deep linking).",
            ));
        }
    }
    if claims.roles.is_none() {
        return Err(missing_claim(claims::ROLES));
    }
    Ok((platform, claims))
}

fn missing_claim(name: &str) -> LtiError {
    refuse(
        400,
        "missing_claim",
        &format!(
            "The launch's token did not include the claim {name}, which Genomics training needs. Tell the person who manages your learning platform."
        ),
    )
}

fn expired() -> LtiError {
    refuse(
        401,
        "id_token_expired",
        &format!("The launch's token has expired. {START_AGAIN}"),
    )
}

async fn take_login(
    db: &DatabaseConnection,
    state: &str,
) -> Result<Option<lti_login::Model>, LtiError> {
    if !token::well_formed(state) {
        return Ok(None);
    }
    let hash = token::digest(state);
    let Some(row) = lti_login::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(None);
    };
    // Deleting first makes the take single-use even when two posts race.
    let deleted = lti_login::Entity::delete_by_id(hash)
        .exec(db)
        .await?
        .rows_affected;
    Ok((deleted == 1 && row.expires_at > Utc::now()).then_some(row))
}

/// The signature (RS256, the platform's key by `kid`), `iss`, `aud` and `exp`.
async fn check_token(
    keys: &PlatformKeys,
    platform: &lti_platform::Model,
    id_token: &str,
) -> Result<LaunchClaims, LtiError> {
    use jsonwebtoken::errors::ErrorKind;
    let malformed = || {
        refuse(
            400,
            "id_token_malformed",
            &format!("The launch's token could not be read. {START_AGAIN}"),
        )
    };
    let bad_signature = || {
        refuse(
            401,
            "bad_signature",
            "The launch's token is not signed by your learning platform's keys, so it was refused. Tell the person who manages your learning platform.",
        )
    };
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| malformed())?;
    if header.alg != jsonwebtoken::Algorithm::RS256 {
        return Err(bad_signature());
    }
    let kid = header.kid.ok_or_else(bad_signature)?;
    let jwk = keys.key(platform, &kid).await?.ok_or_else(bad_signature)?;
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).map_err(|_| bad_signature())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.leeway = CLOCK_SKEW;
    validation.set_audience(&[platform.client_id.as_str()]);
    validation.set_issuer(&[platform.issuer.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    match jsonwebtoken::decode::<LaunchClaims>(id_token, &key, &validation) {
        Ok(data) => Ok(data.claims),
        Err(error) => Err(match error.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => expired(),
            ErrorKind::InvalidIssuer => refuse(
                403,
                "unknown_issuer",
                "The launch's token names an issuer other than the platform the launch began at.",
            ),
            ErrorKind::InvalidAudience => refuse(
                403,
                "wrong_audience",
                "This launch's token was made for another tool.",
            ),
            ErrorKind::MissingRequiredClaim(name) => missing_claim(name),
            ErrorKind::InvalidSignature
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidAlgorithm
            | ErrorKind::InvalidKeyFormat => bad_signature(),
            ErrorKind::Json(_) => refuse(
                400,
                "claims_invalid",
                "The launch's token had a claim of the wrong kind. Tell the person who manages your learning platform.",
            ),
            _ => malformed(),
        }),
    }
}

/// Which activity a launch opens, checked: the baseline or a module by slug.
pub async fn activity_page(
    db: &impl sea_orm::ConnectionTrait,
    activity: &str,
    view: LaunchView,
) -> Result<String, LtiError> {
    if activity == "baseline" {
        return Ok(match view {
            LaunchView::Learner => "/learn".to_owned(),
            LaunchView::Trainer => "/author/modules".to_owned(),
        });
    }
    let slug = activity.strip_prefix("module:").unwrap_or_default();
    let published = crate::learning::modules::published_modules(db).await?;
    match published.into_iter().find(|m| m.slug == slug) {
        Some(row) => Ok(match view {
            LaunchView::Learner => format!("/learn/modules/{}", row.slug),
            LaunchView::Trainer => format!("/author/modules/{}", row.slug),
        }),
        None => Err(refuse(
            404,
            "unknown_activity",
            "The activity this link opens is not in Genomics training (it may have been removed). Ask your course's instructor to choose it again.",
        )),
    }
}

async fn sign_in(
    ctx: Context<'_>,
    platform: &lti_platform::Model,
    claims: &LaunchClaims,
    client_address: Option<String>,
) -> Result<Launched, LtiError> {
    let subject = claims.sub.clone().unwrap_or_default();
    let roles = claims.roles.clone().unwrap_or_default();
    let teaches = claims::teaches(&roles);
    let deep_linking = claims.message_type.as_deref() == Some(claims::DEEP_LINKING_REQUEST);
    if deep_linking && !teaches {
        return Err(refuse(
            403,
            "not_instructor",
            "Only a course's instructors can choose which Genomics training activity a link opens.",
        ));
    }
    let txn = crate::db::begin_write(ctx.db).await?;
    let (person, newly) = people::resolve(&txn, claims, &subject).await?;
    let view = if teaches && person.is_trainer {
        LaunchView::Trainer
    } else {
        LaunchView::Learner
    };
    let opened = if deep_linking {
        let settings = claims
            .deep_linking
            .clone()
            .ok_or_else(|| missing_claim(claims::DEEP_LINKING_SETTINGS))?;
        let context = deep_linking::store(
            &txn,
            platform.id,
            person.id,
            claims.deployment_id.clone().unwrap_or_default(),
            settings,
        )
        .await?;
        Opened::Pick(context)
    } else {
        let activity = claims.activity();
        let page = activity_page(&txn, &activity, view).await?;
        let link = claims
            .resource_link
            .as_ref()
            .map(|l| l.id.clone())
            .unwrap_or_default();
        remember_link(
            &txn,
            platform.id,
            person.id,
            &subject,
            &link,
            &activity,
            claims,
        )
        .await?;
        Opened::Page(page)
    };
    let session = sessions::start_with_view(
        &txn,
        ctx.config,
        person.id,
        client_address.clone(),
        Some(view),
    )
    .await?;
    if newly {
        audit::record(
            &txn,
            Event::new(action::IDENTITY_LINKED)
                .by(Some(person.id.into()))
                .subject(person.email.clone())
                .detail(serde_json::json!({"lti": platform.name}))
                .from_address(client_address.clone()),
        )
        .await?;
    }
    audit::record(
        &txn,
        Event::new(action::SIGN_IN)
            .by(Some(person.id.into()))
            .subject(person.email.clone())
            .detail(serde_json::json!({"lti": platform.name, "view": view.as_str()}))
            .from_address(client_address),
    )
    .await?;
    txn.commit().await?;
    Ok(Launched {
        session,
        view,
        opened,
    })
}

/// Records what the resource link opens for this person, and its line item when the platform
/// lets the tool post scores, so a later score goes back to it.
async fn remember_link(
    db: &impl sea_orm::ConnectionTrait,
    platform_id: i64,
    user_id: i64,
    subject: &str,
    resource_link_id: &str,
    activity: &str,
    claims: &LaunchClaims,
) -> Result<(), LtiError> {
    let lineitem = claims
        .ags
        .as_ref()
        .filter(|ags| ags.scope.iter().any(|s| s == claims::SCORE_SCOPE))
        .and_then(|ags| ags.lineitem.clone());
    let now = Utc::now();
    let existing = lti_link::Entity::find()
        .filter(lti_link::Column::PlatformId.eq(platform_id))
        .filter(lti_link::Column::ResourceLinkId.eq(resource_link_id))
        .filter(lti_link::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    match existing {
        Some(row) => {
            lti_link::Entity::update(lti_link::ActiveModel {
                id: Set(row.id),
                activity: Set(activity.to_owned()),
                lineitem_url: Set(lineitem),
                subject: Set(subject.to_owned()),
                launched_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?;
        }
        None => {
            lti_link::Entity::insert(lti_link::ActiveModel {
                platform_id: Set(platform_id),
                user_id: Set(user_id),
                subject: Set(subject.to_owned()),
                resource_link_id: Set(resource_link_id.to_owned()),
                activity: Set(activity.to_owned()),
                lineitem_url: Set(lineitem),
                created_at: Set(now),
                launched_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?;
        }
    }
    Ok(())
}
