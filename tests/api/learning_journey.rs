//! A learner's whole path at the service level: baseline, plan, modules, quizzes, the
//! post-assessment with its gain, the record and certificates, checked against docs/design.md §4
//! computed by hand.

use std::collections::HashSet;

use genomics_training::assessment::answer::Sureness;
use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::bank;
use genomics_training::error::AppError;
use genomics_training::learning::{export, modules, plan, record};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, ExprTrait};

use crate::assessment_flow::{create_learner, pick};
use crate::helpers::spawn_app;

/// Answers every item of an attempt: right unless its topic is in `wrong_topics`; rates every
/// topic 3. Returns the submitted attempt.
pub async fn complete(
    db: &DatabaseConnection,
    user: i64,
    slug: &str,
    wrong_topics: &[&str],
) -> genomics_training::entities::attempt::Model {
    let attempt = answered(db, user, slug, wrong_topics).await;
    attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap()
}

/// [`complete`] short of submitting: the attempt with every item answered and saved.
pub async fn answered(
    db: &DatabaseConnection,
    user: i64,
    slug: &str,
    wrong_topics: &[&str],
) -> genomics_training::entities::attempt::Model {
    let attempt = attempts::start_or_resume(db, user.into(), slug)
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let ratings: Vec<(i64, i16)> = if slug.starts_with("quiz-") {
        Vec::new()
    } else {
        slots.iter().map(|s| (s.topic_id, 3)).collect()
    };
    let items: Vec<SaveItem> = slots
        .iter()
        .map(|s| SaveItem {
            position: s.position,
            answer: pick(&s.question, !wrong_topics.contains(&s.topic_slug.as_str())),
            sureness: Some(Sureness::High),
            time_on_item_ms: None,
        })
        .collect();
    assert!(
        attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
            .await
            .unwrap()
            .is_empty()
    );
    attempt
}

async fn cell(db: &DatabaseConnection, topic_slug: &str, phase: &str, column: &str) -> f64 {
    let row = db
        .query_one(
            &Query::select()
                .expr(Expr::col((Alias::new("report_cells"), Alias::new(column))))
                .from(Alias::new("report_cells"))
                .inner_join(
                    Alias::new("topics"),
                    Expr::col((Alias::new("topics"), Alias::new("id")))
                        .equals((Alias::new("report_cells"), Alias::new("topic_id"))),
                )
                .and_where(Expr::col((Alias::new("topics"), Alias::new("slug"))).eq(topic_slug))
                .and_where(Expr::col((Alias::new("report_cells"), Alias::new("phase"))).eq(phase))
                .take(),
        )
        .await
        .unwrap()
        .expect("cell exists");
    row.try_get::<f64>("", column)
        .or_else(|_| row.try_get::<i64>("", column).map(|v| v as f64))
        .unwrap()
}

