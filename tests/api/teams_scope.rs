//! A line manager limited by an admin to one team sees only that team's people, in the people
//! list, a person's page and the completion view; the admin's page and its JSON twin set the
//! teams, with CSRF and an audit entry.

use genomics_training::accounts::{teams, users};
use genomics_training::assessment::answer::Sureness::High;
use genomics_training::entities::team;
use rocket::http::{Method, Status};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::helpers::{body_of, spawn_app};
use crate::reports_support::{group, sitting};
use crate::teams_support::{given_two_wards, limit_lead_to_ward_a};

fn employee_numbers(list: &serde_json::Value, key: &str) -> Vec<String> {
    let mut numbers: Vec<String> = list[key]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["employee_number"].as_str().map(str::to_owned))
        .collect();
    numbers.sort();
    numbers
}

#[rocket::async_test]
async fn a_manager_limited_to_a_team_sees_only_that_team() {
    let app = spawn_app().await;
    let wards = given_two_wards(&app).await;
    let before = app.session_for(&wards.lead).await;
    let (_, whole) = app.get_json_as(&before, "/api/v1/admin/users").await;
    assert_eq!(employee_numbers(&whole, "users"), ["2001", "2002", "2003"]);

    let forged = app
        .post_raw_form(
            &wards.admin,
            &format!("/admin/users/{}/teams", wards.lead.id),
            &[("team_ids", &wards.ward_a.to_string())],
        )
        .await;
    assert_eq!(forged.status(), Status::Forbidden, "no CSRF token");
    limit_lead_to_ward_a(&app, &wards).await;
    let page = body_of(
        app.get_as(
            &wards.admin,
            &format!("/admin/users/{}/teams", wards.lead.id),
        )
        .await,
    )
    .await;
    let ticked = format!("value=\"{}\" checked", wards.ward_a);
    assert!(
        page.contains(&ticked) && page.contains("csrf_token"),
        "{page}"
    );
    assert!(
        !app.is_signed_in(&before).await,
        "the new scope applies at once"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"manager_teams_changed".to_owned())
    );

    let lead = app.session_for(&wards.lead).await;
    let (_, listed) = app.get_json_as(&lead, "/api/v1/admin/users").await;
    assert_eq!(employee_numbers(&listed, "users"), ["2001", "2002"]);
    let (status, _) = app
        .get_json_as(
            &lead,
            &format!("/api/v1/admin/users/{}", wards.people["2003"]),
        )
        .await;
    assert_eq!(status, Status::NotFound, "Ward B is not theirs");
    let (status, _) = app
        .get_json_as(
            &lead,
            &format!("/api/v1/admin/users/{}", wards.people["2001"]),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let (status, staff) = app.get_json_as(&lead, "/api/v1/reports/completion").await;
    assert_eq!(status, Status::Ok, "{staff}");
    assert_eq!(employee_numbers(&staff, "staff"), ["2001", "2002"]);
    let (_, me) = app.get_json_as(&lead, "/api/v1/me").await;
    assert_eq!(me["manager_teams"][0]["team_id"], wards.ward_a, "{me}");
}

#[rocket::async_test]
async fn the_json_twin_sets_the_whole_set_of_teams_and_refuses_unknown_ones() {
    let app = spawn_app().await;
    let wards = given_two_wards(&app).await;
    let path = format!("/api/v1/admin/users/{}/teams", wards.lead.id);
    let (status, set) = app
        .send_json_as(
            &wards.admin,
            Method::Put,
            &path,
            json!({ "team_ids": [wards.ward_b, wards.ward_a, wards.ward_a] }),
        )
        .await;
    assert_eq!(status, Status::Ok, "{set}");
    let mut expected = vec![wards.ward_a, wards.ward_b];
    expected.sort_unstable();
    assert_eq!(set["team_ids"], json!(expected));

    let (status, body) = app
        .send_json_as(
            &wards.admin,
            Method::Put,
            &path,
            json!({ "team_ids": [987_654] }),
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.to_string().contains("Choose teams from the list"));
    let (_, kept) = app.get_json_as(&wards.admin, &path).await;
    assert_eq!(
        kept["team_ids"],
        json!(expected),
        "a refused change changes nothing"
    );

    let (status, cleared) = app
        .send_json_as(&wards.admin, Method::Put, &path, json!({ "team_ids": [] }))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(cleared["team_ids"], json!([]));
    let lead = app.session_for(&wards.lead).await;
    let (_, listed) = app.get_json_as(&lead, "/api/v1/admin/users").await;
    assert_eq!(
        employee_numbers(&listed, "users"),
        ["2001", "2002", "2003"],
        "without teams, the whole organisation again"
    );
}

/// How many rows of the gap report's JSON carry a published figure.
fn rows_with_people(gaps: &serde_json::Value) -> usize {
    gaps["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["n"].as_u64().is_some_and(|n| n > 0))
        .count()
}

/// A manager limited to a team of an organisation gets none of the organisation's figures,
/// which would describe people outside the team (and, beside the team's figures, the rest of
/// the organisation by subtraction); choosing the organisation means their teams in it.
#[rocket::async_test]
async fn a_manager_limited_to_a_team_gets_no_organisation_wide_figures() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    group(
        db,
        "RA1",
        "healthcare-assistant",
        "Band 3",
        8,
        sitting(1, High, 4),
    )
    .await;
    let manager = app.session_for(&world.manager_a).await;
    let (_, whole) = app.get_json_as(&manager, "/api/v1/reports/gaps").await;
    assert!(rows_with_people(&whole) > 0, "{whole}");

    let ward = team::ActiveModel {
        organisation_id: Set(world.org_a),
        name: Set("Ward 1".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("team");
    let admin = users::account(db, world.admin.id)
        .await
        .expect("read")
        .expect("admin");
    teams::set_manager_teams(db, &admin, None, world.manager_a.id.into(), vec![ward.id])
        .await
        .expect("set");
    let manager = app.session_for(&world.manager_a).await;
    let (status, limited) = app.get_json_as(&manager, "/api/v1/reports/gaps").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(rows_with_people(&limited), 0, "{limited}");
    assert_eq!(app.get_as(&manager, "/reports").await.status(), Status::Ok);
    let (status, mine) = app
        .get_json_as(
            &manager,
            &format!("/api/v1/reports/gaps?organisation={}", world.org_a),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        rows_with_people(&mine),
        0,
        "their team has no figures: {mine}"
    );
    let (status, _) = app
        .get_json_as(
            &manager,
            &format!("/api/v1/reports/gaps?organisation={}", world.org_b),
        )
        .await;
    assert_eq!(status, Status::NotFound);
}
