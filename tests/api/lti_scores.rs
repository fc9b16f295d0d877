//! Scores back to the platform (Assignment and Grade Services): a module quiz passed after a
//! launch is posted to the launch's line item with a token got by a signed client assertion,
//! and read back from the independent platform (`tests/lti`); a platform that is down gets it
//! when it is back; the baseline's completion goes to its own line item.

use chrono::{Duration, Utc};
use genomics_training::lti::scores;
use serde_json::json;

use crate::learner_next_step::sit_samples_quiz;
use crate::learner_pages::complete_through_pages;
use crate::lti_support::{launch, ready};

#[rocket::async_test]
async fn a_quiz_score_reaches_the_gradebook_even_when_the_platform_was_down() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = launch(
        &app,
        &platform,
        "moodle-nurse",
        json!({
            "email": "nurse@trust.nhs.uk",
            "resourceLinkId": "samples-link",
            "custom": { "activity": "module:samples" },
        }),
    )
    .await;
    let session = launched.session.expect("signed in");
    platform.take_tool_keys(&app).await;
    platform.set_down(true).await;
    sit_samples_quiz(&app, &session, true, "3").await;
    let http = app.state().lti_keys.clone();
    assert_eq!(scores::deliver_due(app.db(), &http).await.expect("pass"), 0);
    assert_eq!(
        scores::unsent(app.db()).await.expect("count"),
        1,
        "kept for a retry"
    );
    assert_eq!(platform.scores().await, json!({}));
    platform.set_down(false).await;
    // The retry waits its back-off: a pass now sends nothing, a pass after it sends the score.
    assert_eq!(scores::deliver_due(app.db(), &http).await.expect("pass"), 0);
    let later = Utc::now() + Duration::minutes(10);
    assert_eq!(
        scores::deliver_due_at(app.db(), &http, later)
            .await
            .expect("pass"),
        1
    );
    assert_eq!(scores::unsent(app.db()).await.expect("count"), 0);
    let received = platform.scores().await;
    let score = &received["samples-link"][0];
    assert_eq!(score["userId"], "moodle-nurse");
    assert_eq!(score["scoreGiven"], 100.0);
    assert_eq!(score["scoreMaximum"], 100.0);
    assert_eq!(score["activityProgress"], "Completed");
    assert_eq!(score["gradingProgress"], "FullyGraded");
    // Sent once only.
    assert_eq!(
        scores::deliver_due_at(app.db(), &http, later)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(
        platform.scores().await["samples-link"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[rocket::async_test]
async fn the_baseline_completion_goes_to_its_line_item_after_a_tool_key_rotation() {
    let Some((app, platform)) = ready().await else {
        return;
    };
    let launched = launch(
        &app,
        &platform,
        "moodle-nurse-2",
        json!({ "email": "nurse@trust.nhs.uk", "resourceLinkId": "baseline-link" }),
    )
    .await;
    let session = launched.session.expect("signed in");
    complete_through_pages(&app, &session, "baseline", false).await;
    genomics_training::lti::keys::rotate(app.db(), Default::default())
        .await
        .expect("rotate");
    platform.take_tool_keys(&app).await;
    let http = app.state().lti_keys.clone();
    assert_eq!(scores::deliver_due(app.db(), &http).await.expect("pass"), 1);
    let received = platform.scores().await;
    let score = &received["baseline-link"][0];
    assert_eq!(score["userId"], "moodle-nurse-2");
    assert_eq!(score["activityProgress"], "Completed");
    assert_eq!(score["scoreGiven"], 100.0);
}