#[rocket::async_test]
async fn learner_walks_from_baseline_to_post_assessment() {
    let app = spawn_app().await;
    let db = app.db();
    let user = create_learner(db, "walk@nhs.test", "RX1", "receptionist").await;
    assert!(
        plan::plan(db, user.into()).await.unwrap().is_none(),
        "no plan before the baseline"
    );

    // Baseline: wrong on data protection and talking with patients, right on the rest.
    let baseline = complete(
        db,
        user,
        "baseline",
        &["data-protection-sharing", "talking-with-patients"],
    )
    .await;
    let plan = plan::plan(db, user.into()).await.unwrap().unwrap();
    // Receptionist targets: data protection 55 (importance 6), talking 45 (importance 5).
    // Priority = importance/7 x gap: 6/7 x 55 = 47.142857; 5/7 x 45 = 32.142857.
    let to_do: Vec<_> = plan.topics.iter().filter(|t| t.status == "to_do").collect();
    assert_eq!(to_do.len(), 2);
    assert_eq!(to_do[0].name, "Genomic data protection and sharing");
    assert!((to_do[0].priority - 6.0 / 7.0 * 55.0).abs() < 1e-9);
    assert!((to_do[1].priority - 5.0 / 7.0 * 45.0).abs() < 1e-9);
    assert_eq!(
        plan.topics
            .iter()
            .filter(|t| t.status == "tested_out")
            .count(),
        6
    );
    assert!(!plan.complete);
    assert!(matches!(
        plan::ensure_post_open(db, user.into()).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        cell(db, "data-protection-sharing", "baseline", "n_completed").await,
        0.0
    );
    assert_eq!(
        cell(db, "samples", "baseline", "n_completed").await,
        1.0,
        "tested out counts as done"
    );

    // Reading a module saves progress.
    let page = modules::read_page(db, user.into(), "data-protection-sharing", 2)
        .await
        .unwrap();
    assert_eq!(page.progress.as_ref().map(|p| p.last_page), Some(2));
    assert!(!page.html.contains("<script"));
    assert!(matches!(
        modules::read_page(db, user.into(), "data-protection-sharing", 99).await,
        Err(AppError::NotFound(_))
    ));

    // A failed quiz does not complete the module; a passed one does.
    complete(
        db,
        user,
        "quiz-data-protection-sharing",
        &["data-protection-sharing"],
    )
    .await;
    assert!(
        record::certificate(db, user.into(), "data-protection-sharing")
            .await
            .is_err()
    );
    complete(db, user, "quiz-data-protection-sharing", &[]).await;
    let certificate = record::certificate(db, user.into(), "data-protection-sharing")
        .await
        .unwrap();
    // 10 minutes since issue 20 added the Caldicott and insurance sections to the module.
    assert_eq!(certificate.minutes, 10);
    assert!(!certificate.outcomes.is_empty());
    assert_eq!(
        cell(db, "data-protection-sharing", "baseline", "n_completed").await,
        1.0
    );
    complete(db, user, "quiz-talking-with-patients", &[]).await;
    assert!(plan::plan(db, user.into()).await.unwrap().unwrap().complete);
    plan::ensure_post_open(db, user.into()).await.unwrap();

    // The post-assessment is a parallel form: no item repeats the baseline (the bank allows).
    let post = attempts::start_or_resume(db, user.into(), "post")
        .await
        .unwrap();
    let baseline_items: HashSet<i64> = bank::item_ids_of_attempt(db, baseline.id)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let post_items: HashSet<i64> = bank::item_ids_of_attempt(db, post.id)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(post_items.len(), 24);
    assert!(baseline_items.is_disjoint(&post_items));
    let post = complete(db, user, "post", &[]).await;
    assert!(post.is_reported);
    // The learner sees their gain per topic: data protection 0 -> 100, g = 1; samples was
    // already 100 at baseline, so it has no gain to show.
    let result =
        genomics_training::assessment::results::attempt_result(db, user.into(), post.id.into())
            .await
            .unwrap();
    let by_name = |name: &str| {
        result
            .topics
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .unwrap()
    };
    let data = by_name("Genomic data protection and sharing");
    assert_eq!((data.baseline_knowledge, data.gain), (Some(0.0), Some(1.0)));
    let samples = by_name("Samples: collection, labelling and storage");
    assert_eq!(
        (samples.baseline_knowledge, samples.gain),
        (Some(100.0), None)
    );
    // Gain on data protection: pre 0, post 100 -> individual g = (100 - 0)/(100 - 0) = 1.
    assert_eq!(
        cell(db, "data-protection-sharing", "post", "n_paired").await,
        1.0
    );
    assert_eq!(
        cell(db, "data-protection-sharing", "post", "sum_paired_pre").await,
        0.0
    );
    assert_eq!(
        cell(db, "data-protection-sharing", "post", "sum_paired_post").await,
        100.0
    );
    assert_eq!(
        cell(db, "data-protection-sharing", "post", "sum_gain").await,
        1.0
    );
    // Samples was 100 at baseline: paired, but excluded from individual g.
    assert_eq!(cell(db, "samples", "post", "n_paired").await, 1.0);
    assert_eq!(cell(db, "samples", "post", "n_gain").await, 0.0);

    // A second post-assessment replaces the first in the reports.
    let second = complete(db, user, "post", &["samples"]).await;
    assert!(second.is_reported);
    assert_eq!(cell(db, "samples", "post", "n_learners").await, 1.0);
    assert_eq!(cell(db, "samples", "post", "sum_knowledge").await, 0.0);

    let record = record::record(db, user.into()).await.unwrap();
    assert_eq!(
        record.attempts.len(),
        6,
        "baseline, 3 quizzes, 2 post-assessments"
    );
    assert_eq!(record.completed.len(), 2);
    let export = export::export(db, user.into()).await.unwrap();
    // Baseline, two data-protection quizzes (10 items each since issue 20 added the insurance
    // and Caldicott items), the talking-with-patients quiz, two post-assessments.
    assert_eq!(export.data.responses.len(), 24 + 10 + 10 + 8 + 24 + 24);
    let csv = export::responses_csv(&export).unwrap();
    assert!(csv.starts_with(
        "attempt_id,phase,item_id,item_version,answer,fraction,certainty,dont_know,\
         time_on_item_ms,answered_at"
    ));
    crate::helpers::assert_aggregates_consistent(&app).await;
}
