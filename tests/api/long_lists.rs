//! Issue 17, point 7: the whole-organisation lists (the admin's people, the managers' completion
//! view) are searched, sorted and paged in SQL, show the employee number, and refuse bad list
//! parameters with a 400.

use chrono::{Duration, TimeZone, Utc};
use genomics_training::accounts::users::{self, NewUser};
use genomics_training::entities::{assessment, attempt};
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::helpers::{Session, TestApp, World, body_of, spawn_app};

/// `count` people in `org`, named "Staff 001" …, employee numbers E001 …, emails
/// staff001@a.nhs.uk …; returns their ids in that order.
async fn given_staff(app: &TestApp, org: i64, count: usize) -> Vec<i64> {
    let role = receptionist(app).await;
    let mut ids = Vec::new();
    for n in 1..=count {
        let id = given_person(
            app,
            org,
            role,
            &format!("Staff {n:03}"),
            &format!("E{n:03}"),
            &format!("staff{n:03}@a.nhs.uk"),
        )
        .await;
        ids.push(id);
    }
    ids
}

async fn receptionist(app: &TestApp) -> i64 {
    app.given_job_role(
        "administrative-and-clerical",
        "Administrative and Clerical",
        "receptionist",
        "Receptionist",
    )
    .await
}

async fn given_person(
    app: &TestApp,
    org: i64,
    role: i64,
    name: &str,
    employee: &str,
    email: &str,
) -> i64 {
    let row = users::create(
        app.db(),
        NewUser {
            email: email.into(),
            display_name: name.into(),
            employee_number: Some(employee.into()),
            ..NewUser::default()
        },
    )
    .await
    .expect("create person");
    users::start_job(app.db(), row.id, org, role, Some("3"), Utc::now())
        .await
        .expect("start job");
    row.id
}

async fn admin_of(app: &TestApp, world: &World) -> Session {
    app.session_for(&world.admin).await
}

async fn people_json(app: &TestApp, session: &Session, query: &str) -> serde_json::Value {
    let (status, body) = app
        .get_json_as(session, &format!("/api/v1/admin/users?{query}"))
        .await;
    assert_eq!(status, Status::Ok, "{query}: {body}");
    body
}

/// Handlebars writes `=` in attributes as `&#x3D;`.
fn unescaped(page: String) -> String {
    page.replace("&#x3D;", "=")
}

fn names(body: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    body[list]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[rocket::async_test]
async fn people_are_found_by_employee_number_name_or_email_whatever_the_case() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    given_staff(&app, world.org_a, 12).await;
    let admin = admin_of(&app, &world).await;

    let page = body_of(app.get_as(&admin, "/admin/users?q=e007").await).await;
    assert!(
        page.contains("Staff 007") && page.contains("E007"),
        "{page}"
    );
    assert!(!page.contains("Staff 008"), "only the match is listed");
    assert!(page.contains("Showing 1 to 1 of 1 person"), "{page}");

    for (query, expected) in [
        ("q=STAFF%20011", vec!["Staff 011"]),
        ("q=staff012%40A.NHS", vec!["Staff 012"]),
        ("q=E01", vec!["Staff 010", "Staff 011", "Staff 012"]),
        // `%` and `_` are taken literally, not as wildcards.
        ("q=Staff_0", vec![]),
        ("q=%25", vec![]),
    ] {
        let body = people_json(&app, &admin, query).await;
        assert_eq!(names(&body, "users", "display_name"), expected, "{query}");
    }

    let manager = app.session_for(&world.manager_a).await;
    let page = body_of(app.get_as(&manager, "/reports/completion?q=E007").await).await;
    assert!(
        page.contains("Staff 007") && page.contains("E007"),
        "{page}"
    );
    assert!(!page.contains("Staff 006"), "{page}");
    let page = body_of(
        app.get_as(&manager, "/reports/completion?q=nobody-here")
            .await,
    )
    .await;
    assert!(
        page.contains("No one in your organisations matches"),
        "{page}"
    );
}

