//! What the service records as xAPI statements: every kind it makes (items answered, "I don't
//! know" among them, topic ratings, attempts completed, a module failed, passed and completed,
//! its certificate earned), each one checked with the npm package `xapi-validation`; learners
//! named by a random account unless the admin chooses email; nothing while xAPI is off; and
//! erasing a person removes their statements not yet sent.

use std::collections::{BTreeSet, HashMap, HashSet};

use genomics_training::accounts::erasure::{self, ErasedBy};
use genomics_training::assessment::attempts;
use genomics_training::assessment::bank;
use genomics_training::entities::{xapi_actor, xapi_outbox};
use genomics_training::xapi;
use rocket::http::{Method, Status};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::assessment_flow::{create_learner, pick_shown};
use crate::helpers::{Grant, TestApp, spawn_app, spawn_app_with};
use crate::learning_journey::answered;
use crate::xapi_support::{validate, validator, with_store};

const HOME: &str = "https://training.example.nhs.uk";

async fn app_recording(actor: &str) -> TestApp {
    spawn_app_with(|figment| {
        let figment = with_store(figment, "https://lrs.example.nhs.uk/xapi");
        let figment = genomics_training::config::with_app_setting(figment, "public_url", HOME);
        // The fixed baseline, so that one save answers it all.
        let figment =
            genomics_training::config::with_app_setting(figment, "adaptive_baseline", false);
        genomics_training::config::with_app_setting(figment, "xapi.actor", actor)
    })
    .await
}

async fn statements(db: &DatabaseConnection) -> Vec<Value> {
    xapi_outbox::Entity::find()
        .order_by_asc(xapi_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| serde_json::from_str(&row.statement).unwrap())
        .collect()
}

/// The statement's verb and object type, e.g. `answered cmi.interaction`.
fn kind(statement: &Value) -> String {
    let verb = statement["verb"]["display"]["en-GB"]
        .as_str()
        .unwrap_or("?");
    let object = statement["object"]["definition"]["type"]
        .as_str()
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or("?");
    format!("{verb} {object}")
}

/// Answers and submits a quiz through the service, with the recording the server uses.
async fn sit_quiz(app: &TestApp, user: i64, slug: &str, right: bool) {
    let wrong: &[&str] = if right {
        &[]
    } else {
        &["data-protection-sharing"]
    };
    let attempt = answered(app.db(), user, slug, wrong).await;
    attempts::submit(app.db(), app.state().xapi(), user.into(), attempt.id.into())
        .await
        .unwrap();
}

