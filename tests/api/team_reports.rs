//! The team level of the reports (docs/managers.md, "Teams"), against a case worked by hand.
//! Trust RA1 has healthcare assistants, Band 3, in Ward 1 (10 of them), Ward 2 (3) and no team
//! (11). With batches of 8:
//!
//! 1. Ward 2's 3 sit the baseline (1 of 3 right: knowledge 33.3). Ward 2 has fewer than 8
//!    people in the role and band group, so they wait for the organisation: nothing shows.
//! 2. Ward 1's first 7 sit (all right: 100). Ward 1 could gather 8, so they wait for the team.
//! 3. Ward 1's 8th sits: Ward 1's 8 are released as the team's. RA1 shows n 8, knowledge 100;
//!    Ward 1 shows the same 8.
//! 4. 5 without a team sit (2 right: 66.7): with Ward 2's 3 they make 8, released as the
//!    organisation's. RA1: n 16, knowledge (8 × 100 + 3 × 33.33 + 5 × 66.67) / 16 = 77.08;
//!    Ward 1 still 8; Ward 2 has no figures of its own.
//! 5. Ward 1's last 2 sit and wait. A month later they may join the organisation's release:
//!    6 more without a team make it 8. RA1: n 24, knowledge (10 × 100 + 3 × 33.33 + 11 × 66.67)
//!    / 24 = 76.39; Ward 1 still 8.
//!
//! At every step RA1 minus Ward 1 is 0 or at least 8 people, and `verify` is clean.

use genomics_training::accounts::{teams, users};
use genomics_training::assessment::answer::Sureness::High;
use genomics_training::entities::team;
use genomics_training::reports::{GapQuery, Scope, gap_report};
use rocket::http::Status;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, ExprTrait, Set};

use crate::helpers::{assert_aggregates_consistent, body_of, spawn_app};
use crate::reports_cli::run_cli;
use crate::reports_support::{close, learner, org_id, shown, sit, sitting};

const SAMPLES: &str = "samples";
const TOTAL: &str = "All staff in scope";

