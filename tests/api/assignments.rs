//! Managers assign modules to a job role or an organisation; the module joins each person's
//! plan, and nobody can assign outside their own organisations.

use genomics_training::entities::job_role;
use rocket::http::{Method, Status};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{Grant, body_of, spawn_app};

#[rocket::async_test]
async fn assigned_module_joins_the_plan_of_people_in_that_role() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager_a = app.session_for(&world.manager_a).await;
    let manager_b = app.session_for(&world.manager_b).await;
    // given_user puts every worker in the first job role.
    let role = job_role::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();

    let (status, body) = app
        .send_json_as(
            &manager_b,
            Method::Post,
            "/api/v1/manage/assignments",
            json!({ "module": "samples", "organisation_id": world.org_a, "due_on": due }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("one of your organisations")
    );

    let past = app
        .post_form_as(
            &manager_a,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("organisation_id", &world.org_a.to_string()),
                ("due_on", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(past.status(), Status::UnprocessableEntity);
    assert!(
        body_of(past)
            .await
            .contains("The due date must be today or later")
    );

    let created = app
        .post_form_as(
            &manager_a,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("organisation_id", &world.org_a.to_string()),
                ("job_role_id", &role.id.to_string()),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(created.status(), Status::SeeOther);
    let (_, listed) = app
        .get_json_as(&manager_a, "/api/v1/manage/assignments")
        .await;
    assert_eq!(listed["assignments"].as_array().map(Vec::len), Some(1));
    let (_, other) = app
        .get_json_as(&manager_b, "/api/v1/manage/assignments")
        .await;
    assert_eq!(
        other["assignments"].as_array().map(Vec::len),
        Some(0),
        "another trust's assignments are not shown"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "module_assigned")
    );

    // A learner in organisation A and that role sees it once their baseline is done.
    let learner = app
        .given_user(
            "assigned@a.nhs.uk",
            Grant {
                works_in: Some(world.org_a),
                ..Default::default()
            },
        )
        .await;
    let plan = genomics_training::learning::assignments::assigned_to(app.db(), learner.id.into())
        .await
        .unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].1.to_string(), due);
}
