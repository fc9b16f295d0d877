//! Importing people from an ESR-like CSV file, through the JSON API and the upload page.

use genomics_training::accounts::OrgScope;
use genomics_training::entities::job_assignment;
use rocket::http::{ContentType, Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{Grant, Session, TestApp, body_of, spawn_app};

pub const HEADER: &str =
    "employee_number,email,display_name,organisation_code,staff_group,job_role,band";

/// An admin, organisation RX1 and two job roles in the "Administrative and Clerical" group.
pub async fn given_import_setup(app: &TestApp) -> Session {
    app.given_organisation("RX1", "Example Trust").await;
    app.given_job_role(
        "administrative-and-clerical",
        "Administrative and Clerical",
        "receptionist",
        "Receptionist",
    )
    .await;
    app.given_job_role(
        "administrative-and-clerical",
        "Administrative and Clerical",
        "medical-secretary",
        "Medical Secretary",
    )
    .await;
    let admin = app
        .given_user(
            "admin@nhs.uk",
            Grant {
                admin: true,
                ..Grant::default()
            },
        )
        .await;
    app.sign_in_as(&admin).await
}

pub async fn import(app: &TestApp, admin: &Session, csv: &str) -> (Status, serde_json::Value) {
    app.send_json_as(
        admin,
        Method::Post,
        "/api/v1/admin/users/import",
        json!({ "csv": csv }),
    )
    .await
}

#[rocket::async_test]
async fn good_file_creates_people_with_one_activation_link_each() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let csv = format!(
        "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,Administrative and Clerical,Receptionist,3\n\
         1002,bob@example.nhs.uk,Bob Jones,rx1,administrative-and-clerical,medical-secretary,4\n"
    );
    let (status, report) = import(&app, &admin, &csv).await;
    assert_eq!(status, Status::Ok, "{report}");
    let created = report["created"].as_array().expect("created");
    assert_eq!(created.len(), 2);
    for person in created {
        assert!(
            person["link"]
                .as_str()
                .unwrap_or_default()
                .starts_with("http://127.0.0.1:8000/activate/")
        );
    }
    assert_eq!(report["new_job_assignments"], 2);
    let emails = app.emails_in(&OrgScope::All).await;
    assert!(emails.contains(&"ann@example.nhs.uk".to_owned()));
    assert!(emails.contains(&"bob@example.nhs.uk".to_owned()));
    assert!(
        app.audit_actions()
            .await
            .contains(&"users_imported".to_owned())
    );
}

#[rocket::async_test]
async fn file_with_bad_rows_imports_nothing_and_lists_every_bad_line() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let before = app.emails_in(&OrgScope::All).await;
    let csv = format!(
        "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n\
         1002,not-an-email,Bob Jones,RX1,administrative-and-clerical,receptionist,3\n\
         1003,cat@example.nhs.uk,Cat Brown,ZZZ,administrative-and-clerical,receptionist,3\n\
         1004,dan@example.nhs.uk,Dan Green,RX1,administrative-and-clerical,astronaut,3\n\
         1005,ann@example.nhs.uk,Ann Again,RX1,administrative-and-clerical,receptionist,3\n"
    );
    let (status, body) = import(&app, &admin, &csv).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let lines: Vec<u64> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{body}");
    let text = body.to_string();
    assert!(text.contains("ZZZ is not a known organisation"));
    assert!(text.contains("astronaut"));
    assert!(text.contains("also on line 2"));
    assert_eq!(
        app.emails_in(&OrgScope::All).await,
        before,
        "nothing imported"
    );
}

#[rocket::async_test]
async fn missing_columns_are_reported_on_line_one() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let (status, body) = import(&app, &admin, "employee_number,email\n1,a@b.nhs.uk\n").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(body["problems"][0]["line"], 1);
    assert!(
        body["problems"][0]["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("display_name")
    );
}

#[rocket::async_test]
async fn reimport_updates_people_and_starts_a_new_job_keeping_history() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let first = format!(
        "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n"
    );
    assert_eq!(import(&app, &admin, &first).await.0, Status::Ok);
    let same = import(&app, &admin, &first).await.1;
    assert_eq!(same["unchanged"], 1);
    assert_eq!(
        same["created"].as_array().map(Vec::len),
        Some(0),
        "no second activation link"
    );
    let moved = format!(
        "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith-Jones,RX1,administrative-and-clerical,medical-secretary,4\n"
    );
    let (status, report) = import(&app, &admin, &moved).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(report["updated"], 1);
    assert_eq!(report["new_job_assignments"], 1);
    let jobs = job_assignment::Entity::find()
        .order_by_asc(job_assignment::Column::Id)
        .all(app.db())
        .await
        .expect("jobs");
    assert_eq!(jobs.len(), 2, "history kept");
    assert!(jobs[0].ended_at.is_some());
    assert!(jobs[1].ended_at.is_none());
    assert_eq!(jobs[1].band.as_deref(), Some("Band 4"), "stored as Band N");
    let current = job_assignment::Entity::find()
        .filter(job_assignment::Column::EndedAt.is_null())
        .all(app.db())
        .await
        .expect("current");
    assert_eq!(current.len(), 1);
}

