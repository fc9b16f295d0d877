//! Options are shuffled per attempt (issue 17, point 1): the "first option, very sure"
//! strategy passes nothing, and every later view of an attempt shows the order it showed.
//! The test apps seed the shuffle (`TEST_SHUFFLE_SEED`), so these outcomes never depend on luck.

use genomics_training::assessment::bank;
use genomics_training::content::markdown::render_formatted;
use genomics_training::entities::{job_assignment, response};
use genomics_training::questions::QuestionKind;
use rocket::http::{Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};

async fn learner(app: &TestApp, email: &str) -> Session {
    let org = app.given_organisation("RS1", "Trust S").await;
    let user = app
        .given_user(
            email,
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    app.session_for(&user).await
}

/// A learner working as a registered nurse (adult), whose targets (50–75 %) need at least two
/// of a topic's three baseline items right. (Where a role's target is a third or less, one
/// lucky answer in three meets it whatever the order: a matter for the targets, not the
/// shuffle.)
async fn nurse(app: &TestApp, email: &str) -> Session {
    let session = learner(app, email).await;
    let role = crate::reports_support::role_id(app.db(), "registered-nurse-adult").await;
    job_assignment::Entity::update_many()
        .col_expr(job_assignment::Column::JobRoleId, role.into())
        .exec(app.db())
        .await
        .unwrap();
    session
}

async fn start(app: &TestApp, session: &Session, slug: &str) -> Value {
    let (status, attempt) = app
        .send_json_as(
            session,
            Method::Post,
            &format!("/api/v1/assessments/{slug}/attempts"),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{slug}: {attempt}");
    attempt
}

/// Every item answered with the option shown at `shown`, "very sure", every topic rated 5;
/// items the adaptive baseline adds on the way are answered the same way.
async fn answer_all_at(app: &TestApp, session: &Session, attempt: &Value, shown: usize) {
    let id = attempt["id"].as_i64().unwrap();
    let mut attempt = attempt.clone();
    loop {
        let mut ratings = serde_json::Map::new();
        let mut answers = Vec::new();
        for entry in attempt["items"].as_array().unwrap() {
            ratings.insert(entry["topic_id"].to_string(), json!(5));
            let item = &entry["item"];
            let mut answer = json!({ "position": item["position"], "sureness": "high" });
            match item["kind"].as_str().unwrap() {
                "multi" => answer["choices"] = json!([shown]),
                "truefalse" => answer["choice"] = json!(0),
                _ => answer["choice"] = json!(shown),
            }
            answers.push(answer);
        }
        let (status, body) = app
            .send_json_as(
                session,
                Method::Put,
                &format!("/api/v1/attempts/{id}/answers"),
                json!({ "ratings": ratings, "answers": answers }),
            )
            .await;
        assert_eq!(status, Status::Ok, "{body}");
        if body["follow_up"].as_array().is_none_or(Vec::is_empty) {
            return;
        }
        let (status, again) = app
            .get_json_as(session, &format!("/api/v1/attempts/{id}"))
            .await;
        assert_eq!(status, Status::Ok, "{again}");
        attempt = again;
    }
}

async fn submit(app: &TestApp, session: &Session, attempt: &Value) -> Value {
    let id = attempt["id"].as_i64().unwrap();
    let (status, result) = app
        .send_json_as(
            session,
            Method::Post,
            &format!("/api/v1/attempts/{id}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{result}");
    result
}

/// Each item's option HTML in the order the attempt JSON lists them.
fn shown_options(attempt: &Value) -> Vec<Vec<String>> {
    attempt["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            entry["item"]["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["html"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[rocket::async_test]
async fn first_option_very_sure_fails_every_module_quiz_and_does_not_test_out() {
    let app = spawn_app().await;
    let session = nurse(&app, "first@s.nhs.uk").await;

    let baseline = start(&app, &session, "baseline").await;
    answer_all_at(&app, &session, &baseline, 0).await;
    let result = submit(&app, &session, &baseline).await;
    let topics = result["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 8);
    let tested_out: Vec<&str> = topics
        .iter()
        .filter(|t| t["met_target"] == json!(true))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        result["summary"]["accuracy"].as_f64().unwrap() < 0.5,
        "{}",
        result["summary"]
    );
    assert!(
        tested_out.is_empty(),
        "tested out of {tested_out:?} by picking the first option"
    );

    let (status, modules) = app.get_json_as(&session, "/api/v1/modules").await;
    assert_eq!(status, Status::Ok);
    let modules = modules["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 8);
    for module in modules {
        let slug = module["slug"].as_str().unwrap();
        let quiz = start(&app, &session, &format!("quiz-{slug}")).await;
        answer_all_at(&app, &session, &quiz, 0).await;
        let result = submit(&app, &session, &quiz).await;
        let score = 100.0 * result["summary"]["accuracy"].as_f64().unwrap();
        let pass_mark = module["pass_mark"].as_f64().unwrap();
        assert!(
            score < pass_mark,
            "{slug}: the first option scored {score:.0}% against a pass mark of {pass_mark}"
        );
    }
}

#[rocket::async_test]
async fn resume_review_and_results_show_the_order_the_attempt_showed() {
    let app = spawn_app().await;
    let session = learner(&app, "order@s.nhs.uk").await;
    let attempt = start(&app, &session, "baseline").await;
    let id = attempt["id"].as_i64().unwrap();
    let shown = shown_options(&attempt);

    // The order is the attempt's, not the bank's: some item is shown out of written order,
    // and each listing is the stored order applied to the item's own options.
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut any_moved = false;
    for (slot, options) in slots.iter().zip(&shown) {
        if let QuestionKind::MultiChoice { answers, .. } = &slot.question.kind {
            let written: Vec<String> = answers
                .iter()
                .map(|a| render_formatted(&a.text, a.text_format))
                .collect();
            let expected: Vec<String> = slot
                .order
                .shown_options(answers.len())
                .into_iter()
                .map(|c| written[c].clone())
                .collect();
            assert_eq!(options, &expected, "item {}", slot.position);
            any_moved |= expected != written;
        }
    }
    assert!(any_moved, "no item was shuffled");

    // Reloading the attempt, or resuming it by starting again, shows the same order.
    let (_, reloaded) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}"))
        .await;
    assert_eq!(shown_options(&reloaded), shown);
    let resumed = start(&app, &session, "baseline").await;
    assert_eq!(resumed["id"], json!(id));
    assert_eq!(shown_options(&resumed), shown);

    // The topic page lists the first topic's options in that order, on every load.
    let first_topic = app
        .get_as(&session, &format!("/learn/attempts/{id}/topics/1"))
        .await;
    assert_eq!(first_topic.status(), Status::Ok);
    let page = body_of(first_topic).await;
    let again = body_of(
        app.get_as(&session, &format!("/learn/attempts/{id}/topics/1"))
            .await,
    )
    .await;
    assert_eq!(page, again, "the page is the same on reload");
    let first_item = &shown[0];
    let at: Vec<usize> = first_item
        .iter()
        .map(|html| page.find(html.as_str()).expect("option on the page"))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{first_item:?}");

    // Answer the second option shown everywhere: the saved answer is shown back there, and
    // stored as the option the bank wrote at that place.
    answer_all_at(&app, &session, &attempt, 1).await;
    let (_, saved) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}"))
        .await;
    let responses = response::Entity::find()
        .filter(response::Column::AttemptId.eq(id))
        .all(app.db())
        .await
        .unwrap();
    for (entry, slot) in saved["items"].as_array().unwrap().iter().zip(&slots) {
        let item = &entry["item"];
        if item["kind"] != json!("single") {
            continue;
        }
        let checked: Vec<i64> = item["options"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["checked"] == json!(true))
            .map(|o| o["index"].as_i64().unwrap())
            .collect();
        assert_eq!(checked, [1], "item {}", slot.position);
        let stored = responses
            .iter()
            .find(|r| r.item_version_id == slot.item_version_id)
            .and_then(|r| r.answer.as_deref())
            .unwrap();
        let stored: Value = serde_json::from_str(stored).unwrap();
        let len = item["options"].as_array().unwrap().len();
        assert_eq!(
            stored["choice"],
            json!(slot.order.shown_options(len)[1]),
            "item {}",
            slot.position
        );
    }

    // After submitting, the results list each item's options in the order shown.
    submit(&app, &session, &attempt).await;
    let (status, result) = app
        .get_json_as(&session, &format!("/api/v1/attempts/{id}/result"))
        .await;
    assert_eq!(status, Status::Ok, "{result}");
    for (question, options) in result["questions"].as_array().unwrap().iter().zip(&shown) {
        let Some(answers) = question["question"]["kind"]["answers"].as_array() else {
            continue;
        };
        let listed: Vec<String> = answers
            .iter()
            .map(|a| {
                let text = a["text"].as_str().unwrap();
                let format = serde_json::from_value(a["text_format"].clone()).unwrap();
                render_formatted(text, format)
            })
            .collect();
        assert_eq!(&listed, options);
    }
}
