//! The people import's optional team column (issue 24 point 2): teams are found or made per
//! organisation, a change of team is a change of job, a file without the column leaves teams
//! alone, and bad team values are reported by line with nothing imported.

use genomics_training::entities::{job_assignment, team};
use rocket::http::{Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{Session, TestApp, spawn_app};
use crate::import::{HEADER, given_import_setup};

const ROLE: &str = "administrative-and-clerical,receptionist,3";

async fn import(app: &TestApp, admin: &Session, csv: &str) -> (Status, serde_json::Value) {
    app.send_json_as(
        admin,
        Method::Post,
        "/api/v1/admin/users/import",
        json!({ "csv": csv }),
    )
    .await
}

/// The team names of each person's current job, by employee number order.
async fn current_teams(app: &TestApp) -> Vec<Option<String>> {
    let teams = team::Entity::find().all(app.db()).await.expect("teams");
    job_assignment::Entity::find()
        .filter(job_assignment::Column::EndedAt.is_null())
        .order_by_asc(job_assignment::Column::UserId)
        .all(app.db())
        .await
        .expect("jobs")
        .into_iter()
        .map(|job| {
            job.team_id
                .and_then(|id| teams.iter().find(|t| t.id == id))
                .map(|t| t.name.clone())
        })
        .collect()
}

#[rocket::async_test]
async fn the_esr_organisation_column_puts_people_in_teams_and_moves_keep_history() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    // ESR calls the unit within the trust "Organisation"; spacing and case do not make a new team.
    let first = format!(
        "{HEADER},Organisation\n1001,ann@example.nhs.uk,Ann,RX1,{ROLE},Ward 5\n\
         1002,bea@example.nhs.uk,Bea,RX1,{ROLE},  ward   5 \n\
         1003,cal@example.nhs.uk,Cal,RX1,{ROLE},\n"
    );
    let (status, report) = import(&app, &admin, &first).await;
    assert_eq!(status, Status::Ok, "{report}");
    assert_eq!(report["new_teams"], 1);
    assert_eq!(
        current_teams(&app).await,
        vec![Some("Ward 5".to_owned()), Some("Ward 5".to_owned()), None]
    );

    // Ann moves to Ward 6: a new job, the old one ended.
    let moved = format!(
        "{HEADER},team\n1001,ann@example.nhs.uk,Ann,RX1,{ROLE},Ward 6\n\
         1002,bea@example.nhs.uk,Bea,RX1,{ROLE},Ward 5\n\
         1003,cal@example.nhs.uk,Cal,RX1,{ROLE},\n"
    );
    let (_, report) = import(&app, &admin, &moved).await;
    assert_eq!(report["new_teams"], 1, "{report}");
    assert_eq!(report["new_job_assignments"], 1);
    assert_eq!(report["unchanged"], 2);
    let jobs = job_assignment::Entity::find()
        .all(app.db())
        .await
        .expect("jobs");
    assert_eq!(jobs.len(), 4, "Ann's Ward 5 job is kept, ended");

    // A file without the column leaves everyone's team as it is.
    let plain = format!("{HEADER}\n1001,ann@example.nhs.uk,Ann,RX1,{ROLE}\n");
    let (_, report) = import(&app, &admin, &plain).await;
    assert_eq!(report["unchanged"], 1, "{report}");
    assert_eq!(
        current_teams(&app).await,
        vec![Some("Ward 6".to_owned()), Some("Ward 5".to_owned()), None]
    );
}

#[rocket::async_test]
async fn bad_team_values_are_reported_by_line_and_nothing_is_imported() {
    let app = spawn_app().await;
    let admin = given_import_setup(&app).await;
    let long = "W".repeat(101);
    let csv = format!(
        "{HEADER},team\n1001,ann@example.nhs.uk,Ann,RX1,{ROLE},Ward 5\n\
         1002,bea@example.nhs.uk,Bea,RX1,{ROLE},{long}\n\
         1003,cal@example.nhs.uk,Cal,RX1,{ROLE},Ward\u{7}9\n"
    );
    let (status, body) = import(&app, &admin, &csv).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let problems: Vec<(u64, String)> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap_or(0),
                p["problem"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "team is longer than 100 characters".to_owned()),
            (4, "team contains a control character".to_owned()),
        ]
    );
    assert!(
        team::Entity::find()
            .all(app.db())
            .await
            .expect("teams")
            .is_empty()
    );
    assert!(
        job_assignment::Entity::find()
            .all(app.db())
            .await
            .expect("jobs")
            .is_empty()
    );

    let twice = format!("{HEADER},team,org_unit\n1001,ann@example.nhs.uk,Ann,RX1,{ROLE},A,B\n");
    let (status, body) = import(&app, &admin, &twice).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(body["problems"][0]["line"], 1);
    assert!(
        body.to_string()
            .contains("more than one column (team, org_unit)")
    );
}
