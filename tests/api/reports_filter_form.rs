//! A bad report filter (issue 17, point 5) re-shows the page's filter form with the values
//! entered and an NHS.UK error beside the field, instead of a dead-end error page; the JSON
//! twins keep answering a 400 JSON error.

use rocket::http::Status;

use crate::helpers::{body_of, spawn_app};

const PAGES: [&str; 4] = [
    "/reports",
    "/reports/topics/samples",
    "/reports/trends",
    "/reports/completion",
];

/// (query, field in error, value that must be shown again)
const BAD: [(&str, &str, &str); 4] = [
    ("from=June+2025", "from", "value=\"June 2025\""),
    ("to=2026-13", "to", "value=\"2026-13\""),
    ("from=2026-05&to=2026-01", "from", "value=\"2026-01\""),
    ("band=Bands+10-12", "band", "Band group"),
];

#[rocket::async_test]
async fn bad_filter_value_reshows_the_filter_form_with_an_error_beside_the_field() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    for page in PAGES {
        for (query, field, kept) in BAD {
            let response = app.get_as(&manager, &format!("{page}?{query}")).await;
            let status = response.status();
            let body = body_of(response).await;
            let case = format!("{page}?{query}");
            assert_eq!(status, Status::BadRequest, "{case}");
            assert!(body.contains("<title>Error: "), "{case}: title");
            assert!(body.contains("nhsuk-error-summary"), "{case}: summary");
            assert!(body.contains(&format!("href=\"#{field}\"")), "{case}: link");
            assert!(body.contains("nhsuk-form-group--error"), "{case}: group");
            assert!(
                body.contains(&format!(
                    "class=\"nhsuk-error-message\" id=\"{field}-error\""
                )),
                "{case}: message beside the field"
            );
            assert!(body.contains(kept), "{case}: value kept");
            assert!(body.contains("Apply filters"), "{case}: form");
            assert!(!body.contains("problem with your request"), "{case}");
        }
    }
}

#[rocket::async_test]
async fn bad_filter_value_on_a_json_twin_is_a_json_400() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    for path in [
        "/api/v1/reports/gaps?from=June+2025",
        "/api/v1/reports/trends?to=2026-13",
        "/api/v1/reports/completion?band=Bands+10-12",
    ] {
        let (status, body) = app.get_json_as(&manager, path).await;
        assert_eq!(status, Status::BadRequest, "{path}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{path}"
        );
    }
}
