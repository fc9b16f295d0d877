//! A trust's own job titles mapped to the taxonomy's job roles: the admin page and its JSON
//! twin, and the people import taking mapped titles (whatever their case and spacing, an
//! organisation's own mapping first) and naming unmapped ones by line with where to map them.

use genomics_training::entities::job_assignment;
use rocket::http::{Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{Session, TestApp, body_of, spawn_app};
use crate::import::{HEADER, given_import_setup};
use crate::reports_support::role_id;

async fn import(app: &TestApp, admin: &Session, rows: &str) -> (Status, serde_json::Value) {
    crate::import::import(app, admin, &format!("{HEADER}\n{rows}")).await
}

/// The job roles of the current jobs, in the order they were made.
async fn current_roles(app: &TestApp) -> Vec<i64> {
    job_assignment::Entity::find()
        .filter(job_assignment::Column::EndedAt.is_null())
        .order_by_asc(job_assignment::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.job_role_id)
        .collect()
}

#[rocket::async_test]
async fn a_mapped_title_imports_and_an_unmapped_one_is_named_by_line() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    app.given_organisation("RX2", "Other Trust").await;
    let rows = "1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,  front   DESK officer ,3\n\
                1002,bob@example.nhs.uk,Bob Jones,RX1,administrative-and-clerical,Band 5 Staff Nurse,5\n";
    let (status, body) = import(&app, &admin, rows).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{body}");
    assert_eq!(problems[0]["line"], 2);
    assert!(
        problems[0]["problem"]
            .as_str()
            .unwrap()
            .contains("/admin/job-titles"),
        "{body}"
    );

    let response = app
        .post_form_as(
            &admin,
            "/admin/job-titles",
            &[
                ("title", "Front Desk Officer"),
                ("job_role", "receptionist"),
                ("organisation_code", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    // RX1's own mapping of "Secretary" wins there; RX2 has none.
    let (status, _) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/job-titles",
            json!({ "title": "Secretary", "job_role": "medical-secretary", "organisation_code": "rx1" }),
        )
        .await;
    assert_eq!(status, Status::Created);

    let rows = "1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,  front   DESK officer ,3\n\
                1003,cat@example.nhs.uk,Cat Brown,RX1,administrative-and-clerical,SECRETARY,4\n\
                1004,dan@example.nhs.uk,Dan Green,RX2,administrative-and-clerical,Secretary,4\n";
    let (status, body) = import(&app, &admin, rows).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let lines: Vec<u64> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![4], "only RX2's Secretary is unmapped: {body}");

    let rows = "1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,  front   DESK officer ,3\n\
                1003,cat@example.nhs.uk,Cat Brown,RX1,administrative-and-clerical,SECRETARY,4\n";
    let (status, body) = import(&app, &admin, rows).await;
    assert_eq!(status, Status::Ok, "{body}");
    let db = app.db();
    assert_eq!(
        current_roles(&app).await,
        vec![
            role_id(db, "receptionist").await,
            role_id(db, "medical-secretary").await
        ]
    );

    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "job_title_mapped").count(),
        2
    );
}

#[rocket::async_test]
async fn mappings_are_listed_refused_when_bad_and_removed() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let response = app
        .post_form_as(
            &admin,
            "/admin/job-titles",
            &[
                ("title", "  "),
                ("job_role", "astronaut"),
                ("organisation_code", "ZZZ"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    for field in ["#title", "#job_role", "#organisation_code"] {
        assert!(
            page.contains(&format!("href=\"{field}\"")),
            "{field}: {page}"
        );
    }
    let (status, added) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/job-titles",
            json!({ "title": "Staff Nurse", "job_role": "receptionist" }),
        )
        .await;
    assert_eq!(status, Status::Created);
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/job-titles",
            json!({ "title": "staff  nurse", "job_role": "medical-secretary" }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.to_string().contains("already mapped"), "{body}");
    let (status, body) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/job-titles",
            json!({ "title": "Receptionist", "job_role": "medical-secretary" }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.to_string().contains("already a job role"), "{body}");

    let page = body_of(app.get_as(&admin, "/admin/job-titles").await).await;
    assert!(
        page.contains("Staff Nurse") && page.contains("All organisations"),
        "{page}"
    );
    let id = added["id"].as_i64().unwrap();
    let response = app
        .post_raw_form(&admin, &format!("/admin/job-titles/{id}/remove"), &[])
        .await;
    assert_eq!(response.status(), Status::Forbidden, "no token, no removal");
    let response = app
        .post_form_as(&admin, &format!("/admin/job-titles/{id}/remove"), &[])
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let (_, list) = app.get_json_as(&admin, "/api/v1/admin/job-titles").await;
    assert_eq!(list, json!([]));
    let (status, _) = app
        .send_json_as(
            &admin,
            Method::Delete,
            &format!("/api/v1/admin/job-titles/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, Status::NotFound);
    assert!(
        app.audit_actions()
            .await
            .contains(&"job_title_unmapped".to_owned())
    );
}
