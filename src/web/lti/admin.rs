//! `/admin/lti` and its JSON twin: an admin registers learning platforms (Moodle, Totara) and
//! rotates the tool's signing key; the page shows what a platform admin needs to register the
//! tool (login initiation, redirect, key set and deep-linking addresses).

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, delete, get, post, routes};
use serde::Serialize;
use utoipa::OpenApi;

use crate::error::AppResult;
use crate::lti::platforms::{self, Actor, NewPlatform, Platform, PlatformInput};
use crate::lti::{ToolUrls, keys};
use crate::state::AppState;
use crate::web::accounts::FormErrors;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfHeader, CsrfJson, TokenOnly};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![
        show_page,
        register_page,
        remove_page,
        rotate_page,
        api_show_lti,
        api_register_platform,
        api_remove_platform,
        api_rotate_key
    ]
}

#[derive(OpenApi)]
#[openapi(
    paths(
        api_show_lti,
        api_register_platform,
        api_remove_platform,
        api_rotate_key
    ),
    components(schemas(LtiSetup, Platform, PlatformInput, ToolUrls, Rotated))
)]
pub struct ApiDoc;

#[derive(Debug, FromForm)]
pub struct PlatformForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    issuer: String,
    #[field(default = String::new())]
    client_id: String,
    #[field(default = String::new())]
    login_url: String,
    #[field(default = String::new())]
    token_url: String,
    #[field(default = String::new())]
    jwks_url: String,
    /// One per line (or separated by commas).
    #[field(default = String::new())]
    deployment_ids: String,
}

impl CsrfField for PlatformForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// What a platform admin needs, and the registrations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LtiSetup {
    pub tool: ToolUrls,
    pub platforms: Vec<Platform>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rotated {
    /// The new signing key's id.
    pub kid: String,
}

#[derive(Serialize)]
struct LtiView {
    #[serde(flatten)]
    setup: LtiSetup,
    typed: Typed,
    errors: FormErrors,
    name_error: Option<String>,
    issuer_error: Option<String>,
    client_id_error: Option<String>,
    login_url_error: Option<String>,
    token_url_error: Option<String>,
    jwks_url_error: Option<String>,
    deployment_ids_error: Option<String>,
}

#[derive(Serialize, Default)]
struct Typed {
    name: String,
    issuer: String,
    client_id: String,
    login_url: String,
    token_url: String,
    jwks_url: String,
    deployment_ids: String,
}

async fn setup(state: &AppState) -> AppResult<LtiSetup> {
    Ok(LtiSetup {
        tool: ToolUrls::new(&state.config.public_url),
        platforms: platforms::list(&state.db).await?,
    })
}

fn render(chrome: &Chrome, setup: LtiSetup, typed: Typed, errors: FormErrors) -> Page {
    let title = errors.title("Learning platforms (LTI)");
    chrome.render(
        "admin/lti",
        &title,
        LtiView {
            setup,
            typed,
            name_error: errors.on("name"),
            issuer_error: errors.on("issuer"),
            client_id_error: errors.on("client_id"),
            login_url_error: errors.on("login_url"),
            token_url_error: errors.on("token_url"),
            jwks_url_error: errors.on("jwks_url"),
            deployment_ids_error: errors.on("deployment_ids"),
            errors,
        },
    )
}

fn actor(admin: &Admin, client: ClientAddress) -> Actor {
    Actor {
        person: Some(admin.0.account.id),
        client_address: client.0,
    }
}

#[get("/admin/lti")]
async fn show_page(state: &State<AppState>, _admin: Admin, chrome: Chrome) -> AppResult<Page> {
    Ok(render(
        &chrome,
        setup(state).await?,
        Typed::default(),
        FormErrors::default(),
    ))
}

