//! Filters (band group, staff group, date range, phase) select whole published groups.

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::reports::{GapQuery, Period, Phase, Scope, gap_report};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::*;

const SAMPLES: &str = "samples";

#[rocket::async_test]
async fn filters_select_whole_published_groups_and_every_view_agrees() {
    let app = spawn_app().await;
    let db = app.db();
    // 8 healthcare assistants at Band 3 (2 of 3 right); 18 phlebotomists: 8 at Band 5 (3 of 3),
    // 8 at Band 3 (1 of 3) and 2 at Band 7. Each band group of a role is published once 8 of
    // its learners have answered (issue 16): the 2 at Band 7 never are.
    let hcas = group(
        db,
        "RF1",
        "healthcare-assistant",
        "Band 3",
        8,
        sitting(2, High, 4),
    )
    .await;
    group(db, "RF1", "phlebotomist", "Band 5", 8, sitting(3, High, 4)).await;
    let low = group(db, "RF1", "phlebotomist", "Band 3", 8, sitting(1, High, 4)).await;
    group(db, "RF1", "phlebotomist", "Band 7", 2, sitting(3, High, 4)).await;
    let base = GapQuery::new(Scope::AllOrganisations);
    let whole = gap_report(db, &base, 8).await.unwrap();
    assert_eq!(shown(&whole, "Phlebotomist", SAMPLES).n, 16);
    assert_eq!(shown(&whole, "Healthcare Assistant", SAMPLES).n, 8);
    assert_eq!(shown(&whole, "All staff in scope", SAMPLES).n, 24);

    // Bands 1–4: 8 HCAs (66.667) and 8 phlebotomists (33.333): (533.3 + 266.7) / 16 = 50.
    let mut q = base.clone();
    q.band = Some("Bands 1–4".into());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "Phlebotomist", SAMPLES).n, 8);
    let g = shown(&r, "Additional Clinical Services", SAMPLES);
    assert_eq!(g.n, 16);
    close(g.knowledge, 50.0);
    assert_invariant(&output_cells(&r));
    // Bands 5–6: the 8 phlebotomists who knew everything.
    q.band = Some("Bands 5–6".into());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert!(r.rows.iter().all(|row| row.label != "Healthcare Assistant"));
    close(shown(&r, "Phlebotomist", SAMPLES).knowledge, 100.0);
    // Bands 7–9: the 2 are in no output, so no filter can single them out.
    q.band = Some("Bands 7–9".into());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 0);

    // Staff group: another group has nobody: only the empty total row.
    let mut q = base.clone();
    q.staff_group = Some(group_id(db, "administrative-and-clerical").await);
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 0);
    q.staff_group = Some(group_id(db, "additional-clinical-services").await);
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 24);

    // Date range: months are the months a group's answers were published. Move the HCAs'
    // baselines, their exact cells and their release to January 2025, consistently, so
    // verify still agrees.
    let hca = role_id(db, "healthcare-assistant").await;
    let january = chrono::DateTime::parse_from_rfc3339("2025-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    db.execute(
        &Query::update()
            .table(Alias::new("attempts"))
            .value(Alias::new("submitted_at"), january)
            .and_where(Expr::col(Alias::new("user_id")).is_in(hcas.clone()))
            .take(),
    )
    .await
    .unwrap();
    for table in ["report_cells", "report_published"] {
        db.execute(
            &Query::update()
                .table(Alias::new(table))
                .value(Alias::new("period"), "2025-01")
                .and_where(Expr::col(Alias::new("job_role_id")).eq(hca))
                .take(),
        )
        .await
        .unwrap();
    }
    assert_aggregates_consistent(&app).await;
    let mut q = base.clone();
    q.to = Some("2025-01".parse::<Period>().unwrap());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "Healthcare Assistant", SAMPLES).n, 8);
    assert!(r.rows.iter().all(|row| row.label != "Phlebotomist"));
    q.to = None;
    q.from = Some("2025-02".parse::<Period>().unwrap());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "Phlebotomist", SAMPLES).n, 16);
    assert!(r.rows.iter().all(|row| row.label != "Healthcare Assistant"));
    let t = genomics_training::reports::trends::trends(db, &base, 8)
        .await
        .unwrap();
    assert_eq!(t.months.len(), 2);
    assert_eq!(t.months[0].period, "2025-01");

    // Phase: 7 post-assessments wait unpublished; the 8th releases all 8.
    for user in &low[..7] {
        sit(db, *user, "post", sitting(3, High, 5)).await;
    }
    let mut q = base.clone();
    q.phase = Phase::Post;
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 0);
    sit(db, low[7], "post", sitting(3, High, 5)).await;
    let r = gap_report(db, &q, 8).await.unwrap();
    let m = shown(&r, "Phlebotomist", SAMPLES);
    assert_eq!(m.n_paired, 8);
    // pre 33.333, post 100: Hake (100 - 33.333) / (100 - 33.333) = 1, and each g = 1.
    close(m.hake_gain, 1.0);
    close(m.mean_individual_gain, 1.0);
    assert_aggregates_consistent(&app).await;
}