#[rocket::async_test]
async fn bands_are_stored_as_band_n_and_a_respelt_band_is_not_a_new_job() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let row = |band: &str| {
        format!(
            "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,{band}\n"
        )
    };
    let (status, report) = import(&app, &admin, &row("3")).await;
    assert_eq!(status, Status::Ok, "{report}");
    assert_eq!(report["new_job_assignments"], 1);
    for same in ["Band 3", " band 3 ", "BAND 3"] {
        let (status, report) = import(&app, &admin, &row(same)).await;
        assert_eq!(status, Status::Ok, "{report}");
        assert_eq!(report["new_job_assignments"], 0, "{same}: not a job change");
        assert_eq!(report["unchanged"], 1, "{same}");
    }
    let jobs = job_assignment::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].band.as_deref(), Some("Band 3"));
    // A different band is a new job; a band in another scale is kept as written.
    let (_, report) = import(&app, &admin, &row("8A")).await;
    assert_eq!(report["new_job_assignments"], 1);
    let (_, report) = import(&app, &admin, &row("Consultant")).await;
    assert_eq!(report["new_job_assignments"], 1);
    let bands: Vec<Option<String>> = job_assignment::Entity::find()
        .order_by_asc(job_assignment::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.band)
        .collect();
    assert_eq!(
        bands,
        [Some("Band 3"), Some("Band 8a"), Some("Consultant")].map(|b| b.map(str::to_owned))
    );
}

#[rocket::async_test]
async fn upload_page_imports_a_file_and_shows_the_links() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let boundary = "XBOUNDARYX";
    let csv = format!(
        "{HEADER}\n1001,ann@example.nhs.uk,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n"
    );
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{boundary}--\r\n",
        admin.csrf
    );
    let response = app
        .client
        .post("/admin/users/import")
        .cookies(admin.cookies.clone())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let page = body_of(response).await;
    assert!(page.contains("/activate/"), "{page}");
    assert!(page.contains("ann@example.nhs.uk"));
}

#[rocket::async_test]
async fn upload_page_lists_bad_rows_with_an_error_summary() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let boundary = "XBOUNDARYX";
    let csv =
        format!("{HEADER}\n1001,bad,Ann Smith,RX1,administrative-and-clerical,receptionist,3\n");
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{boundary}--\r\n",
        admin.csrf
    );
    let response = app
        .client
        .post("/admin/users/import")
        .cookies(admin.cookies.clone())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = body_of(response).await;
    assert!(page.contains("nhsuk-error-summary"));
    assert!(page.contains("Line 2: email"));
    assert!(
        page.contains("href=\"/admin/job-titles\""),
        "the way to map a title"
    );
}

/// A ward's staff activate their accounts from one shared address: working links are never
/// throttled (only links that do not work are, issue 18).
#[rocket::async_test]
async fn a_sites_staff_activating_from_one_address_are_never_slowed() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let rows: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "{},s{i}@example.nhs.uk,Staff {i},RX1,Administrative and Clerical,Receptionist,3",
                2000 + i
            )
        })
        .collect();
    let (status, report) = import(&app, &admin, &format!("{HEADER}\n{}\n", rows.join("\n"))).await;
    assert_eq!(status, Status::Ok, "{report}");
    let visitor = app.visitor().await;
    for person in report["created"].as_array().expect("created") {
        let link = person["link"].as_str().unwrap_or_default();
        let path = &link[link.find("/activate/").expect("an activation link")..];
        let response = app
            .client
            .post(path.to_owned())
            .remote(
                "203.0.113.9:4000"
                    .parse::<std::net::SocketAddr>()
                    .expect("address"),
            )
            .cookies(visitor.cookies.clone())
            .header(ContentType::Form)
            .body(format!(
                "csrf_token={}&password=a+long+new+passphrase&confirm=a+long+new+passphrase",
                visitor.csrf
            ))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{path}");
    }
}
