//! The adaptive baseline (docs/measurement.md): topics start with 2 items; a topic whose
//! answers leave the test-out decision open gets more, stored with the attempt, so that
//! resuming and submitting see them; the result says how sure each decision is.

use std::collections::HashMap;

use genomics_training::assessment::bank;
use genomics_training::entities::{job_assignment, role_target};
use rocket::http::{Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::assessment_flow::pick_shown;
use crate::helpers::{Grant, TestApp, body_of, spawn_app_with};

/// The JSON answer to `slot`, right or wrong, at high certainty.
fn answer(slot: &bank::Slot, right: bool) -> Value {
    let input = pick_shown(slot, right);
    let mut answer =
        json!({ "position": slot.position, "sureness": "high", "choices": input.choices });
    if let Some(choice) = input.choice {
        answer["choice"] = json!(choice);
    }
    answer
}

async fn targets(app: &TestApp, user_id: i64) -> HashMap<i64, i32> {
    let job = job_assignment::Entity::find()
        .filter(job_assignment::Column::UserId.eq(user_id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    role_target::Entity::find()
        .filter(role_target::Column::JobRoleId.eq(job.job_role_id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.topic_id, t.required_level))
        .collect()
}

#[rocket::async_test]
async fn an_open_decision_adds_items_that_resume_and_submit_keep() {
    let app = spawn_app_with(|figment| figment.merge(("app.adaptive_baseline", true))).await;
    let org = app.given_organisation("RY1", "Trust Y").await;
    let learner = app
        .given_user(
            "adaptive@y.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&learner).await;
    let targets = targets(&app, learner.id).await;
    let (status, attempt) = app
        .send_json_as(
            &session,
            Method::Post,
            "/api/v1/assessments/baseline/attempts",
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{attempt}");
    let id = attempt["id"].as_i64().unwrap();
    assert_eq!(
        attempt["items"].as_array().map(Vec::len),
        Some(16),
        "8 topics start with 2 items each"
    );

    // One right and one wrong on every topic: Beta(2, 2), so P(at or above t) = 1 − (3t² − 2t³),
    // which lies between 0.3 and 0.7 for 0.362 < t < 0.638 (targets 40 to 60). No calibration
    // has run, so the prior is the uniform one.
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut ratings = serde_json::Map::new();
    let mut first_of_topic = HashMap::new();
    let answers: Vec<Value> = slots
        .iter()
        .map(|slot| {
            ratings.insert(slot.topic_id.to_string(), json!(3));
            let first = first_of_topic.insert(slot.topic_id, ()).is_none();
            answer(slot, first)
        })
        .collect();
    let (status, saved) = app
        .send_json_as(
            &session,
            Method::Put,
            &format!("/api/v1/attempts/{id}/answers"),
            json!({ "ratings": ratings, "answers": answers }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{saved}");
    let mut open: Vec<i64> = targets
        .iter()
        .filter(|(_, t)| (40..=60).contains(*t))
        .map(|(topic, _)| *topic)
        .collect();
    open.sort_unstable();
    assert!(!open.is_empty(), "the role has targets from 40 to 60");
    let mut added: Vec<i64> = saved["follow_up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["items"], json!(1), "{f}");
            f["topic_id"].as_i64().unwrap()
        })
        .collect();
    added.sort_unstable();
    assert_eq!(added, open, "exactly the topics whose decision is open");

    // The new items are stored: a fresh read (a resume) shows them, and submit needs them.
    let (_, again) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}"))
        .await;
    assert_eq!(
        again["items"].as_array().map(Vec::len),
        Some(16 + open.len())
    );
    let submit = async || {
        app.send_json_as(
            &session,
            Method::Post,
            &format!("/api/v1/attempts/{id}/submit"),
            json!({}),
        )
        .await
    };
    let (status, refused) = submit().await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    // Resuming on the pages goes to the first topic with a new item, which shows it.
    let resume = app.get_as(&session, &format!("/learn/attempts/{id}")).await;
    let page = resume.headers().get_one("Location").unwrap().to_owned();
    let shown = body_of(app.get_as(&session, &page).await).await;
    assert!(shown.contains(r#"value="17""#), "{shown}");

    // Answer every follow-up right until the decisions settle (or reach the cap of 6).
    for _round in 0..6 {
        let slots = bank::attempt_slots(app.db(), id).await.unwrap();
        let answers: Vec<Value> = slots
            .iter()
            .skip(16)
            .map(|slot| answer(slot, true))
            .collect();
        let (status, saved) = app
            .send_json_as(
                &session,
                Method::Put,
                &format!("/api/v1/attempts/{id}/answers"),
                json!({ "answers": answers }),
            )
            .await;
        assert_eq!(status, Status::Ok, "{saved}");
        if saved["follow_up"].as_array().unwrap().is_empty() {
            break;
        }
    }
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut per_topic: HashMap<i64, usize> = HashMap::new();
    for slot in &slots {
        *per_topic.entry(slot.topic_id).or_default() += 1;
    }
    assert!(
        per_topic.values().all(|n| (2..=6).contains(n)),
        "{per_topic:?}"
    );
    let (status, result) = submit().await;
    assert_eq!(status, Status::Ok, "{result}");
    // Each topic's score is a percentage of its own items, however many it had.
    for topic in result["topics"].as_array().unwrap() {
        let topic_id = topic["topic_id"].as_i64().unwrap();
        let n = per_topic[&topic_id] as f64;
        // One wrong answer per topic; every other answer right.
        let right = n - 1.0;
        let knowledge = topic["knowledge"].as_f64().unwrap();
        assert!((knowledge - 100.0 * right / n).abs() < 1e-9, "{topic}");
        let decision = &topic["decision"];
        let p = decision["p_at_target"].as_f64().unwrap();
        assert_eq!(decision["skip"], json!(p >= 0.5), "{topic}");
    }
    let page = body_of(
        app.get_as(&session, &format!("/learn/attempts/{id}/result"))
            .await,
    )
    .await;
    assert!(page.contains("What this means for your plan"), "{page}");
    assert!(
        page.contains("We recommend this module.") || page.contains("You can skip this module.")
    );
    crate::helpers::assert_aggregates_consistent(&app).await;
}
