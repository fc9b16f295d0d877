//! The numbers are explained where they are shown and on a glossary page (issue 17, point 4),
//! and the learner's words follow from their figures.

use genomics_training::web::glossary::{MEASURES, Measure};
use rocket::http::Status;

use crate::disclosure_requests::unescape;
use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};
use crate::learner_pages::complete_through_pages_at;
use crate::reports_grid::manager_of_eight_phlebotomists;

async fn page(app: &TestApp, session: &Session, path: &str) -> String {
    let response = app.get_as(session, path).await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    unescape(&body_of(response).await)
}

/// The measure a column or label names (the glossary's names may add a gloss in brackets).
fn measure_named(label: &str) -> &'static Measure {
    MEASURES
        .iter()
        .find(|m| m.name == label || m.name.starts_with(&format!("{label} (")))
        .unwrap_or_else(|| panic!("no measure in the glossary is named {label}"))
}

/// `measure` is explained in a details component of `html`, with a link to its entry.
fn explained(html: &str, measure: &Measure) -> bool {
    html.split("<details class=\"nhsuk-details\">")
        .skip(1)
        .filter_map(|d| d.split("</details>").next())
        .any(|details| {
            details.contains(&format!("<dt>{}</dt>", measure.name))
                && details.contains(measure.meaning)
                && details.contains(measure.reading)
                && details.contains(&format!("href=\"/help/measures#{}\"", measure.anchor))
        })
}

/// The column headings of every table on a page.
fn columns(html: &str) -> Vec<String> {
    html.split("<th scope=\"col\" class=\"nhsuk-table__header\">")
        .skip(1)
        .filter_map(|th| th.split("</th>").next())
        .filter(|th| !th.starts_with('<'))
        .map(str::to_owned)
        .collect()
}

#[rocket::async_test]
async fn the_glossary_is_public_defines_every_measure_and_is_linked_from_every_page() {
    let app = spawn_app().await;
    let anonymous = app.visitor().await;
    let html = page(&app, &anonymous, "/help/measures").await;
    assert!(html.contains("<h1 class=\"nhsuk-heading-xl\">What the numbers mean</h1>"));
    for measure in MEASURES {
        let entry = html
            .split(&format!("id=\"{}\">{}</h3>", measure.anchor, measure.name))
            .nth(1)
            .unwrap_or_else(|| panic!("no entry for {}", measure.name));
        let entry = entry.split("<h3").next().unwrap();
        assert!(entry.contains(measure.meaning), "{}", measure.name);
        assert!(entry.contains(measure.reading), "{}", measure.name);
    }
    for key in [
        "calibration_bias",
        "unrecognised_need",
        "hake_gain",
        "certainty_based_mark",
    ] {
        assert!(MEASURES.iter().any(|m| m.key == key), "{key}");
    }
    let home = page(&app, &anonymous, "/").await;
    assert!(home.contains("href=\"/help/measures\">What the numbers mean</a>"));
}

#[rocket::async_test]
async fn every_measure_on_the_report_pages_is_explained_beside_it() {
    let app = spawn_app().await;
    let manager = manager_of_eight_phlebotomists(&app).await;
    // The topic page and the trends: every column but the row labels.
    for path in ["/reports/topics/samples", "/reports/trends"] {
        let html = page(&app, &manager, path).await;
        let shown = columns(&html);
        assert!(shown.len() > 5, "{path}: {shown:?}");
        for column in shown
            .iter()
            .filter(|c| !matches!(c.as_str(), "Group or job role" | "Month"))
        {
            assert!(explained(&html, measure_named(column)), "{path}: {column}");
        }
    }
    // The dashboard's cells show knowledge and gap against the target, coloured by priority.
    let html = page(&app, &manager, "/reports").await;
    for name in ["Knowledge", "Gap", "Target", "Priority"] {
        assert!(explained(&html, measure_named(name)), "/reports: {name}");
    }
}

#[rocket::async_test]
async fn all_right_but_not_sure_reads_as_less_sure_than_you_could_have_been_with_each_score_explained()
 {
    let app = spawn_app().await;
    let org = app.given_organisation("RX1", "Trust X").await;
    let learner = app
        .given_user(
            "unsure@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let session = app.sign_in_as(&learner).await;
    // Every answer right, every one "not sure": mean mark +1, and the best single certainty
    // for 100% ("very sure") would have given +3, so the bonus is 0.1 x (1 - 3) = -0.20.
    let id = complete_through_pages_at(&app, &session, "baseline", true, "1").await;
    let html = page(&app, &session, &format!("/learn/attempts/{id}/result")).await;
    assert!(html.contains(">100%<"), "accuracy");
    assert!(html.contains(">+1.00<"), "mean mark");
    assert!(html.contains(">-0.20<"), "bonus");
    assert!(
        !html.contains("Your confidence matched your answers"),
        "the words contradict the bonus"
    );
    assert!(!html.contains("your sureness matched your knowledge"));
    assert!(html.contains(
        "Below zero because you were less sure than you could have been: every answer was right"
    ));
    assert!(html.contains("right that you were not very sure of: you know more than you thought."));
    for name in [
        "Score (knowledge)",
        "Certainty-based mark",
        "Certainty bonus",
    ] {
        let measure = MEASURES.iter().find(|m| m.name == name).unwrap();
        assert!(explained(&html, measure), "{name}");
    }
    // The JSON twin gives the same reading.
    let (_, json) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}/result"))
        .await;
    assert!(
        json["result"]["certainty_reading"]
            .as_str()
            .is_some_and(|r| r.contains("less sure than you could have been"))
    );
}

#[rocket::async_test]
async fn item_analysis_links_to_the_glossary_entries_of_its_figures() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let trainer = app.session_for(&world.trainer).await;
    let analysis = page(&app, &trainer, "/author/analysis").await;
    assert!(analysis.contains("href=\"/help/measures#item-analysis\""));
    let glossary = page(&app, &app.visitor().await, "/help/measures").await;
    let section = glossary
        .split("id=\"item-analysis\"")
        .nth(1)
        .expect("an item analysis section");
    for name in [
        "Facility",
        "Discrimination index",
        "Discriminative efficiency",
        "Cronbach's α (KR-20)",
        "Standard error",
    ] {
        let measure = measure_named(name);
        assert!(
            section.contains(&format!("id=\"{}\">", measure.anchor)),
            "{name}"
        );
    }
}
