//! `/admin` and `/admin/users`: managers see the people in their organisations; admins see
//! everyone and grant roles, disable and re-enable accounts.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::response::{Flash, Redirect};
use rocket::{Route, State, get, post, routes};
use serde::Serialize;
use serde_json::json;

use crate::accounts::OrgScope;
use crate::accounts::organisations::{self, Organisation};
use crate::accounts::users::{self, Roles, UserDetail, UserSummary};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::listing::SortBy;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, TokenOnly};
use crate::web::guards::{Admin, ClientAddress, Manager};
use crate::web::listing::{ListLinks, ListParams, ListView};
use crate::web::query_id;

pub fn routes() -> Vec<Route> {
    routes![
        show_admin,
        list_users,
        show_user,
        update_roles,
        disable_user,
        enable_user
    ]
}

#[get("/admin")]
fn show_admin(_admin: Admin, chrome: Chrome) -> Page {
    chrome.render("admin/index", "Admin", json!({}))
}

#[derive(Serialize)]
struct UsersView {
    users: Vec<UserSummary>,
    organisations: Vec<Organisation>,
    organisation: Option<i64>,
    is_admin: bool,
    list: ListView,
}

/// The people list's sortable columns, the default first.
pub const PEOPLE_COLUMNS: [(SortBy, &str); 3] = [
    (SortBy::Name, "Name"),
    (SortBy::EmployeeNumber, "Employee number"),
    (SortBy::JobRole, "Job role"),
];

/// The sort keys the people list accepts.
pub fn people_sorts() -> Vec<SortBy> {
    PEOPLE_COLUMNS.iter().map(|(by, _)| *by).collect()
}

#[get("/admin/users?<organisation>&<list..>")]
async fn list_users(
    state: &State<AppState>,
    manager: Manager,
    chrome: Chrome,
    organisation: Option<&str>,
    list: ListParams,
) -> AppResult<Page> {
    let organisation = query_id(organisation, "Organisation")?;
    let query = list.check(&people_sorts())?;
    let people = users::list(&state.db, &manager.scope, organisation, &query).await?;
    let organisations = organisations::list(&state.db, &manager.scope).await?;
    let keep = organisation.map_or_else(String::new, |o| format!("organisation={o}"));
    let list = ListView::new(
        &people,
        &query,
        &ListLinks::new("/admin/users", &keep),
        &PEOPLE_COLUMNS,
        ("person", "people"),
    );
    let title = if list.pages > 1 {
        format!("People (page {} of {})", list.page, list.pages)
    } else {
        "People".to_owned()
    };
    Ok(chrome.render(
        "admin/users",
        &title,
        UsersView {
            users: people.rows,
            organisations,
            organisation,
            is_admin: manager.user.account.is_admin,
            list,
        },
    ))
}

#[derive(Serialize)]
struct OrganisationChoice {
    id: i64,
    code: String,
    name: String,
    checked: bool,
}

#[derive(Serialize)]
struct UserView {
    person: UserDetail,
    is_admin: bool,
    organisations: Vec<OrganisationChoice>,
}

#[get("/admin/users/<id>")]
async fn show_user(
    state: &State<AppState>,
    manager: Manager,
    chrome: Chrome,
    id: PersonId,
) -> AppResult<Page> {
    let person = users::detail(&state.db, &manager.scope, id).await?;
    let organisations = organisations::list(&state.db, &OrgScope::All)
        .await?
        .into_iter()
        .map(|o| OrganisationChoice {
            checked: person.manager_organisation_ids.contains(&o.id),
            id: o.id,
            code: o.code,
            name: o.name,
        })
        .collect();
    let title = person.summary.display_name.clone();
    Ok(chrome.render(
        "admin/user",
        &title,
        UserView {
            person,
            is_admin: manager.user.account.is_admin,
            organisations,
        },
    ))
}

#[derive(Debug, FromForm)]
pub struct RolesForm {
    #[field(default = String::new())]
    csrf_token: String,
    trainer: bool,
    admin: bool,
    manager_of: Vec<i64>,
}

impl CsrfField for RolesForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn back_to(id: PersonId) -> Redirect {
    Redirect::to(format!("/admin/users/{id}"))
}

/// Turns a refusal the admin can act on into a flash message on the person's page.
fn flash_conflict(
    id: PersonId,
    result: AppResult<()>,
    success: &str,
) -> AppResult<Flash<Redirect>> {
    match result {
        Ok(()) => Ok(Flash::success(back_to(id), success.to_owned())),
        Err(AppError::Conflict(message) | AppError::Unprocessable(message)) => {
            Ok(Flash::error(back_to(id), message))
        }
        Err(error) => Err(error),
    }
}

#[post("/admin/users/<id>/roles", data = "<form>")]
async fn update_roles(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    form: CsrfForm<RolesForm>,
) -> AppResult<Flash<Redirect>> {
    let form = form.0;
    let roles = Roles {
        is_trainer: form.trainer,
        is_admin: form.admin,
        manager_organisation_ids: form.manager_of,
    };
    let result = users::set_roles(&state.db, &admin.0.account, client.0, id, roles).await;
    flash_conflict(
        id,
        result,
        "Roles updated. The person's sessions have ended, so the new roles apply when they next sign in.",
    )
}

#[post("/admin/users/<id>/disable", data = "<_form>")]
async fn disable_user(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let result = users::set_disabled(&state.db, &admin.0.account, client.0, id, true).await;
    flash_conflict(id, result, "Account disabled and signed out everywhere.")
}

#[post("/admin/users/<id>/enable", data = "<_form>")]
async fn enable_user(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    _form: CsrfForm<TokenOnly>,
) -> AppResult<Flash<Redirect>> {
    let result = users::set_disabled(&state.db, &admin.0.account, client.0, id, false).await;
    flash_conflict(id, result, "Account enabled.")
}
