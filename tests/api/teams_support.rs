//! A trust with two wards, for the team tests: people imported into "Ward A" and "Ward B" of
//! RX1, and a line manager of RX1 whom the admin limits to Ward A.

use std::collections::HashMap;

use rocket::http::{Method, Status};
use serde_json::json;

use crate::helpers::{Grant, Session, TestApp, TestUser};
use crate::import::{HEADER, given_import_setup};

pub struct Wards {
    pub admin: Session,
    pub ward_a: i64,
    pub ward_b: i64,
    /// Imported people's ids by employee number (2001, 2002 in Ward A; 2003 in Ward B).
    pub people: HashMap<String, i64>,
    pub lead: TestUser,
}

/// Imports `csv` (after the header, with a `team` column) as the admin.
pub async fn import_with_teams(app: &TestApp, admin: &Session, rows: &str) -> serde_json::Value {
    let (status, report) = app
        .send_json_as(
            admin,
            Method::Post,
            "/api/v1/admin/users/import",
            json!({ "csv": format!("{HEADER},team\n{rows}") }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{report}");
    report
}

/// The two wards, their people and a manager of RX1 not yet limited to a team.
pub async fn given_two_wards(app: &TestApp) -> Wards {
    let admin = given_import_setup(app).await;
    let role = "administrative-and-clerical,receptionist,3";
    import_with_teams(
        app,
        &admin,
        &format!(
            "2001,a1@example.nhs.uk,Ann Ward-A,RX1,{role},Ward A\n\
             2002,a2@example.nhs.uk,Amy Ward-A,RX1,{role},Ward A\n\
             2003,b1@example.nhs.uk,Bob Ward-B,RX1,{role},Ward B\n"
        ),
    )
    .await;
    let (_, listed) = app.get_json_as(&admin, "/api/v1/admin/users").await;
    let people = listed["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| Some((u["employee_number"].as_str()?.to_owned(), u["id"].as_i64()?)))
        .collect();
    let rx1 = app
        .get_json_as(&admin, "/api/v1/admin/organisations")
        .await
        .1["organisations"][0]["id"]
        .as_i64()
        .expect("RX1");
    let lead = app
        .given_user(
            "lead@example.nhs.uk",
            Grant {
                manager_of: vec![rx1],
                works_in: Some(rx1),
                ..Grant::default()
            },
        )
        .await;
    let (_, teams) = app
        .get_json_as(&admin, &format!("/api/v1/admin/users/{}/teams", lead.id))
        .await;
    let team = |name: &str| {
        teams["teams"]
            .as_array()
            .expect("teams")
            .iter()
            .find(|t| t["name"] == name)
            .and_then(|t| t["id"].as_i64())
            .expect("team")
    };
    Wards {
        ward_a: team("Ward A"),
        ward_b: team("Ward B"),
        admin,
        people,
        lead,
    }
}

/// Limits the lead to Ward A through the admin's page.
pub async fn limit_lead_to_ward_a(app: &TestApp, wards: &Wards) {
    let saved = app
        .post_form_as(
            &wards.admin,
            &format!("/admin/users/{}/teams", wards.lead.id),
            &[("team_ids", &wards.ward_a.to_string())],
        )
        .await;
    assert_eq!(saved.status(), Status::SeeOther);
}
