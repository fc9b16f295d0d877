//! The decision priors (docs/measurement.md, "What a learner's role tells us"): fitted per job
//! role and staff group from first baselines' topic scores, used only with 30 or more
//! learners, falling back from role to staff group to uniform, and moving the decision.

use std::collections::HashMap;

use chrono::Utc;
use genomics_training::assessment::priors;
use genomics_training::assessment::{AttemptStatus, Phase};
use genomics_training::entities::{
    assessment, attempt, attempt_topic_score, calibration_run, decision_prior, job_role, topic,
    user,
};
use genomics_training::measures::decision::{self, Prior};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::helpers::{TestApp, spawn_app};

async fn role(app: &TestApp, slug: &str) -> job_role::Model {
    job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(slug))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the content has the role {slug}"))
}

async fn topic_id(app: &TestApp, slug: &str) -> i64 {
    topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the content has the topic {slug}"))
        .id
}

/// `count` learners of `role` whose first baseline scored each (topic, items, right), kept as
/// topic sums after retention removed the responses (none given: their responses are passed
/// to the fit instead). Returns the attempts.
async fn given_learners(
    app: &TestApp,
    role: &job_role::Model,
    count: usize,
    scores: &[(i64, i64, f64)],
) -> Vec<i64> {
    let baseline = assessment::Entity::find()
        .filter(assessment::Column::Slug.eq("baseline"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the content has a baseline");
    let now = Utc::now();
    let offset = user::Entity::find().count(app.db()).await.unwrap();
    let mut attempts = Vec::new();
    for i in 0..count {
        let person = user::ActiveModel {
            email: Set(format!("{}-{}@prior.nhs.uk", role.slug, offset + i as u64)),
            display_name: Set(format!("{} {i}", role.name)),
            is_active: Set(true),
            is_trainer: Set(false),
            is_admin: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .unwrap();
        let sitting = attempt::ActiveModel {
            user_id: Set(person.id),
            assessment_id: Set(baseline.id),
            phase: Set(Phase::Baseline),
            status: Set(AttemptStatus::Submitted),
            started_at: Set(now),
            submitted_at: Set(Some(now)),
            job_role_id: Set(Some(role.id)),
            staff_group_id: Set(Some(role.staff_group_id)),
            is_reported: Set(true),
            responses_removed_at: Set((!scores.is_empty()).then_some(now)),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .unwrap();
        attempts.push(sitting.id);
        for &(topic_id, n, right) in scores {
            attempt_topic_score::ActiveModel {
                attempt_id: Set(sitting.id),
                topic_id: Set(topic_id),
                n_responses: Set(n),
                n_answered: Set(n),
                n_dont_know: Set(0),
                n_confidently_wrong: Set(0),
                sum_fraction_answered: Set(right),
                sum_stated_probability: Set(0.0),
                sum_brier: Set(0.0),
                sum_cbm_mark: Set(0.0),
            }
            .insert(app.db())
            .await
            .unwrap();
        }
    }
    attempts
}

#[rocket::async_test]
async fn priors_come_from_the_role_then_its_staff_group_and_move_the_decision() {
    let app = spawn_app().await;
    let phlebotomist = role(&app, "phlebotomist").await;
    let assistant = role(&app, "healthcare-assistant").await;
    let receptionist = role(&app, "receptionist").await;
    assert_eq!(phlebotomist.staff_group_id, assistant.staff_group_id);
    let samples = topic_id(&app, "samples").await;
    let basics = topic_id(&app, "genomics-basics").await;
    // 40 phlebotomists, mostly all right on samples and mostly all wrong on the basics; 10
    // assistants (too few for a role prior of their own) one of three right on samples. 30
    // phlebotomists' answers are kept as topic sums (retention removed them); the other 10
    // still have their responses, which the calibration passes to the fit: on samples two
    // right and one "I don't know", on the basics one right, one half right, one wrong.
    given_learners(
        &app,
        &phlebotomist,
        30,
        &[(samples, 3, 3.0), (basics, 3, 0.0)],
    )
    .await;
    let answered = given_learners(&app, &phlebotomist, 10, &[]).await;
    given_learners(&app, &assistant, 10, &[(samples, 3, 1.0)]).await;
    let topic_of: HashMap<i64, i64> = [
        (101, samples),
        (102, samples),
        (103, samples),
        (201, basics),
        (202, basics),
        (203, basics),
    ]
    .into();
    let responses: Vec<priors::ResponseRow> = answered
        .iter()
        .flat_map(|&a| {
            [
                (a, 101, false, Some(2), Some(1.0)),
                (a, 102, false, Some(3), Some(1.0)),
                (a, 103, true, None, None),
                (a, 201, false, Some(1), Some(1.0)),
                (a, 202, false, Some(2), Some(0.5)),
                (a, 203, false, Some(3), Some(0.0)),
            ]
        })
        .collect();

    // Before any calibration run: uniform for everyone.
    let none = priors::for_role(
        app.db(),
        Some((phlebotomist.id, phlebotomist.staff_group_id)),
    )
    .await
    .unwrap();
    assert_eq!(none.topic(samples), Prior::UNIFORM);

    let run = calibration_run::ActiveModel {
        created_at: Set(Utc::now()),
        method: Set("cml".into()),
        trigger: Set("command".into()),
        n_persons: Set(50),
        n_persons_extreme: Set(0),
        n_responses: Set(0),
        n_items_estimated: Set(0),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    // Phlebotomists × 2 topics and the staff group × 2 topics (50 and 40 learners); the
    // assistants' 10 are too few for a role prior.
    assert_eq!(
        priors::fit_and_store(app.db(), run.id, &responses, &topic_of)
            .await
            .unwrap(),
        4
    );
    // Each prior counts its learners from both sources.
    let stored = decision_prior::Entity::find().all(app.db()).await.unwrap();
    let learners = |scope: &str, topic: i64| {
        stored
            .iter()
            .find(|p| p.scope == scope && p.topic_id == topic)
            .map(|p| p.learners)
    };
    assert_eq!(learners("job_role", samples), Some(40));
    assert_eq!(learners("job_role", basics), Some(40));
    assert_eq!(learners("staff_group", samples), Some(50));

    let phleb = priors::for_role(
        app.db(),
        Some((phlebotomist.id, phlebotomist.staff_group_id)),
    )
    .await
    .unwrap();
    let knows = phleb.topic(samples);
    assert!(knows.mean() > 0.85 && knows.strength() <= 6.0, "{knows:?}");
    assert!(
        phleb.topic(basics).mean() < 0.15,
        "{:?}",
        phleb.topic(basics)
    );

    // The assistants fall back to their staff group's prior, fitted over all 50: between.
    let group = priors::for_role(app.db(), Some((assistant.id, assistant.staff_group_id)))
        .await
        .unwrap()
        .topic(samples);
    assert!(
        group.mean() > 0.6 && group.mean() < knows.mean(),
        "{group:?}"
    );
    // Another staff group, and a topic nobody in the group answered: uniform.
    let other = priors::for_role(
        app.db(),
        Some((receptionist.id, receptionist.staff_group_id)),
    )
    .await
    .unwrap();
    assert_eq!(other.topic(samples), Prior::UNIFORM);
    let talking = topic_id(&app, "talking-with-patients").await;
    assert_eq!(phleb.topic(talking), Prior::UNIFORM);
    assert_eq!(
        priors::for_role(app.db(), None)
            .await
            .unwrap()
            .topic(samples),
        Prior::UNIFORM
    );

    // 2 of 2 on samples against a target of 80: with the uniform prior, Beta(3, 1) gives
    // P = 1 − 0.8³ = 0.488 and the module is recommended; a phlebotomist, whose role knows
    // samples well, may skip it.
    assert!(!decision::decide(Prior::UNIFORM, 2, 2.0, 80.0).skip);
    assert!(decision::decide(knows, 2, 2.0, 80.0).skip);
    // And 0 of 2 stays a recommendation whatever the role.
    assert!(!decision::decide(knows, 2, 0.0, 80.0).skip);
}
