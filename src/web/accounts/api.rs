//! JSON twins under `/api/v1`: the session, `me`, people, organisations, import and audit.
//!
//! `POST /api/v1/session` needs no CSRF token: it only accepts `application/json`, which a
//! cross-site form cannot send. Every other state-changing request carries `X-CSRF-Token`.

use rocket::http::{Cookie, CookieJar, Status};
use rocket::serde::json::Json;
use rocket::{Route, State, delete, get, post, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::admin_orgs::create_as;
use crate::accounts::credentials;
use crate::accounts::import::{self, ImportReport, ImportedBy, RowError};
use crate::accounts::organisations::{self, NewOrganisation, Organisation, OrganisationInput};
use crate::accounts::users::{self, JobView, Roles, UserDetail, UserSummary};
use crate::accounts::{OrgScope, TeamGrant};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::state::AppState;
use crate::validation;
use crate::web::bodies::JsonBody;
use crate::web::csrf::{CsrfHeader, CsrfJson, CsrfUpload};
use crate::web::guards::{
    Admin, ClientAddress, CurrentUser, Manager, Release, secure_cookie, session_cookie_name,
};
use crate::web::listing::ListParams;
use crate::web::query_id;

pub fn routes() -> Vec<Route> {
    routes![
        create_session,
        delete_session,
        show_me,
        list_users,
        show_user,
        update_roles,
        disable_user,
        enable_user,
        import_users,
        list_organisations,
        add_organisation,
        list_audit
    ]
}

#[derive(OpenApi)]
#[openapi(paths(
    create_session,
    delete_session,
    show_me,
    list_users,
    show_user,
    update_roles,
    disable_user,
    enable_user,
    import_users,
    list_organisations,
    add_organisation,
    list_audit
))]
pub struct ApiDoc;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInJson {
    email: String,
    password: String,
}

/// What each role allows; everyone signed in is a learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct RolesView {
    pub learner: bool,
    pub trainer: bool,
    pub manager: bool,
    pub admin: bool,
}

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub email: String,
    pub display_name: String,
    pub roles: RolesView,
    pub manager_organisation_ids: Vec<i64>,
    /// The teams they manage; in those teams' organisations they see only these teams.
    pub manager_teams: Vec<TeamGrant>,
    pub current_job: Option<JobView>,
}

/// The signed-in person with the token their state-changing requests send as `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeWithToken {
    #[serde(flatten)]
    pub me: Me,
    pub csrf_token: String,
}

/// A new session: who signed in and their `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCreated {
    pub user: Me,
    pub csrf_token: String,
}

/// The session has ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOut {
    /// Always `signed out`.
    pub status: String,
}

/// People found, in the order asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserSummary>,
    /// How many people match, on every page.
    pub total: u64,
    /// The page shown, when a page was asked for.
    pub page: Option<u64>,
}

/// Nothing was imported: every bad row's problem, or (without `problems`) why the body could
/// not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefused {
    pub error: String,
    /// Always 422.
    pub status: u16,
    #[schema(required = false)]
    pub problems: Vec<RowError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub organisations: Vec<Organisation>,
}

/// One audit entry as stored, with its sentence.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLine {
    #[serde(flatten)]
    pub entry: audit::Entry,
    /// The entry told as a sentence, with people's current names.
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditLine>,
}

async fn me(state: &AppState, user: &CurrentUser) -> AppResult<Me> {
    let detail = users::detail(&state.db, &OrgScope::All, user.account.id).await?;
    Ok(Me {
        id: user.account.id,
        email: user.account.email.clone(),
        display_name: user.account.display_name.clone(),
        roles: RolesView {
            learner: true,
            trainer: user.account.is_trainer,
            manager: user.account.is_manager(),
            admin: user.account.is_admin,
        },
        manager_organisation_ids: user.account.manager_organisation_ids.clone(),
        manager_teams: user.account.manager_teams.clone(),
        current_job: detail.summary.current_job,
    })
}