#[rocket::async_test]
async fn a_long_list_is_shown_fifty_at_a_time_with_its_counts() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    given_staff(&app, world.org_a, 120).await;
    let admin = admin_of(&app, &world).await;

    let organisation = world.org_a;
    // Trust A: the 120 plus the world's learner, trainer, manager and subject.
    let path = format!("/admin/users?organisation={organisation}&q=staff&page=2");
    let page = unescaped(body_of(app.get_as(&admin, &path).await).await);
    assert!(page.contains("Showing 51 to 100 of 120 people"), "{page}");
    assert!(page.contains("Staff 051") && page.contains("Staff 100"));
    assert!(!page.contains("Staff 050") && !page.contains("Staff 101"));
    assert!(page.contains("<title>People (page 2 of 3)"), "{page}");
    assert!(page.contains("nhsuk-pagination--numbered"));
    assert!(
        page.contains(&format!(
            "href=\"/admin/users?organisation={organisation}&amp;q=staff&amp;page=3\" rel=\"next\""
        )),
        "the next link keeps the organisation and the search: {page}"
    );
    assert!(page.contains("aria-current=\"page\">2</a>"), "{page}");

    // A page past the end shows the last one.
    let page = body_of(app.get_as(&admin, "/admin/users?q=staff&page=99").await).await;
    assert!(page.contains("Showing 101 to 120 of 120 people"), "{page}");

    let manager = app.session_for(&world.manager_a).await;
    let page = body_of(app.get_as(&manager, "/reports/completion?page=2").await).await;
    assert!(page.contains("Showing 51 to 100 of 124 people"), "{page}");
    assert!(
        page.contains("Staff 047") && !page.contains("Staff 046"),
        "{page}"
    );

    // The JSON twins keep returning everyone unless a page is asked for.
    let (_, all) = app
        .get_json_as(&manager, "/api/v1/reports/completion")
        .await;
    assert_eq!(all["staff"].as_array().unwrap().len(), 124);
    assert_eq!(all["total"], 124);
    let (_, second) = app
        .get_json_as(&manager, "/api/v1/reports/completion?page=3")
        .await;
    assert_eq!(second["staff"].as_array().unwrap().len(), 24);
    assert_eq!(second["page"], 3);
}

#[rocket::async_test]
async fn lists_sort_by_the_column_chosen_either_way() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let ids = given_staff(&app, world.org_a, 3).await;
    let admin = admin_of(&app, &world).await;

    let body = people_json(&app, &admin, "q=staff&sort=employee_number&order=desc").await;
    assert_eq!(
        names(&body, "users", "employee_number"),
        ["E003", "E002", "E001"]
    );
    let body = people_json(&app, &admin, "q=staff&sort=name").await;
    assert_eq!(
        names(&body, "users", "display_name"),
        ["Staff 001", "Staff 002", "Staff 003"]
    );
    let page = unescaped(
        body_of(
            app.get_as(&admin, "/admin/users?sort=employee_number")
                .await,
        )
        .await,
    );
    assert!(
        page.contains("aria-sort=\"ascending\"><a class=\"nhsuk-link\" href=\"/admin/users?sort=employee_number&amp;order=desc\">Employee number"),
        "the sorted column says so and its link sorts the other way: {page}"
    );
    assert!(page.contains("aria-sort=\"none\"><a class=\"nhsuk-link\" href=\"/admin/users\">Name"));

    // The completion view sorts by the day of the baseline: not done first, then by date.
    let baseline = assessment::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.slug == "baseline")
        .expect("the content has a baseline");
    let day = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 9, 30, 0).unwrap();
    for (user, at) in [(ids[0], day(20)), (ids[2], day(3))] {
        attempt::ActiveModel {
            user_id: Set(user),
            assessment_id: Set(baseline.id),
            phase: Set(genomics_training::assessment::Phase::Baseline),
            status: Set(genomics_training::assessment::AttemptStatus::Submitted),
            started_at: Set(at - Duration::minutes(20)),
            submitted_at: Set(Some(at)),
            organisation_id: Set(Some(world.org_a)),
            is_reported: Set(false),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("attempt");
    }
    let manager = app.session_for(&world.manager_a).await;
    let completion = |query: &'static str| {
        let app = &app;
        let manager = &manager;
        async move {
            let (status, body) = app
                .get_json_as(
                    manager,
                    &format!("/api/v1/reports/completion?q=staff&{query}"),
                )
                .await;
            assert_eq!(status, Status::Ok, "{body}");
            names(&body, "staff", "name")
        }
    };
    assert_eq!(
        completion("sort=baseline").await,
        ["Staff 002", "Staff 003", "Staff 001"]
    );
    assert_eq!(
        completion("sort=baseline&order=desc").await,
        ["Staff 001", "Staff 003", "Staff 002"]
    );
    assert_eq!(
        completion("sort=employee_number&order=desc").await,
        ["Staff 003", "Staff 002", "Staff 001"]
    );
}

