//! A trainer's item life cycle: create (draft) → publish → edit (a new version; earlier
//! answers keep theirs) → retire; validation; blueprint, quiz membership and review due.

use std::collections::HashMap;

use chrono::NaiveDate;
use genomics_training::assessment::answer::Sureness;
use genomics_training::authoring::{self, EditOutcome};
use genomics_training::content;
use genomics_training::entities::{assessment, assessment_item, response};
use genomics_training::error::AppError;
use genomics_training::questions::{Answer, Question, QuestionKind, TextFormat};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::assessment_flow::create_learner;
use crate::authoring_support::{Says, sit_baseline, small_baseline};
use crate::helpers::spawn_app;

fn option(text: &str, fraction: f64, feedback: &str) -> Answer {
    Answer {
        text: text.into(),
        text_format: TextFormat::Moodle,
        fraction,
        feedback: feedback.into(),
        feedback_format: TextFormat::Moodle,
    }
}

pub fn tube_question(stem: &str) -> Question {
    let mut question = Question::new(
        "Tube colour",
        stem,
        QuestionKind::MultiChoice {
            single: true,
            answers: vec![
                option("EDTA", 1.0, "Right: EDTA stops clotting."),
                option("Plain", 0.0, "No: clotted blood is no use."),
            ],
        },
    );
    question.general_feedback = "Most DNA tests use EDTA blood.".into();
    question.tags = vec!["trainer-made".into()];
    question
}

#[rocket::async_test]
async fn create_publish_edit_and_retire_keep_answers_with_their_version() {
    let app = spawn_app().await;
    let db = app.db();
    let trainer = Some(
        create_learner(db, "trainer@nhs.test", "RX1", "receptionist")
            .await
            .into(),
    );

    let created = authoring::create_item(
        db,
        trainer,
        "samples",
        Some("samp-t01"),
        &tube_question("Which tube?"),
    )
    .await
    .unwrap();
    assert_eq!((created.status.as_str(), created.version), ("draft", 1));
    assert_eq!(created.origin, "authored");

    // A draft nobody has seen is corrected in place.
    let fixed = authoring::edit_item(
        db,
        trainer,
        created.item_id,
        &tube_question("Which tube for DNA?"),
    )
    .await
    .unwrap();
    assert_eq!(fixed, EditOutcome::Replaced { version: 1 });

    let published = authoring::publish_item(db, trainer, created.item_id)
        .await
        .unwrap();
    assert_eq!(published.status, "published");
    let v1 = published.version_id;

    // A learner answers version 1 in a one-item baseline.
    small_baseline(db, &["samp-t01"]).await;
    let learner = create_learner(db, "learner@nhs.test", "RX1", "receptionist").await;
    let answers = HashMap::from([("samp-t01", Says::Right(Sureness::High))]);
    let attempt = sit_baseline(db, learner, &answers).await;

    let edited = authoring::edit_item(
        db,
        trainer,
        created.item_id,
        &tube_question("Which tube is usual for a germline DNA test?"),
    )
    .await
    .unwrap();
    assert_eq!(edited, EditOutcome::NewVersion { version: 2 });
    let same = authoring::edit_item(
        db,
        trainer,
        created.item_id,
        &tube_question("Which tube is usual for a germline DNA test?"),
    )
    .await
    .unwrap();
    assert_eq!(same, EditOutcome::Unchanged);

    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(attempt))
        .all(db)
        .await
        .unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(
        responses[0].item_version_id, v1,
        "the answer stays with version 1"
    );

    let listed = authoring::list_items(db, "samples").await.unwrap();
    let row = listed.iter().find(|i| i.uid == "samp-t01").unwrap();
    assert_eq!((row.version, row.status.as_str()), (2, "published"));
    assert_ne!(row.version_id, v1);
    let current = authoring::current_question(db, created.item_id)
        .await
        .unwrap();
    assert_eq!(current.text, "Which tube is usual for a germline DNA test?");

    let retired = authoring::retire_item(db, trainer, created.item_id)
        .await
        .unwrap();
    assert_eq!(retired.status, "retired");
    assert!(matches!(
        authoring::publish_item(db, trainer, created.item_id).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        authoring::edit_item(db, trainer, created.item_id, &tube_question("x")).await,
        Err(AppError::Conflict(_))
    ));
    let listed = authoring::list_items(db, "samples").await.unwrap();
    assert!(
        listed
            .iter()
            .any(|i| i.uid == "samp-t01" && i.status == "retired"),
        "retired items stay listed, never deleted"
    );
}

