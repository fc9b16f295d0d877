//! The gap grid against hand-computed values (docs/design.md §4), with primary and secondary
//! suppression, the learner-weighted target of a mixed cell, priorities and scope.

use genomics_training::assessment::answer::Sureness::{High, Medium};
use genomics_training::error::AppError;
use genomics_training::learning::assignments::{Audience, assign};
use genomics_training::listing::ListQuery;
use genomics_training::reports::completion::completion_view;
use genomics_training::reports::priorities::top_priorities;
use genomics_training::reports::trends::trends;
use genomics_training::reports::{GapQuery, Phase, Scope, gap_report};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::*;

const ACS: &str = "Additional Clinical Services";
const SAMPLES: &str = "samples";

#[rocket::async_test]
async fn job_role_cell_of_eight_is_shown_with_every_measure_and_of_seven_is_starred() {
    let app = spawn_app().await;
    let db = app.db();
    // Trust A: 8 phlebotomists. 6 get all 3 items right in every topic (knowledge 100) and rate
    // themselves 3; 2 get all wrong (knowledge 0) and rate themselves 5; all at high certainty.
    group(db, "RA1", "phlebotomist", "Band 3", 6, sitting(3, High, 3)).await;
    let wrong = group(db, "RA1", "phlebotomist", "Band 3", 2, sitting(0, High, 5)).await;
    // Trust B: 7 phlebotomists, all right.
    group(db, "RB1", "phlebotomist", "Band 3", 7, sitting(3, High, 3)).await;
    let (a, b) = (org_id(db, "RA1").await, org_id(db, "RB1").await);

    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.organisation = Some(a);
    let report = gap_report(db, &query, 8).await.unwrap();
    let m = shown(&report, "Phlebotomist", SAMPLES);
    assert_eq!(m.n, 8);
    // knowledge = (6 x 100 + 2 x 0) / 8 = 75.
    close(m.knowledge, 75.0);
    // SD (n - 1) = sqrt((6 x 25^2 + 2 x 75^2) / 7) = sqrt(15000 / 7) = 46.2910;
    // half-width = 1.96 x 46.2910 / sqrt 8 = 32.0780 -> 42.9220 to 107.08, clipped to 100;
    // published as whole points (issue 16): 43 to 100.
    let interval = m.knowledge_interval.unwrap();
    close(Some(interval.low), 43.0);
    close(Some(interval.high), 100.0);
    // Phlebotomist samples: target 80, importance 7 (targets.toml).
    close(m.target, 80.0);
    close(m.importance, 7.0);
    close(m.gap, 5.0); // 80 - 75
    close(m.priority, 5.0); // 7 / 7 x 5
    assert_eq!(m.n_rated, 8);
    close(m.self_confidence, 3.5); // (6 x 3 + 2 x 5) / 8
    close(m.pct_confident, 25.0); // 2 of 8 rate 4-5
    close(m.unrecognised_need, 25.0); // the same 2 are below 80
    close(m.pct_at_target, 75.0); // 6 of 8 at or above 80
    close(m.completion, 75.0); // tested out: the same 6; no modules done
    // 24 answered items at certainty 3 (stated 0.9), 18 right: bias 0.9 - 18/24 = 0.15.
    close(m.calibration_bias, 0.15);
    close(m.confidently_wrong_rate, 0.25); // 6 of 24 wrong at certainty 3
    assert_eq!(m.n_paired, 0);
    assert_eq!(m.hake_gain, None);
    assert_eq!(m.mean_individual_gain, None);
    // The only job role of the only staff group: the group and total are the same numbers.
    assert_eq!(shown(&report, ACS, SAMPLES), m);
    assert_eq!(shown(&report, "All staff in scope", SAMPLES), m);

    let priorities = top_priorities(&report, 50);
    assert!(priorities.iter().any(|p| p.sentence
        == "Phlebotomists: knowledge of samples: collection, labelling and storage is 75% \
            against a target of 80% (gap 5 points, critically important for the role)"));

    // Trust B alone: its 7 learners never make a release of 8 (issue 16), so nothing of
    // theirs is published: no row, an empty total, no priorities.
    query.organisation = Some(b);
    let report_b = gap_report(db, &query, 8).await.unwrap();
    assert!(report_b.rows.iter().all(|r| r.label != "Phlebotomist"));
    assert_eq!(shown(&report_b, "All staff in scope", SAMPLES).n, 0);
    assert!(top_priorities(&report_b, 50).is_empty());
    assert_invariant(&output_cells(&report_b));

    // Both trusts: only trust A's 8 are published (before issue 16 this showed all 15, and
    // the difference from trust A's view was trust B's 7 exactly).
    query.organisation = None;
    let both = gap_report(db, &query, 8).await.unwrap();
    let m = shown(&both, "Phlebotomist", SAMPLES);
    assert_eq!(m.n, 8);
    close(m.knowledge, 75.0);
    close(m.gap, 5.0);

    // A manager of trust A sees only trust A, and asking for B is "not found".
    let scoped = GapQuery::new(Scope::Organisations(vec![a]));
    let mine = gap_report(db, &scoped, 8).await.unwrap();
    assert_eq!(shown(&mine, "All staff in scope", SAMPLES).n, 8);
    let mut sneaky = scoped.clone();
    sneaky.organisation = Some(b);
    assert!(matches!(
        gap_report(db, &sneaky, 8).await,
        Err(AppError::NotFound(_))
    ));
    let months = trends(db, &scoped, 8).await.unwrap();
    assert_eq!(months.months.len(), 1);
    let total = &months.months[0].rows[0].cells[0];
    assert_eq!(total.measures().unwrap().n, 8);

    // The completion view for trust A: its 8 people only, dates and never scores.
    let staff = completion_view(db, &[a], &[], &ListQuery::everything())
        .await
        .unwrap()
        .rows;
    assert_eq!(staff.len(), 8);
    assert!(
        staff
            .iter()
            .all(|s| s.organisation_id == a && s.baseline_done.is_some())
    );
    let json = serde_json::to_string(&staff).unwrap();
    for word in ["knowledge", "score", "fraction", "answer", "accuracy"] {
        assert!(!json.contains(word), "{word} in {json}");
    }

    // Post-assessment: the 2 who knew nothing now get 2 of 3 (66.667); the 6 who knew all
    // now also get 2 of 3; everyone rates 4.
    let users = users_of_role(db, a, "phlebotomist").await;
    for user in users {
        sit(db, user, "post", sitting(2, High, 4)).await;
    }
    let mut post = GapQuery::new(Scope::Organisations(vec![a]));
    post.phase = Phase::Post;
    let report = gap_report(db, &post, 8).await.unwrap();
    let m = shown(&report, "Phlebotomist", SAMPLES);
    assert_eq!(m.n, 8);
    close(m.knowledge, 67.0); // 66.667, published whole
    assert_eq!(m.n_paired, 8);
    // Hake: (mean post - mean pre) / (100 - mean pre) = (66.667 - 75) / 25 = -1/3 -> -0.33.
    close(m.hake_gain, -0.33);
    // Individual g excludes the 6 with pre = 100; the 2: (66.667 - 0) / 100 each -> 0.67.
    close(m.mean_individual_gain, 0.67);
    close(m.unrecognised_need, 100.0); // all rate 4, all below 80
    assert_eq!(
        m.completion, None,
        "completion belongs to the baseline view"
    );
    assert!(wrong.len() == 2);
    assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn roles_too_small_to_publish_are_left_out_of_every_total_and_mixed_cells_weight_targets() {
    let app = spawn_app().await;
    let db = app.db();
    // Additional Clinical Services: 3 maternity support workers (1 of 3 right, medium
    // certainty, rating 2), 8 healthcare assistants (2 of 3, high, rating 4), 16 phlebotomists
    // in Bands 3 and 4, one band group (8 with 3 of 3 and 8 with 1 of 3, high, rating 4).
    // Groups are published in batches of 8 (issue 16), so sizes of 8 and 16 publish everyone.
    group(
        db,
        "RS1",
        "maternity-support-worker",
        "Band 3",
        3,
        sitting(1, Medium, 2),
    )
    .await;
    group(
        db,
        "RS1",
        "healthcare-assistant",
        "Band 3",
        8,
        sitting(2, High, 4),
    )
    .await;
    group(db, "RS1", "phlebotomist", "Band 4", 8, sitting(3, High, 4)).await;
    group(db, "RS1", "phlebotomist", "Band 3", 8, sitting(1, High, 4)).await;
    let report = gap_report(db, &GapQuery::new(Scope::AllOrganisations), 8)
        .await
        .unwrap();
    // The 3 maternity support workers are never published, so they are in no row and no
    // total: the group cannot be subtracted down to them. Before issue 16 they were starred
    // and the healthcare assistants starred too (secondary suppression); now nothing needs it.
    assert!(
        report
            .rows
            .iter()
            .all(|r| r.label != "Maternity Support Worker")
    );
    for topic in &report.topics {
        assert!(!is_starred(&report, "Healthcare Assistant", &topic.slug));
        assert!(!is_starred(&report, "Phlebotomist", &topic.slug));
    }
    assert_invariant(&output_cells(&report));
    let m = shown(&report, ACS, SAMPLES);
    assert_eq!(m.n, 24);
    // Knowledge: (8 x 66.667 + 8 x 100 + 8 x 33.333) / 24 = 1600 / 24 = 66.667 -> 67.
    close(m.knowledge, 67.0);
    // SD (n - 1) = 27.80; half-width = 1.96 x 27.80 / sqrt 24 = 11.12 -> 55.5 to 77.8.
    let interval = m.knowledge_interval.unwrap();
    close(Some(interval.low), 56.0);
    close(Some(interval.high), 78.0);
    // Learner-weighted target: (8 x 60 + 16 x 80) / 24 = 73.33 -> 73;
    // importance (8 x 6 + 16 x 7) / 24 = 6.667 -> 6.7.
    close(m.target, 73.0);
    close(m.importance, 6.7);
    // Gap 73.33 - 66.67 = 6.67 -> 7; priority 6.667 / 7 x 6.667 = 6.35 -> 6.3.
    close(m.gap, 7.0);
    close(m.priority, 6.3);
    close(m.self_confidence, 4.0);
    close(m.pct_confident, 100.0);
    // Rating 4-5 yet below own target: the 8 phlebotomists at 33.3 < 80: 8 of 24 -> 33.
    close(m.unrecognised_need, 33.0);
    // At own target: 8 HCAs (66.7 >= 60) + 8 phlebotomists at 100 = 16 of 24 -> 67.
    close(m.pct_at_target, 67.0);
    close(m.completion, 67.0);
    // 72 answered, all at certainty 3 (0.9); right 16 + 24 + 8 = 48: 0.9 - 48/72 -> 0.23.
    close(m.calibration_bias, 0.23);
    // Wrong at certainty 3: 8 (HCAs) + 16 (phlebotomists at 1 of 3) = 24 of 72 -> 0.33.
    close(m.confidently_wrong_rate, 0.33);
    let p = shown(&report, "Phlebotomist", SAMPLES);
    close(p.knowledge, 67.0); // 1066.7 / 16 = 66.67
    close(p.gap, 13.0); // 80 - 66.67
    assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn completion_view_gives_baseline_and_assigned_module_dates_never_scores() {
    let app = spawn_app().await;
    let db = app.db();
    let done = group(db, "RM1", "phlebotomist", "Band 3", 1, sitting(1, High, 3)).await[0];
    let idle = learner(db, "idle@nhs.test", "RM1", "phlebotomist", "Band 3").await;
    let other = group(db, "RM2", "phlebotomist", "Band 3", 1, sitting(1, High, 3)).await[0];
    let (rm1, rm2) = (org_id(db, "RM1").await, org_id(db, "RM2").await);
    let samples = genomics_training::entities::module::Entity::find()
        .filter(genomics_training::entities::module::Column::Slug.eq("samples"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let due = chrono::Utc::now().date_naive() + chrono::Days::new(30);
    let audience = Audience {
        organisation_id: rm1,
        job_role_id: Some(role_id(db, "phlebotomist").await),
        ..Audience::default()
    };
    assign(db, done.into(), samples.id.into(), audience, due)
        .await
        .unwrap();
    // A quiz has more than 3 items of its topic: get them all right to pass.
    sit(db, done, "quiz-samples", sitting(usize::MAX, High, 3)).await;

    let staff = completion_view(db, &[rm1], &[], &ListQuery::everything())
        .await
        .unwrap()
        .rows;
    assert_eq!(staff.len(), 2, "only RM1's people");
    assert!(
        staff
            .iter()
            .all(|s| s.user_id != other && s.organisation_id == rm1)
    );
    let d = staff.iter().find(|s| s.user_id == done).unwrap();
    let i = staff.iter().find(|s| s.user_id == idle).unwrap();
    assert_eq!(d.job_role, "Phlebotomist");
    assert!(d.baseline_done.is_some());
    assert!(i.baseline_done.is_none());
    assert_eq!(d.modules.len(), 1);
    assert_eq!(d.modules[0].due_on, due);
    assert!(d.modules[0].completed_at.is_some());
    assert!(i.modules[0].completed_at.is_none());
    let rm2_staff = completion_view(db, &[rm2], &[], &ListQuery::everything()).await;
    assert_eq!(rm2_staff.unwrap().rows.len(), 1);
    assert_aggregates_consistent(&app).await;
}
