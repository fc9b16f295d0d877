//! A learner's download of their own data holds everything the service keeps about them, and
//! none of the secrets (password hash, session ids, CSRF tokens).

use genomics_training::assessment::answer::Sureness::Medium;
use genomics_training::entities::user;
use genomics_training::learning::assignments::{self, Audience};
use genomics_training::learning::modules;
use rocket::http::Status;
use sea_orm::EntityTrait;

use crate::helpers::{body_of, spawn_app};
use crate::reports_support::{sit, sitting};

#[rocket::async_test]
async fn learners_download_holds_everything_held_about_them_and_no_secrets() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    let me = world.subject.id;
    sit(db, me, "baseline", sitting(2, Medium, 4)).await;
    modules::read_page(db, me.into(), "samples", 1)
        .await
        .unwrap();
    sit(db, me, "quiz-samples", sitting(8, Medium, 0)).await;
    let samples = modules::module_by_slug(db, "samples").await.unwrap();
    let due = chrono::Utc::now().date_naive() + chrono::Days::new(30);
    let audience = Audience {
        organisation_id: world.org_a,
        job_role_id: None,
        ..Audience::default()
    };
    assignments::assign(
        db,
        world.manager_a.id.into(),
        samples.module_id,
        audience,
        due,
    )
    .await
    .unwrap();
    let admin = app.session_for(&world.admin).await;
    let roles = app
        .post_form_as(
            &admin,
            &format!("/admin/users/{me}/roles"),
            &[("trainer", "true")],
        )
        .await;
    assert_eq!(roles.status(), Status::SeeOther);
    let session = app.sign_in_as(&world.subject).await;

    let (status, export) = app.get_json_as(&session, "/api/v1/record/export").await;
    assert_eq!(status, Status::Ok);
    let account = &export["account"];
    assert_eq!(account["email"], "subject@a.nhs.uk");
    assert_eq!(account["display_name"], "Person subject@a.nhs.uk");
    assert_eq!(account["activated"], true);
    assert_eq!(account["roles"]["trainer"], true);
    assert_eq!(account["jobs"][0]["organisation_code"], "RA1");
    assert_eq!(account["jobs"][0]["band"], "3");
    assert!(
        account["sessions"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    let audit: Vec<(String, bool)> = account["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap_or_default().to_owned(),
                a["by_them"] == true,
            )
        })
        .collect();
    assert!(
        audit.contains(&("roles_changed".into(), false)),
        "{audit:?}"
    );
    assert!(audit.contains(&("sign_in".into(), true)), "{audit:?}");

    let data = &export["data"];
    let attempts = data["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "baseline and quiz");
    assert_eq!(attempts[0]["phase"], "baseline");
    assert_eq!(attempts[0]["organisation"], "RA1");
    assert_eq!(attempts[0]["topics"].as_array().map(Vec::len), Some(8));
    assert_eq!(attempts[0]["counts_in_reports"], true);
    let responses = data["responses"].as_array().unwrap();
    assert_eq!(
        responses.len(),
        24 + 9,
        "24 baseline items and the samples quiz's 9 items (a storage item joined it, issue 20)"
    );
    assert!(responses.iter().all(|r| r["certainty"] == 2));
    let ratings = data["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 8);
    assert!(
        ratings
            .iter()
            .all(|r| r["rating"] == 4 && r["topic"].is_string())
    );
    let progress = data["modules"].as_array().unwrap();
    assert!(
        progress
            .iter()
            .any(|m| m["slug"] == "samples" && m["completed_at"].is_string()),
        "{progress:?}"
    );
    assert_eq!(data["certificates"][0]["module"], "samples");
    assert!(
        data["certificates"][0]["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("GT-") && r.len() == 27)
    );
    assert_eq!(data["assigned_modules"][0]["module"], "samples");
    assert_eq!(data["assigned_modules"][0]["due_on"], due.to_string());

    // The page download is the same document; nothing secret is in it.
    let body = body_of(app.get_as(&session, "/learn/record/export.json").await).await;
    let hash = user::Entity::find_by_id(me)
        .one(db)
        .await
        .unwrap()
        .and_then(|u| u.password_hash)
        .unwrap();
    for secret in [hash.as_str(), &session.csrf, &session.session_id().unwrap()] {
        assert!(!body.contains(secret), "the download holds a secret");
    }
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["data"]["responses"], export["data"]["responses"]);
}