#[rocket::async_test]
async fn bad_list_parameters_are_refused_with_a_message() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let admin = admin_of(&app, &world).await;
    let manager = app.session_for(&world.manager_a).await;
    for (session, path) in [
        (&admin, "/admin/users"),
        (&admin, "/api/v1/admin/users"),
        (&manager, "/reports/completion"),
        (&manager, "/api/v1/reports/completion"),
    ] {
        for (query, message) in [
            ("page=abc", "Page must be a whole number"),
            ("page=0", "Page must be a whole number"),
            ("page=-2", "Page must be a whole number"),
            (
                "page=99999999999999999999999",
                "Page must be a whole number",
            ),
            (
                "sort=password_hash",
                "Sort must be one of: name, employee_number, job_role",
            ),
            ("order=sideways", "Order must be asc or desc"),
        ] {
            let response = app.get_as(session, &format!("{path}?{query}")).await;
            assert_eq!(response.status(), Status::BadRequest, "{path}?{query}");
            let body = body_of(response).await;
            assert!(body.contains(message), "{path}?{query}: {body}");
        }
        let long = "x".repeat(101);
        let response = app.get_as(session, &format!("{path}?q={long}")).await;
        assert_eq!(response.status(), Status::BadRequest, "{path}: long search");
        let response = app.get_as(session, &format!("{path}?page=1000000")).await;
        assert_eq!(response.status(), Status::Ok, "{path}: a page past the end");
    }
    // Only the completion view sorts by the baseline.
    let response = app.get_as(&admin, "/admin/users?sort=baseline").await;
    assert_eq!(response.status(), Status::BadRequest);
}

#[rocket::async_test]
async fn two_people_with_the_same_name_are_told_apart_by_employee_number() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let role = receptionist(&app).await;
    for (employee, email) in [
        ("E4711", "sam.jones1@a.nhs.uk"),
        ("E9020", "sam.jones2@a.nhs.uk"),
    ] {
        given_person(&app, world.org_a, role, "Sam Jones", employee, email).await;
    }
    let admin = admin_of(&app, &world).await;
    let page = body_of(app.get_as(&admin, "/admin/users?q=sam%20jones").await).await;
    assert!(page.contains("E4711") && page.contains("E9020"), "{page}");
    assert!(page.contains("Employee number"));

    let manager = app.session_for(&world.manager_a).await;
    let page = body_of(
        app.get_as(&manager, "/reports/completion?q=sam%20jones")
            .await,
    )
    .await;
    assert!(page.contains("E4711") && page.contains("E9020"), "{page}");
    let (_, body) = app
        .get_json_as(&manager, "/api/v1/reports/completion?q=sam")
        .await;
    assert_eq!(names(&body, "staff", "employee_number"), ["E4711", "E9020"]);
}
