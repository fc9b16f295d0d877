//! The chart downloads (issue 24, point 4) and the ranking by people affected (point 5)
//! against a hand-computed example with suppressed cells: each chart shows exactly the cells
//! the CSV shows, nothing for a `*`, obeys the filters and the manager's scope, and is audited
//! like the CSV.

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::entities::{report_published, report_published_total};
use rocket::http::{ContentType, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};

use crate::helpers::{Session, TestApp, World, body_of, spawn_app};
use crate::reports_support::*;

const CHART: &str = "/reports/topics/samples/charts";

/// Turns a copy of a published row into a release of 3 people of `role` with knowledge 50
/// each and nothing else (the two published tables have the same columns, not the same type).
macro_rules! small_release {
    ($row:ident, $role:expr) => {
        $row.job_role_id = $role;
        $row.n_learners = 3;
        $row.n_changes = 3;
        $row.sum_knowledge = 150.0;
        $row.sum_knowledge_sq = 7500.0;
        $row.n_rated = 0;
        $row.n_rating_high = 0;
        $row.n_high_below_target = 0;
        $row.n_at_target = 0;
        $row.n_completed = 0;
        $row.n_responses = 0;
        $row.n_answered = 0;
        $row.n_dont_know = 0;
        $row.n_confidently_wrong = 0;
        $row.n_paired = 0;
        $row.n_gain = 0;
        $row.sum_rating = 0.0;
        $row.sum_stated_probability = 0.0;
        $row.sum_answered_fraction = 0.0;
        $row.sum_brier = 0.0;
        $row.sum_paired_pre = 0.0;
        $row.sum_paired_post = 0.0;
        $row.sum_gain = 0.0;
    };
}

/// Trust A: 16 healthcare assistants (1 of 3 right: knowledge 33.3, rating 4) and 8
/// phlebotomists (all right: 100, rating 3), published as the service publishes them. Trust B:
/// 8 phlebotomists (1 of 3 right). Then, in trust A, a release of 3 maternity support workers
/// (knowledge 50 each) written straight into the published tables: the batches never make one,
/// so this is what the `*` is the second line of defence against.
async fn given_a_small_cell(app: &TestApp) -> World {
    let world = app.given_world().await;
    let db = app.db();
    group(
        db,
        "RA1",
        "healthcare-assistant",
        "Band 3",
        16,
        sitting(1, High, 4),
    )
    .await;
    group(db, "RA1", "phlebotomist", "Band 3", 8, sitting(3, High, 3)).await;
    group(db, "RB2", "phlebotomist", "Band 3", 8, sitting(1, High, 2)).await;
    let (org, role, topic) = (
        org_id(db, "RA1").await,
        role_id(db, "maternity-support-worker").await,
        topic_id(db, "samples").await,
    );
    let phlebotomist = role_id(db, "phlebotomist").await;
    let mut release = report_published::Entity::find()
        .filter(report_published::Column::OrganisationId.eq(org))
        .filter(report_published::Column::JobRoleId.eq(phlebotomist))
        .filter(report_published::Column::TopicId.eq(topic))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut total = report_published_total::Entity::find()
        .filter(report_published_total::Column::OrganisationId.eq(org))
        .filter(report_published_total::Column::JobRoleId.eq(phlebotomist))
        .filter(report_published_total::Column::TopicId.eq(topic))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    small_release!(release, role);
    small_release!(total, role);
    release
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .unwrap();
    total
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .unwrap();
    world
}

async fn svg_as(app: &TestApp, session: &Session, path: &str) -> (Status, String) {
    let response = app.get_as(session, path).await;
    let status = response.status();
    if status == Status::Ok {
        assert_eq!(response.content_type(), Some(ContentType::SVG));
        let disposition = response.headers().get_one("Content-Disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"training-gaps-samples-"),
            "{disposition}"
        );
    }
    (status, body_of(response).await)
}

