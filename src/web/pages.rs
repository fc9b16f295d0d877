//! Public pages: home, accessibility statement, privacy notice.

use rocket::{Route, get, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::chrome::Chrome;

pub fn routes() -> Vec<Route> {
    routes![show_home, show_accessibility, show_privacy]
}

#[get("/")]
fn show_home(chrome: Chrome) -> Template {
    chrome.render("home/index", "Genomics training for NHS staff", json!({}))
}

#[get("/accessibility")]
fn show_accessibility(chrome: Chrome) -> Template {
    chrome.render("pages/accessibility", "Accessibility statement", json!({}))
}

#[get("/privacy")]
fn show_privacy(chrome: Chrome) -> Template {
    chrome.render("pages/privacy", "Privacy notice", json!({}))
}
