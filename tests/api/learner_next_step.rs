//! The results pages lead somewhere (issue 17, points 2 and 10): after the baseline or a quiz
//! the plan's next step comes first, the detail below, with links on to the plan, the modules
//! and the record; a failed quiz offers "Try again".

use genomics_training::assessment::bank;
use rocket::http::Status;

use crate::assessment_flow::pick_shown;
use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};
use crate::learner_pages::{complete_through_pages, item_fields, post};

/// Starts the samples module's quiz and submits every answer right (or wrong) with the sureness
/// `how_sure`; returns the quiz attempt's id and where the submit leads.
pub async fn sit_samples_quiz(
    app: &TestApp,
    session: &Session,
    right: bool,
    how_sure: &str,
) -> (i64, String) {
    let (status, to, _) = post(app, session, "/learn/modules/samples/quiz", &[]).await;
    assert_eq!(status, Status::SeeOther);
    let quiz: i64 = to.trim_start_matches("/learn/quiz/").parse().unwrap();
    let mut answers = Vec::new();
    for (k, slot) in bank::attempt_slots(app.db(), quiz)
        .await
        .unwrap()
        .iter()
        .enumerate()
    {
        answers.extend(item_fields(
            k,
            slot.position,
            &pick_shown(slot, right),
            Some(how_sure),
        ));
    }
    let (status, feedback, _) = post(app, session, &format!("/learn/quiz/{quiz}"), &answers).await;
    assert_eq!(status, Status::SeeOther);
    (quiz, feedback)
}

/// A learner of Trust X (learner@x.nhs.uk), signed in.
pub async fn signed_in_learner(app: &TestApp) -> Session {
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
    app.sign_in_as(&learner).await
}

fn assert_links_onward(page: &str) {
    for href in ["/learn/plan", "/learn/modules", "/learn/record"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "link to {href}");
    }
}

#[rocket::async_test]
async fn result_with_gaps_leads_with_the_plans_next_module() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let id = complete_through_pages(&app, &session, "baseline", false).await;
    let (_, plan) = app.get_json_as(&session, "/api/v1/plan").await;
    let first = &plan["plan"]["topics"][0]["modules"][0];
    let slug = first["slug"].as_str().expect("a module for the first gap");
    let minutes = first["minutes"].as_i64().expect("minutes");
    let page = body_of(
        app.get_as(&session, &format!("/learn/attempts/{id}/result"))
            .await,
    )
    .await;
    let next = page
        .find(&format!("href=\"/learn/modules/{slug}\">Next: "))
        .expect("the next module is linked");
    assert!(page[next..].contains(&format!("({minutes} minutes)</a>")));
    let detail = page.find("By topic").expect("the detail is kept");
    assert!(next < detail, "the next step comes before the detail");
    assert_links_onward(&page);
    // Topic names mid-sentence keep their capitals (issue 17, point 10).
    assert!(page.contains("about genomic medicine in the NHS"), "{page}");
    assert!(!page.contains("the nhs"));
}

#[rocket::async_test]
async fn result_at_the_roles_level_everywhere_says_so_and_links_to_the_record() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    let id = complete_through_pages(&app, &session, "baseline", true).await;
    let page = body_of(
        app.get_as(&session, &format!("/learn/attempts/{id}/result"))
            .await,
    )
    .await;
    assert!(
        page.contains(
            "href=\"/learn/record\">You&#x27;re at your role&#x27;s level in every topic"
        ),
        "{page}"
    );
    assert_links_onward(&page);
}

#[rocket::async_test]
async fn failed_quiz_offers_try_again_and_the_next_step() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    complete_through_pages(&app, &session, "baseline", false).await;
    let (quiz, feedback) = sit_samples_quiz(&app, &session, false, "2").await;
    let page = body_of(app.get_as(&session, &feedback).await).await;
    let form = page
        .find("action=\"/learn/modules/samples/quiz\"")
        .expect("a form to start the quiz again");
    assert!(page[form..].contains(">Try again</button>"), "{page}");
    assert!(page.contains("\">Next: "), "the next step is shown");
    assert_links_onward(&page);
    let (status, again, _) = post(&app, &session, "/learn/modules/samples/quiz", &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_ne!(again, format!("/learn/quiz/{quiz}"), "a fresh attempt");
}