/// Sign in with an email address and password.
///
/// Needs no CSRF token: it accepts only `application/json`, which a cross-site form cannot send.
/// Sets the session cookie.
#[utoipa::path(
    tag = "accounts",
    security(()),
    request_body = SignInJson,
    responses(
        (status = 200, body = SessionCreated, description = "Signed in; the session cookie is set"),
        (status = 401, body = crate::web::openapi::ErrorBody, description = "Wrong email address or password"),
        (status = 429, body = crate::web::openapi::ErrorBody, description = "Too many failed sign-ins; try later"),
    )
)]
#[post("/api/v1/session", data = "<body>")]
async fn create_session(
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    body: JsonBody<SignInJson>,
) -> AppResult<Json<SessionCreated>> {
    let body = body.0;
    let (account, session) = credentials::sign_in(
        &state.db,
        &state.config,
        &body.email,
        &body.password,
        client.0,
        cookies
            .get(session_cookie_name(release.0))
            .map(|c| c.value()),
    )
    .await?;
    cookies.add(secure_cookie(
        session_cookie_name(release.0),
        session.id.clone(),
        release.0,
    ));
    let user = CurrentUser {
        account,
        session_hash: String::new(),
        csrf_token: session.csrf_token.clone(),
    };
    Ok(Json(SessionCreated {
        user: me(state, &user).await?,
        csrf_token: session.csrf_token,
    }))
}

/// Sign out: ends this session.
#[utoipa::path(tag = "accounts", responses((status = 200, body = SignedOut)))]
#[delete("/api/v1/session")]
async fn delete_session(
    state: &State<AppState>,
    user: CurrentUser,
    _csrf: CsrfHeader,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
) -> AppResult<Json<SignedOut>> {
    credentials::sign_out(&state.db, &user.account, &user.session_hash, client.0).await?;
    cookies.remove(Cookie::build(session_cookie_name(release.0)).path("/"));
    Ok(Json(SignedOut {
        status: "signed out".to_owned(),
    }))
}

/// Who is signed in, with their roles and CSRF token.
#[utoipa::path(tag = "accounts", responses((status = 200, body = MeWithToken)))]
#[get("/api/v1/me")]
async fn show_me(state: &State<AppState>, user: CurrentUser) -> AppResult<Json<MeWithToken>> {
    Ok(Json(MeWithToken {
        me: me(state, &user).await?,
        csrf_token: user.csrf_token,
    }))
}

/// The people page's JSON twin: the same search and sort; every match unless a page is asked
/// for.
#[utoipa::path(
    tag = "accounts",
    params(("organisation" = Option<i64>, Query, description = "Only people in this organisation")),
    responses((status = 200, body = UserList))
)]
#[get("/api/v1/admin/users?<organisation>&<list..>")]
async fn list_users(
    state: &State<AppState>,
    manager: Manager,
    organisation: Option<&str>,
    list: ListParams,
) -> AppResult<Json<UserList>> {
    let organisation = query_id(organisation, "Organisation")?;
    let mut query = list.check(&super::admin_users::people_sorts())?;
    if list.page.is_none() {
        query.page = None;
    }
    let people = users::list(&state.db, &manager.scope, organisation, &query).await?;
    Ok(Json(UserList {
        users: people.rows,
        total: people.total,
        page: query.page.map(|_| people.request.number),
    }))
}