#[rocket::async_test]
async fn every_statement_kind_is_valid_xapi_and_names_no_one() {
    let app = app_recording("pseudonym").await;
    let org = app.given_organisation("RX9", "Trust X").await;
    let learner = app
        .given_user(
            "xapi.learner@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let session = app.session_for(&learner).await;

    // The baseline through the JSON API, as a learner's browser sends it: the first answer
    // "I don't know", the rest right or wrong at high certainty.
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
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut answers = Vec::new();
    let mut ratings = serde_json::Map::new();
    for (i, slot) in slots.iter().enumerate() {
        ratings.insert(slot.topic_id.to_string(), json!(4));
        let answer = if i == 0 {
            json!({ "position": slot.position, "sureness": "dont_know" })
        } else {
            let input = pick_shown(slot, i % 3 != 0);
            let mut answer =
                json!({ "position": slot.position, "sureness": "high", "choices": input.choices });
            if let Some(choice) = input.choice {
                answer["choice"] = json!(choice);
            }
            answer
        };
        answers.push(answer);
    }
    let path = format!("/api/v1/attempts/{id}/answers");
    let body = json!({ "ratings": ratings, "answers": answers });
    let (status, saved) = app.send_json_as(&session, Method::Put, &path, body).await;
    assert_eq!(status, Status::Ok, "{saved}");
    assert!(
        statements(app.db()).await.is_empty(),
        "answers saved on the way are not statements until the attempt is submitted"
    );
    let path = format!("/api/v1/attempts/{id}/submit");
    let (status, result) = app
        .send_json_as(&session, Method::Post, &path, json!({}))
        .await;
    assert_eq!(status, Status::Ok, "{result}");
    let baseline = statements(app.db()).await;
    let n_items = slots.len();
    let n_topics: HashSet<i64> = slots.iter().map(|s| s.topic_id).collect();
    assert_eq!(baseline.len(), n_items + n_topics.len() + 1);

    // A module quiz failed, then passed: the module's certificate is earned once.
    sit_quiz(&app, learner.id, "quiz-data-protection-sharing", false).await;
    sit_quiz(&app, learner.id, "quiz-data-protection-sharing", true).await;
    sit_quiz(&app, learner.id, "quiz-data-protection-sharing", true).await;

    let all = statements(app.db()).await;
    let kinds: BTreeSet<String> = all.iter().map(kind).collect();
    let expected: BTreeSet<String> = [
        "answered cmi.interaction",
        "rated objective",
        "completed assessment",
        "failed module",
        "passed module",
        "completed module",
        "earned certificate",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(kinds, expected);
    let count = |k: &str| all.iter().filter(|s| kind(s) == k).count();
    assert_eq!(count("passed module"), 2);
    assert_eq!(
        count("completed module"),
        1,
        "completed once, by the first pass"
    );
    assert_eq!(count("earned certificate"), 1);
    assert_eq!(
        count("answered cmi.interaction"),
        n_items,
        "a quiz's own items are not sent"
    );

    // "I don't know" is its own certainty, apart from a wrong answer given at low certainty.
    let certainty = format!("{HOME}/xapi/extensions/certainty");
    let first = &baseline[0];
    assert_eq!(
        first["result"]["extensions"][&certainty],
        json!("dont-know")
    );
    assert_eq!(first["result"]["success"], json!(false));
    assert_eq!(first["result"]["score"]["scaled"], json!(0.0));
    assert!(
        baseline[1..n_items]
            .iter()
            .all(|s| s["result"]["extensions"][&certainty] == json!("high"))
    );
    assert!(
        baseline[1..n_items]
            .iter()
            .any(|s| s["result"]["success"] == json!(true))
    );
    assert!(
        baseline[1..n_items]
            .iter()
            .any(|s| s["result"]["success"] == json!(false))
    );

    // Named by a random account on this service, never by email or name.
    let account = &all[0]["actor"]["account"];
    assert_eq!(account["homePage"], json!(HOME));
    let name = account["name"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(name).is_ok(), "{name}");
    assert!(all.iter().all(|s| s["actor"] == all[0]["actor"]));
    let text = Value::from(all.clone()).to_string();
    assert!(!text.contains("xapi.learner"), "no email in any statement");
    let ids: HashSet<String> = all.iter().map(|s| s["id"].to_string()).collect();
    assert_eq!(ids.len(), all.len(), "each statement has its own id");
    // One registration per attempt.
    let mut registrations: HashMap<String, usize> = HashMap::new();
    for s in &all {
        *registrations
            .entry(s["context"]["registration"].to_string())
            .or_default() += 1;
    }
    assert_eq!(registrations.len(), 4, "the baseline and three quizzes");

    // docs/xapi.md's examples are statements written here (XAPI_EXAMPLES=<file>).
    if let Ok(file) = std::env::var("XAPI_EXAMPLES") {
        std::fs::write(file, serde_json::to_string_pretty(&all).unwrap()).unwrap();
    }
    if let Some(dir) = validator() {
        let (code, said) = validate(&dir, &all);
        assert_eq!(code, 0, "{said}");
        // The check can fail: a statement without an actor, or with a bad score, is refused.
        let mut broken = all[0].clone();
        broken.as_object_mut().unwrap().remove("actor");
        broken["result"]["score"]["scaled"] = json!(1.5);
        let (code, said) = validate(&dir, &[broken]);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains("statement.actor"), "{said}");
        assert!(said.contains("statement.result.score.scaled"), "{said}");
    }
}

#[rocket::async_test]
async fn an_admin_may_name_learners_by_email_instead() {
    let app = app_recording("email").await;
    let user = create_learner(app.db(), "named@nhs.test", "RX1", "receptionist").await;
    sit_quiz(&app, user, "quiz-data-protection-sharing", true).await;
    let all = statements(app.db()).await;
    assert!(!all.is_empty());
    assert!(
        all.iter().all(
            |s| s["actor"] == json!({ "objectType": "Agent", "mbox": "mailto:named@nhs.test" })
        )
    );
    if let Some(dir) = validator() {
        let (code, said) = validate(&dir, &all);
        assert_eq!(code, 0, "{said}");
    }
}

#[rocket::async_test]
async fn nothing_is_recorded_while_xapi_is_off() {
    let app = spawn_app().await;
    assert!(app.config().xapi.is_none());
    let user = create_learner(app.db(), "off@nhs.test", "RX1", "receptionist").await;
    sit_quiz(&app, user, "quiz-data-protection-sharing", true).await;
    assert!(statements(app.db()).await.is_empty());
    assert!(
        xapi_actor::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .is_empty()
    );
}

#[rocket::async_test]
async fn erasing_a_person_removes_their_unsent_statements_and_their_account_name() {
    let app = app_recording("pseudonym").await;
    let leaver = create_learner(app.db(), "leaver@nhs.test", "RX1", "receptionist").await;
    let stayer = create_learner(app.db(), "stayer@nhs.test", "RX1", "receptionist").await;
    sit_quiz(&app, leaver, "quiz-data-protection-sharing", true).await;
    sit_quiz(&app, stayer, "quiz-data-protection-sharing", false).await;
    let before = statements(app.db()).await.len();
    let leaver_name = xapi::account_name(app.db(), leaver).await.unwrap();

    erasure::erase(app.db(), ErasedBy::default(), leaver.into())
        .await
        .unwrap();

    let rows = xapi_outbox::Entity::find().all(app.db()).await.unwrap();
    assert!(rows.iter().all(|row| row.user_id == stayer));
    assert!(!rows.is_empty() && rows.len() < before);
    assert!(
        xapi_actor::Entity::find_by_id(leaver)
            .one(app.db())
            .await
            .unwrap()
            .is_none(),
        "the account name that tied sent statements to them is gone"
    );
    assert_ne!(
        xapi::account_name(app.db(), stayer).await.unwrap(),
        leaver_name
    );
}