#[rocket::async_test]
async fn bad_items_are_refused_with_a_message() {
    let app = spawn_app().await;
    let db = app.db();
    let mut no_explanation = tube_question("Which tube?");
    no_explanation.general_feedback.clear();
    let refused = authoring::create_item(db, None, "samples", None, &no_explanation).await;
    assert!(
        matches!(&refused, Err(AppError::Unprocessable(m)) if m.contains("explanation")),
        "{refused:?}"
    );
    let mut essay = tube_question("Tell me about tubes");
    essay.kind = QuestionKind::Essay;
    assert!(matches!(
        authoring::create_item(db, None, "samples", None, &essay).await,
        Err(AppError::Unprocessable(_))
    ));
    assert!(matches!(
        authoring::create_item(db, None, "no-such-topic", None, &tube_question("q")).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        authoring::create_item(db, None, "samples", Some("samp-b01"), &tube_question("q")).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        authoring::create_item(db, None, "samples", Some("bad id"), &tube_question("q")).await,
        Err(AppError::Unprocessable(_))
    ));
}

#[rocket::async_test]
async fn blueprint_quiz_membership_and_review_due() {
    let app = spawn_app().await;
    let db = app.db();
    let rows = authoring::set_blueprint(db, None, &[("samples".into(), 5)])
        .await
        .unwrap();
    let samples = rows.iter().find(|r| r.topic_slug == "samples").unwrap();
    assert_eq!(samples.item_count, 5);
    assert!(matches!(
        authoring::set_blueprint(db, None, &[("samples".into(), 21)]).await,
        Err(AppError::Unprocessable(_))
    ));
    authoring::set_blueprint(db, None, &[("samples".into(), 0)])
        .await
        .unwrap();

    let modules = authoring::review_due(db, NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
        .await
        .unwrap();
    assert!(modules.is_empty(), "nothing is due in 2000");
    let due = authoring::review_due(db, NaiveDate::from_ymd_opt(2100, 1, 1).unwrap())
        .await
        .unwrap();
    assert!(!due.is_empty());
    assert!(due.iter().all(|m| m.days_overdue > 0));
    let module = &due[0].module_slug;

    let count =
        authoring::set_quiz_items(db, None, module, &["samp-b01".into(), "samp-b02".into()])
            .await
            .unwrap();
    assert_eq!(count, 2);
    assert!(matches!(
        authoring::set_quiz_items(db, None, module, &["nope".into()]).await,
        Err(AppError::Unprocessable(_))
    ));
    let authored =
        authoring::create_item(db, None, "samples", Some("samp-t02"), &tube_question("q"))
            .await
            .unwrap();
    authoring::set_quiz_items(db, None, module, &["samp-t02".into()])
        .await
        .unwrap();

    // Restarting loads the content files again; the trainer's edits survive it.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let tree = content::read_and_check(&dir).unwrap();
    content::load_tree(db, &tree).await.unwrap();
    let rows = authoring::blueprint(db).await.unwrap();
    let samples = rows.iter().find(|r| r.topic_slug == "samples").unwrap();
    assert_eq!(samples.item_count, 0, "the trainer's 0 is kept");
    let quiz = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq(format!("quiz-{module}")))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let members: Vec<i64> = assessment_item::Entity::find()
        .filter(assessment_item::Column::AssessmentId.eq(quiz.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.item_id)
        .collect();
    assert!(members.contains(&authored.item_id), "{members:?}");
}
