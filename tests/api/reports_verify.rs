//! `verify` recomputes every aggregate from raw data: clean after real submits (including a
//! demo population), and it names a value corrupted behind the service's back.

use genomics_training::assessment::answer::Sureness::{High, Medium};
use genomics_training::demo::{DemoSpec, populate};
use genomics_training::reports::export::{Format, render};
use genomics_training::reports::verify::verify;
use genomics_training::reports::{GapQuery, Scope, gap_report};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::helpers::{assert_aggregates_consistent, spawn_app};
use crate::reports_support::*;

#[rocket::async_test]
async fn verify_is_clean_after_submits_and_reports_a_corrupted_cell() {
    let app = spawn_app().await;
    let db = app.db();
    group(db, "RV1", "porter", "Band 2", 4, sitting(2, Medium, 3)).await;
    let users = group(db, "RV1", "midwife", "Band 6", 3, sitting(1, High, 4)).await;
    // A second post-assessment replaces the first in the reports: verify agrees.
    sit(db, users[0], "post", sitting(3, High, 4)).await;
    sit(db, users[0], "post", sitting(2, High, 4)).await;
    assert_aggregates_consistent(&app).await;

    db.execute(
        &Query::update()
            .table(Alias::new("report_cells"))
            .value(
                Alias::new("sum_knowledge"),
                Expr::col(Alias::new("sum_knowledge")).add(5.0),
            )
            .and_where(Expr::col(Alias::new("job_role_id")).eq(role_id(db, "porter").await))
            .and_where(Expr::col(Alias::new("topic_id")).eq(topic_id(db, "samples").await))
            .take(),
    )
    .await
    .unwrap();
    let differences = verify(db).await.unwrap();
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0].table, "report_cells");
    assert_eq!(differences[0].column, "sum_knowledge");
    // 4 porters at 66.667 each: 266.667 stored as 271.667.
    assert!((differences[0].stored - differences[0].expected - 5.0).abs() < 1e-9);
}

#[rocket::async_test]
async fn demo_population_goes_through_the_service_and_is_deterministic() {
    let spec = DemoSpec {
        organisation_code: "DEMO1".into(),
        organisation_name: "Demo NHS Trust".into(),
        staff: 12,
        post_share: 0.3,
        seed: 42,
        ends: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
    };
    let mut exports = Vec::new();
    for _ in 0..2 {
        let app = spawn_app().await;
        let summary = populate(app.db(), &spec).await.unwrap();
        assert_eq!(summary.users.len(), 12);
        assert_aggregates_consistent(&app).await;
        let report = gap_report(app.db(), &GapQuery::new(Scope::AllOrganisations), 2)
            .await
            .unwrap();
        assert_invariant(&output_cells(&report));
        let csv = render(&report, Format::Csv).unwrap();
        // Drop the as_of column (the read time).
        let rows: Vec<String> = csv
            .lines()
            .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned())
            .collect();
        exports.push((summary.posts, rows));
    }
    assert_eq!(exports[0], exports[1], "same seed, same numbers");
}