async fn new_team(db: &DatabaseConnection, organisation: i64, name: &str) -> i64 {
    team::ActiveModel {
        organisation_id: Set(organisation),
        name: Set(name.into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("team")
    .id
}

/// `count` healthcare assistants of RA1, Band 3, in `team` (if any); not yet sat.
async fn people(db: &DatabaseConnection, label: &str, team: Option<i64>, count: usize) -> Vec<i64> {
    let mut out = Vec::new();
    for i in 0..count {
        let email = format!("hca-{label}-{i}@nhs.test");
        let user = learner(db, &email, "RA1", "healthcare-assistant", "Band 3").await;
        db.execute(
            &Query::update()
                .table(Alias::new("job_assignments"))
                .value(Alias::new("team_id"), team)
                .and_where(Expr::col(Alias::new("user_id")).eq(user))
                .take(),
        )
        .await
        .expect("team set");
        out.push(user);
    }
    out
}

async fn sit_all(db: &DatabaseConnection, users: &[i64], right: usize) {
    for &user in users {
        sit(db, user, "baseline", sitting(right, High, 3)).await;
    }
}

/// (n, knowledge) of the samples topic for all staff, in RA1 or in one team of it.
async fn figures(db: &DatabaseConnection, org: i64, team: Option<i64>) -> (u64, Option<f64>) {
    let mut query = GapQuery::new(Scope::AllOrganisations);
    query.organisation = Some(org);
    query.team = team;
    let report = gap_report(db, &query, 8).await.expect("report");
    let m = shown(&report, TOTAL, SAMPLES);
    (m.n, m.knowledge)
}

/// RA1's figure and Ward 1's may differ by 0 or by at least 8 people, never by fewer.
fn apart(whole: u64, ward: u64) {
    let difference = whole - ward;
    assert!(difference == 0 || difference >= 8, "{whole} − {ward}");
}

#[rocket::async_test]
async fn teams_get_their_own_releases_and_the_organisation_keeps_everyone() {
    let app = spawn_app().await;
    let db = app.db();
    let probe = learner(
        db,
        "probe@nhs.test",
        "RA1",
        "healthcare-assistant",
        "Band 3",
    )
    .await;
    let ra1 = org_id(db, "RA1").await;
    // The probe only makes RA1 exist; moved out of the role so it counts nowhere.
    db.execute(
        &Query::delete()
            .from_table(Alias::new("job_assignments"))
            .and_where(Expr::col(Alias::new("user_id")).eq(probe))
            .take(),
    )
    .await
    .unwrap();
    let ward_1 = new_team(db, ra1, "Ward 1").await;
    let ward_2 = new_team(db, ra1, "Ward 2").await;
    let in_ward_1 = people(db, "w1", Some(ward_1), 10).await;
    let in_ward_2 = people(db, "w2", Some(ward_2), 3).await;
    let no_team = people(db, "none", None, 11).await;

    sit_all(db, &in_ward_2, 1).await;
    sit_all(db, &in_ward_1[..7], 3).await;
    assert_eq!(figures(db, ra1, None).await.0, 0, "nothing has 8 yet");

    sit_all(db, &in_ward_1[7..8], 3).await;
    let (whole, knowledge) = figures(db, ra1, None).await;
    assert_eq!(whole, 8);
    close(knowledge, 100.0);
    assert_eq!(figures(db, ra1, Some(ward_1)).await, (8, Some(100.0)));
    assert_eq!(figures(db, ra1, Some(ward_2)).await.0, 0);

    sit_all(db, &no_team[..5], 2).await;
    let (whole, knowledge) = figures(db, ra1, None).await;
    assert_eq!(whole, 16);
    // (8 × 100 + 3 × 33.333 + 5 × 66.667) / 16 = 77.083, published whole: 77.
    close(knowledge, 77.0);
    assert_eq!(figures(db, ra1, Some(ward_1)).await.0, 8);
    assert_eq!(
        figures(db, ra1, Some(ward_2)).await.0,
        0,
        "released as RA1's"
    );
    apart(whole, 8);

    sit_all(db, &in_ward_1[8..], 3).await;
    assert_eq!(figures(db, ra1, None).await.0, 16, "Ward 1's last 2 wait");
    // A month passes: Ward 1's waiting rows began waiting last month.
    db.execute_unprepared(
        "UPDATE report_pending SET waiting_since = '2000-01' WHERE team_id <> 0 AND n_changes > 0",
    )
    .await
    .unwrap();
    sit_all(db, &no_team[5..10], 2).await;
    assert_eq!(figures(db, ra1, None).await.0, 16, "2 + 5 is not 8");
    sit_all(db, &no_team[10..], 2).await;
    let (whole, knowledge) = figures(db, ra1, None).await;
    assert_eq!(whole, 24);
    // (10 × 100 + 3 × 33.333 + 11 × 66.667) / 24 = 76.389: 76.
    close(knowledge, 76.0);
    assert_eq!(figures(db, ra1, Some(ward_1)).await.0, 8);
    apart(whole, 8);
    assert_aggregates_consistent(&app).await;

    // The command line names the team by its name, any case.
    let out = run_cli(
        &app,
        &[
            "report", "gaps", "--org", "RA1", "--team", " ward  1", "--format", "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ns: Vec<u64> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "total" && r["topic"] == SAMPLES)
        .filter_map(|r| r["n"].as_u64())
        .collect();
    assert_eq!(ns, [8], "{json}");
    let out = run_cli(
        &app,
        &["report", "gaps", "--org", "RA1", "--team", "Ward 7"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Ward 7"));
}

/// Who may ask for a team: a manager of its whole organisation, or one limited to it; anyone
/// else gets "not found". A manager limited to Ward 1 sees Ward 1's own figures only.
#[rocket::async_test]
async fn team_figures_follow_the_manager_scope() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    let ward_1 = new_team(db, world.org_a, "Ward 1").await;
    let ward_2 = new_team(db, world.org_a, "Ward 2").await;
    let elsewhere = new_team(db, world.org_b, "Ward 9").await;
    let in_ward_1 = people(db, "scope", Some(ward_1), 8).await;
    let ra1 = org_id(db, "RA1").await;
    assert_eq!(ra1, world.org_a);
    sit_all(db, &in_ward_1, 3).await;

    let manager = app.session_for(&world.manager_a).await;
    let gaps = |query: String| format!("/api/v1/reports/gaps?{query}");
    let total_n = |body: &serde_json::Value| {
        body["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["level"] == "total")
            .filter_map(|r| r["n"].as_u64())
            .max()
            .unwrap_or(0)
    };
    let (status, body) = app
        .get_json_as(&manager, &gaps(format!("team={ward_1}")))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(total_n(&body), 8, "{body}");
    for refused in [
        format!("team={elsewhere}"),
        "team=987654".to_owned(),
        format!("team={ward_1}&organisation={}", world.org_b),
    ] {
        let (status, _) = app.get_json_as(&manager, &gaps(refused.clone())).await;
        assert_eq!(status, Status::NotFound, "{refused}");
    }
    let (status, _) = app.get_json_as(&manager, &gaps("team=x".into())).await;
    assert_eq!(status, Status::BadRequest);
    // An admin with no organisation chosen is offered no teams, yet sees the problem beside
    // the field.
    let admin = app.session_for(&world.admin).await;
    let refused = app.get_as(&admin, "/reports?team=x").await;
    assert_eq!(refused.status(), Status::BadRequest);
    let refused = body_of(refused).await;
    assert!(
        refused.contains("href=\"#team\"") && refused.contains("id=\"team\""),
        "the problem is shown beside a team field the summary links to"
    );
    let page = body_of(
        app.get_as(&manager, &format!("/reports?organisation={}", world.org_a))
            .await,
    )
    .await;
    assert!(
        page.contains("<label class=\"nhsuk-label\" for=\"team\">Team</label>")
            && page.contains(">Ward 1 (RA1)</option>")
            && !page.contains("Ward 2 (RA1)"),
        "Ward 1 has figures of its own; Ward 2 none"
    );

    let admin = users::account(db, world.admin.id)
        .await
        .expect("read")
        .expect("admin");
    teams::set_manager_teams(db, &admin, None, world.manager_a.id.into(), vec![ward_1])
        .await
        .expect("set");
    let limited = app.session_for(&world.manager_a).await;
    let (status, body) = app.get_json_as(&limited, &gaps(String::new())).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(total_n(&body), 8, "their team's own figures: {body}");
    let (_, body) = app
        .get_json_as(&limited, &gaps(format!("organisation={}", world.org_a)))
        .await;
    assert_eq!(total_n(&body), 8, "RA1 means their teams in it");
    for refused in [
        format!("team={ward_2}"),
        format!("organisation={}", world.org_b),
    ] {
        let (status, _) = app.get_json_as(&limited, &gaps(refused.clone())).await;
        assert_eq!(status, Status::NotFound, "{refused}");
    }
}
