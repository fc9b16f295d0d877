//! The learner's JSON twins: start, save as you go, submit once, results — with the same
//! integrity checks as the pages.

use genomics_training::assessment::bank;
use rocket::http::{ContentType, Method, Status};
use serde_json::{Value, json};

use crate::assessment_flow::pick_shown;
use crate::helpers::{Grant, json_of, spawn_fixed_baseline_app};

#[rocket::async_test]
async fn learner_answers_and_submits_the_baseline_through_the_api() {
    // The fixed design, so the summary below can be worked out from 24 answers; the adaptive
    // baseline's API is in adaptive_baseline.rs.
    let app = spawn_fixed_baseline_app().await;
    let org = app.given_organisation("RY1", "Trust Y").await;
    let learner = app
        .given_user(
            "api@y.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&learner).await;

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
    assert_eq!(attempt["items"].as_array().map(Vec::len), Some(24));
    let text = attempt.to_string();
    assert!(
        !text.contains("\"fraction\""),
        "no marks are sent before submitting"
    );
    assert!(
        !text.contains("general_feedback"),
        "no explanations before submitting"
    );

    // Without the header, a save is refused.
    let response = app
        .client
        .put(format!("/api/v1/attempts/{id}/answers"))
        .cookies(session.cookies.clone())
        .header(ContentType::JSON)
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(json_of(response).await.0, Status::Forbidden);

    let (status, body) = app
        .send_json_as(
            &session,
            Method::Put,
            &format!("/api/v1/attempts/{id}/answers"),
            json!({ "answers": [{ "position": 1, "choice": 0, "sureness": "certain-ish" }] }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("sureness"),
        "{body}"
    );

    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut answers: Vec<Value> = Vec::new();
    let mut ratings = serde_json::Map::new();
    for (i, slot) in slots.iter().enumerate() {
        ratings.insert(slot.topic_id.to_string(), json!(5));
        let input = pick_shown(slot, i % 2 == 0);
        let mut answer =
            json!({ "position": slot.position, "sureness": "high", "choices": input.choices });
        if let Some(choice) = input.choice {
            answer["choice"] = json!(choice);
        }
        answers.push(answer);
    }
    let (status, body) = app
        .send_json_as(
            &session,
            Method::Put,
            &format!("/api/v1/attempts/{id}/answers"),
            json!({ "ratings": ratings, "answers": answers }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    // Half right at high certainty: accuracy 12/24 = 0.5; CBM marks 12 x 3 + 12 x (-6) = -36,
    // mean -1.5; bonus = 0.1 x (-1.5 - max(0.5, 0.5x2 - 0.5x2, 0.5x3 - 0.5x6)) = 0.1 x (-2) = -0.2.
    let (status, result) = app
        .send_json_as(
            &session,
            Method::Post,
            &format!("/api/v1/attempts/{id}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{result}");
    let summary = &result["summary"];
    assert_eq!(summary["accuracy"], json!(0.5));
    assert_eq!(summary["mean_cbm_mark"], json!(-1.5));
    assert!((summary["cbm_bonus"].as_f64().unwrap() + 0.2).abs() < 1e-9);
    // Stated probability 0.9 for every answer: calibration bias 0.9 - 0.5 = 0.4; confidently
    // wrong 12/24 = 0.5.
    assert!((summary["calibration_bias"].as_f64().unwrap() - 0.4).abs() < 1e-9);
    assert_eq!(summary["confidently_wrong_rate"], json!(0.5));

    let (status, again) = app
        .send_json_as(
            &session,
            Method::Post,
            &format!("/api/v1/attempts/{id}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        again["summary"], result["summary"],
        "a replay returns the first result"
    );
    let (status, _) = app
        .send_json_as(
            &session,
            Method::Put,
            &format!("/api/v1/attempts/{id}/answers"),
            json!({ "answers": [] }),
        )
        .await;
    assert_eq!(status, Status::Conflict);

    let (status, shown) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}/result"))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(shown["questions"].as_array().map(Vec::len), Some(24));

    let other = app
        .given_user(
            "other-api@y.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let intruder = app.session_for(&other).await;
    assert_eq!(
        app.get_json_as(&intruder, &format!("/api/v1/attempts/{id}/result"))
            .await
            .0,
        Status::NotFound
    );

    let (status, plan) = app.get_json_as(&session, "/api/v1/plan").await;
    assert_eq!(status, Status::Ok);
    assert!(
        plan["plan"]["topics"]
            .as_array()
            .is_some_and(|t| t.len() == 8)
    );
    let (_, export) = app.get_json_as(&session, "/api/v1/record/export").await;
    assert_eq!(
        export["data"]["responses"].as_array().map(Vec::len),
        Some(24)
    );
}
