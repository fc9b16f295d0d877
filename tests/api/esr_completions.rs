//! The ESR completion file (issue 25, part 4): hand-checked rows keyed by employee number and
//! module code, admins only, each download audited.

use chrono::Utc;
use genomics_training::entities::user;
use rocket::http::{ContentType, Status};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};
use crate::learner_next_step::sit_samples_quiz;

/// A learner of `org` with ESR employee number `number` (none when empty), signed in.
async fn learner(app: &TestApp, org: i64, email: &str, number: &str) -> Session {
    let person = app
        .given_user(
            email,
            Grant {
                works_in: Some(org),
                ..Default::default()
            },
        )
        .await;
    if !number.is_empty() {
        let row = user::Entity::find_by_id(person.id)
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        let mut row: user::ActiveModel = row.into();
        row.employee_number = Set(Some(number.to_owned()));
        row.update(app.db()).await.unwrap();
    }
    app.sign_in_as(&person).await
}

#[rocket::async_test]
async fn the_file_has_one_row_per_person_and_module_sat_with_the_pass_or_the_latest_fail() {
    let app = spawn_app().await;
    let org = app.given_organisation("RX1", "Trust X").await;
    // Failed once, then passed: the passing sitting is the row.
    let passer = learner(&app, org, "passer@x.nhs.uk", "10000002").await;
    sit_samples_quiz(&app, &passer, false, "1").await;
    sit_samples_quiz(&app, &passer, true, "3").await;
    // Failed only: the latest sitting, no CPD time.
    let failer = learner(&app, org, "failer@x.nhs.uk", "10000001").await;
    sit_samples_quiz(&app, &failer, false, "1").await;
    // Passed, but with no employee number ESR could match: left out.
    let unknown = learner(&app, org, "unknown@x.nhs.uk", "").await;
    sit_samples_quiz(&app, &unknown, true, "3").await;
    // Never sat a quiz: no row.
    learner(&app, org, "reader@x.nhs.uk", "10000003").await;

    let admin = app
        .given_user(
            "admin@x.nhs.uk",
            Grant {
                admin: true,
                ..Default::default()
            },
        )
        .await;
    let admin = app.sign_in_as(&admin).await;
    let response = app.get_as(&admin, "/admin/completions.csv").await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::CSV));
    let csv = body_of(response).await;
    let today = Utc::now().format("%Y-%m-%d");
    let title = "Samples for genomic tests: taking, labelling and sending them";
    assert_eq!(
        csv,
        format!(
            "employee_number,module_code,module_title,module_version,completion_date,result,\
             score,pass_mark,cpd_minutes\r\n\
             10000001,samples,\"{title}\",1,{today},failed,0,70,\r\n\
             10000002,samples,\"{title}\",1,{today},passed,100,70,9\r\n"
        )
    );
    let (status, json) = app.get_json_as(&admin, "/api/v1/admin/completions").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["rows"][1]["employee_number"], "10000002");
    assert_eq!(json["rows"][1]["result"], "passed");
    assert_eq!(json["rows"][1]["score"], 100);
    assert_eq!(json["rows"][1]["cpd_minutes"], 9);
    assert_eq!(json["rows"][0]["cpd_minutes"], serde_json::Value::Null);
    let exported = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "completions_exported")
        .count();
    assert_eq!(exported, 2, "each download is audited");
}

#[rocket::async_test]
async fn the_page_explains_the_columns_and_only_admins_get_the_file() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = app.sign_in_as(&world.admin).await;
    let page = body_of(app.get_as(&admin, "/admin/completions").await).await;
    for column in genomics_training::learning::esr_completions::COLUMNS {
        assert!(
            page.contains(&format!("<code>{column}</code>")),
            "{column} explained"
        );
    }
    assert!(page.contains("href=\"/admin/completions.csv\""));
    let index = body_of(app.get_as(&admin, "/admin").await).await;
    assert!(index.contains("href=\"/admin/completions\""));
    for person in [&world.trainer, &world.manager_a, &world.learner] {
        let session = app.sign_in_as(person).await;
        let response = app.get_as(&session, "/admin/completions.csv").await;
        assert_eq!(response.status(), Status::Forbidden);
    }
}
