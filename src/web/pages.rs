//! Public pages: home, accessibility statement, privacy notice, what the numbers mean.

use crate::web::page::Page;
use rocket::{Route, get, routes};
use serde_json::json;

use super::chrome::Chrome;
use super::glossary::{self, Audience};

pub fn routes() -> Vec<Route> {
    routes![show_home, show_accessibility, show_privacy, show_measures]
}

#[get("/")]
fn show_home(chrome: Chrome) -> Page {
    chrome.render("home/index", "Genomics training for NHS staff", json!({}))
}

#[get("/accessibility")]
fn show_accessibility(chrome: Chrome) -> Page {
    chrome.render("pages/accessibility", "Accessibility statement", json!({}))
}

#[get("/privacy")]
fn show_privacy(chrome: Chrome) -> Page {
    chrome.render("pages/privacy", "Privacy notice", json!({}))
}

/// Public: it holds nothing about anyone, and the footer links to it from every page, signed
/// in or not.
#[get("/help/measures")]
fn show_measures(chrome: Chrome) -> Page {
    chrome.render(
        "pages/measures",
        "What the numbers mean",
        json!({
            "learner": glossary::for_audience(Audience::Learner),
            "reports": glossary::for_audience(Audience::Reports),
            "item_analysis": glossary::for_audience(Audience::ItemAnalysis),
        }),
    )
}
