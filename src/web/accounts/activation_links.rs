//! `/admin/users/activation/...`: fresh activation links for people who have not set a
//! password, emailed or downloaded as a CSV (admins only; audited; the links are never logged).

use crate::web::page::Page;
use rocket::form::FromForm;
use rocket::http::{ContentType, Header, Status};
use rocket::{Responder, Route, State, post, routes};
use serde_json::json;

use super::FormErrors;
use crate::accounts::activation_mail::{self, SentBy, Which};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::chrome::Chrome;
use crate::web::csrf::{CsrfField, CsrfForm};
use crate::web::guards::{Admin, ClientAddress};

pub fn routes() -> Vec<Route> {
    routes![email_links, download_links]
}

/// Either the people chosen (`person`, repeated) or everyone whose link has expired.
#[derive(Debug, FromForm)]
pub struct LinksForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = Vec::new())]
    person: Vec<i64>,
    #[field(default = false)]
    expired: bool,
}

impl CsrfField for LinksForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl LinksForm {
    fn which(&self) -> Option<Which> {
        if self.expired {
            Some(Which::Expired)
        } else if self.person.is_empty() {
            None
        } else {
            Some(Which::These(self.person.clone()))
        }
    }
}

fn by(admin: &Admin, client: ClientAddress) -> SentBy {
    SentBy {
        actor_user_id: Some(admin.0.account.id),
        client_address: client.0,
    }
}

fn nobody_chosen(chrome: &Chrome) -> (Status, Page) {
    let mut errors = FormErrors::default();
    errors.add("person", "Choose the people to send activation links to");
    (
        Status::UnprocessableEntity,
        chrome.render(
            "admin/activation_sent",
            &errors.title("Activation links"),
            json!({ "errors": errors, "sent": null }),
        ),
    )
}

#[post("/admin/users/activation/email", data = "<form>")]
async fn email_links(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<LinksForm>,
) -> AppResult<(Status, Page)> {
    let Some(which) = form.0.which() else {
        return Ok(nobody_chosen(&chrome));
    };
    let by = by(&admin, client);
    let sent = activation_mail::email_links(&state.db, &state.config.public_url, which, by).await?;
    state.mail_wake.wake();
    Ok((
        Status::Ok,
        chrome.render(
            "admin/activation_sent",
            "Activation links emailed",
            json!({ "errors": FormErrors::default(), "sent": sent }),
        ),
    ))
}

#[derive(Responder)]
#[expect(
    clippy::large_enum_variant,
    reason = "one answer per request, returned once: boxing the CSV's headers would gain nothing"
)]
enum LinksAnswer {
    Csv(String, ContentType, Header<'static>),
    Refused((Status, Page)),
}

#[post("/admin/users/activation/links.csv", data = "<form>")]
async fn download_links(
    state: &State<AppState>,
    admin: Admin,
    chrome: Chrome,
    client: ClientAddress,
    form: CsrfForm<LinksForm>,
) -> AppResult<LinksAnswer> {
    let Some(which) = form.0.which() else {
        return Ok(LinksAnswer::Refused(nobody_chosen(&chrome)));
    };
    let by = by(&admin, client);
    let (csv, _) =
        activation_mail::links_csv(&state.db, &state.config.public_url, which, by).await?;
    Ok(LinksAnswer::Csv(
        csv,
        ContentType::CSV,
        Header::new(
            "Content-Disposition",
            "attachment; filename=\"activation-links.csv\"",
        ),
    ))
}
