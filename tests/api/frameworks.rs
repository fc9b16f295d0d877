//! Issue 20 point 17: the published frameworks in `content/frameworks.toml` are loaded once,
//! shown on the modules that support them, and the gap report can be read by competency with
//! exactly the dashboard's published cells (and its `*`), never a new combined figure.

use std::path::Path;

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::content;
use genomics_training::entities::{framework, framework_competency, framework_competency_topic};
use genomics_training::reports::{GapQuery, Scope, gap_report};
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::content_check::{copy_tree, edit};
use crate::helpers::{body_of, spawn_app};
use crate::reports_support::*;

const NURSES: &str = "gep-nurses-2023";
const CONSENT_AND_TESTING: &str = "Apply knowledge, understanding and context of genomic testing";

#[rocket::async_test]
async fn loading_the_frameworks_again_changes_nothing_and_an_edit_replaces_the_mapping() {
    let app = spawn_app().await;
    let db = app.db();
    let tree = content::read_and_check(Path::new("content")).expect("valid content");
    let competencies: usize = tree.frameworks.iter().map(|f| f.competencies.len()).sum();
    assert_eq!(
        framework_competency::Entity::find()
            .count(db)
            .await
            .unwrap() as usize,
        competencies
    );
    let summary = content::load_tree(db, &tree).await.unwrap();
    assert_eq!(summary.frameworks_changed, 0, "{summary:?}");

    let dir = copy_tree(Path::new("content"));
    edit(
        dir.path(),
        "frameworks.toml",
        "topics = [\"talking-with-patients\", \"results-uncertainty\"]\nmodules = [\"talking-with-patients\"]",
        "topics = [\"talking-with-patients\"]\nmodules = [\"talking-with-patients\"]",
    );
    let edited = content::read_and_check(dir.path()).expect("still valid");
    let links_before = framework_competency_topic::Entity::find()
        .count(db)
        .await
        .unwrap();
    let summary = content::load_tree(db, &edited).await.unwrap();
    assert_eq!(summary.frameworks_changed, tree.frameworks.len());
    let links_after = framework_competency_topic::Entity::find()
        .count(db)
        .await
        .unwrap();
    assert_eq!(links_after + 1, links_before);
    assert_eq!(
        framework::Entity::find().count(db).await.unwrap() as usize,
        tree.frameworks.len()
    );
    let again = content::load_tree(db, &edited).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
}

#[rocket::async_test]
async fn a_module_page_names_the_competencies_it_supports_with_a_link_to_the_source() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let session = app.session_for(&world.learner).await;
    let first = body_of(app.get_as(&session, "/learn/modules/samples/pages/1").await).await;
    assert!(first.contains("This module supports:"), "{first}");
    assert!(first.contains(CONSENT_AND_TESTING), "{first}");
    assert!(first.contains(
        "<a href=\"https://www.genomicseducation.hee.nhs.uk/documents/the-2023-genomic-competency-framework-for-uk-nurses/\">The 2023 Genomic Competency Framework for UK Nurses</a>, competency 5:"
    ));
    // Competency 2 is about communicating, which the samples module does not teach.
    assert!(!first.contains("competency 2:"), "{first}");
    let second = body_of(app.get_as(&session, "/learn/modules/samples/pages/2").await).await;
    assert!(!second.contains("This module supports:"));
}

/// The competency's topic figures in the framework JSON, by topic slug.
fn figures<'a>(json: &'a Value, number: &str, topic: &str) -> &'a Value {
    let competency = json["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == number)
        .unwrap_or_else(|| panic!("no competency {number}"));
    &competency["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == topic)
        .unwrap_or_else(|| panic!("competency {number} has no topic {topic}"))["figures"]
}

#[rocket::async_test]
async fn the_framework_view_shows_the_dashboards_published_cells_and_nothing_for_a_small_group() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    // Trust A: 8 phlebotomists (published); trust B: 7 (never a release of 8).
    group(db, "RA1", "phlebotomist", "Band 3", 8, sitting(2, High, 3)).await;
    group(db, "RB2", "phlebotomist", "Band 3", 7, sitting(3, High, 3)).await;
    let admin = app.session_for(&world.admin).await;
    let (status, json) = app
        .get_json_as(&admin, &format!("/api/v1/reports/frameworks/{NURSES}"))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(json["framework"]["year"], 2023);
    let report = gap_report(db, &GapQuery::new(Scope::AllOrganisations), 8)
        .await
        .unwrap();
    for topic in ["samples", "invitation-consent", "results-uncertainty"] {
        let m = shown(&report, "All staff in scope", topic);
        let f = figures(&json, "5", topic);
        assert_eq!(f["n"], m.n, "{topic}: {f}");
        assert_eq!(f["n"], 8, "only trust A's release is in any total");
        assert_eq!(f["knowledge"].as_f64(), m.knowledge, "{topic}");
        assert_eq!(f["gap"].as_f64(), m.gap, "{topic}");
    }
    let six = json["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "6")
        .unwrap();
    assert!(six["not_covered"].is_string());
    assert_eq!(six["topics"], serde_json::json!([]));

    // Trust B alone: its 7 learners are in no published figure, on either view.
    let b = org_id(db, "RB2").await;
    let path = format!("/api/v1/reports/frameworks/{NURSES}?organisation={b}");
    let (status, json) = app.get_json_as(&admin, &path).await;
    assert_eq!(status, Status::Ok);
    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.organisation = Some(b);
    let report = gap_report(db, &query, 8).await.unwrap();
    let dashboard = cell(&report, "All staff in scope", "samples");
    let f = figures(&json, "5", "samples");
    match dashboard.measures() {
        None => assert_eq!(f.as_str(), Some("*")),
        Some(m) => {
            assert_eq!(m.n, 0);
            assert_eq!(f["n"], 0);
            assert!(f["knowledge"].is_null(), "{f}");
        }
    }

    let page = body_of(
        app.get_as(
            &admin,
            &format!("/reports/frameworks/{NURSES}?organisation={b}"),
        )
        .await,
    )
    .await;
    assert!(page.contains("Competency 5: "), "{page}");
    assert!(
        !page.contains(">100<") && !page.contains(">67<"),
        "no figure of trust B's 7"
    );
    let (status, _) = app
        .get_json_as(&admin, "/api/v1/reports/frameworks/no-such-framework")
        .await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn the_dashboard_links_to_each_framework_view_keeping_its_filters() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_a).await;
    let page = body_of(app.get_as(&manager, "/reports?phase=post").await).await;
    assert!(
        page.contains(&format!("href=\"/reports/frameworks/{NURSES}?")),
        "{page}"
    );
    let response = app
        .get_as(
            &manager,
            &format!("/reports/frameworks/{NURSES}?from=banana"),
        )
        .await;
    assert_eq!(response.status(), Status::BadRequest);
}
