//! Modules assigned to a team or to one person, re-dated and removed, within the manager's
//! teams; `assignments::covers` decides whom each is for.

use genomics_training::entities::module_assignment;
use genomics_training::learning::assignments::{assigned_to, people_covered};
use rocket::http::{Method, Status};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{TestApp, body_of, spawn_app};
use crate::teams_support::{Wards, given_two_wards, limit_lead_to_ward_a};

fn in_a_month() -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string()
}

async fn plan_of(app: &TestApp, wards: &Wards, number: &str) -> usize {
    assigned_to(app.db(), wards.people[number].into())
        .await
        .expect("plan")
        .len()
}

#[rocket::async_test]
async fn a_team_manager_assigns_to_their_team_changes_and_removes_it() {
    let app = spawn_app().await;
    let wards = given_two_wards(&app).await;
    limit_lead_to_ward_a(&app, &wards).await;
    let lead = app.session_for(&wards.lead).await;
    let due = in_a_month();
    let rx1 = app
        .get_json_as(&wards.admin, "/api/v1/admin/organisations")
        .await
        .1["organisations"][0]["id"]
        .as_i64()
        .expect("RX1");
    let refused = [
        (
            json!({ "organisation_id": rx1 }),
            "one of your organisations",
        ),
        (
            json!({ "team_id": wards.ward_b }),
            "Choose one of your teams",
        ),
        (
            json!({ "person": "b1@example.nhs.uk" }),
            "someone in your teams",
        ),
        (
            json!({ "person": "2001", "team_id": wards.ward_a }),
            "not both",
        ),
    ];
    for (mut body, message) in refused {
        body["module"] = json!("samples");
        body["due_on"] = json!(due);
        let (status, answer) = app
            .send_json_as(&lead, Method::Post, "/api/v1/manage/assignments", body)
            .await;
        assert_eq!(status, Status::UnprocessableEntity, "{answer}");
        assert!(answer.to_string().contains(message), "{answer}");
    }

    let created = app
        .post_form_as(
            &lead,
            "/manage/assignments",
            &[
                ("module", "samples"),
                ("team_id", &wards.ward_a.to_string()),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(created.status(), Status::SeeOther);
    let (_, listed) = app.get_json_as(&lead, "/api/v1/manage/assignments").await;
    let id = listed["assignments"][0]["id"].as_i64().expect("id");
    let page = body_of(app.get_as(&lead, "/manage/assignments").await).await;
    assert!(
        page.contains("Example Trust (RX1): Ward A") && !page.contains("Ward B"),
        "only their team is offered"
    );
    assert_eq!(listed["assignments"][0]["team"], "Ward A");
    let row = module_assignment::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("read")
        .expect("row");
    let covered: Vec<i64> = people_covered(app.db(), &row)
        .await
        .expect("covered")
        .into_iter()
        .map(|p| p.get())
        .collect();
    assert_eq!(covered, vec![wards.people["2001"], wards.people["2002"]]);
    assert_eq!(plan_of(&app, &wards, "2001").await, 1);
    assert_eq!(
        plan_of(&app, &wards, "2003").await,
        0,
        "Ward B is not in it"
    );

    let page = body_of(
        app.get_as(&lead, &format!("/manage/assignments/{id}"))
            .await,
    )
    .await;
    assert!(page.contains("Change the due date") && page.contains("csrf_token"));
    let bad = app
        .post_form_as(
            &lead,
            &format!("/manage/assignments/{id}/due"),
            &[("due_on", "2001-01-01")],
        )
        .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    assert!(
        body_of(bad)
            .await
            .contains("The due date must be today or later")
    );
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    let forged = app
        .post_raw_form(
            &lead,
            &format!("/manage/assignments/{id}/due"),
            &[("due_on", &later)],
        )
        .await;
    assert_eq!(forged.status(), Status::Forbidden);
    let moved = app
        .post_form_as(
            &lead,
            &format!("/manage/assignments/{id}/due"),
            &[("due_on", &later)],
        )
        .await;
    assert_eq!(moved.status(), Status::SeeOther);
    let (status, row) = app
        .send_json_as(
            &lead,
            Method::Patch,
            &format!("/api/v1/manage/assignments/{id}"),
            json!({ "due_on": due }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{row}");
    assert_eq!(row["due_on"], json!(due));

    let removed = app
        .post_form_as(&lead, &format!("/manage/assignments/{id}/remove"), &[])
        .await;
    assert_eq!(removed.status(), Status::SeeOther);
    assert_eq!(plan_of(&app, &wards, "2001").await, 0);
    let actions = app.audit_actions().await;
    for action in [
        "module_assigned",
        "module_assignment_changed",
        "module_assignment_removed",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
}

#[rocket::async_test]
async fn an_assignment_to_one_person_is_theirs_alone_and_out_of_other_teams_reach() {
    let app = spawn_app().await;
    let wards = given_two_wards(&app).await;
    limit_lead_to_ward_a(&app, &wards).await;
    let (status, made) = app
        .send_json_as(
            &wards.admin,
            Method::Post,
            "/api/v1/manage/assignments",
            json!({ "module": "samples", "person": "2003", "due_on": in_a_month() }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{made}");
    let id = made["id"].as_i64().expect("id");
    assert_eq!(plan_of(&app, &wards, "2003").await, 1);
    assert_eq!(plan_of(&app, &wards, "2002").await, 0);

    let lead = app.session_for(&wards.lead).await;
    let (_, listed) = app.get_json_as(&lead, "/api/v1/manage/assignments").await;
    assert_eq!(listed["assignments"], json!([]), "Bob is in Ward B");
    let path = format!("/api/v1/manage/assignments/{id}");
    let (status, _) = app
        .send_json_as(
            &lead,
            Method::Patch,
            &path,
            json!({ "due_on": in_a_month() }),
        )
        .await;
    assert_eq!(status, Status::NotFound);
    let (status, _) = app
        .send_json_as(&lead, Method::Delete, &path, json!({}))
        .await;
    assert_eq!(status, Status::NotFound);
    let (status, gone) = app
        .send_json_as(&wards.admin, Method::Delete, &path, json!({}))
        .await;
    assert_eq!((status, gone["id"].as_i64()), (Status::Ok, Some(id)));
    assert_eq!(plan_of(&app, &wards, "2003").await, 0);
}
