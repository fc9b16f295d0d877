//! `/admin/users/<id>/teams`: an admin limits a manager to some teams (the organisation units
//! the people import brings in); and its JSON twin. In an organisation where a manager has a
//! team, they see only their teams there.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::accounts::teams::{self, ManagerTeams};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![
        show_teams,
        save_teams,
        api_manager_teams,
        api_set_manager_teams
    ]
}

#[derive(Serialize)]
struct TeamBox {
    id: i64,
    label: String,
    checked: bool,
}

#[derive(Serialize)]
struct TeamsView {
    back_href: String,
    person: ManagerTeams,
    boxes: Vec<TeamBox>,
}

#[get("/admin/users/<id>/teams")]
async fn show_teams(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
    id: PersonId,
) -> AppResult<Page> {
    let person = teams::manager_teams(&state.db, id).await?;
    let boxes = person
        .teams
        .iter()
        .map(|t| TeamBox {
            id: t.id,
            label: format!("{}: {}", t.organisation, t.name),
            checked: person.team_ids.contains(&t.id),
        })
        .collect();
    let title = format!("Teams managed by {}", person.display_name);
    Ok(chrome.render(
        "admin/teams",
        &title,
        TeamsView {
            back_href: format!("/admin/users/{id}"),
            person,
            boxes,
        },
    ))
}

/// The teams a manager is limited to (every box ticked; none: no team limits).
#[derive(Debug, FromForm, Deserialize, ToSchema)]
pub struct TeamsForm {
    #[field(default = String::new())]
    #[serde(default)]
    #[schema(ignore)]
    csrf_token: String,
    #[serde(default)]
    team_ids: Vec<i64>,
}

impl CsrfField for TeamsForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[post("/admin/users/<id>/teams", data = "<form>")]
async fn save_teams(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    form: CsrfForm<TeamsForm>,
) -> AppResult<Flash<Redirect>> {
    teams::set_manager_teams(&state.db, &admin.0.account, client.0, id, form.0.team_ids).await?;
    Ok(Flash::success(
        Redirect::to(format!("/admin/users/{id}")),
        "The teams they manage have been saved.",
    ))
}

#[derive(OpenApi)]
#[openapi(paths(api_manager_teams, api_set_manager_teams))]
pub struct ApiDoc;

/// The teams a person manages, and every team to choose from.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", responses((status = 200, body = ManagerTeams)))]
#[get("/api/v1/admin/users/<id>/teams")]
async fn api_manager_teams(
    state: &State<AppState>,
    _admin: Admin,
    id: PersonId,
) -> AppResult<Json<ManagerTeams>> {
    Ok(Json(teams::manager_teams(&state.db, id).await?))
}

/// Set the teams a person manages (the whole set: what is left out is taken away).
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", request_body = TeamsForm, responses((status = 200, body = ManagerTeams)))]
#[put("/api/v1/admin/users/<id>/teams", data = "<body>")]
async fn api_set_manager_teams(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    body: CsrfJson<TeamsForm>,
) -> AppResult<Json<ManagerTeams>> {
    Ok(Json(
        teams::set_manager_teams(&state.db, &admin.0.account, client.0, id, body.0.team_ids)
            .await?,
    ))
}
