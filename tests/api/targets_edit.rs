//! Targets edited in the app: one form per job role (trainers and admins), its JSON twin, the
//! history, the audit entry, the report figures rebuilt with the new targets (verify clean),
//! and a content reload that keeps the edit.

use std::path::Path;

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::content;
use genomics_training::reports::rebuild::rebuild;
use genomics_training::reports::verify::verify;
use genomics_training::reports::{GapQuery, Scope, gap_report};
use rocket::http::{Method, Status};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};
use serde_json::json;

use crate::content_check::{copy_tree, edit};
use crate::helpers::{Grant, Session, TestApp, assert_aggregates_consistent, body_of, spawn_app};
use crate::reports_support::*;

const SAMPLES: &str = "samples";

async fn trainer(app: &TestApp) -> Session {
    let user = app
        .given_user(
            "trainer@nhs.test",
            Grant {
                trainer: true,
                ..Grant::default()
            },
        )
        .await;
    app.sign_in_as(&user).await
}

/// 6 phlebotomists in RT1 who know everything (100) and rate themselves 3, and 2 who get 1 of
/// 3 right (33.3) and rate themselves 5: with the file's target for samples (80, importance 7),
/// 6 of 8 are at target and 2 of 8 are confident yet below it.
async fn given_phlebotomists(app: &TestApp) -> i64 {
    let db = app.db();
    group(db, "RT1", "phlebotomist", "Band 3", 6, sitting(3, High, 3)).await;
    group(db, "RT1", "phlebotomist", "Band 3", 2, sitting(1, High, 5)).await;
    org_id(db, "RT1").await
}

async fn phlebotomist_samples(app: &TestApp, org: i64) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.organisation = Some(org);
    let report = gap_report(app.db(), &query, 8).await.unwrap();
    let m = shown(&report, "Phlebotomist", SAMPLES);
    (m.target, m.pct_at_target, m.unrecognised_need)
}

