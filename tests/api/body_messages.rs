//! What a person is told when a form or JSON body is refused at the edge (the bodies checked
//! with `validator`): each message beside its field, in the page's order, with a 4xx.

use rocket::http::{Method, Status};
use serde_json::json;

use crate::helpers::{body_of, spawn_app};
use crate::import::given_import_setup;

const MISMATCH: &str = "The passwords do not match. Enter the same password twice";

#[rocket::async_test]
async fn sign_in_asks_for_each_empty_field() {
    let app = spawn_app().await;
    let visitor = app.visitor().await;
    let response = app
        .post_form_as(&visitor, "/login", &[("email", "  "), ("password", "")])
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    let email = page.find("Enter your email address").expect("email");
    let password = page.find("Enter your password").expect("password");
    assert!(email < password, "in the form's order: {page}");

    let response = app
        .post_form_as(
            &visitor,
            "/login",
            &[("email", "a@b.nhs.uk"), ("password", "")],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("Enter your password"), "{page}");
    assert!(!page.contains("Enter your email address"), "{page}");
}

#[rocket::async_test]
async fn changing_a_password_names_each_problem_in_order() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let learner = app.sign_in_as(&world.learner).await;
    let good = "a long new passphrase";
    let response = app
        .post_form_as(
            &learner,
            "/account/password",
            &[("current", ""), ("password", good), ("confirm", "another")],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    let current = page.find("Enter your current password").expect("current");
    let confirm = page.find(MISMATCH).expect("confirm");
    assert!(current < confirm, "{page}");

    // A new password that breaks a rule is the one problem about it.
    let response = app
        .post_form_as(
            &learner,
            "/account/password",
            &[
                ("current", &world.learner.password),
                ("password", "short"),
                ("confirm", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(
        page.contains("Password must be 8 characters or more"),
        "{page}"
    );
    assert!(!page.contains(MISMATCH), "{page}");
}

#[rocket::async_test]
async fn a_new_password_typed_differently_twice_is_refused() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let csv = format!(
        "{}\n2001,pat@example.nhs.uk,Pat Doe,RX1,administrative-and-clerical,receptionist,2\n",
        crate::import::HEADER
    );
    let (status, report) = app
        .send_json_as(
            &admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": csv }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{report}");
    let link = report["created"][0]["link"].as_str().expect("link");
    let path = link.trim_start_matches(&app.config().public_url).to_owned();
    let visitor = app.visitor().await;
    let response = app
        .post_form_as(
            &visitor,
            &path,
            &[
                ("password", "pat's long passphrase"),
                ("confirm", "pat's passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains(MISMATCH), "{page}");
    assert!(page.contains("href=\"#confirm\""), "{page}");
}

#[rocket::async_test]
async fn an_assignment_names_every_problem_in_the_api_and_on_the_page() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.sign_in_as(&world.manager_a).await;
    let (status, body) = app
        .send_json_as(
            &manager,
            Method::Post,
            "/api/v1/manage/assignments",
            json!({ "module": "nothing", "job_role_id": 999_999, "due_on": "soon" }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert_eq!(
        body["error"],
        "Choose a module; Choose one of your organisations; Choose a job role from the list, \
         or everyone; Enter the due date as a date, for example 2027-03-31"
    );
    let response = app
        .post_form_as(
            &manager,
            "/manage/assignments",
            &[("module", ""), ("due_on", "")],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("<title>Error: module assignments"), "{page}");
    let module = page.find("Choose a module").expect("module");
    let due = page.find("Enter the due date as a date").expect("due");
    assert!(module < due, "{page}");
}
