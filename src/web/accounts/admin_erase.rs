//! `/admin/users/<id>/erase`: an admin erases a leaver (pseudonymisation), after a confirmation
//! page that says what happens; and its JSON twin.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, routes};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::FormErrors;
use crate::accounts::OrgScope;
use crate::accounts::erasure::{self, Erased, ErasedBy};
use crate::accounts::users::{self, UserDetail};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm, CsrfJson};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![confirm_erase, erase_user, api_erase_user]
}

#[derive(Serialize)]
struct EraseView {
    back_href: String,
    person: UserDetail,
    errors: FormErrors,
    confirm_error: Option<String>,
}

async fn render(
    state: &AppState,
    chrome: &Chrome,
    id: PersonId,
    errors: FormErrors,
) -> AppResult<Page> {
    let person = users::detail(&state.db, &OrgScope::All, id).await?;
    let title = errors.title(&format!("Erase {}", person.summary.display_name));
    Ok(chrome.render(
        "admin/erase",
        &title,
        EraseView {
            back_href: format!("/admin/users/{id}"),
            person,
            confirm_error: errors.on("confirm"),
            errors,
        },
    ))
}

#[get("/admin/users/<id>/erase")]
async fn confirm_erase(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
    id: PersonId,
) -> AppResult<Page> {
    render(state, &chrome, id, FormErrors::default()).await
}

#[derive(Debug, FromForm)]
pub struct EraseForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = false)]
    confirm: bool,
}

impl CsrfField for EraseForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn erase_as(
    state: &AppState,
    admin: &Admin,
    client: ClientAddress,
    id: PersonId,
) -> AppResult<Erased> {
    let by = ErasedBy {
        actor_user_id: Some(admin.0.account.id),
        client_address: client.0,
        via: "admin",
    };
    erasure::erase(&state.db, by, id).await
}

#[post("/admin/users/<id>/erase", data = "<form>")]
async fn erase_user(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    id: PersonId,
    form: CsrfForm<EraseForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let back = Redirect::to(format!("/admin/users/{id}"));
    if !form.0.confirm {
        let mut errors = FormErrors::default();
        errors.add(
            "confirm",
            "Confirm that you want to erase this person's details",
        );
        let page = render(state, &chrome, id, errors).await?;
        return Ok(Either::Right((Status::UnprocessableEntity, page)));
    }
    match erase_as(state, &admin, client, id).await {
        Ok(erased) => Ok(Either::Left(Flash::success(
            back,
            format!(
                "Erased. This person is now shown as {}; their {} attempts still count in reports.",
                erasure::placeholder_name(&erased.pseudonym),
                erased.attempts_kept
            ),
        ))),
        Err(AppError::Conflict(message)) => Ok(Either::Left(Flash::error(back, message))),
        Err(error) => Err(error),
    }
}

#[derive(OpenApi)]
#[openapi(paths(api_erase_user))]
pub struct ApiDoc;

/// Erasing must be confirmed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EraseJson {
    #[serde(default)]
    confirm: bool,
}

/// The person's details after erasure: their new placeholder name and the attempts kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasedJson {
    pub user_id: i64,
    pub pseudonym: String,
    pub display_name: String,
    pub attempts_kept: u64,
}

/// Erase a leaver's personal details; their attempts stay in reports under a pseudonym.
#[utoipa::path(params(("id" = i64, Path)), tag = "accounts", request_body = EraseJson, responses((status = 200, body = ErasedJson)))]
#[post("/api/v1/admin/users/<id>/erase", data = "<body>")]
async fn api_erase_user(
    state: &State<AppState>,
    admin: Admin,
    client: ClientAddress,
    id: PersonId,
    body: CsrfJson<EraseJson>,
) -> AppResult<Json<ErasedJson>> {
    if !body.0.confirm {
        return Err(AppError::Unprocessable(
            "Send {\"confirm\": true} to erase this person's details".into(),
        ));
    }
    let erased = erase_as(state, &admin, client, id).await?;
    Ok(Json(ErasedJson {
        display_name: erasure::placeholder_name(&erased.pseudonym),
        user_id: erased.user_id,
        pseudonym: erased.pseudonym,
        attempts_kept: erased.attempts_kept,
    }))
}
