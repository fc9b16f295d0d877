//! The learner's journey through the real pages, as a browser without JavaScript would: forms,
//! redirects, CSRF tokens, error summaries, and the numbers shown (docs/design.md §4, by hand).

use genomics_training::assessment::answer::AnswerInput;
use genomics_training::assessment::bank;
use rocket::http::Status;

use crate::assessment_flow::pick_shown;
use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};

fn location(response: &rocket::local::asynchronous::LocalResponse<'_>) -> String {
    response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_owned()
}

/// Form fields for one item answered with `input` at `sureness`.
pub fn item_fields(
    slot: usize,
    position: i32,
    input: &AnswerInput,
    sureness: Option<&str>,
) -> Vec<(String, String)> {
    let mut fields = vec![(format!("items[{slot}].position"), position.to_string())];
    if let Some(choice) = input.choice {
        fields.push((format!("items[{slot}].choice"), choice.to_string()));
    }
    for choice in &input.choices {
        fields.push((format!("items[{slot}].choices"), choice.to_string()));
    }
    if let Some(sureness) = sureness {
        fields.push((format!("items[{slot}].sureness"), sureness.to_owned()));
    }
    fields
}

pub async fn post(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(String, String)],
) -> (Status, String, String) {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app.post_form_as(session, path, &borrowed).await;
    let status = response.status();
    let to = location(&response);
    (status, to, body_of(response).await)
}

/// Answers every item of a baseline or post-assessment through the topic pages, very sure and
/// right or wrong; returns the attempt id.
pub async fn complete_through_pages(
    app: &TestApp,
    session: &Session,
    slug: &str,
    right: bool,
) -> i64 {
    complete_through_pages_at(app, session, slug, right, "3").await
}

