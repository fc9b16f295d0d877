//! Filters (band, staff group, date range, phase) narrow the cells and obey suppression.

use genomics_training::assessment::answer::Sureness::High;
use genomics_training::reports::{GapQuery, Period, Phase, Scope, gap_report};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::*;

const SAMPLES: &str = "samples";

#[rocket::async_test]
async fn filters_narrow_the_cells_and_every_view_obeys_suppression() {
    let app = spawn_app().await;
    let db = app.db();
    // 9 healthcare assistants at Band 3 (2 of 3 right); 12 phlebotomists: 6 at Band 5 (3 of 3)
    // and 6 at Band 3 (1 of 3).
    let hcas = group(
        db,
        "RF1",
        "healthcare-assistant",
        "Band 3",
        9,
        sitting(2, High, 4),
    )
    .await;
    group(db, "RF1", "phlebotomist", "Band 5", 6, sitting(3, High, 4)).await;
    let low = group(db, "RF1", "phlebotomist", "Band 3", 6, sitting(1, High, 4)).await;
    let base = GapQuery::new(Scope::AllOrganisations);
    let whole = gap_report(db, &base, 8).await.unwrap();
    assert_eq!(shown(&whole, "Phlebotomist", SAMPLES).n, 12);
    assert_eq!(shown(&whole, "Healthcare Assistant", SAMPLES).n, 9);

    // Band 5: 6 phlebotomists -> starred at every level.
    let mut q = base.clone();
    q.band = Some("Band 5".into());
    let r = gap_report(db, &q, 8).await.unwrap();
    for label in [
        "Phlebotomist",
        "Additional Clinical Services",
        "All staff in scope",
    ] {
        assert!(is_starred(&r, label, SAMPLES), "{label}");
    }
    assert_invariant(&output_cells(&r));
    // Band 3: the 6 phlebotomists are starred, so the visible group would show exactly one
    // star; the HCAs (n = 9, the only other sibling) are starred too.
    q.band = Some("Band 3".into());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert!(is_starred(&r, "Phlebotomist", SAMPLES));
    assert!(is_starred(&r, "Healthcare Assistant", SAMPLES));
    let g = shown(&r, "Additional Clinical Services", SAMPLES);
    assert_eq!(g.n, 15);
    // (9 x 66.667 + 6 x 33.333) / 15 = 800 / 15.
    close(g.knowledge, 800.0 / 15.0);
    assert_invariant(&output_cells(&r));
    // With a threshold of 6 both show.
    let r = gap_report(db, &q, 6).await.unwrap();
    close(shown(&r, "Phlebotomist", SAMPLES).knowledge, 100.0 / 3.0);

    // Staff group: another group has nobody: only the empty total row.
    let mut q = base.clone();
    q.staff_group = Some(group_id(db, "administrative-and-clerical").await);
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 0);
    q.staff_group = Some(group_id(db, "additional-clinical-services").await);
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "All staff in scope", SAMPLES).n, 21);

    // Date range: move the HCAs' baselines (and their cells) to January 2025, consistently,
    // so verify still agrees.
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
    db.execute(
        &Query::update()
            .table(Alias::new("report_cells"))
            .value(Alias::new("period"), "2025-01")
            .and_where(Expr::col(Alias::new("job_role_id")).eq(hca))
            .take(),
    )
    .await
    .unwrap();
    assert_aggregates_consistent(&app).await;
    let mut q = base.clone();
    q.to = Some("2025-01".parse::<Period>().unwrap());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "Healthcare Assistant", SAMPLES).n, 9);
    assert!(r.rows.iter().all(|row| row.label != "Phlebotomist"));
    q.to = None;
    q.from = Some("2025-02".parse::<Period>().unwrap());
    let r = gap_report(db, &q, 8).await.unwrap();
    assert_eq!(shown(&r, "Phlebotomist", SAMPLES).n, 12);
    assert!(r.rows.iter().all(|row| row.label != "Healthcare Assistant"));
    let t = genomics_training::reports::trends::trends(db, &base, 8)
        .await
        .unwrap();
    assert_eq!(t.months.len(), 2);
    assert_eq!(t.months[0].period, "2025-01");

    // Phase: 6 post-assessments -> a starred post view; baseline unchanged.
    for user in &low {
        sit(db, *user, "post", sitting(3, High, 5)).await;
    }
    let mut q = base.clone();
    q.phase = Phase::Post;
    let r = gap_report(db, &q, 8).await.unwrap();
    assert!(is_starred(&r, "Phlebotomist", SAMPLES));
    assert!(is_starred(&r, "All staff in scope", SAMPLES));
    let r = gap_report(db, &q, 6).await.unwrap();
    let m = shown(&r, "Phlebotomist", SAMPLES);
    assert_eq!(m.n_paired, 6);
    // pre 33.333, post 100: Hake (100 - 33.333) / (100 - 33.333) = 1, and each g = 1.
    close(m.hake_gain, 1.0);
    close(m.mean_individual_gain, 1.0);
    assert_aggregates_consistent(&app).await;
}
