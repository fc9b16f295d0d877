//! A scope covering every organisation reads `report_published_national`, the published totals
//! without the organisation (issue 27). Those must be exactly the published rows of every
//! organisation added up, after the seed's replay and after live releases alike, and `verify`
//! must name a national row changed behind the service's back.

use genomics_training::aggregates::read::{CellFilter, StoredCell, load_by_role};
use genomics_training::aggregates::stored_values;
use genomics_training::assessment::answer::Sureness::{High, Medium};
use genomics_training::bench::seed::{SeedSpec, seed};
use genomics_training::entities::organisation;
use genomics_training::reports::export::{Format, render};
use genomics_training::reports::verify::verify;
use genomics_training::reports::{GapQuery, Phase, Scope, gap_report};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait};

use crate::helpers::{TestApp, assert_aggregates_consistent, spawn_app_with};
use crate::reports_support::{group, sitting};

/// 240 staff in 3 trusts, published with a threshold of 3 so that most atoms are released.
async fn seeded() -> TestApp {
    let app = spawn_app_with(|figment| figment.merge(("app.min_cell_size", 3))).await;
    let spec = SeedSpec {
        staff: 240,
        orgs: 3,
        post_share: 0.4,
        ready: 0,
        ready_file: None,
        seed: 27,
        password: "bench-Genomics-2026".into(),
        session_hours: 2,
    };
    seed(app.db(), &spec).await.unwrap();
    app
}

async fn organisation_ids(db: &DatabaseConnection) -> Vec<i64> {
    organisation::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect()
}

/// Same rows, same counts, and sums equal but for the order they were added in.
fn assert_same(national: &[StoredCell], by_organisation: &[StoredCell], what: &str) {
    let keys = |rows: &[StoredCell]| -> Vec<(i64, i64, i64)> {
        rows.iter()
            .map(|r| (r.job_role_id, r.topic_id, r.staff_group_id))
            .collect()
    };
    assert_eq!(keys(national), keys(by_organisation), "{what}");
    for (n, o) in national.iter().zip(by_organisation) {
        for (a, b) in stored_values(&n.sums).iter().zip(stored_values(&o.sums)) {
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
                "{what}: role {} topic {}: {a} against {b}",
                n.job_role_id,
                n.topic_id
            );
        }
    }
}

/// The national rows against every organisation's rows added up, for each phase and with and
/// without a band filter.
async fn assert_national_is_the_sum(db: &DatabaseConnection) {
    let ids = organisation_ids(db).await;
    for phase in ["baseline", "post"] {
        for band in [None, Some("Bands 5–6")] {
            let filter = |organisations| CellFilter {
                organisations,
                band: band.map(str::to_owned),
                phase: Some(phase.into()),
                ..CellFilter::default()
            };
            let national = load_by_role(db, &filter(None)).await.unwrap();
            let by_organisation = load_by_role(db, &filter(Some(ids.clone()))).await.unwrap();
            let learners: u64 = national.iter().map(|r| r.sums.n_learners).sum();
            // Too few post-assessments in one band group may never have been released.
            if band.is_none() || phase == "baseline" {
                assert!(learners > 0, "{phase} {band:?}: something was published");
            }
            assert_same(&national, &by_organisation, &format!("{phase} {band:?}"));
        }
    }
}

/// The CSV export without its `as_of` column (the read time).
fn csv_without_time(app_report: &genomics_training::reports::GapReport) -> Vec<String> {
    render(app_report, Format::Csv)
        .unwrap()
        .lines()
        .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned())
        .collect()
}

#[rocket::async_test]
async fn national_totals_are_every_organisations_published_rows_added_up() {
    let app = seeded().await;
    let db = app.db();
    assert_national_is_the_sum(db).await;
    assert_aggregates_consistent(&app).await;

    // Live releases (the submit's path): into an organisation already published, and into a
    // new one.
    group(db, "BENCH001", "porter", "Band 2", 3, sitting(2, Medium, 3)).await;
    group(db, "NATNEW", "porter", "Band 2", 3, sitting(1, High, 4)).await;
    assert_national_is_the_sum(db).await;
    assert_aggregates_consistent(&app).await;

    // What a manager sees: a scope of every organisation (read from the national rows) shows
    // the same grid as a scope naming each organisation that has answers, which cannot use
    // them while an organisation without answers exists.
    let with_answers = organisation_ids(db).await;
    db.execute(
        &Query::insert()
            .into_table(Alias::new("organisations"))
            .columns([
                Alias::new("code"),
                Alias::new("name"),
                Alias::new("created_at"),
            ])
            .values_panic([
                "NATEMPTY".into(),
                "Trust without answers".into(),
                chrono::Utc::now().into(),
            ])
            .take(),
    )
    .await
    .unwrap();
    for phase in [Phase::Baseline, Phase::Post] {
        let mut national = GapQuery::new(Scope::AllOrganisations);
        national.phase = phase;
        let mut named = GapQuery::new(Scope::Organisations(with_answers.clone()));
        named.phase = phase;
        let national = gap_report(db, &national, 3).await.unwrap();
        let named = gap_report(db, &named, 3).await.unwrap();
        assert!(national.rows.len() > 1, "{phase:?}: a grid with job roles");
        assert_eq!(
            csv_without_time(&national),
            csv_without_time(&named),
            "{phase:?}"
        );
    }
}

#[rocket::async_test]
async fn verify_names_a_changed_national_row() {
    let app = seeded().await;
    let db = app.db();
    assert_aggregates_consistent(&app).await;
    let row = db
        .query_one(
            &Query::select()
                .columns(["job_role_id", "band", "topic_id", "phase"].map(Alias::new))
                .from(Alias::new("report_published_national"))
                .and_where(Expr::col(Alias::new("n_learners")).gt(0))
                .take(),
        )
        .await
        .unwrap()
        .expect("a published national row");
    let role: i64 = row.try_get("", "job_role_id").unwrap();
    let band: String = row.try_get("", "band").unwrap();
    let topic: i64 = row.try_get("", "topic_id").unwrap();
    let phase: String = row.try_get("", "phase").unwrap();
    db.execute(
        &Query::update()
            .table(Alias::new("report_published_national"))
            .value(
                Alias::new("sum_knowledge"),
                Expr::col(Alias::new("sum_knowledge")).add(5.0),
            )
            .and_where(Expr::col(Alias::new("job_role_id")).eq(role))
            .and_where(Expr::col(Alias::new("band")).eq(band.as_str()))
            .and_where(Expr::col(Alias::new("topic_id")).eq(topic))
            .and_where(Expr::col(Alias::new("phase")).eq(phase.as_str()))
            .take(),
    )
    .await
    .unwrap();
    let differences = verify(db).await.unwrap();
    assert_eq!(differences.len(), 1, "{differences:?}");
    let difference = &differences[0];
    assert_eq!(difference.table, "report_published_national");
    assert_eq!(difference.column, "sum_knowledge");
    assert_eq!(
        difference.key,
        format!("job_role_id={role} band={band} topic_id={topic} phase={phase}")
    );
    assert!((difference.stored - difference.expected - 5.0).abs() < 1e-9);
}
