//! The assessment service: baseline draw, saving as the learner goes, submit once, integrity
//! checks, and the report aggregates a submit updates, checked against hand-computed values.

use genomics_training::assessment::answer::{AnswerInput, Sureness};
use genomics_training::assessment::attempts::{self, SaveItem};
use genomics_training::assessment::bank;
use genomics_training::entities::{attempt, job_role};
use genomics_training::error::AppError;
use genomics_training::questions::QuestionKind;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
};

use crate::helpers::spawn_app;

/// Inserts an organisation (if new) and a user holding `job_role_slug` there; returns the user id.
pub async fn create_learner(
    db: &DatabaseConnection,
    email: &str,
    org_code: &str,
    job_role_slug: &str,
) -> i64 {
    let now = chrono::Utc::now();
    let org_id: i64 = match db
        .query_one(
            &Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("organisations"))
                .and_where(Expr::col(Alias::new("code")).eq(org_code))
                .take(),
        )
        .await
        .unwrap()
    {
        Some(row) => row.try_get("", "id").unwrap(),
        None => {
            db.execute(
                &Query::insert()
                    .into_table(Alias::new("organisations"))
                    .columns([
                        Alias::new("code"),
                        Alias::new("name"),
                        Alias::new("created_at"),
                    ])
                    .values_panic([
                        org_code.into(),
                        format!("Trust {org_code}").into(),
                        now.into(),
                    ])
                    .take(),
            )
            .await
            .unwrap();
            return Box::pin(create_learner(db, email, org_code, job_role_slug)).await;
        }
    };
    db.execute(
        &Query::insert()
            .into_table(Alias::new("users"))
            .columns(
                [
                    "email",
                    "display_name",
                    "is_active",
                    "is_trainer",
                    "is_admin",
                    "created_at",
                    "updated_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                email.into(),
                email.into(),
                true.into(),
                false.into(),
                false.into(),
                now.into(),
                now.into(),
            ])
            .take(),
    )
    .await
    .unwrap();
    let user_id: i64 = db
        .query_one(
            &Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("users"))
                .and_where(Expr::col(Alias::new("email")).eq(email))
                .take(),
        )
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let role = job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(job_role_slug))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    db.execute(
        &Query::insert()
            .into_table(Alias::new("job_assignments"))
            .columns(
                [
                    "user_id",
                    "organisation_id",
                    "job_role_id",
                    "band",
                    "started_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                user_id.into(),
                org_id.into(),
                role.id.into(),
                "Band 3".into(),
                now.into(),
            ])
            .take(),
    )
    .await
    .unwrap();
    user_id
}

/// The answer index of the right (or a wrong) option of a single-choice or true/false item.
pub fn pick(question: &genomics_training::questions::Question, right: bool) -> AnswerInput {
    match &question.kind {
        QuestionKind::MultiChoice {
            single: true,
            answers,
        } => {
            let index = answers
                .iter()
                .position(|a| (a.fraction >= 1.0) == right)
                .unwrap();
            AnswerInput {
                choice: Some(index),
                ..Default::default()
            }
        }
        QuestionKind::MultiChoice { answers, .. } => {
            let chosen = answers
                .iter()
                .enumerate()
                .filter(|(_, a)| (a.fraction > 0.0) == right)
                .map(|(i, _)| i)
                .collect();
            AnswerInput {
                choices: chosen,
                ..Default::default()
            }
        }
        QuestionKind::TrueFalse { correct, .. } => {
            let says_true = *correct == right;
            AnswerInput {
                choice: Some(if says_true { 0 } else { 1 }),
                ..Default::default()
            }
        }
        other => panic!("content uses only choice items, got {other:?}"),
    }
}

/// [`pick`] as a page or API client sends it: in the positions this attempt shows.
pub fn pick_shown(slot: &bank::Slot, right: bool) -> AnswerInput {
    slot.order
        .to_shown(&slot.question, &pick(&slot.question, right))
}