#[rocket::async_test]
async fn saving_a_target_rebuilds_the_figures_and_verify_is_clean() {
    let app = spawn_app().await;
    let org = given_phlebotomists(&app).await;
    let (target, at_target, unrecognised) = phlebotomist_samples(&app, org).await;
    close(target, 80.0);
    close(at_target, 75.0);
    close(unrecognised, 25.0);

    let session = trainer(&app).await;
    let response = app
        .post_form_as(
            &session,
            "/targets/phlebotomist",
            &[
                ("targets[samples].required_level", "30"),
                ("targets[samples].importance", "6"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let flash = response
        .cookies()
        .get("_flash")
        .map(|c| c.value().to_owned());
    assert!(
        flash
            .as_deref()
            .is_some_and(|f| f.contains("rebuilt from 8 assessments")),
        "{flash:?}"
    );
    assert_aggregates_consistent(&app).await;
    // Target 30: the two at 33.3 are now at target too, so 8 of 8, and nobody confident is
    // below it.
    let (target, at_target, unrecognised) = phlebotomist_samples(&app, org).await;
    close(target, 30.0);
    close(at_target, 100.0);
    close(unrecognised, 0.0);

    let page = body_of(app.get_as(&session, "/targets/phlebotomist").await).await;
    assert!(page.contains("80 → 30"), "{page}");
    assert!(page.contains("7 → 6"), "{page}");
    assert!(
        app.audit_actions()
            .await
            .contains(&"targets_changed".to_owned())
    );
    let (_, json) = app
        .get_json_as(&session, "/api/v1/targets/phlebotomist")
        .await;
    let samples = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["topic"] == SAMPLES)
        .unwrap();
    assert_eq!(samples["required_level"], 30);
    assert_eq!(samples["edited_in_app"], true);
    assert_eq!(json["history"][0]["changed_by"], "Person trainer@nhs.test");
}

#[rocket::async_test]
async fn a_target_changed_behind_the_service_shows_in_verify_until_rebuilt() {
    let app = spawn_app().await;
    let db = app.db();
    given_phlebotomists(&app).await;
    db.execute(
        &Query::update()
            .table(Alias::new("role_targets"))
            .value(Alias::new("required_level"), 30)
            .and_where(Expr::col(Alias::new("job_role_id")).eq(role_id(db, "phlebotomist").await))
            .and_where(Expr::col(Alias::new("topic_id")).eq(topic_id(db, SAMPLES).await))
            .take(),
    )
    .await
    .unwrap();
    let differences = verify(db).await.unwrap();
    assert!(
        differences.iter().any(|d| d.column == "n_at_target"),
        "{differences:?}"
    );
    let rebuilt = rebuild(db).await.unwrap();
    assert_eq!(rebuilt.attempts, 8);
    assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn bad_values_are_named_in_an_error_summary_and_nothing_is_saved() {
    let app = spawn_app().await;
    let session = trainer(&app).await;
    let response = app
        .post_form_as(
            &session,
            "/targets/phlebotomist",
            &[
                ("targets[samples].required_level", "101"),
                ("targets[samples].importance", "seven"),
                ("targets[consent].required_level", "50"),
                ("targets[consent].importance", "3"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("nhsuk-error-summary"), "{page}");
    assert!(page.contains("href=\"#required-samples\""), "{page}");
    assert!(page.contains("href=\"#importance-samples\""), "{page}");
    assert!(page.contains("value=\"101\""), "typed values are kept");
    let (_, json) = app
        .get_json_as(&session, "/api/v1/targets/phlebotomist")
        .await;
    assert_eq!(json["history"].as_array().map(Vec::len), Some(0));

    let (status, body) = app
        .send_json_as(
            &session,
            Method::Put,
            "/api/v1/targets/phlebotomist",
            json!({ "targets": { SAMPLES: { "required_level": 50, "importance": 8 } } }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.to_string().contains("1 to 7"), "{body}");
    let (status, body) = app
        .send_json_as(
            &session,
            Method::Put,
            "/api/v1/targets/phlebotomist",
            json!({ "targets": { SAMPLES: { "required_level": 50, "importance": 7 } } }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["changed"], json!([SAMPLES]));
    assert!(body["rebuilt"]["cells"].is_number(), "{body}");
}

#[rocket::async_test]
async fn a_form_without_its_token_is_refused() {
    let app = spawn_app().await;
    let session = trainer(&app).await;
    let response = app
        .post_raw_form(
            &session,
            "/targets/phlebotomist",
            &[
                ("targets[samples].required_level", "30"),
                ("targets[samples].importance", "6"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let (_, json) = app
        .get_json_as(&session, "/api/v1/targets/phlebotomist")
        .await;
    assert_eq!(json["history"].as_array().map(Vec::len), Some(0));
}

#[rocket::async_test]
async fn reloading_content_keeps_an_edited_target_and_follows_the_file_for_the_rest() {
    let app = spawn_app().await;
    let session = trainer(&app).await;
    let (status, _) = app
        .send_json_as(
            &session,
            Method::Put,
            "/api/v1/targets/phlebotomist",
            json!({ "targets": { SAMPLES: { "required_level": 55, "importance": 4 } } }),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let dir = copy_tree(Path::new("content"));
    // The file now says 90 for phlebotomist × samples and 10 → 11 for porter × basics.
    edit(
        dir.path(),
        "targets.toml",
        "job_role = \"phlebotomist\"\ntopic = \"samples\"\nrequired = 80",
        "job_role = \"phlebotomist\"\ntopic = \"samples\"\nrequired = 90",
    );
    edit(
        dir.path(),
        "targets.toml",
        "job_role = \"porter\"\ntopic = \"genomics-basics\"\nrequired = 10",
        "job_role = \"porter\"\ntopic = \"genomics-basics\"\nrequired = 11",
    );
    let tree = content::read_and_check(dir.path()).expect("valid content");
    content::load_tree(app.db(), &tree).await.unwrap();
    let target = |json: &serde_json::Value, topic: &str| {
        json["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["topic"] == topic)
            .map(|t| t["required_level"].clone())
    };
    let (_, json) = app
        .get_json_as(&session, "/api/v1/targets/phlebotomist")
        .await;
    assert_eq!(target(&json, SAMPLES), Some(json!(55)));
    let (_, json) = app.get_json_as(&session, "/api/v1/targets/porter").await;
    assert_eq!(target(&json, "genomics-basics"), Some(json!(11)));
}