/// As [`complete_through_pages`], every answer at `sureness` (1 not sure, 2 quite, 3 very).
pub async fn complete_through_pages_at(
    app: &TestApp,
    session: &Session,
    slug: &str,
    right: bool,
    sureness: &str,
) -> i64 {
    let (status, to, _) = post(
        app,
        session,
        &format!("/learn/assessments/{slug}/start"),
        &[],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let id: i64 = to
        .trim_start_matches("/learn/attempts/")
        .parse()
        .expect("attempt id");
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let mut topics: Vec<i64> = Vec::new();
    for slot in &slots {
        if !topics.contains(&slot.topic_id) {
            topics.push(slot.topic_id);
        }
    }
    for (index, topic) in topics.iter().enumerate() {
        let n = index + 1;
        let path = format!("/learn/attempts/{id}/topics/{n}");
        // The adaptive baseline may bring the page back with a few more questions: answer
        // them too, as a learner would, until it moves on.
        loop {
            let page = app.get_as(session, &path).await;
            assert_eq!(page.status(), Status::Ok);
            let slots = bank::attempt_slots(app.db(), id).await.unwrap();
            let mut fields = vec![("rating".to_owned(), "4".to_owned())];
            for (k, slot) in slots.iter().filter(|s| s.topic_id == *topic).enumerate() {
                fields.extend(item_fields(
                    k,
                    slot.position,
                    &pick_shown(slot, right),
                    Some(sureness),
                ));
            }
            let (status, to, _) = post(app, session, &path, &fields).await;
            assert_eq!(status, Status::SeeOther, "topic {n}");
            if to == format!("{path}?more=1") {
                continue;
            }
            let expected = if n == topics.len() {
                format!("/learn/attempts/{id}/review")
            } else {
                format!("/learn/attempts/{id}/topics/{}", n + 1)
            };
            assert_eq!(to, expected);
            break;
        }
    }
    let (status, to, _) = post(app, session, &format!("/learn/attempts/{id}/submit"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(to, format!("/learn/attempts/{id}/result"));
    id
}

#[rocket::async_test]
async fn learner_takes_the_baseline_reads_a_module_passes_its_quiz_and_gets_a_certificate() {
    let app = spawn_app().await;
    let org = app.given_organisation("RX1", "Trust X").await;
    let learner = app
        .given_user(
            "learner@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let other = app
        .given_user(
            "other@x.nhs.uk",
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    let session = app.sign_in_as(&learner).await;

    let dashboard = body_of(app.get_as(&session, "/learn").await).await;
    assert!(dashboard.contains("Start your baseline"));

    // A topic page sent without "how sure" is refused with an error summary and kept answers.
    let (_, to, _) = post(&app, &session, "/learn/assessments/baseline/start", &[]).await;
    let id: i64 = to.trim_start_matches("/learn/attempts/").parse().unwrap();
    let slots = bank::attempt_slots(app.db(), id).await.unwrap();
    let first = &slots[0];
    let mut fields = vec![("rating".to_owned(), "2".to_owned())];
    fields.extend(item_fields(
        0,
        first.position,
        &pick_shown(first, true),
        None,
    ));
    let (status, _, body) = post(
        &app,
        &session,
        &format!("/learn/attempts/{id}/topics/1"),
        &fields,
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    assert!(body.contains("Say how sure you are"), "{body}");
    let resumed = app.get_as(&session, &format!("/learn/attempts/{id}")).await;
    assert_eq!(location(&resumed), format!("/learn/attempts/{id}/topics/1"));

    // Someone else cannot see or answer this attempt.
    let intruder = app.sign_in_as(&other).await;
    assert_eq!(
        app.get_as(&intruder, &format!("/learn/attempts/{id}/topics/1"))
            .await
            .status(),
        Status::NotFound
    );
    let (status, _, _) = post(
        &app,
        &intruder,
        &format!("/learn/attempts/{id}/submit"),
        &[],
    )
    .await;
    assert_eq!(status, Status::NotFound);

    // Submitting without the CSRF token is refused.
    let no_token = app
        .post_raw_form(&session, &format!("/learn/attempts/{id}/submit"), &[])
        .await;
    assert_eq!(no_token.status(), Status::Forbidden);

    let id = complete_through_pages(&app, &session, "baseline", true).await;
    // All 24 right at high certainty: accuracy 24/24 = 100%; CBM mark +3 each, mean +3.00;
    // bonus = 0.1 x (3 - max_C[1 x right_C]) = 0.1 x (3 - 3) = +0.00.
    let result = body_of(
        app.get_as(&session, &format!("/learn/attempts/{id}/result"))
            .await,
    )
    .await;
    assert!(result.contains(">100%<"), "accuracy");
    assert!(result.contains(">+3.00<"), "mean CBM");
    assert!(result.contains(">+0.00<"), "CBM bonus");
    assert!(result.contains("Your confidence matched your answers."));
    assert!(result.contains("Every question explained"));
    assert_eq!(
        app.get_as(&intruder, &format!("/learn/attempts/{id}/result"))
            .await
            .status(),
        Status::NotFound
    );
    let (status, _, _) = post(
        &app,
        &session,
        &format!("/learn/attempts/{id}/topics/1"),
        &[("rating".into(), "3".into())],
    )
    .await;
    assert_eq!(status, Status::Conflict, "a submitted baseline is locked");

    // Everything is at target, so the plan is complete and the post-assessment is open.
    let plan = body_of(app.get_as(&session, "/learn/plan").await).await;
    assert!(plan.contains("Start the post-assessment"));

    // Read a module and pass its quiz.
    let page = app.get_as(&session, "/learn/modules/samples/pages/1").await;
    assert_eq!(page.status(), Status::Ok);
    let (status, to, _) = post(&app, &session, "/learn/modules/samples/quiz", &[]).await;
    assert_eq!(status, Status::SeeOther);
    let quiz: i64 = to.trim_start_matches("/learn/quiz/").parse().unwrap();
    let quiz_slots = bank::attempt_slots(app.db(), quiz).await.unwrap();
    let mut answers = Vec::new();
    for (k, slot) in quiz_slots.iter().enumerate() {
        answers.extend(item_fields(
            k,
            slot.position,
            &pick_shown(slot, true),
            Some("2"),
        ));
    }
    let (status, to, _) = post(&app, &session, &format!("/learn/quiz/{quiz}"), &answers).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(to, format!("/learn/quiz/{quiz}/feedback"));
    let feedback = body_of(app.get_as(&session, &to).await).await;
    assert!(
        feedback.contains("You scored 100% and passed"),
        "{feedback}"
    );
    assert!(
        feedback.contains("(mark +2.0)"),
        "certain-medium right answers earn +2"
    );

    let certificate = body_of(
        app.get_as(&session, "/learn/modules/samples/certificate")
            .await,
    )
    .await;
    assert!(certificate.contains("Person learner@x.nhs.uk"));
    assert!(certificate.contains("Certificate of completion"));
    // The JSON twin carries the same reference the page prints.
    let (status, twin) = app
        .get_json_as(&session, "/api/v1/modules/samples/certificate")
        .await;
    assert_eq!(status, Status::Ok);
    let reference = twin["reference"].as_str().unwrap_or_default();
    assert!(
        reference.starts_with("GT-") && reference.len() == 27,
        "{twin}"
    );
    assert!(certificate.contains(reference), "{certificate}");
    assert_eq!(
        app.get_as(&session, "/learn/modules/consent/certificate")
            .await
            .status(),
        Status::NotFound
    );
    let export = app.get_as(&session, "/learn/record/export.csv").await;
    assert_eq!(
        export.headers().get_one("Content-Type"),
        Some("text/csv; charset=utf-8")
    );
    let csv = body_of(export).await;
    let baseline_items = bank::attempt_slots(app.db(), id).await.unwrap().len();
    assert_eq!(csv.lines().count(), 1 + baseline_items + quiz_slots.len());

    let post_id = complete_through_pages(&app, &session, "post", true).await;
    assert_ne!(post_id, id);
    let post_result = body_of(
        app.get_as(&session, &format!("/learn/attempts/{post_id}/result"))
            .await,
    )
    .await;
    assert!(
        post_result.contains("At baseline"),
        "the post result shows the gain per topic"
    );
    crate::helpers::assert_aggregates_consistent(&app).await;
}
