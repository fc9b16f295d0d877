//! Issue 16, a probe of the release rule: post-assessments may be retaken without limit, so if
//! a retake counted towards a release, one learner alone in an atom (here the trust's only
//! porter) who submits the post 8 times would release an atom about one person, and the
//! organisation's total would grow by exactly them. A retake counts for nothing; this test
//! found the fault on the first version of the rule.

use genomics_training::assessment::answer::Sureness::High;
use rocket::http::Status;
use serde_json::Value;

use crate::disclosure_requests::number;
use crate::helpers::{Grant, spawn_app};
use crate::reports_support::{learner, org_id, sit, sitting};

/// (n, knowledge) of the total row of the post-assessment grid's first topic.
fn total(body: &Value) -> (f64, f64) {
    let rows = body["rows"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["level"] == "total" && r["topic"] == rows[0]["topic"])
        .unwrap();
    (
        number(&row["n"]).unwrap().0,
        number(&row["knowledge"]).unwrap().0,
    )
}

#[rocket::async_test]
async fn one_learner_retaking_the_post_assessment_is_never_published_alone() {
    let app = spawn_app().await;
    let db = app.db();
    for i in 0..8 {
        let user = learner(
            db,
            &format!("r{i}@nhs.test"),
            "RA1",
            "receptionist",
            "Band 3",
        )
        .await;
        sit(db, user, "baseline", sitting(2, High, 3)).await;
        sit(db, user, "post", sitting(3, High, 5)).await;
    }
    let porter = learner(db, "porter@nhs.test", "RA1", "porter", "Band 2").await;
    sit(db, porter, "baseline", sitting(0, High, 1)).await;
    let grant = Grant {
        manager_of: vec![org_id(db, "RA1").await],
        ..Grant::default()
    };
    let manager = app
        .sign_in_as(&app.given_user("m@nhs.test", grant).await)
        .await;
    let path = "/api/v1/reports/gaps?phase=post";
    let (status, body) = app.get_json_as(&manager, path).await;
    assert_eq!(status, Status::Ok);
    let (n_before, k_before) = total(&body);
    // Seven retakes, then the eighth, scoring 1 of 3 in every topic (33.3).
    for _ in 0..7 {
        sit(db, porter, "post", sitting(2, High, 3)).await;
    }
    sit(db, porter, "post", sitting(1, High, 2)).await;
    let (_, body) = app.get_json_as(&manager, path).await;
    let (n_after, k_after) = total(&body);
    let recovered = n_after * k_after - n_before * k_before;
    println!(
        "{path}: total n {n_before} -> {n_after}, knowledge {k_before} -> {k_after}; \
         the porter's post-assessment recovered {recovered:.2}, true 33.33"
    );
    assert!(
        n_after - n_before >= 8.0 || n_after == n_before,
        "a release about {} person(s): the porter's score is {recovered:.2}",
        n_after - n_before
    );
}