#[post("/admin/lti/platforms", data = "<form>")]
async fn register_page(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<PlatformForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let input = PlatformInput {
        name: form.name.clone(),
        issuer: form.issuer.clone(),
        client_id: form.client_id.clone(),
        login_url: form.login_url.clone(),
        token_url: form.token_url.clone(),
        jwks_url: form.jwks_url.clone(),
        deployment_ids: form
            .deployment_ids
            .split(['\n', ','])
            .map(|s| s.trim().to_owned())
            .collect(),
    };
    let typed = Typed {
        name: form.name,
        issuer: form.issuer,
        client_id: form.client_id,
        login_url: form.login_url,
        token_url: form.token_url,
        jwks_url: form.jwks_url,
        deployment_ids: form.deployment_ids,
    };
    let problems = match NewPlatform::try_from(input) {
        Ok(new) => match platforms::register(&state.db, new, actor(&admin, client)).await {
            Ok(platform) => {
                state.lti_origins.reload(&state.db).await?;
                return Ok(Either::Left(Flash::success(
                    Redirect::to("/admin/lti"),
                    format!("“{}” can now launch Genomics training", platform.name),
                )));
            }
            Err(crate::error::AppError::Conflict(message)) => vec![("client_id", message)],
            Err(other) => return Err(other),
        },
        Err(problems) => problems,
    };
    Ok(Either::Right((
        Status::UnprocessableEntity,
        render(
            &chrome,
            setup(state).await?,
            typed,
            FormErrors::of(problems),
        ),
    )))
}

#[post("/admin/lti/platforms/<id>/remove", data = "<_form>")]
async fn remove_page(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let removed = platforms::remove(&state.db, id, actor(&admin, client)).await?;
    state.lti_origins.reload(&state.db).await?;
    Ok(Flash::success(
        Redirect::to("/admin/lti"),
        format!("“{}” can no longer launch Genomics training", removed.name),
    ))
}

#[post("/admin/lti/keys/rotate", data = "<_form>")]
async fn rotate_page(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let kid = keys::rotate(&state.db, actor(&admin, client)).await?;
    Ok(Flash::success(
        Redirect::to("/admin/lti"),
        format!(
            "A new signing key ({kid}) signs from now on; the old one stays published for a day"
        ),
    ))
}

/// The tool's addresses for a platform admin, and the registered platforms.
#[utoipa::path(tag = "lti", responses((status = 200, body = LtiSetup)))]
#[get("/api/v1/admin/lti")]
async fn api_show_lti(state: &State<AppState>, _admin: Admin) -> AppResult<Json<LtiSetup>> {
    Ok(Json(setup(state).await?))
}

/// Registers a learning platform.
#[utoipa::path(
    tag = "lti",
    request_body = PlatformInput,
    responses((status = 201, body = Platform), (status = 422, description = "A value is missing or not a web address"), (status = 409, description = "The issuer and client id are registered already"))
)]
#[post("/api/v1/admin/lti/platforms", data = "<body>")]
async fn api_register_platform(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfJson<PlatformInput>,
) -> AppResult<(Status, Json<Platform>)> {
    let new = NewPlatform::try_from(body.0).map_err(|p| FormErrors::of(p).unprocessable())?;
    let platform = platforms::register(&state.db, new, actor(&admin, client)).await?;
    state.lti_origins.reload(&state.db).await?;
    Ok((Status::Created, Json(platform)))
}

/// Removes a platform's registration (its launches and unsent scores go with it).
#[utoipa::path(params(("id" = i64, Path)), tag = "lti", responses((status = 200, body = Platform), (status = 404, description = "No such platform")))]
#[delete("/api/v1/admin/lti/platforms/<id>")]
async fn api_remove_platform(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    _csrf: CsrfHeader,
) -> AppResult<Json<Platform>> {
    let removed = platforms::remove(&state.db, id, actor(&admin, client)).await?;
    state.lti_origins.reload(&state.db).await?;
    Ok(Json(removed))
}

/// Makes a new signing key; the old one stays in the key set for a day.
#[utoipa::path(tag = "lti", responses((status = 200, body = Rotated)))]
#[post("/api/v1/admin/lti/keys/rotate")]
async fn api_rotate_key(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    _csrf: CsrfHeader,
) -> AppResult<Json<Rotated>> {
    Ok(Json(Rotated {
        kid: keys::rotate(&state.db, actor(&admin, client)).await?,
    }))
}
