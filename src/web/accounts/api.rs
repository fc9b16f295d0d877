//! JSON twins under `/api/v1`: the session, `me`, people, organisations, import and audit.
//!
//! `POST /api/v1/session` needs no CSRF token: it only accepts `application/json`, which a
//! cross-site form cannot send. Every other state-changing request carries `X-CSRF-Token`.

use rocket::http::{Cookie, CookieJar, Status};
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, State, delete, get, post, put, routes};
use serde::Deserialize;

use super::admin_orgs::create_as;
use crate::accounts::OrgScope;
use crate::accounts::credentials;
use crate::accounts::import::{self, ImportedBy};
use crate::accounts::organisations::{self, NewOrganisation};
use crate::accounts::users::{self, Roles};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
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

#[derive(Debug, Deserialize)]
pub struct SignInJson {
    email: String,
    password: String,
}

async fn me(state: &AppState, user: &CurrentUser) -> AppResult<Value> {
    let detail = users::detail(&state.db, &OrgScope::All, user.account.id).await?;
    Ok(json!({
        "id": user.account.id,
        "email": user.account.email,
        "display_name": user.account.display_name,
        "roles": {
            "learner": true,
            "trainer": user.account.is_trainer,
            "manager": user.account.is_manager(),
            "admin": user.account.is_admin,
        },
        "manager_organisation_ids": user.account.manager_organisation_ids,
        "current_job": detail.summary.current_job,
    }))
}

#[post("/api/v1/session", data = "<body>")]
async fn create_session(
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
    body: JsonBody<SignInJson>,
) -> AppResult<Json<Value>> {
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
    Ok(Json(
        json!({ "user": me(state, &user).await?, "csrf_token": session.csrf_token }),
    ))
}

#[delete("/api/v1/session")]
async fn delete_session(
    state: &State<AppState>,
    user: CurrentUser,
    _csrf: CsrfHeader,
    cookies: &CookieJar<'_>,
    release: Release,
    client: ClientAddress,
) -> AppResult<Json<Value>> {
    credentials::sign_out(&state.db, &user.account, &user.session_hash, client.0).await?;
    cookies.remove(Cookie::build(session_cookie_name(release.0)).path("/"));
    Ok(Json(json!({ "status": "signed out" })))
}

#[get("/api/v1/me")]
async fn show_me(state: &State<AppState>, user: CurrentUser) -> AppResult<Json<Value>> {
    let mut value = me(state, &user).await?;
    value["csrf_token"] = json!(user.csrf_token);
    Ok(Json(value))
}

/// The people page's JSON twin: the same search and sort; every match unless a page is asked
/// for.
#[get("/api/v1/admin/users?<organisation>&<list..>")]
async fn list_users(
    state: &State<AppState>,
    manager: Manager,
    organisation: Option<&str>,
    list: ListParams,
) -> AppResult<Json<Value>> {
    let organisation = query_id(organisation, "Organisation")?;
    let mut query = list.check(&super::admin_users::people_sorts())?;
    if list.page.is_none() {
        query.page = None;
    }
    let people = users::list(&state.db, &manager.scope, organisation, &query).await?;
    Ok(Json(json!({
        "users": people.rows,
        "total": people.total,
        "page": query.page.map(|_| people.request.number),
    })))
}

#[get("/api/v1/admin/users/<id>")]
async fn show_user(state: &State<AppState>, manager: Manager, id: i64) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        users::detail(&state.db, &manager.scope, id).await?
    )))
}

#[derive(Debug, Deserialize)]
pub struct RolesJson {
    #[serde(default)]
    trainer: bool,
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    manager_organisation_ids: Vec<i64>,
}

#[put("/api/v1/admin/users/<id>/roles", data = "<body>")]
async fn update_roles(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    body: CsrfJson<RolesJson>,
) -> AppResult<Json<Value>> {
    let body = body.0;
    let roles = Roles {
        is_trainer: body.trainer,
        is_admin: body.admin,
        manager_organisation_ids: body.manager_organisation_ids,
    };
    users::set_roles(&state.db, &admin.0.account, client.0, id, roles).await?;
    Ok(Json(json!(
        users::detail(&state.db, &OrgScope::All, id).await?
    )))
}

#[post("/api/v1/admin/users/<id>/disable")]
async fn disable_user(
    state: &State<AppState>,
    admin: Admin,
    _csrf: CsrfHeader,
    client: ClientAddress,
    id: i64,
) -> AppResult<Json<Value>> {
    users::set_disabled(&state.db, &admin.0.account, client.0, id, true).await?;
    Ok(Json(json!(
        users::detail(&state.db, &OrgScope::All, id).await?
    )))
}

#[post("/api/v1/admin/users/<id>/enable")]
async fn enable_user(
    state: &State<AppState>,
    admin: Admin,
    _csrf: CsrfHeader,
    client: ClientAddress,
    id: i64,
) -> AppResult<Json<Value>> {
    users::set_disabled(&state.db, &admin.0.account, client.0, id, false).await?;
    Ok(Json(json!(
        users::detail(&state.db, &OrgScope::All, id).await?
    )))
}

#[derive(Debug, Deserialize)]
pub struct ImportJson {
    csv: String,
}

#[post("/api/v1/admin/users/import", data = "<body>")]
async fn import_users(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfUpload<ImportJson>,
) -> AppResult<(Status, Json<Value>)> {
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
        Ok(report) => Ok((Status::Ok, Json(json!(report)))),
        Err(problems) => Ok((
            Status::UnprocessableEntity,
            Json(json!({
                "error": "The file has problems and nothing was imported.",
                "status": 422,
                "problems": problems,
            })),
        )),
    }
}

#[get("/api/v1/admin/organisations")]
async fn list_organisations(state: &State<AppState>, _admin: Admin) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "organisations": organisations::list(&state.db, &OrgScope::All).await? }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct OrganisationJson {
    code: String,
    name: String,
}

#[post("/api/v1/admin/organisations", data = "<body>")]
async fn add_organisation(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    body: CsrfJson<OrganisationJson>,
) -> AppResult<(Status, Json<Value>)> {
    let new = NewOrganisation::parse(&body.0.code, &body.0.name).map_err(|problems| {
        AppError::Unprocessable(
            problems
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(". "),
        )
    })?;
    let created = create_as(state, &admin, client, new).await?;
    Ok((Status::Created, Json(json!(created))))
}

/// The newest 200 entries as stored, each with its `summary` sentence.
#[get("/api/v1/admin/audit?<action>&<person>&<subject>&<actor>")]
async fn list_audit(
    state: &State<AppState>,
    _admin: Admin,
    action: Option<&str>,
    person: Option<&str>,
    subject: Option<&str>,
    actor: Option<&str>,
) -> AppResult<Json<Value>> {
    let filter = super::audit::filter(action, person, subject, actor)?;
    let entries = audit::query(&state.db, &filter).await?;
    let names = audit::sentence::Names::load(&state.db, &entries).await?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let mut value = json!(entry);
            value["summary"] = super::audit::told(entry, &names)["summary"].clone();
            value
        })
        .collect();
    Ok(Json(json!({ "entries": entries })))
}
