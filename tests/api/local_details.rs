//! Issue 20 point 18: an admin fills in an organisation's local details (labelling rules,
//! incident reporting, interpreters, information governance, Caldicott Guardian); that
//! organisation's learners see them where a module page marks them, sanitised; everyone else,
//! and every detail left empty, shows the general default.

use std::path::Path;

use genomics_training::content;
use genomics_training::content::local_details::LocalKey;
use rocket::http::{Method, Status};
use serde_json::{Value, json};

use crate::content_check::{copy_tree, edit};
use crate::helpers::{body_of, spawn_app};

const INCIDENTS_PAGE: &str = "/learn/modules/samples/pages/3";
const CONFIDENTIALITY_PAGE: &str = "/learn/modules/data-protection-sharing/pages/2";

#[rocket::async_test]
async fn a_learner_sees_their_own_organisations_details_and_others_see_the_default() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.session_for(&world.admin).await;
    let path = format!("/admin/organisations/{}/local-details", world.org_a);

    let form = body_of(app.get_as(&admin, &path).await).await;
    assert!(form.contains("<label class=\"nhsuk-label nhsuk-label--s\" for=\"incident-reporting\">Reporting an incident</label>"), "{form}");
    assert!(form.contains("If you do not know how to find it, ask your line manager"));
    let saved = app
        .post_form_as(
            &admin,
            &path,
            &[
                (
                    "details[incident-reporting]",
                    "Report it on **Datix**: [incident form](https://intranet.example.nhs.uk/datix).",
                ),
                ("details[caldicott-guardian]", "Dr Asha Patel, Medical Director"),
                ("details[interpreter-booking]", "   "),
            ],
        )
        .await;
    assert_eq!(saved.status(), Status::SeeOther);
    let after = body_of(app.get_as(&admin, &path).await).await;
    assert!(
        after.contains(">Dr Asha Patel, Medical Director</textarea>"),
        "{after}"
    );

    let learner = app.session_for(&world.learner).await;
    let page = body_of(app.get_as(&learner, INCIDENTS_PAGE).await).await;
    assert!(
        page.contains("<strong>Reporting an incident at Trust A</strong>"),
        "{page}"
    );
    assert!(
        page.contains("Report it on <strong>Datix</strong>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://intranet.example.nhs.uk/datix\""),
        "{page}"
    );
    assert!(!page.contains(LocalKey::IncidentReporting.default_text()));
    assert!(!page.contains("[[local"), "{page}");
    let confidentiality = body_of(app.get_as(&learner, CONFIDENTIALITY_PAGE).await).await;
    assert!(confidentiality.contains("<strong>Your Caldicott Guardian at Trust A</strong>"));
    assert!(confidentiality.contains("Dr Asha Patel, Medical Director"));
    // Not filled in: the general advice, under the general heading.
    assert!(confidentiality.contains("<strong>Your information governance team</strong>"));
    assert!(confidentiality.contains(LocalKey::InformationGovernance.default_text()));

    // Someone in another organisation sees only the defaults.
    let elsewhere = app.session_for(&world.manager_b).await;
    let page = body_of(app.get_as(&elsewhere, INCIDENTS_PAGE).await).await;
    assert!(
        page.contains("<strong>Reporting an incident</strong>"),
        "{page}"
    );
    assert!(page.contains(LocalKey::IncidentReporting.default_text()));
    assert!(!page.contains("Datix"), "{page}");

    // The audit log says who changed what, in words.
    assert_eq!(
        app.audit_actions().await.last().map(String::as_str),
        Some("local_details_changed")
    );
    let (_, log) = app.get_json_as(&admin, "/api/v1/admin/audit").await;
    let sentence = log["entries"][0]["summary"].as_str().unwrap_or_default();
    assert!(
        sentence.ends_with(
            "changed the local details of Trust A (RA1): incident reporting, Caldicott Guardian."
        ),
        "{log}"
    );

    // Emptying a detail brings the default back.
    let cleared = app
        .post_form_as(&admin, &path, &[("details[incident-reporting]", "")])
        .await;
    assert_eq!(cleared.status(), Status::SeeOther);
    let page = body_of(app.get_as(&learner, INCIDENTS_PAGE).await).await;
    assert!(
        page.contains(LocalKey::IncidentReporting.default_text()),
        "{page}"
    );
}