#[rocket::async_test]
async fn chart_downloads_show_what_the_csv_shows_and_nothing_of_a_starred_cell() {
    let app = spawn_app().await;
    let world = given_a_small_cell(&app).await;
    let manager = app.session_for(&world.manager_a).await;

    // The CSV, for reference: the 3 are starred, and so are the 8 phlebotomists (the smaller
    // sibling: otherwise the group minus the assistants would give the 3).
    let csv = body_of(app.get_as(&manager, "/reports/export.csv").await).await;
    let starred = |role: &str| {
        csv.lines()
            .any(|l| l.contains(&format!(",{role},samples,*,")))
    };
    assert!(starred("Maternity Support Worker"), "{csv}");
    assert!(starred("Phlebotomist"), "{csv}");
    assert!(!starred("Healthcare Assistant"));

    let (status, svg) = svg_as(&app, &manager, &format!("{CHART}/knowledge.svg")).await;
    assert_eq!(status, Status::Ok);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\""));
    // Additional Clinical Services and all staff: 27 people (16 + 8 + 3, every release counts
    // in the totals); knowledge (16 × 33.33 + 8 × 100 + 150) / 27 = 54.94 -> 55; target
    // (16 × 60 + 8 × 80 + 3 × 60) / 27 = 65.93 -> 66.
    assert_eq!(svg.matches(">55% (target 66%)</text>").count(), 2, "{svg}");
    // Healthcare assistants: 33.33 -> 33 against 60.
    assert!(svg.contains(">33% (target 60%)</text>"));
    // The starred roles: their labels and the star, no figure.
    assert!(svg.contains("Maternity Support Worker: hidden (*)"));
    assert!(svg.contains("Phlebotomist: hidden (*)"));
    assert!(
        !svg.contains("100% (target"),
        "the phlebotomists' 100 is nowhere"
    );
    assert!(!svg.contains("50% (target"), "the 3's 50 is nowhere");
    assert_eq!(svg.matches("(target ").count(), 3);

    // Confidence against knowledge: the 16 assistants of the 24 who rated say 4 (the 3 gave no
    // rating): 66.7 -> 67%; all 16 are below target: unrecognised need 16 of 27 = 59%.
    let (_, svg) = svg_as(&app, &manager, &format!("{CHART}/calibration.svg")).await;
    assert!(
        svg.contains("67% rate 4–5, knowledge 55%, unrecognised need 59%"),
        "{svg}"
    );
    assert!(!svg.contains("Phlebotomist"), "job roles are not plotted");

    // Trust B is "not found" for trust A's manager, as for the CSV; trust B's manager sees
    // only trust B's 8 phlebotomists (33 against 80).
    let (status, _) = svg_as(
        &app,
        &manager,
        &format!("{CHART}/knowledge.svg?organisation={}", world.org_b),
    )
    .await;
    assert_eq!(status, Status::NotFound);
    let manager_b = app.session_for(&world.manager_b).await;
    let (_, svg) = svg_as(&app, &manager_b, &format!("{CHART}/knowledge.svg")).await;
    assert!(
        svg.contains("Phlebotomist: knowledge 33%, target 80%"),
        "{svg}"
    );
    assert!(!svg.contains("Healthcare Assistant"));

    // A staff group filter with no one in it leaves only an empty total.
    let other = group_id(app.db(), "administrative-and-clerical").await;
    let (_, svg) = svg_as(
        &app,
        &manager,
        &format!("{CHART}/knowledge.svg?staff_group={other}"),
    )
    .await;
    assert!(
        svg.contains("All staff in scope: no answers published"),
        "{svg}"
    );
    assert!(!svg.contains("Healthcare Assistant"));

    // Gain waits for the post view; completion and trends come by month.
    let (_, svg) = svg_as(&app, &manager, &format!("{CHART}/gain.svg")).await;
    assert!(svg.contains("Gain is measured in the post-assessment view"));
    let (_, svg) = svg_as(&app, &manager, &format!("{CHART}/trend.svg")).await;
    assert!(svg.contains(": knowledge 55%, target 66%"), "{svg}");
    let (_, svg) = svg_as(
        &app,
        &manager,
        &format!("{CHART}/completion.svg?from=2099-01"),
    )
    .await;
    assert!(
        svg.contains("No answers in this view have been published yet."),
        "{svg}"
    );
    let (status, _) = svg_as(
        &app,
        &manager,
        &format!("{CHART}/completion.svg?from=2099-13"),
    )
    .await;
    assert_eq!(status, Status::BadRequest);

    // Unknown charts and topics; other people.
    let (status, _) = svg_as(&app, &manager, &format!("{CHART}/pie.svg")).await;
    assert_eq!(status, Status::NotFound);
    let (status, _) = svg_as(&app, &manager, "/reports/topics/nope/charts/knowledge.svg").await;
    assert_eq!(status, Status::NotFound);
    let learner = app.session_for(&world.learner).await;
    let (status, _) = svg_as(&app, &learner, &format!("{CHART}/knowledge.svg")).await;
    assert_eq!(status, Status::Forbidden);

    // Every download that succeeded is in the audit log as an SVG export.
    let exports = app.audit_actions().await;
    let svgs = exports.iter().filter(|a| *a == "report.export").count();
    // The CSV and the 7 charts that answered 200 (refusals record nothing).
    assert_eq!(svgs, 1 + 7);
}

#[rocket::async_test]
async fn the_dashboard_ranks_by_people_affected_beside_the_gap_never_showing_a_small_count() {
    let app = spawn_app().await;
    let world = given_a_small_cell(&app).await;
    let manager = app.session_for(&world.manager_a).await;
    let (status, json) = app.get_json_as(&manager, "/api/v1/reports/gaps").await;
    assert_eq!(status, Status::Ok);
    let ranked = json["priorities_by_people"].as_array().unwrap();
    let assistants = role_id(app.db(), "healthcare-assistant").await;
    let samples = topic_id(app.db(), "samples").await;
    // Healthcare assistants on samples: 16 people, 0% at target, importance 6: 16 × 6 / 7 =
    // 13.7 people affected.
    let entry = ranked
        .iter()
        .find(|p| p["job_role_id"] == assistants && p["topic_id"] == samples)
        .unwrap_or_else(|| panic!("{ranked:?}"));
    assert_eq!(entry["below_target"], 16);
    assert_eq!(entry["people_affected"], 13.7);
    assert_eq!(
        entry["sentence"],
        "Healthcare Assistants: 16 of 16 people are below the target of 60% for samples: \
         collection, labelling and storage (knowledge 33%, very important for the role)"
    );
    // Job roles only, none starred, no count under 8.
    let phlebotomist = role_id(app.db(), "phlebotomist").await;
    for p in ranked {
        assert!(p["below_target"].as_u64().unwrap() >= 8, "{p}");
        assert!(p["job_role_id"].is_number());
        assert!(
            p["job_role_id"] != phlebotomist || p["topic_id"] != samples,
            "{p}"
        );
    }
    // The page explains both rankings beside each other.
    let page = body_of(app.get_as(&manager, "/reports").await).await;
    assert!(page.contains("By gap: where knowledge is furthest below target"));
    assert!(page.contains("By people affected: where most staff are below target"));
    assert!(page.contains(
        "Healthcare Assistants: 16 of 16 people are below the target of 60% for samples"
    ));
}
