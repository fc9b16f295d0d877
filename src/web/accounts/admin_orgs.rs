//! `/admin/organisations`: list and add organisations.

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use serde::Serialize;

use super::FormErrors;
use crate::accounts::OrgScope;
use crate::accounts::organisations::{
    self, AddedBy, NewOrganisation, Organisation, OrganisationInput,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![list_organisations, add_organisation]
}

#[derive(Debug, FromForm)]
pub struct OrganisationForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    code: String,
    #[field(default = String::new())]
    name: String,
}

impl CsrfField for OrganisationForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Serialize)]
struct OrganisationsView {
    organisations: Vec<Organisation>,
    errors: FormErrors,
    code: String,
    name: String,
    code_error: Option<String>,
    name_error: Option<String>,
}

async fn render(
    state: &AppState,
    chrome: &Chrome,
    code: String,
    name: String,
    errors: FormErrors,
) -> AppResult<Page> {
    let organisations = organisations::list(&state.db, &OrgScope::All).await?;
    let title = errors.title("Organisations");
    Ok(chrome.render(
        "admin/organisations",
        &title,
        OrganisationsView {
            organisations,
            code_error: errors.on("code"),
            name_error: errors.on("name"),
            errors,
            code,
            name,
        },
    ))
}

#[get("/admin/organisations")]
async fn list_organisations(
    state: &State<AppState>,
    _admin: Admin,
    chrome: Chrome,
) -> AppResult<Page> {
    render(
        state,
        &chrome,
        String::new(),
        String::new(),
        FormErrors::default(),
    )
    .await
}

/// Creates an organisation as `admin`.
pub async fn create_as(
    state: &AppState,
    admin: &Admin,
    client: ClientAddress,
    new: NewOrganisation,
) -> AppResult<Organisation> {
    let by = AddedBy {
        actor_user_id: Some(admin.0.account.id),
        client_address: client.0,
        via: "admin",
    };
    organisations::create(&state.db, by, new).await
}

#[post("/admin/organisations", data = "<form>")]
async fn add_organisation(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<OrganisationForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Page)>> {
    let form = form.0;
    let mut errors = FormErrors::default();
    let input = OrganisationInput {
        code: form.code,
        name: form.name,
    };
    let new = match NewOrganisation::try_from(&input) {
        Ok(new) => new,
        Err(problems) => {
            for (field, message) in problems {
                errors.add(field, message);
            }
            let page = render(state, &chrome, input.code, input.name, errors).await?;
            return Ok(Either::Right((Status::UnprocessableEntity, page)));
        }
    };
    match create_as(state, &admin, client, new).await {
        Ok(created) => Ok(Either::Left(Flash::success(
            Redirect::to("/admin/organisations"),
            format!("Added {} ({})", created.name, created.code),
        ))),
        Err(AppError::Conflict(message)) => {
            errors.add("code", message);
            let page = render(state, &chrome, input.code, input.name, errors).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(error) => Err(error),
    }
}