#[rocket::async_test]
async fn an_admins_text_is_sanitised_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.session_for(&world.admin).await;
    let api = format!("/api/v1/admin/organisations/{}/local-details", world.org_a);

    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Put,
            &api,
            json!({ "details": { "interpreter-booking":
                "Call [DA Languages](javascript:alert(2)) on <b onclick=\"x()\">ext 4242</b>\n\n<script>alert(1)</script>" } }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["changed"], json!(["interpreter-booking"]));
    assert_eq!(body["organisation_name"], "Trust A");
    let learner = app.session_for(&world.learner).await;
    let page = body_of(
        app.get_as(&learner, "/learn/modules/talking-with-patients/pages/3")
            .await,
    )
    .await;
    assert!(page.contains("Booking an interpreter at Trust A"), "{page}");
    assert!(page.contains("ext 4242"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(!page.contains("onclick"), "{page}");

    // Too long, an unknown detail, and a control character: refused, nothing saved.
    let long = "x".repeat(1001);
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Put,
            &api,
            json!({ "details": { "interpreter-booking": "", "caldicott-guardian": long } }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Your Caldicott Guardian must be 1000 characters or fewer"),
        "{body}"
    );
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Put,
            &api,
            json!({ "details": { "datix": "x" } }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("no local detail called `datix`")
    );
    let (_, now) = app.get_json_as(&admin, &api).await;
    let interpreter = &now["details"][2];
    assert_eq!(interpreter["key"], "interpreter-booking");
    assert!(
        interpreter["text"]
            .as_str()
            .unwrap_or_default()
            .contains("ext 4242")
    );

    let path = format!("/admin/organisations/{}/local-details", world.org_a);
    let response = app
        .post_form_as(
            &admin,
            &path,
            &[
                ("details[sample-labelling]", "Handwrite\u{0007} the tube"),
                ("details[caldicott-guardian]", &long),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(
        page.contains("<title>Error: Local details for Trust A"),
        "{page}"
    );
    let sample = page
        .find("href=\"#sample-labelling\"")
        .expect("first error");
    let guardian = page
        .find("href=\"#caldicott-guardian\"")
        .expect("second error");
    assert!(sample < guardian, "errors in the form's order: {page}");
    assert!(
        page.contains(&format!(">{long}</textarea>")),
        "what was typed is kept"
    );
    let (_, unchanged) = app.get_json_as(&admin, &api).await;
    assert_eq!(unchanged["details"][0]["text"], "");
    assert_eq!(unchanged["details"][4]["text"], "");

    // An organisation that does not exist.
    let (status, _) = app
        .get_json_as(&admin, "/api/v1/admin/organisations/9999/local-details")
        .await;
    assert_eq!(status, Status::NotFound);
    let missing = app
        .post_form_as(
            &admin,
            "/admin/organisations/9999/local-details",
            &[("details[sample-labelling]", "x")],
        )
        .await;
    assert_eq!(missing.status(), Status::NotFound);
}

#[test]
fn a_module_page_naming_an_unknown_detail_fails_the_content_check() {
    let dir = copy_tree(Path::new("content"));
    edit(
        dir.path(),
        "modules/samples/03-storage-and-transport.md",
        "[[local: incident-reporting]]",
        "[[local: datix]]",
    );
    let problems: Vec<String> = match content::read_and_check(dir.path()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("modules/samples/index.md")
            && problems[0].contains("`[[local: datix]]` names no local detail; use one of sample-labelling, incident-reporting"),
        "{problems:#?}"
    );
}

#[rocket::async_test]
async fn the_contact_page_shows_the_organisations_own_help_to_its_staff_only() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let default = LocalKey::TrainingContact.default_text();

    // Nobody has filled it in: the general advice, signed in or not, page and JSON.
    let page = body_of(app.get("/contact").await).await;
    assert!(
        page.contains("<h1 class=\"nhsuk-heading-xl\">Contact us</h1>"),
        "{page}"
    );
    assert!(
        page.contains(default) && page.contains("sign in</a> to see"),
        "{page}"
    );
    let (status, body) = app.get_json("/api/v1/contact").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["is_default"], true);
    assert_eq!(body["organisation"], Value::Null);
    assert_eq!(body["text"], default);

    // Trust A's admin fills it in through the local details form.
    let admin = app.session_for(&world.admin).await;
    let saved = app
        .post_form_as(
            &admin,
            &format!("/admin/organisations/{}/local-details", world.org_a),
            &[(
                "details[training-contact]",
                "Email **learning.development@a.nhs.uk** (weekdays 9 to 5) <script>alert(1)</script>",
            )],
        )
        .await;
    assert_eq!(saved.status(), Status::SeeOther);

    // Its learner sees it, named as Trust A's, sanitised; the JSON says the same.
    let learner = app.session_for(&world.learner).await;
    let page = body_of(app.get_as(&learner, "/contact").await).await;
    assert!(
        page.contains("Help with this training at Trust A"),
        "{page}"
    );
    assert!(
        page.contains("<strong>learning.development@a.nhs.uk</strong>"),
        "{page}"
    );
    assert!(
        !page.contains("<script>alert") && !page.contains(default),
        "{page}"
    );
    assert!(!page.contains("sign in</a> to see"), "{page}");
    let (_, body) = app.get_json_as(&learner, "/api/v1/contact").await;
    assert_eq!(body["organisation"], "Trust A");
    assert_eq!(body["is_default"], false);
    assert!(body["text"].as_str().unwrap().contains("weekdays 9 to 5"));

    // Trust B's manager and an anonymous visitor still read the general advice.
    let other = app.session_for(&world.manager_b).await;
    let page = body_of(app.get_as(&other, "/contact").await).await;
    assert!(
        page.contains(default) && !page.contains("a.nhs.uk"),
        "{page}"
    );
    let page = body_of(app.get("/contact").await).await;
    assert!(!page.contains("a.nhs.uk"), "{page}");

    // Every page's footer links to it.
    let home = body_of(app.get("/").await).await;
    assert!(home.contains("href=\"/contact\">Contact us</a>"), "{home}");
}