#[rocket::async_test]
async fn baseline_draws_three_items_per_topic_and_resumes() {
    let app = spawn_app().await;
    let user = create_learner(app.db(), "a@nhs.test", "RX1", "receptionist").await;
    let first = attempts::start_or_resume(app.db(), user.into(), "baseline")
        .await
        .unwrap();
    let again = attempts::start_or_resume(app.db(), user.into(), "baseline")
        .await
        .unwrap();
    assert_eq!(first.id, again.id, "a refresh resumes the same attempt");
    let slots = bank::attempt_slots(app.db(), first.id).await.unwrap();
    assert_eq!(slots.len(), 24, "8 topics x 3 items");
    let mut per_topic = std::collections::HashMap::new();
    for slot in &slots {
        *per_topic.entry(slot.topic_id).or_insert(0) += 1;
    }
    assert!(per_topic.values().all(|&n| n == 3), "{per_topic:?}");
    crate::helpers::assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn submit_needs_every_answer_and_rating_then_happens_once() {
    let app = spawn_app().await;
    let db = app.db();
    let user = create_learner(db, "b@nhs.test", "RX1", "receptionist").await;
    let attempt = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    let incomplete = attempts::submit(db, None, user.into(), attempt.id.into()).await;
    assert!(
        matches!(incomplete, Err(AppError::Unprocessable(_))),
        "{incomplete:?}"
    );

    let ratings: Vec<(i64, i16)> = slots.iter().map(|s| (s.topic_id, 3)).collect();
    let items: Vec<SaveItem> = slots
        .iter()
        .map(|s| SaveItem {
            position: s.position,
            answer: pick(&s.question, true),
            sureness: Some(Sureness::High),
            time_on_item_ms: Some(5000),
        })
        .collect();
    let problems = attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let submitted = attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
    assert_eq!(
        submitted.status,
        genomics_training::assessment::AttemptStatus::Submitted
    );
    assert!(submitted.is_reported);
    assert_eq!(submitted.accuracy, Some(1.0));
    assert_eq!(submitted.cbm_mean, Some(3.0));

    let replay = attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();
    assert_eq!(
        replay.submitted_at, submitted.submitted_at,
        "a replay changes nothing"
    );
    let locked = attempts::save(db, user.into(), attempt.id.into(), &ratings, &items[..1]).await;
    assert!(matches!(locked, Err(AppError::Conflict(_))), "{locked:?}");
    let resumed = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    assert_eq!(
        resumed.id, attempt.id,
        "the first baseline stays the baseline"
    );
    crate::helpers::assert_aggregates_consistent(&app).await;
}

#[rocket::async_test]
async fn another_users_attempt_and_foreign_items_are_refused() {
    let app = spawn_app().await;
    let db = app.db();
    let owner = create_learner(db, "c@nhs.test", "RX1", "receptionist").await;
    let other = create_learner(db, "d@nhs.test", "RX1", "receptionist").await;
    let attempt = attempts::start_or_resume(db, owner.into(), "baseline")
        .await
        .unwrap();
    let foreign = attempts::save(db, other.into(), attempt.id.into(), &[], &[]).await;
    assert!(matches!(foreign, Err(AppError::NotFound(_))), "{foreign:?}");
    assert!(matches!(
        attempts::submit(db, None, other.into(), attempt.id.into()).await,
        Err(AppError::NotFound(_))
    ));
    let stray = SaveItem {
        position: 999,
        sureness: Some(Sureness::DontKnow),
        ..Default::default()
    };
    let not_in_attempt = attempts::save(db, owner.into(), attempt.id.into(), &[], &[stray]).await;
    assert!(
        matches!(not_in_attempt, Err(AppError::BadRequest(_))),
        "{not_in_attempt:?}"
    );
    let bad_rating = attempts::save(db, owner.into(), attempt.id.into(), &[(-1, 3)], &[]).await;
    assert!(
        matches!(bad_rating, Err(AppError::BadRequest(_))),
        "{bad_rating:?}"
    );
    crate::helpers::assert_aggregates_consistent(&app).await;
}

/// One learner answers the data-protection topic's three items: right at high certainty, wrong at high
/// certainty, "I don't know"; every other topic all wrong at low certainty. By hand, for the
/// data-protection topic: knowledge = 100 x (1 + 0 + 0)/3 = 33.33; answered 2; stated probabilities
/// 0.9 + 0.9 = 1.8; answered fraction 1; Brier (0.9-1)^2 + (0.9-0)^2 = 0.01 + 0.81 = 0.82;
/// confidently wrong 1; don't know 1. Rating 4 with the receptionist's target above 33.33,
/// so the learner is "high but below target".
#[rocket::async_test]
async fn submit_adds_hand_computed_values_to_the_report_cell() {
    let app = spawn_app().await;
    let db = app.db();
    let user = create_learner(db, "e@nhs.test", "RX1", "receptionist").await;
    let attempt = attempts::start_or_resume(db, user.into(), "baseline")
        .await
        .unwrap();
    let slots = bank::attempt_slots(db, attempt.id).await.unwrap();
    // The receptionist's target for data protection is 55, above 33.33.
    let first_topic = slots
        .iter()
        .find(|s| s.topic_slug == "data-protection-sharing")
        .unwrap()
        .topic_id;
    let mut items = Vec::new();
    let mut seen_in_topic = 0;
    for slot in &slots {
        let i = if slot.topic_id == first_topic {
            seen_in_topic += 1;
            seen_in_topic - 1
        } else {
            0
        };
        let (answer, sureness) = match (slot.topic_id == first_topic, i) {
            (true, 0) => (pick(&slot.question, true), Some(Sureness::High)),
            (true, 1) => (pick(&slot.question, false), Some(Sureness::High)),
            (true, _) => (AnswerInput::default(), Some(Sureness::DontKnow)),
            (false, _) => (pick(&slot.question, false), Some(Sureness::Low)),
        };
        items.push(SaveItem {
            position: slot.position,
            answer,
            sureness,
            time_on_item_ms: None,
        });
    }
    let ratings: Vec<(i64, i16)> = slots
        .iter()
        .map(|s| (s.topic_id, if s.topic_id == first_topic { 4 } else { 2 }))
        .collect();
    assert!(
        attempts::save(db, user.into(), attempt.id.into(), &ratings, &items)
            .await
            .unwrap()
            .is_empty()
    );
    let submitted = attempts::submit(db, None, user.into(), attempt.id.into())
        .await
        .unwrap();

    let row = db
        .query_one(
            &Query::select()
                .expr(Expr::cust("*"))
                .from(Alias::new("report_cells"))
                .and_where(Expr::col(Alias::new("topic_id")).eq(first_topic))
                .and_where(Expr::col(Alias::new("phase")).eq("baseline"))
                .take(),
        )
        .await
        .unwrap()
        .expect("a report cell for the topic");
    let count = |c: &str| row.try_get::<i64>("", c).unwrap();
    let sum = |c: &str| row.try_get::<f64>("", c).unwrap();
    assert_eq!(count("n_learners"), 1);
    assert!((sum("sum_knowledge") - 100.0 / 3.0).abs() < 1e-9);
    assert!((sum("sum_knowledge_sq") - (100.0f64 / 3.0).powi(2)).abs() < 1e-6);
    assert_eq!(
        (
            count("n_rated"),
            count("n_rating_high"),
            count("n_high_below_target")
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (
            count("n_responses"),
            count("n_answered"),
            count("n_dont_know")
        ),
        (3, 2, 1)
    );
    assert_eq!(count("n_confidently_wrong"), 1);
    assert!((sum("sum_stated_probability") - 1.8).abs() < 1e-9);
    assert!((sum("sum_answered_fraction") - 1.0).abs() < 1e-9);
    assert!((sum("sum_brier") - 0.82).abs() < 1e-9);
    assert_eq!(row.try_get::<String>("", "band").unwrap(), "Band 3");
    assert_eq!(
        row.try_get::<String>("", "period").unwrap(),
        submitted.submitted_at.unwrap().format("%Y-%m").to_string()
    );

    // Overall: 1 right of 24 -> accuracy 1/24; CBM marks 3 - 6 + 0 + 21 x 0 = -3 -> mean -3/24.
    assert!((submitted.accuracy.unwrap() - 1.0 / 24.0).abs() < 1e-9);
    assert!((submitted.cbm_mean.unwrap() + 3.0 / 24.0).abs() < 1e-9);
    let stored = attempt::Entity::find_by_id(attempt.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.is_reported);
    crate::helpers::assert_aggregates_consistent(&app).await;
}
