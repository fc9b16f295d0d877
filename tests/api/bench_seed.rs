//! `bench seed` writes a population whose aggregates `verify` finds consistent, and its ready
//! learners can save and submit through the real API (the load driver's path), after which
//! the aggregates are still consistent.

use genomics_training::bench::load::read_ready;
use genomics_training::bench::seed::{SeedSpec, seed};
use rocket::http::{Cookie, Method, Status};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, Func, Query};

use crate::helpers::{Session, assert_aggregates_consistent, spawn_app, spawn_fixed_baseline_app};

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    let query = Query::select()
        .expr_as(Func::count(Expr::col(Alias::new("id"))), Alias::new("n"))
        .from(Alias::new(table))
        .take();
    let row = app.db().query_one(&query).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

#[rocket::async_test]
async fn seeded_population_is_consistent_and_ready_learners_can_submit() {
    // The seed writes fixed 3-item baselines and the benchmark replays their answers, so it
    // runs the service with the fixed design (docs/benchmarks.md).
    let app = spawn_fixed_baseline_app().await;
    let users_before = count(&app, "users").await;
    let folder = tempfile::tempdir().unwrap();
    let ready_file = folder.path().join("ready.jsonl");
    let spec = SeedSpec {
        staff: 150,
        orgs: 3,
        post_share: 0.4,
        ready: 4,
        ready_file: Some(ready_file.clone()),
        seed: 11,
        password: "bench-Genomics-2026".into(),
        session_hours: 2,
    };
    let summary = seed(app.db(), &spec).await.unwrap();
    assert_eq!((summary.staff, summary.orgs, summary.ready), (150, 3, 4));
    // Every seeded person sat the baseline; about 40% the post-assessment too.
    assert!((190..=230).contains(&summary.attempts), "{summary:?}");
    assert!(summary.responses > 150 * 20, "{summary:?}");
    // 150 staff, 4 ready learners, the learning lead and a trust's manager.
    assert_eq!(count(&app, "users").await - users_before, 156);
    assert_aggregates_consistent(&app).await;

    let ready = read_ready(&ready_file).unwrap();
    assert_eq!(ready.len(), 6);
    let manager = ready.iter().find(|r| r.role == "manager").unwrap();
    let as_session = |session: &str, csrf: &str| Session {
        cookies: vec![Cookie::new("gt_session", session.to_owned())],
        csrf: csrf.to_owned(),
    };
    let lead = as_session(&manager.session, &manager.csrf);
    let response = app.get_as(&lead, "/reports").await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Training gaps"), "the dashboard is shown");
    assert!(
        page.contains("BENCH003"),
        "the lead sees every organisation"
    );
    let trust = ready.iter().find(|r| r.role == "trust_manager").unwrap();
    let response = app
        .get_as(&as_session(&trust.session, &trust.csrf), "/reports")
        .await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(
        page.contains("BENCH001") && !page.contains("BENCH003"),
        "one trust only"
    );

    for learner in ready.iter().filter(|r| r.role == "learner") {
        let attempt = learner.attempt.as_ref().unwrap();
        let session = as_session(&learner.session, &learner.csrf);
        let (status, body) = app
            .send_json_as(
                &session,
                Method::Put,
                &format!("/api/v1/attempts/{}/answers", attempt.id),
                attempt.answers.clone(),
            )
            .await;
        assert_eq!(status, Status::Ok, "{body}");
        let (status, body) = app
            .send_json_as(
                &session,
                Method::Post,
                &format!("/api/v1/attempts/{}/submit", attempt.id),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(status, Status::Ok, "{body}");
    }
    assert_aggregates_consistent(&app).await;
    // A second seed into the same database is refused rather than mixed in.
    let again = seed(app.db(), &spec).await;
    assert!(again.is_err());
}

#[rocket::async_test]
async fn plain_sql_yardsticks_run_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let spec = SeedSpec {
        staff: 20,
        orgs: 1,
        post_share: 0.0,
        ready: 0,
        ready_file: None,
        seed: 3,
        password: "bench-Genomics-2026".into(),
        session_hours: 2,
    };
    seed(app.db(), &spec).await.unwrap();
    let attempts = count(&app, "attempts").await;
    let responses = count(&app, "responses").await;
    let inserts = genomics_training::bench::baseline::plain_inserts(
        app.db(),
        2,
        std::time::Duration::from_millis(300),
    )
    .await
    .unwrap();
    assert!(inserts.operations > 0 && inserts.errors == 0, "{inserts:?}");
    let grouped = genomics_training::bench::baseline::group_by(app.db(), 2)
        .await
        .unwrap();
    assert_eq!(grouped.operations, 2);
    assert_eq!(count(&app, "attempts").await, attempts);
    assert_eq!(count(&app, "responses").await, responses);
    assert_aggregates_consistent(&app).await;
}