/// One person, if they are in an organisation the caller manages.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = UserDetail)))]
#[get("/api/v1/admin/users/<id>")]
async fn show_user(
    state: &State<AppState>,
    manager: Manager,
    id: PersonId,
) -> AppResult<Json<UserDetail>> {
    Ok(Json(users::detail(&state.db, &manager.scope, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RolesJson {
    #[serde(default)]
    trainer: bool,
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    manager_organisation_ids: Vec<i64>,
}

/// Set a person's roles (the whole set: what is left out is taken away).
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", request_body = RolesJson, responses((status = 200, body = UserDetail)))]
#[put("/api/v1/admin/users/<id>/roles", data = "<body>")]
async fn update_roles(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    body: CsrfJson<RolesJson>,
) -> AppResult<Json<UserDetail>> {
    let body = body.0;
    let roles = Roles {
        is_trainer: body.trainer,
        is_admin: body.admin,
        manager_organisation_ids: body.manager_organisation_ids,
    };
    users::set_roles(&state.db, &admin.0.account, client.0, id, roles).await?;
    Ok(Json(users::detail(&state.db, &OrgScope::All, id).await?))
}

/// Disable a person's account and end their sessions.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = UserDetail)))]
#[post("/api/v1/admin/users/<id>/disable")]
async fn disable_user(
    state: &State<AppState>,
    admin: Admin,
    _csrf: CsrfHeader,
    client: ClientAddress,
    id: PersonId,
) -> AppResult<Json<UserDetail>> {
    users::set_disabled(&state.db, &admin.0.account, client.0, id, true).await?;
    Ok(Json(users::detail(&state.db, &OrgScope::All, id).await?))
}

/// Enable a disabled account again.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = UserDetail)))]
#[post("/api/v1/admin/users/<id>/enable")]
async fn enable_user(
    state: &State<AppState>,
    admin: Admin,
    _csrf: CsrfHeader,
    client: ClientAddress,
    id: PersonId,
) -> AppResult<Json<UserDetail>> {
    users::set_disabled(&state.db, &admin.0.account, client.0, id, false).await?;
    Ok(Json(users::detail(&state.db, &OrgScope::All, id).await?))
}

/// An ESR-like CSV file's text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportJson {
    csv: String,
}

/// Create or update people from an ESR-like CSV; a file with any bad row imports nothing.
#[utoipa::path(
    tag = "accounts",
    request_body = ImportJson,
    responses(
        (status = 200, body = ImportReport),
        (status = 422, body = ImportRefused, description = "Bad rows, each with its line; nothing imported"),
    )
)]
#[post("/api/v1/admin/users/import", data = "<body>")]
async fn import_users(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfUpload<ImportJson>,
) -> AppResult<Result<Json<ImportReport>, (Status, Json<ImportRefused>)>> {
    let by = ImportedBy {
        actor_user_id: Some(admin.0.account.id),
        source: "api".to_owned(),
        client_address: client.0,
    };
    match import::import(
        &state.db,
        &state.config.public_url,
        body.0.csv.as_bytes(),
        by,
    )
    .await?
    {
        Ok(report) => Ok(Ok(Json(report))),
        Err(problems) => Ok(Err((
            Status::UnprocessableEntity,
            Json(ImportRefused {
                error: "The file has problems and nothing was imported.".to_owned(),
                status: Status::UnprocessableEntity.code,
                problems,
            }),
        ))),
    }
}

#[utoipa::path(tag = "accounts", responses((status = 200, body = OrganisationList)))]
#[get("/api/v1/admin/organisations")]
async fn list_organisations(
    state: &State<AppState>,
    _admin: Admin,
) -> AppResult<Json<OrganisationList>> {
    Ok(Json(OrganisationList {
        organisations: organisations::list(&state.db, &OrgScope::All).await?,
    }))
}

#[utoipa::path(
    tag = "accounts",
    request_body = OrganisationInput,
    responses((status = 201, body = Organisation, description = "Created"))
)]
#[post("/api/v1/admin/organisations", data = "<body>")]
async fn add_organisation(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfJson<OrganisationInput>,
) -> AppResult<(Status, Json<Organisation>)> {
    let new = NewOrganisation::try_from(&body.0)
        .map_err(|problems| AppError::Unprocessable(validation::joined(&problems, ". ")))?;
    let created = create_as(state, &admin, client, new).await?;
    Ok((Status::Created, Json(created)))
}

/// The newest 200 entries as stored, each with its `summary` sentence.
#[utoipa::path(tag = "accounts", responses((status = 200, body = AuditList)))]
#[get("/api/v1/admin/audit?<action>&<person>&<subject>&<actor>")]
async fn list_audit(
    state: &State<AppState>,
    _admin: Admin,
    action: Option<&str>,
    person: Option<&str>,
    subject: Option<&str>,
    actor: Option<&str>,
) -> AppResult<Json<AuditList>> {
    let filter = super::audit::filter(action, person, subject, actor)?;
    let entries = audit::query(&state.db, &filter).await?;
    let names = audit::sentence::Names::load(&state.db, &entries).await?;
    let entries = entries
        .into_iter()
        .map(|entry| AuditLine {
            summary: super::audit::summary(&entry, &names),
            entry,
        })
        .collect();
    Ok(Json(AuditList { entries }))
}
